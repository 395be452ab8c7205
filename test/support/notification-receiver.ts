/**
 * An operator's notification endpoint for tests: a real HTTPS server on loopback that requires a client
 * certificate of the test CA (mutual TLS), parses every SOAP notification with fast-xml-parser and records it, and
 * answers the contract's AccuseReception. It can be shut (port closed), answer 503, hang, or lose its answer once
 * per event after recording it (what makes at-least-once delivery send duplicates).
 */
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { XMLParser } from 'fast-xml-parser';
import type { TestPki } from './pki.js';

export const NOTIFICATION_NS = 'http://esav.bfc-fibre.fr/notification/v1';

export type ReceiverMode = 'up' | 'unavailable' | 'hang' | 'ack-lost-once';

export interface ReceivedNotification {
  readonly idEvenement: string;
  readonly numeroOrdre: number;
  readonly horodatage: string;
  readonly referenceSignalisation: string;
  readonly referenceOperateur: string;
  readonly type: string;
  readonly etatPrecedent?: string;
  readonly etat?: string;
  readonly motif?: string;
  readonly gel?: { readonly motif: string; readonly attendu: string; readonly leveParReponseOperateur: string };
  readonly texte?: string;
  /** Who called: the CN of the client certificate. */
  readonly caller: string;
  readonly soapAction: string | undefined;
  readonly contentType: string | undefined;
  readonly xml: string;
}

export interface NotificationReceiver {
  readonly url: string;
  mode: ReceiverMode;
  /** Every notification recorded, in arrival order (duplicates included). */
  readonly received: ReceivedNotification[];
  /** Requests that reached the server, answered or not. */
  requests: number;
  open(): Promise<void>;
  /** Closes the port (connection refused from now on) and cuts open connections. */
  shut(): Promise<void>;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true });

type Node = Record<string, unknown>;

function read(xml: string, caller: string, headers: Record<string, string | string[] | undefined>): ReceivedNotification {
  const env = (parser.parse(xml) as Node).Envelope as Node;
  const n = (env.Body as Node).NotificationSignalisationRequete as Node;
  const change = n.changementEtat as Node | undefined;
  const gel = change?.gel as Node | undefined;
  return {
    idEvenement: String(n.idEvenement), numeroOrdre: Number(n.numeroOrdre), horodatage: String(n.horodatage),
    referenceSignalisation: String(n.referenceSignalisation), referenceOperateur: String(n.referenceOperateur), type: String(n.type),
    ...(change?.etatPrecedent !== undefined ? { etatPrecedent: String(change.etatPrecedent) } : {}),
    ...(change?.etat !== undefined ? { etat: String(change.etat) } : {}),
    ...(change?.motif !== undefined ? { motif: String(change.motif) } : {}),
    ...(gel ? { gel: { motif: String(gel.motif), attendu: String(gel.attendu), leveParReponseOperateur: String(gel.leveParReponseOperateur) } } : {}),
    ...((n.commentaireOI as Node | undefined)?.texte !== undefined ? { texte: String((n.commentaireOI as Node).texte) } : {}),
    caller, soapAction: headers.soapaction as string | undefined, contentType: headers['content-type'] as string | undefined, xml
  };
}

const ack = (id: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AccuseReception xmlns="${NOTIFICATION_NS}"><idEvenement>${id}</idEvenement></AccuseReception></soap:Body></soap:Envelope>`;

export async function notificationReceiver(pki: TestPki, path = '/operateur/esav-notifications'): Promise<NotificationReceiver> {
  let port = 0;
  let server: Server | null = null;
  const lostOnce = new Set<string>();
  const receiver: NotificationReceiver = {
    url: '',
    mode: 'up',
    received: [],
    requests: 0,
    async open() {
      const s = createServer({ cert: pki.server.certPem, key: pki.server.keyPem, ca: [pki.ca], requestCert: true, rejectUnauthorized: true }, (req, res) => {
        receiver.requests++;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (receiver.mode === 'hang') return;
          if (receiver.mode === 'unavailable') { res.writeHead(503, { 'retry-after': '30' }).end(); return; }
          const caller = (req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
          const n = read(Buffer.concat(chunks).toString('utf8'), String(caller), req.headers);
          receiver.received.push(n);
          if (receiver.mode === 'ack-lost-once' && !lostOnce.has(n.idEvenement)) {
            lostOnce.add(n.idEvenement);
            res.writeHead(502).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(ack(n.idEvenement));
        });
      });
      await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, '127.0.0.1', () => resolve()); });
      port = (s.address() as { port: number }).port;
      (receiver as { url: string }).url = `https://localhost:${port}${path}`;
      server = s;
    },
    async shut() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  };
  await receiver.open();
  return receiver;
}
