/**
 * What the bench loads, in the order it runs: three servers, five loads. (a) and (b) are the references; (c), (d)
 * and (e) are three operations of the gateway, run one after the other against one gateway child (one embedded
 * PostgreSQL, one seeded ticket history). The read (c) is also the request of the two-instance load, of the call
 * on a resumed TLS session and of the cold start's readiness check; TLS_SERVER is the handshake reference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, run, type Pool } from '../../src/store/database.js';
import { declareNetworkEvent } from '../../src/store/network-event-store.js';
import { seedNetworkEventsForBench, seedNetworkForBench } from '../../src/store/network-seed.js';
import { operatorIdByCode } from '../../src/store/queries/operators.js';
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

export type ServerId = 'ceiling' | 'peer' | 'gateway' | 'tls' | 'soap-pg' | 'jaxws';
const RDV = 'http://esav.bfc-fibre.fr/rendezvous/v1';
const DAY_MS = 86_400_000;

/** A month (31 days) of the DIJON zone's SAV slots, from a day 1 to 58 days ahead: what an operator asks first. */
export function monthOfSlots(kind = 'SAV', fromDay = 1 + Math.floor(Math.random() * 58), days = 30): string {
  const from = new Date(Date.now() + fromDay * DAY_MS).toISOString().slice(0, 10);
  const to = new Date(Date.now() + (fromDay + days) * DAY_MS).toISOString().slice(0, 10);
  return envelope(`<r:RechercheCreneauxRequete xmlns:r="${RDV}"><r:typeRendezVous>${kind}</r:typeRendezVous><r:codeInsee>21231</r:codeInsee>`
    + `<r:debut>${from}T00:00:00Z</r:debut><r:fin>${to}T00:00:00Z</r:fin></r:RechercheCreneauxRequete>`);
}

export const rendezvous = (origin: string, operation: string) => ({
  origin, path: '/esav/rendezvous/v1', headers: { 'content-type': XML_TYPE, soapaction: `"${RDV}/${operation}"` }
});

export type LoadId = 'ceiling' | 'peer' | 'read' | 'filing' | 'filing-events' | 'filing-inside' | 'works' | 'search' | 'slots'
  | 'p1-read' | 'p1-filing' | 'p2-read' | 'p2-filing';
/** The same-work peers of issue 20, run on the gateway child's PostgreSQL right after the gateway's (c) and (d). */
export type PeerServerId = 'soap-pg' | 'jaxws';

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
  /**
   * Warmed until its throughput is stable (issue 20: a JIT, the JVM's above all, needs more than a fixed warm-up):
   * the loads that the same-work ratios compare.
   */
  readonly untilStable?: boolean;
  /** The request of this load, given the origin the child listens on and what the child seeded. */
  request(origin: string, fixtures: BenchFixtures | undefined): LoadTarget;
  /**
   * What the load needs in the gateway's database beyond the child's seed, written before its warm-up through a pool
   * of this process (the child's PostgreSQL); answers a line for the progress display.
   */
  prepare?(connectionString: string, smoke: boolean): Promise<string>;
}

/** The bench's network (issue 15): 100k prises on 2,500 PBOs of 100 PMs, an OPA service on every 4th, 1,000 open events. */
const NETWORK = { prefix: 'BENCH', pms: 100, pbosPerPm: 25, prisesPerPbo: 40, every: 4, events: 1000 } as const;
const SMOKE_NETWORK = { prefix: 'BENCH', pms: 2, pbosPerPm: 5, prisesPerPbo: 8, every: 4, events: 10 } as const;
/** The demo PBO of the filings' service (FTTH-21-0000001), where (g) declares an incident. */
const FILING_PBO = '21231-PBO-0042-117';

async function withPool<T>(connectionString: string, use: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ connectionString, poolSize: 2, statementTimeoutMs: 600_000 });
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

