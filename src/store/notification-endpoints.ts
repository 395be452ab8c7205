/**
 * Operators' notification endpoints and the delivery log, for esav-admin (src/admin/commands/notifications.ts).
 * Every change is audited (who, when, before/after); every read is scoped to one operator or one event.
 */
import { AdminError } from '../errors/admin-error.js';
import { recordChange } from './registry/audit.js';
import { run, transaction, type Pool } from './database.js';
import { operatorIdByCode } from './queries/operators.js';
import {
  clearEndpointProbe, deliveryAttempts, disableEndpointRow, endpointOf, lockDeliveryOfEvent, makeDeliveryDue, pendingDeliveriesOf, upsertEndpoint
} from './queries/notifications.js';

export interface EndpointRecord {
  operator_code: string; url: string; soap_version: '1.1' | '1.2'; contract_version: number; enabled: boolean; registered_at: Date; updated_at: Date;
  last_success_at: Date | null; last_failure_at: Date | null; last_error: string | null; consecutive_failures: number; probe_after: Date | null;
}

export interface EndpointStatus {
  readonly endpoint: EndpointRecord | null;
  readonly pending: number;
  readonly stalled: number;
  readonly oldestPendingAt: Date | null;
}

/** One attempt of the delivery log: of a ticket event (reference, sequence) or of a limit announcement (limit #id). */
export interface AttemptRow {
  at: Date; operator_code: string; reference: string; ticket_sequence: number | null; event_id: string; kind: string; attempt: number;
  outcome: string; http_status: number | null; duration_ms: number; error: string | null; url: string;
}

async function operatorId(pool: Pool, code: string): Promise<string> {
  const rows = await run<{ id: string }>(pool, operatorIdByCode(code));
  if (!rows[0]) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
  return String(rows[0].id);
}

/**
 * Registers or changes the endpoint (enabled, its failure count reset: a new URL deserves a fresh try). Only events
 * from now on are sent; pending ones go to the new URL, in the contract version given (null: the endpoint's current
 * one, 1 for a new endpoint). The caller checked that the version is in production (src/domain/limit-announcement.ts).
 */
export async function setEndpoint(
  pool: Pool, code: string, url: string, soapVersion: '1.1' | '1.2', actor: string, now: Date, contractVersion: number | null = null
): Promise<EndpointRecord> {
  const id = await operatorId(pool, code);
  return transaction(pool, async (client) => {
    const before = (await run<EndpointRecord>(client, endpointOf(id, true)))[0];
    await run(client, upsertEndpoint(id, url, soapVersion, now, contractVersion));
    const after = (await run<EndpointRecord>(client, endpointOf(id, false)))[0]!;
    await recordChange(client, { actor, action: before ? 'update' : 'register', entity: 'notification_endpoint', entityKey: code, operatorId: id, before, after }, null);
    return after;
  });
}

/** Stops sending: no delivery is made for events from now on; pending ones wait for the endpoint to be set again. */
export async function disableEndpoint(pool: Pool, code: string, actor: string, now: Date): Promise<void> {
  const id = await operatorId(pool, code);
  await transaction(pool, async (client) => {
    const rows = await run<{ url: string }>(client, disableEndpointRow(id, now));
    if (!rows[0]) throw new AdminError('ADMIN_NOT_FOUND', `${code} has no enabled notification endpoint`);
    await recordChange(client, { actor, action: 'disable', entity: 'notification_endpoint', entityKey: code, operatorId: id, before: { url: rows[0].url, enabled: true }, after: { enabled: false } }, null);
  });
}

export async function endpointStatus(pool: Pool, code: string, stalledAfter: number): Promise<EndpointStatus> {
  const id = await operatorId(pool, code);
  const endpoint = (await run<EndpointRecord>(pool, endpointOf(id, false)))[0] ?? null;
  const rows = await run<{ pending: number; stalled: number; oldest: Date | null }>(pool, pendingDeliveriesOf(id, stalledAfter));
  return { endpoint, pending: rows[0]!.pending, stalled: rows[0]!.stalled, oldestPendingAt: rows[0]!.oldest };
}

/**
 * The delivery log, newest first: of one operator, of one ticket, or all. A limit announcement reads as
 * "limit #<id>", of kind limit-ANNONCEE or limit-LEVEE.
 */
export async function deliveryLog(pool: Pool, filter: { operator: string | null; ticket: string | null; limit: number }): Promise<AttemptRow[]> {
  const id = filter.operator === null ? null : await operatorId(pool, filter.operator);
  const rows = await run<AttemptRow>(pool, deliveryAttempts(id, filter.ticket, filter.limit));
  return rows;
}

/**
 * Makes a pending delivery due now (after the endpoint was fixed, say), instead of at its next backoff step; the
 * endpoint may be probed now too. The event is a ticket event's or a limit announcement's.
 */
export async function retryNow(pool: Pool, eventId: string, actor: string, now: Date): Promise<{ operator: string; reference: string; sequence: number | null }> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(eventId)) throw new AdminError('ADMIN_INVALID_INPUT', `${eventId} is not an event id (uuid)`);
  return transaction(pool, async (client) => {
    type DeliveryRow = {
      id: string; operator_id: string; code: string; reference: string; ticket_sequence: number | null; state: string; next_attempt_at: Date
    };
    const rows = await run<DeliveryRow>(client, lockDeliveryOfEvent(eventId));
    const d = rows[0];
    if (!d) throw new AdminError('ADMIN_NOT_FOUND', `no notification for event ${eventId}`);
    const what = `${d.reference}${d.ticket_sequence === null ? '' : ` #${d.ticket_sequence}`}`;
    if (d.state !== 'pending') throw new AdminError('ADMIN_CONFLICT', `event ${eventId} (${what}) is already ${d.state}`);
    await run(client, makeDeliveryDue(d.id, now));
    await run(client, clearEndpointProbe(d.operator_id));
    await recordChange(client, { actor, action: 'retry', entity: 'notification_endpoint', entityKey: d.code, operatorId: d.operator_id, before: { eventId, nextAttemptAt: d.next_attempt_at }, after: { eventId, nextAttemptAt: now } }, null);
    return { operator: d.code, reference: d.reference, sequence: d.ticket_sequence };
  });
}
