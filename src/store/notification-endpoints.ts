/**
 * Operators' notification endpoints and the delivery log, for esav-admin (src/admin/commands/notifications.ts).
 * Every change is audited (who, when, before/after); every read is scoped to one operator or one event.
 */
import { AdminError } from '../errors/admin-error.js';
import { recordChange } from './registry/audit.js';
import { run, transaction, type Pool } from './database.js';

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

const ENDPOINT_COLUMNS = `o.code AS operator_code, n.url, n.soap_version, n.contract_version, n.enabled, n.registered_at, n.updated_at, n.last_success_at,
  n.last_failure_at, n.last_error, n.consecutive_failures, n.probe_after`;

async function operatorId(pool: Pool, code: string): Promise<string> {
  const rows = await run<{ id: string }>(pool, { text: 'SELECT id FROM operator WHERE code = $1', values: [code] });
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
    const before = (await run<EndpointRecord>(client, {
      text: `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoint n JOIN operator o ON o.id = n.operator_id WHERE n.operator_id = $1 FOR UPDATE OF n`,
      values: [id] }))[0];
    await run(client, { text: `INSERT INTO notification_endpoint (operator_id, url, soap_version, contract_version, enabled, registered_at, updated_at)
       VALUES ($1, $2, $3, coalesce($5::int, 1), true, $4, $4)
       ON CONFLICT (operator_id) DO UPDATE SET url = $2, soap_version = $3, contract_version = coalesce($5::int, notification_endpoint.contract_version),
         enabled = true, updated_at = $4, consecutive_failures = 0, probe_after = NULL`, values: [id, url, soapVersion, now, contractVersion] });
    const after = (await run<EndpointRecord>(client, {
      text: `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoint n JOIN operator o ON o.id = n.operator_id WHERE n.operator_id = $1`, values: [id] }))[0]!;
    await recordChange(client, { actor, action: before ? 'update' : 'register', entity: 'notification_endpoint', entityKey: code, operatorId: id, before, after }, null);
    return after;
  });
}

/** Stops sending: no delivery is made for events from now on; pending ones wait for the endpoint to be set again. */
export async function disableEndpoint(pool: Pool, code: string, actor: string, now: Date): Promise<void> {
  const id = await operatorId(pool, code);
  await transaction(pool, async (client) => {
    const rows = await run<{ url: string }>(client, {
      text: 'UPDATE notification_endpoint SET enabled = false, updated_at = $2 WHERE operator_id = $1 AND enabled RETURNING url', values: [id, now] });
    if (!rows[0]) throw new AdminError('ADMIN_NOT_FOUND', `${code} has no enabled notification endpoint`);
    await recordChange(client, { actor, action: 'disable', entity: 'notification_endpoint', entityKey: code, operatorId: id, before: { url: rows[0].url, enabled: true }, after: { enabled: false } }, null);
  });
}

export async function endpointStatus(pool: Pool, code: string, stalledAfter: number): Promise<EndpointStatus> {
  const id = await operatorId(pool, code);
  const endpoint = (await run<EndpointRecord>(pool, {
    text: `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoint n JOIN operator o ON o.id = n.operator_id WHERE n.operator_id = $1`,
    values: [id] }))[0] ?? null;
  const rows = await run<{ pending: number; stalled: number; oldest: Date | null }>(pool, {
    text: `SELECT count(*)::int AS pending, count(*) FILTER (WHERE d.attempts >= $2)::int AS stalled, min(coalesce(e.at, a.at)) AS oldest
       FROM notification_delivery d LEFT JOIN ticket_event e ON e.id = d.event_pk LEFT JOIN limit_announcement a ON a.id = d.announcement_pk
      WHERE d.operator_id = $1 AND d.state = 'pending'`, values: [id, stalledAfter] });
  return { endpoint, pending: rows[0]!.pending, stalled: rows[0]!.stalled, oldestPendingAt: rows[0]!.oldest };
}

/**
 * The delivery log, newest first: of one operator, of one ticket, or all. A limit announcement reads as
 * "limit #<id>", of kind limit-ANNONCEE or limit-LEVEE.
 */
export async function deliveryLog(pool: Pool, filter: { operator: string | null; ticket: string | null; limit: number }): Promise<AttemptRow[]> {
  const id = filter.operator === null ? null : await operatorId(pool, filter.operator);
  const rows = await run<AttemptRow>(pool, {
    text: `SELECT a.at, o.code AS operator_code, coalesce(t.reference, 'limit #' || d.limit_id) AS reference, d.ticket_sequence,
            coalesce(e.event_id, la.event_id) AS event_id, coalesce(e.kind, 'limit-' || la.status) AS kind,
            a.attempt, a.outcome, a.http_status, a.duration_ms, a.error, a.url
       FROM notification_attempt a
       JOIN notification_delivery d ON d.id = a.delivery_id
       LEFT JOIN ticket_event e ON e.id = d.event_pk
       LEFT JOIN ticket t ON t.id = d.ticket_id
       LEFT JOIN limit_announcement la ON la.id = d.announcement_pk
       JOIN operator o ON o.id = a.operator_id
      WHERE ($1::bigint IS NULL OR a.operator_id = $1) AND ($2::text IS NULL OR t.reference = $2)
      ORDER BY a.at DESC, a.delivery_id DESC, a.attempt DESC LIMIT $3`, values: [id, filter.ticket, filter.limit] });
  return rows;
}

/**
 * Makes a pending delivery due now (after the endpoint was fixed, say), instead of at its next backoff step; the
 * endpoint may be probed now too. The event is a ticket event's or a limit announcement's.
 */
export async function retryNow(pool: Pool, eventId: string, actor: string, now: Date): Promise<{ operator: string; reference: string; sequence: number | null }> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(eventId)) throw new AdminError('ADMIN_INVALID_INPUT', `${eventId} is not an event id (uuid)`);
  return transaction(pool, async (client) => {
    const rows = await run<{ id: string; operator_id: string; code: string; reference: string; ticket_sequence: number | null; state: string; next_attempt_at: Date }>(client, {
      text: `SELECT d.id, d.operator_id, o.code, coalesce(t.reference, 'limit #' || d.limit_id) AS reference, d.ticket_sequence, d.state, d.next_attempt_at
         FROM notification_delivery d
         LEFT JOIN ticket_event e ON e.id = d.event_pk LEFT JOIN ticket t ON t.id = d.ticket_id
         LEFT JOIN limit_announcement la ON la.id = d.announcement_pk
         JOIN operator o ON o.id = d.operator_id
        WHERE e.event_id = $1 OR la.event_id = $1 FOR UPDATE OF d`, values: [eventId] });
    const d = rows[0];
    if (!d) throw new AdminError('ADMIN_NOT_FOUND', `no notification for event ${eventId}`);
    const what = `${d.reference}${d.ticket_sequence === null ? '' : ` #${d.ticket_sequence}`}`;
    if (d.state !== 'pending') throw new AdminError('ADMIN_CONFLICT', `event ${eventId} (${what}) is already ${d.state}`);
    await run(client, { text: 'UPDATE notification_delivery SET next_attempt_at = $2 WHERE id = $1', values: [d.id, now] });
    await run(client, { text: 'UPDATE notification_endpoint SET probe_after = NULL WHERE operator_id = $1', values: [d.operator_id] });
    await recordChange(client, { actor, action: 'retry', entity: 'notification_endpoint', entityKey: d.code, operatorId: d.operator_id, before: { eventId, nextAttemptAt: d.next_attempt_at }, after: { eventId, nextAttemptAt: now } }, null);
    return { operator: d.code, reference: d.reference, sequence: d.ticket_sequence };
  });
}
