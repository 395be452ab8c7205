/**
 * The notification queue on PostgreSQL, as the worker sees it (src/jobs/notification-worker.ts): claim due
 * deliveries, then record each outcome. Claims are short transactions (FOR UPDATE SKIP LOCKED + a lease), never held
 * across the HTTP call, so a worker uses one connection at a time whatever its concurrency, and several gateway
 * instances share the queue without double claims.
 */
import type { TicketEventKind } from './notification-outbox.js';
import { run, transaction, type Pool } from './database.js';

export interface ClaimedDelivery {
  readonly eventPk: string;
  /** The uuid operators deduplicate on (idEvenement). */
  readonly eventId: string;
  readonly operatorId: string;
  readonly ticketId: string;
  readonly sequence: number;
  /** Failed attempts so far (this claim is attempt attempts + 1). */
  readonly attempts: number;
  readonly kind: TicketEventKind;
  readonly payload: unknown;
  readonly at: Date;
  readonly reference: string;
  readonly operatorReference: string;
  readonly url: string;
  readonly soapVersion: '1.1' | '1.2';
}

export interface ClaimOptions {
  readonly now: Date;
  readonly limit: number;
  /** At most this many deliveries of one operator per claim; 1 while its endpoint is failing (a probe). */
  readonly perEndpoint: number;
  readonly leaseUntil: Date;
}

interface ClaimRow {
  event_pk: string; event_id: string; operator_id: string; ticket_id: string; ticket_sequence: number; attempts: number;
  kind: TicketEventKind; payload: unknown; at: Date; reference: string; operator_reference: string; url: string; soap_version: '1.1' | '1.2';
}

/**
 * Due deliveries whose every earlier event of the same ticket is delivered (ordering per ticket: a pending earlier
 * event, in flight or waiting for its retry, holds the later ones back), of enabled endpoints, not leased by another
 * worker. The outer WHERE repeats the row conditions so that PostgreSQL re-checks them on a row it had to wait for.
 */
export function claimDue(pool: Pool, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  return run<ClaimRow>(pool, {
    name: 'notification-claim',
    text: `WITH candidate AS (
             SELECT d.event_pk, n.consecutive_failures,
                    row_number() OVER (PARTITION BY d.operator_id ORDER BY d.next_attempt_at, d.event_pk) AS rank
               FROM notification_delivery d
               JOIN notification_endpoint n ON n.operator_id = d.operator_id AND n.enabled AND (n.probe_after IS NULL OR n.probe_after <= $1)
              WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1)
                AND NOT EXISTS (SELECT 1 FROM notification_delivery p
                                 WHERE p.ticket_id = d.ticket_id AND p.state = 'pending' AND p.event_pk < d.event_pk)
           ), chosen AS (
             SELECT d.event_pk FROM notification_delivery d
              WHERE d.event_pk IN (SELECT event_pk FROM candidate WHERE rank <= CASE WHEN consecutive_failures > 0 THEN 1 ELSE $3 END)
                AND d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $1)
              ORDER BY d.next_attempt_at, d.event_pk
              LIMIT $2
              FOR UPDATE SKIP LOCKED
           )
           UPDATE notification_delivery d SET lease_until = $4
             FROM chosen
             JOIN ticket_event e ON e.id = chosen.event_pk
             JOIN ticket t ON t.id = e.ticket_id
             JOIN notification_endpoint n ON n.operator_id = e.operator_id
            WHERE d.event_pk = chosen.event_pk
           RETURNING d.event_pk, e.event_id, d.operator_id, d.ticket_id, d.ticket_sequence, d.attempts, e.kind, e.payload, e.at,
                     t.reference, t.operator_reference, n.url, n.soap_version`,
    values: [o.now, o.limit, o.perEndpoint, o.leaseUntil]
  }).then((rows) => rows
    .map((r): ClaimedDelivery => ({
      eventPk: String(r.event_pk), eventId: r.event_id, operatorId: String(r.operator_id), ticketId: String(r.ticket_id), sequence: r.ticket_sequence,
      attempts: r.attempts, kind: r.kind, payload: r.payload, at: r.at, reference: r.reference, operatorReference: r.operator_reference,
      url: r.url, soapVersion: r.soap_version
    }))
    .sort((a, b) => Number(a.eventPk) - Number(b.eventPk)));
}

export interface AttemptOutcome {
  readonly at: Date;
  readonly url: string;
  readonly httpStatus: number | null;
  readonly durationMs: number;
}

/** The receiver acknowledged: delivered (a duplicate of an already delivered event is logged, changes nothing). */
export async function recordDelivered(pool: Pool, d: ClaimedDelivery, o: AttemptOutcome): Promise<void> {
  await transaction(pool, async (client) => {
    const { rows } = await client.query<{ attempts: number }>(
      `UPDATE notification_delivery SET state = 'delivered', attempts = attempts + 1, delivered_at = coalesce(delivered_at, $2), lease_until = NULL, last_error = NULL
        WHERE event_pk = $1 RETURNING attempts`, [d.eventPk, o.at]);
    await client.query(
      `INSERT INTO notification_attempt (event_pk, attempt, operator_id, at, url, http_status, outcome, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, 'delivered', NULL, $7)`, [d.eventPk, rows[0]!.attempts, d.operatorId, o.at, o.url, o.httpStatus, o.durationMs]);
    await client.query(
      'UPDATE notification_endpoint SET last_success_at = $2, consecutive_failures = 0, probe_after = NULL WHERE operator_id = $1', [d.operatorId, o.at]);
  });
}

/**
 * The attempt failed: retried at nextAttemptAt. A delivery another worker already delivered (its lease had expired)
 * stays delivered. Returns the attempt's number.
 */
export interface Failure extends AttemptOutcome {
  readonly error: string;
  readonly nextAttemptAt: Date;
  readonly stalled: boolean;
  /** When the endpoint may be probed again, after this many failures in a row. */
  readonly endpointRetryAt: (consecutiveFailures: number) => Date;
}

export async function recordFailed(pool: Pool, d: ClaimedDelivery, o: Failure): Promise<number> {
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{ attempts: number }>(
      `UPDATE notification_delivery
          SET attempts = attempts + 1, last_error = $2, lease_until = NULL,
              next_attempt_at = CASE WHEN state = 'pending' THEN $3 ELSE next_attempt_at END
        WHERE event_pk = $1 RETURNING attempts`, [d.eventPk, o.error, o.nextAttemptAt]);
    const attempt = rows[0]!.attempts;
    await client.query(
      `INSERT INTO notification_attempt (event_pk, attempt, operator_id, at, url, http_status, outcome, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [d.eventPk, attempt, d.operatorId, o.at, o.url, o.httpStatus, o.stalled ? 'failed-stalled' : 'failed', o.error, o.durationMs]);
    const endpoint = await client.query<{ consecutive_failures: number }>(
      `UPDATE notification_endpoint SET last_failure_at = $2, last_error = $3, consecutive_failures = consecutive_failures + 1
        WHERE operator_id = $1 RETURNING consecutive_failures`, [d.operatorId, o.at, o.error]);
    const failures = endpoint.rows[0]?.consecutive_failures;
    if (failures !== undefined) await client.query('UPDATE notification_endpoint SET probe_after = $2 WHERE operator_id = $1', [d.operatorId, o.endpointRetryAt(failures)]);
    return attempt;
  });
}
