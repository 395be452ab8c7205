/**
 * What the bench loads, in the order it runs: three servers, five loads. (a) and (b) are the references; (c), (d)
 * and (e) are three operations of the gateway, run one after the other against one gateway child (one embedded
 * PostgreSQL, one seeded ticket history). The read (c) is also the request of the two-instance load, of the call
 * on a resumed TLS session and of the cold start's readiness check; TLS_SERVER is the handshake reference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadTarget } from './load.js';
import type { BenchFixtures } from './seed.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SIG = 'http://esav.bfc-fibre.fr/signalisation/v2';
const XML_TYPE = 'text/xml; charset=utf-8';
const ECHO_TEXT = 'SIG-2026-5000003';

const envelope = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP11_ENV}"><env:Body>${body}</env:Body></env:Envelope>`;

const stateRead = (reference: string): string =>
  envelope(`<s:ConsultationEtatRequete xmlns:s="${SIG}"><s:referenceSignalisation>${reference}</s:referenceSignalisation></s:ConsultationEtatRequete>`);

/**
 * The FTTH v2 form of the catalogue's complete example: what an operator's system files. Its testPrealable names no
 * test of the bench's database, and a filing's prior test is checked since issue 17: the bench files the same form
 * with a fault that needs no prior test (a loss of signal), and without that one field.
 */
const FTTH_FORM = readFileSync(path.join(ROOT, 'catalog', 'forms', 'ftth', 'v2', 'examples', 'valid-complet.xml'), 'utf8')
  .replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').replace(/\s*<testPrealable>[^<]*<\/testPrealable>/, '')
  .replace('<typeDefaut>AFFAIBLISSEMENT</typeDefaut>', '<typeDefaut>PERTE_SIGNAL</typeDefaut>').trim();

const filing = (operatorReference: string): string =>
  envelope(`<s:DepotSignalisationRequete xmlns:s="${SIG}"><s:identifiantPrestation>FTTH-21-0000001</s:identifiantPrestation>`
    + `<s:referenceOperateur>${operatorReference}</s:referenceOperateur><s:formulaire>${FTTH_FORM}</s:formulaire></s:DepotSignalisationRequete>`);

/** One day's tickets of the last 90 days (about 220 of OPA's), first page of 20: "what was filed on day D". */
function dayWindow(daysAgo: number): { from: string; to: string } {
  const day = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` };
}
const search = (daysAgo: number): string => {
  const w = dayWindow(daysAgo);
  return envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG}"><s:dateDebut>${w.from}</s:dateDebut><s:dateFin>${w.to}</s:dateFin></s:RechercheSignalisationsRequete>`);
};

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

export type ServerId = 'ceiling' | 'peer' | 'gateway' | 'tls';
export type LoadId = 'ceiling' | 'peer' | 'read' | 'filing' | 'search';

export interface ServerDefinition {
  readonly id: ServerId;
  readonly script: string;
  readonly starting: string;
}

export interface LoadDefinition {
  readonly id: LoadId;
  /** The letter of the list: a, b, c, d, e. */
  readonly letter: string;
  readonly label: string;
  readonly server: ServerId;
  /** The request of this load, given the origin the child listens on and what the child seeded. */
  request(origin: string, fixtures: BenchFixtures | undefined): LoadTarget;
}

export const SERVERS: readonly ServerDefinition[] = [
  { id: 'ceiling', script: path.join(HERE, 'server-ceiling.ts'), starting: 'bare Fastify' },
  { id: 'peer', script: path.join(HERE, 'server-soap.ts'), starting: 'soap package server' },
  { id: 'gateway', script: path.join(HERE, 'server-gateway.ts'), starting: 'embedded PostgreSQL, migrations, demo data, ticket history' }
];

/** The handshake reference (h1): a bare Node https server with the gateway's TLS options. */
export const TLS_SERVER: ServerDefinition = { id: 'tls', script: path.join(HERE, 'server-tls.ts'), starting: 'bare Node https' };

const signalisation = (origin: string, operation: string) => ({
  origin, path: '/esav/signalisation/v2',
  headers: { 'content-type': XML_TYPE, soapaction: `"${SIG}/${operation}"` }
});

function needFixtures(f: BenchFixtures | undefined): BenchFixtures {
  if (!f || f.openReferences.length === 0) throw new Error('the gateway child reported no seeded tickets');
  return f;
}

let filed = 0;
const RUN = Date.now().toString(36).toUpperCase();

export const LOADS: readonly LoadDefinition[] = [
  {
    id: 'ceiling', letter: 'a', label: '(a) ceiling: bare Fastify, fixed reply', server: 'ceiling',
    request: (origin) => ({
      origin, path: '/soap', body: () => stateRead('SIG-2026-5000003'),
      headers: { 'content-type': XML_TYPE, soapaction: `"${SIG}/consultationEtat"` },
      check: (status, body) => status === 200 && body.includes('<etat>EN_COURS</etat>')
    })
  },
  {
    id: 'peer', letter: 'b', label: '(b) peer: soap package server, echo', server: 'peer',
    request: (origin) => ({
      origin, path: '/echo',
      body: () => envelope(`<e:EchoRequete xmlns:e="urn:bench:echo"><e:texte>${ECHO_TEXT}</e:texte></e:EchoRequete>`),
      headers: { 'content-type': XML_TYPE, soapaction: '"urn:bench:echo#echo"' },
      check: (status, body) => status === 200 && body.includes(`>${ECHO_TEXT}</`) && body.includes('EchoReponse')
    })
  },
  {
    id: 'read', letter: 'c', label: '(c) gateway: ticket state (consultationEtat)', server: 'gateway',
    request: (origin, f) => {
      const refs = needFixtures(f).openReferences;
      return {
        ...signalisation(origin, 'consultationEtat'), body: () => stateRead(pick(refs)),
        check: (status, body) => status === 200 && body.includes('<etat>EN_COURS</etat>')
      };
    }
  },
  {
    id: 'filing', letter: 'd', label: '(d) gateway: ticket filing (depotSignalisation)', server: 'gateway',
    request: (origin) => ({
      ...signalisation(origin, 'depotSignalisation'), body: () => filing(`BENCH-${RUN}-${++filed}`),
      check: (status, body) => status === 200 && body.includes('<etat>EN_DEPOT</etat>') && body.includes('<dejaDeposee>false<')
    })
  },
  {
    id: 'search', letter: 'e', label: '(e) gateway: history search (rechercheSignalisations)', server: 'gateway',
    request: (origin) => ({
      ...signalisation(origin, 'rechercheSignalisations'), body: () => search(1 + Math.floor(Math.random() * 88)),
      check: (status, body) => status === 200 && body.includes('<nombreTotal>') && body.includes('<signalisation>')
    })
  }
];
