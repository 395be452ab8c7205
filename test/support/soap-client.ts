/** A plain HTTPS client for raw SOAP exchanges (the soap package's generated client is used where it matters). */
import { request, Agent } from 'node:https';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface CallOptions {
  readonly method?: string;
  readonly path: string;
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly soapAction?: string;
  readonly headers?: Record<string, string>;
  readonly client?: IssuedCertificate | null;
  readonly ca: string;
  readonly agent?: Agent;
}

export function call(baseUrl: string, o: CallOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'text/xml; charset=utf-8';
    if (o.soapAction !== undefined) headers.soapaction = o.soapAction;
    const req = request(`${baseUrl}${o.path}`, {
      method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
      headers,
      ca: o.ca,
      ...(o.client ? { cert: o.client.certPem, key: o.client.keyPem } : {}),
      ...(o.agent ? { agent: o.agent } : { agent: false })
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

export const PRESTATION_NS = 'http://esav.bfc-fibre.fr/prestation/v1';
export const PRESTATION_ACTION = 'http://esav.bfc-fibre.fr/prestation/v1/consultationPrestation';
export const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';

export function consultation(serviceId: string, envNs: string = SOAP11_ENV): string {
  return `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${envNs}"><env:Body><p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"><p:identifiantPrestation>${serviceId}</p:identifiantPrestation></p:ConsultationPrestationRequete></env:Body></env:Envelope>`;
}

/** The text of the first element with this local name (tests read responses with fast-xml-parser elsewhere). */
export function textOf(xml: string, local: string): string | undefined {
  const m = new RegExp(`<(?:[A-Za-z0-9_-]+:)?${local}(?:\\s[^>]*)?>([^<]*)</`).exec(xml);
  return m?.[1];
}
