/**
 * An operator's notification endpoint for tests: a real HTTPS server on loopback that requires a client
 * certificate of the test CA (mutual TLS), parses every SOAP notification with fast-xml-parser and records it —
 * ticket events in `received`, limit announcements (notification v2) in `limits`, works notices (v2) in `works` — and answers the contract's
 * AccuseReception in the namespace of the request. It can be shut (port closed), answer 503, hang, or lose its
 * answer once per event after recording it (what makes at-least-once delivery send duplicates).
 */
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { XMLParser } from 'fast-xml-parser';
import type { TestPki } from './pki.js';


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
  /** The namespace of the request element: the contract version it was sent in. */
  readonly namespace: string;
  readonly xml: string;
}

/** A NotificationLimiteDebitRequete (notification v2), its values as text. */
export interface ReceivedLimitAnnouncement {
  readonly idEvenement: string;
  readonly horodatage: string;
  readonly statut: string;
  readonly limite: Readonly<Record<'identifiantLimite' | 'categorie' | 'requetesParMinute' | 'debut' | 'dateDeclaration', string>> & { readonly fin?: string; readonly motif?: string };
  readonly motifLevee?: string;
  readonly caller: string;
  readonly soapAction: string | undefined;
  readonly namespace: string;
  readonly xml: string;
}

/** A NotificationTravauxRequete (notification v2): a TP or DERCO impacting the operator's services. */
export interface ReceivedWorksNotice {
  readonly idEvenement: string;
  readonly numeroOrdre: number;
  readonly horodatage: string;
  readonly statut: string;
  readonly travaux: Readonly<Record<string, string>>;
  readonly nombreServicesImpactes: number;
  readonly servicesImpactes: readonly string[];
  readonly caller: string;
  readonly soapAction: string | undefined;
  readonly namespace: string;
  readonly xml: string;
}

/** Any other v2 message (notificationRendezVous, notificationTestLigne): its element and its leaf values as text, flattened. */
export interface ReceivedOtherNotice {
  readonly idEvenement: string;
  readonly element: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly caller: string;
  readonly soapAction: string | undefined;
  readonly namespace: string;
  readonly xml: string;
}

export interface NotificationReceiver {
  readonly url: string;
  mode: ReceiverMode;
  /** Every ticket notification recorded, in arrival order (duplicates included). */
  readonly received: ReceivedNotification[];
  /** Every limit announcement recorded, in arrival order (duplicates included). */
  readonly limits: ReceivedLimitAnnouncement[];
  /** Every works notice recorded, in arrival order (duplicates included). */
  readonly works: ReceivedWorksNotice[];
  /** Every other message recorded (appointments, line tests), in arrival order (duplicates included). */
  readonly others: ReceivedOtherNotice[];
  /** Requests that reached the server, answered or not. */
  requests: number;
  open(): Promise<void>;
  /** Closes the port (connection refused from now on) and cuts open connections. */
  shut(): Promise<void>;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true });
const request = /<soap:Body><([A-Za-z]+) xmlns="([^"]+)">/;

type Node = Record<string, unknown>;

type Received = ReceivedNotification | ReceivedLimitAnnouncement | (ReceivedWorksNotice & { readonly works: true }) | (ReceivedOtherNotice & { readonly other: true });

/** The leaves of a parsed element, by local name (the first of a repeated one). */
function leaves(n: Node, into: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(n)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'object' && first !== null) leaves(first as Node, into);
    else if (!(k in into)) into[k] = String(first);
  }
  return into;
}
const OTHERS = ['NotificationRendezVousRequete', 'NotificationTestLigneRequete'];

function read(xml: string, caller: string, headers: Record<string, string | string[] | undefined>): Received {
  const [, element = '', namespace = ''] = request.exec(xml) ?? [];
  const env = (parser.parse(xml) as Node).Envelope as Node;
  const soapAction = headers.soapaction as string | undefined;
  if (OTHERS.includes(element)) {
    const n = (env.Body as Node)[element] as Node;
    return { other: true, idEvenement: String(n.idEvenement), element, fields: leaves(n), caller, soapAction, namespace, xml };
  }
  if (element === 'NotificationTravauxRequete') {
    const n = (env.Body as Node).NotificationTravauxRequete as Node;
    const listed = n.serviceImpacte === undefined ? [] : Array.isArray(n.serviceImpacte) ? n.serviceImpacte : [n.serviceImpacte];
    return {
      works: true, idEvenement: String(n.idEvenement), numeroOrdre: Number(n.numeroOrdre), horodatage: String(n.horodatage), statut: String(n.statut),
      travaux: Object.fromEntries(Object.entries(n.travaux as Node).map(([k, v]) => [k, String(v)])),
      nombreServicesImpactes: Number(n.nombreServicesImpactes), servicesImpactes: listed.map(String), caller, soapAction, namespace, xml
    };
  }
  if (element === 'NotificationLimiteDebitRequete') {
    const n = (env.Body as Node).NotificationLimiteDebitRequete as Node;
    const limite = Object.fromEntries(Object.entries(n.limite as Node).map(([k, v]) => [k, String(v)])) as ReceivedLimitAnnouncement['limite'];
    return {
      idEvenement: String(n.idEvenement), horodatage: String(n.horodatage), statut: String(n.statut), limite,
      ...(n.motifLevee !== undefined ? { motifLevee: String(n.motifLevee) } : {}), caller, soapAction, namespace, xml
    };
  }
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
    caller, soapAction, contentType: headers['content-type'] as string | undefined, namespace, xml
  };
}

const ack = (namespace: string, id: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AccuseReception xmlns="${namespace}"><idEvenement>${id}</idEvenement></AccuseReception></soap:Body></soap:Envelope>`;

export async function notificationReceiver(pki: TestPki, path = '/operateur/esav-notifications'): Promise<NotificationReceiver> {
  let port = 0;
  let server: Server | null = null;
  const lostOnce = new Set<string>();
  const receiver: NotificationReceiver = {
    url: '',
    mode: 'up',
    received: [],
    limits: [],
    works: [],
    others: [],
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
          if ('other' in n) receiver.others.push(n);
          else if ('works' in n) receiver.works.push(n);
          else if ('statut' in n) receiver.limits.push(n);
          else receiver.received.push(n);
          if (receiver.mode === 'ack-lost-once' && !lostOnce.has(n.idEvenement)) {
            lostOnce.add(n.idEvenement);
            res.writeHead(502).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(ack(n.namespace, n.idEvenement));
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