async function seedNetwork(connectionString: string, smoke: boolean): Promise<string> {
  const n = smoke ? SMOKE_NETWORK : NETWORK;
  return withPool(connectionString, async (pool) => {
    const [opa] = await run<{ id: string }>(pool, operatorIdByCode('OPA'));
    const prises = await seedNetworkForBench(pool, { prefix: n.prefix, pms: n.pms, pbosPerPm: n.pbosPerPm, prisesPerPbo: n.prisesPerPbo,
      services: { operatorId: String(opa!.id), every: n.every } }, new Date());
    const events = await seedNetworkEventsForBench(pool, n.prefix, n.events, new Date());
    return `${prises} prises, ${events} open events seeded`;
  });
}

/** The services behind the seeded events: those on the first n.events PBOs (n.prisesPerPbo prises each, one in n.every). */
function impactedBenchService(smoke: boolean): string {
  const n = smoke ? SMOKE_NETWORK : NETWORK;
  const k = 1 + Math.floor(Math.random() * ((n.events * n.prisesPerPbo) / n.every));
  return `${n.prefix}-${String(k * n.every).padStart(7, '0')}`;
}

const INFO_TRAVAUX = 'http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0';
const infoTravaux = (serviceId: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP11_ENV}" xmlns:v1="${INFO_TRAVAUX}"><env:Header>`
  + '<v1:InfoTravauxFTTHHeader><supplierID>BFC-FIBRE</supplierID><serviceProviderID>OPA</serviceProviderID></v1:InfoTravauxFTTHHeader></env:Header>'
  + `<env:Body><v1:getInfoTravauxFTTHRequest><referencePrestationPriseImpactee>${serviceId}</referencePrestationPriseImpactee>`
  + '</v1:getInfoTravauxFTTHRequest></env:Body></env:Envelope>';
let worksSmoke = false;

export const SERVERS: readonly ServerDefinition[] = [
  { id: 'ceiling', script: path.join(HERE, 'server-ceiling.ts'), starting: 'bare Fastify' },
  { id: 'peer', script: path.join(HERE, 'server-soap.ts'), starting: 'soap package server' },
  { id: 'gateway', script: path.join(HERE, 'server-gateway.ts'), starting: 'embedded PostgreSQL, migrations, demo data, ticket history' }
];

