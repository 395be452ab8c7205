/**
 * Optional: the operator's notification endpoint for the duration of the pack (--notifications-port). A mutual-TLS
 * HTTPS server that records each SOAP notification and answers the contract's AccuseReception.
 */
import { createServer, type Server } from 'node:https';
import { textOf, xmlEscape } from './xml-text.js';

export const NOTIFICATION_NS = 'http://esav.bfc-fibre.fr/notification/v1';

export interface Received {
  readonly at: string;
  readonly idEvenement?: string;
  readonly referenceSignalisation?: string;
  readonly etat?: string;
  readonly xml: string;
}

export interface Receiver {
  readonly port: number;
  readonly received: Received[];
  waitFor(predicate: (n: Received) => boolean, timeoutMs: number): Promise<Received | undefined>;
  close(): Promise<void>;
}

export async function startReceiver(port: number, tls: { cert: string; key: string; ca: string }, host = '0.0.0.0'): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const xml = Buffer.concat(chunks).toString('utf8');
      const id = textOf(xml, 'idEvenement');
      const ref = textOf(xml, 'referenceSignalisation');
      const etat = textOf(xml, 'etat');
      received.push({ at: new Date().toISOString(), xml, ...(id ? { idEvenement: id } : {}), ...(ref ? { referenceSignalisation: ref } : {}), ...(etat ? { etat } : {}) });
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AccuseReception xmlns="${NOTIFICATION_NS}"><idEvenement>${xmlEscape(id ?? '')}</idEvenement></AccuseReception></soap:Body></soap:Envelope>`);
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
  const actual = (server.address() as { port: number }).port;
  return {
    port: actual, received,
    async waitFor(predicate, timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(predicate);
        if (hit || Date.now() >= end) return hit;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); })
  };
}
