/**
 * The three targets of the bench, in the order they run: what to start, what to send, what a right answer is.
 * (a) and (c) receive the same request bytes, so their difference is the gateway's own work.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadTarget } from './load.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const SERVICE_ID = 'FTTE-21-0000101';
const PRESTATION_NS = 'http://esav.bfc-fibre.fr/prestation/v1';
const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XML_TYPE = 'text/xml; charset=utf-8';

/** The same request as consultation() in test/support/soap-client.ts (kept in sync by hand: test/ is not ours). */
const CONSULTATION = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP11_ENV}"><env:Body>`
  + `<p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"><p:identifiantPrestation>${SERVICE_ID}</p:identifiantPrestation>`
  + '</p:ConsultationPrestationRequete></env:Body></env:Envelope>';

const ECHO = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP11_ENV}"><env:Body>`
  + `<e:EchoRequete xmlns:e="urn:bench:echo"><e:texte>${SERVICE_ID}</e:texte></e:EchoRequete></env:Body></env:Envelope>`;

export type TargetId = 'ceiling' | 'peer' | 'gateway';

export interface TargetDefinition {
  readonly id: TargetId;
  readonly label: string;
  readonly script: string;
  /** The request of this target, given the origin the child listens on. */
  request(origin: string): LoadTarget;
}

export const TARGETS: readonly TargetDefinition[] = [
  {
    id: 'ceiling',
    label: '(a) ceiling: bare Fastify, fixed reply',
    script: path.join(HERE, 'server-ceiling.ts'),
    request: (origin) => ({
      origin, path: '/soap', body: CONSULTATION,
      headers: { 'content-type': XML_TYPE, soapaction: `${PRESTATION_NS}/consultationPrestation` },
      check: (status, body) => status === 200 && body.includes('<statut>OK</statut>')
    })
  },
  {
    id: 'peer',
    label: '(b) peer: soap package server, echo',
    script: path.join(HERE, 'server-soap.ts'),
    request: (origin) => ({
      origin, path: '/echo', body: ECHO,
      headers: { 'content-type': XML_TYPE, soapaction: '"urn:bench:echo#echo"' },
      check: (status, body) => status === 200 && body.includes(`>${SERVICE_ID}</`) && body.includes('EchoReponse')
    })
  },
  {
    id: 'gateway',
    label: '(c) e-SAV gateway: consultationPrestation',
    script: path.join(HERE, 'server-gateway.ts'),
    request: (origin) => ({
      origin, path: '/esav/prestation/v1', body: CONSULTATION,
      headers: { 'content-type': XML_TYPE, soapaction: `${PRESTATION_NS}/consultationPrestation` },
      check: (status, body) => status === 200 && body.includes(`<identifiantPrestation>${SERVICE_ID}<`)
    })
  }
];