/** The same-work peers: started with the gateway child's connection string, right after the gateway's (c) and (d). */
export const PEER_SERVERS: readonly (ServerDefinition & { readonly id: PeerServerId })[] = [
  { id: 'soap-pg', script: path.join(HERE, 'server-soap-pg.ts'), starting: 'soap package server + pg pool on the gateway\'s PostgreSQL' },
  { id: 'jaxws', script: path.join(HERE, 'server-jaxws.ts'), starting: 'JAX-WS endpoint (JVM) + HikariCP on the gateway\'s PostgreSQL' }
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

/** The answers of the peers: their own serialisers choose the prefixes (elementFormDefault is qualified). */
const hasElement = (body: string, name: string, value: string): boolean => new RegExp(`<(?:[\\w.-]+:)?${name}>${value}</`).test(body);
const isStateOfOpenTicket = (status: number, body: string): boolean => status === 200 && hasElement(body, 'etat', 'EN_COURS');
const isNewFiling = (status: number, body: string): boolean =>
  status === 200 && hasElement(body, 'etat', 'EN_DEPOT') && hasElement(body, 'dejaDeposee', 'false') && /SIG-\d{4}-\d{7}/.test(body);

function peerLoads(server: PeerServerId, n: '1' | '2', what: string): LoadDefinition[] {
  return [
    {
      id: `p${n}-read` as LoadId, letter: `p${n}r`, label: `(p${n}) ${what}: ticket state (consultationEtat)`, server, untilStable: true,
      request: (origin, f) => {
        const refs = needFixtures(f).openReferences;
        return { ...signalisation(origin, 'consultationEtat'), body: () => stateRead(pick(refs)), check: isStateOfOpenTicket };
      }
    },
    {
      id: `p${n}-filing` as LoadId, letter: `p${n}f`, label: `(p${n}) ${what}: ticket filing (depotSignalisation)`, server, untilStable: true,
      request: (origin) => ({ ...signalisation(origin, 'depotSignalisation'), body: () => filing(`BENCH-${RUN}-P${n}-${++filed}`), check: isNewFiling })
    }
  ];
}
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
    id: 'read', letter: 'c', label: '(c) gateway: ticket state (consultationEtat)', server: 'gateway', untilStable: true,
    request: (origin, f) => {
      const refs = needFixtures(f).openReferences;
      return {
        ...signalisation(origin, 'consultationEtat'), body: () => stateRead(pick(refs)),
        check: (status, body) => status === 200 && body.includes('<etat>EN_COURS</etat>')
      };
    }
  },
  {
    id: 'filing', letter: 'd', label: '(d) gateway: ticket filing (depotSignalisation)', server: 'gateway', untilStable: true,
    request: (origin) => ({
      ...signalisation(origin, 'depotSignalisation'), body: () => filing(`BENCH-${RUN}-${++filed}`),
      check: (status, body) => status === 200 && body.includes('<etat>EN_DEPOT</etat>') && body.includes('<dejaDeposee>false<')
    })
  },
  {
    id: 'filing-events', letter: 'f', label: '(f) gateway: ticket filing (d) with 100k prises and 1,000 open planned works and incidents', server: 'gateway',
    prepare: seedNetwork,
    request: (origin) => ({
      ...signalisation(origin, 'depotSignalisation'), body: () => filing(`BENCH-${RUN}-${++filed}`),
      check: (status, body) => status === 200 && body.includes('<etat>EN_DEPOT</etat>') && body.includes('<dejaDeposee>false<')
    })
  },
  {
    id: 'filing-inside', letter: 'g', label: '(g) gateway: ticket filing (d) inside an open incident: each one linked and commented', server: 'gateway',
    async prepare(connectionString) {
      return withPool(connectionString, async (pool) => {
        const { event } = await declareNetworkEvent(pool, {
          category: 'DERCO', equipmentKind: 'PBO', equipmentRef: FILING_PBO, nature: null, start: new Date(Date.now() - 3_600_000), end: null,
          curative: false, interventionRequired: false, comments: 'Banc : incident sur le PBO des dépôts', oiContact: null
        }, 'bench', new Date());
        return `${event.reference} declared on ${FILING_PBO}`;
      });
    },
    request: (origin) => ({
      ...signalisation(origin, 'depotSignalisation'), body: () => filing(`BENCH-${RUN}-${++filed}`),
      check: (status, body) => status === 200 && body.includes('<etat>EN_DEPOT</etat>') && body.includes('<dejaDeposee>false<')
    })
  },
  {
    id: 'works', letter: 'h', label: '(h) gateway: infoTravaux for one impacted service (getInfoTravauxFTTH, 100k prises, 1,000 events)', server: 'gateway',
    async prepare(connectionString, smoke) {
      worksSmoke = smoke;
      // (f) seeded the network when it ran; run alone (--only works), this seeds it.
      return seedNetwork(connectionString, smoke);
    },
    request: (origin) => ({
      origin, path: '/esav/info-travaux/v1', headers: { 'content-type': XML_TYPE, soapaction: '"getInfoTravauxFTTH"' },
      body: () => infoTravaux(impactedBenchService(worksSmoke)),
      check: (status, body) => status === 200 && body.includes('getInfoTravauxFTTHResponse') && body.includes('<travaux reference="')
    })
  },
  {
    id: 'search', letter: 'e', label: '(e) gateway: history search (rechercheSignalisations)', server: 'gateway',
    request: (origin) => ({
      ...signalisation(origin, 'rechercheSignalisations'), body: () => search(1 + Math.floor(Math.random() * 88)),
      check: (status, body) => status === 200 && body.includes('<nombreTotal>') && body.includes('<signalisation>')
    })
  },
  {
    // Slot search closes from 01:00 to 04:00 Paris time (S4): the bench does not run it then (scripts/bench.ts).
    id: 'slots', letter: 'i', label: "(i) gateway: a month of a zone's slots (rendezvous rechercheCreneaux)", server: 'gateway',
    request: (origin) => ({
      ...rendezvous(origin, 'rechercheCreneaux'), body: () => monthOfSlots(),
      check: (status, body) => status === 200 && body.includes('<creneau>') && body.includes('<placesLibres>')
    })
  },
  ...peerLoads('soap-pg', '1', 'soap package + pg, same work'),
  ...peerLoads('jaxws', '2', 'JAX-WS + JDBC, same work')
];
