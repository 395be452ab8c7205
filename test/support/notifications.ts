/**
 * Helpers for the notification tests: the contract and its operations as wsdl/notification declares them, tickets
 * filed straight through the ticket store (no SOAP), and a fake transport that answers like an operator's endpoint,
 * or fails on demand.
 */
import { loadContracts } from '../../src/contracts/contract-loader.js';
import { findRootDir } from '../../src/config/config.js';
import type { ContractSet } from '../../src/contracts/service-descriptor.js';
import type { NotificationMessageKind } from '../../src/domain/limit-announcement.js';
import type { NotificationOperation, SoapRequest } from '../../src/jobs/notification-message.js';
import type { HttpAnswer, NotificationTransport } from '../../src/jobs/notification-sender.js';
import { notificationContract } from '../../src/jobs/notification-setup.js';
import type { NotificationContract, WorkerLogger } from '../../src/jobs/notification-worker.js';
import { run, type Pool } from '../../src/store/database.js';
import { createTicketStore } from '../../src/store/ticket-store.js';

let contracts: ContractSet | null = null;

/** The real contracts of wsdl/ and xsd/, loaded once per run. */
export function realContracts(): ContractSet {
  contracts ??= loadContracts(findRootDir());
  return contracts;
}

/** The notification contract of wsdl/notification, every version. */
export function realNotificationContract(): NotificationContract {
  return notificationContract(realContracts())!;
}

/** One operation of one version of the notification contract, as its WSDL declares it. */
export function contractOperation(version = 1, kind: NotificationMessageKind = 'ticket'): NotificationOperation {
  return realNotificationContract().operation(version, kind)!;
}

/** Files a ticket of an operator's service through the store (what depotSignalisation does after its checks). */
export async function fileTicket(pool: Pool, operator: string, serviceId: string, operatorReference: string, at: Date): Promise<string> {
  const rows = await run<{ id: string }>(pool, { text: 'SELECT id FROM operator WHERE code = $1', values: [operator] });
  const offer = await run<{ offer_code: string }>(pool, { text: 'SELECT offer_code FROM service WHERE service_id = $1', values: [serviceId] });
  const { filed } = await createTicketStore(pool).file({
    operatorId: String(rows[0]!.id), serviceId, operatorReference, contentHash: operatorReference, formId: 'ftth', formVersion: 2,
    formFields: [], actor: `${operator}/test`, at,
    conditions: { offers: ['*'], parisDate: at.toISOString().slice(0, 10), formOffer: offer[0]!.offer_code }
  });
  if (!filed) throw new Error(`${operator} cannot file on ${serviceId} at ${at.toISOString()}`);
  return filed.ticket.reference;
}

export interface Posted { readonly url: string; readonly reference: string; readonly sequence: number; readonly eventId: string; readonly body: string }

export interface FakeTransport extends NotificationTransport {
  readonly posted: Posted[];
  /** Answers 503 for the tickets in this set. */
  readonly failing: Set<string>;
}

const pick = (xml: string, name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';

/** Acknowledges in the namespace of the request, whichever version of the contract it is in. */
export function fakeTransport(): FakeTransport {
  const posted: Posted[] = [];
  const failing = new Set<string>();
  return {
    posted,
    failing,
    async post(url: string, req: SoapRequest): Promise<HttpAnswer> {
      const p = { url, reference: pick(req.body, 'referenceSignalisation'), sequence: Number(pick(req.body, 'numeroOrdre')), eventId: pick(req.body, 'idEvenement'), body: req.body };
      posted.push(p);
      if (failing.has(p.reference)) return { status: 503, body: Buffer.alloc(0) };
      const namespace = /<soap:Body><[A-Za-z]+ xmlns="([^"]+)"/.exec(req.body)?.[1] ?? '';
      return { status: 200, body: Buffer.from(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><AccuseReception xmlns="${namespace}"><idEvenement>${p.eventId}</idEvenement></AccuseReception></s:Body></s:Envelope>`) };
    },
    async close() { /* nothing to close */ }
  };
}

export function collectingLogger(): WorkerLogger & { readonly lines: Array<{ level: string; message: string; details: object }> } {
  const lines: Array<{ level: string; message: string; details: object }> = [];
  return {
    lines,
    info: (details, message) => { lines.push({ level: 'info', message, details }); },
    warn: (details, message) => { lines.push({ level: 'warn', message, details }); }
  };
}
