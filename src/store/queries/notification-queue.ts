/**
 * SQL of the notification queue as the worker sees it (src/store/notification-queue.ts): claims, attempts, outcomes
 * and the endpoints' health, as named query functions (pg-boss style).
 */
import type { Query } from '../database.js';

/**
 * Due deliveries whose every earlier message of the same ticket, of the same limit, or of the same subject for the
 * same operator (a TP or DERCO), is delivered (ordering: a
 * pending earlier one, in flight or waiting for its retry, holds the later ones back), of enabled endpoints, not
 * leased by another worker, at most perEndpoint per operator (1 while its endpoint is failing), leased until
 * leaseUntil. The outer WHERE repeats the row conditions so that PostgreSQL re-checks them on a row it had to wait for.
 */
export function claimDueDeliveries(now: Date, limit: number, perEndpoint: number, leaseUntil: Date): Query {
  return {
    name: 'notification-claim',
    text: `WITH candidate AS (
             SELECT d.id, n.consecutive_failures,
                    row_number() OVER (PARTITION BY d.operator_id ORDER BY d.next_attempt_at, d.id) AS rank
               FROM notification_delivery d
               JOIN notification_endpoint n ON n.operator_id = d.operator_id AND n.enabled AND (n.probe_after IS NULL OR n.probe_after <= $1)
              WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1)
                AND NOT EXISTS (SELECT 1 FROM notification_delivery p
                                 WHERE p.ticket_id = d.ticket_id AND p.state = 'pending' AND p.event_pk < d.event_pk)
                AND NOT EXISTS (SELECT 1 FROM notification_delivery p
                                 WHERE p.limit_id = d.limit_id AND p.state = 'pending' AND p.id < d.id)
                AND NOT EXISTS (SELECT 1 FROM notification_delivery p
                                 WHERE p.notice_subject = d.notice_subject AND p.operator_id = d.operator_id AND p.state = 'pending' AND p.id < d.id)
           ), chosen AS (
             SELECT d.id, d.event_pk, d.announcement_pk, d.notice_pk, d.operator_id FROM notification_delivery d
              WHERE d.id IN (SELECT id FROM candidate WHERE rank <= CASE WHEN consecutive_failures > 0 THEN 1 ELSE $3 END)
                AND d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $1)
              ORDER BY d.next_attempt_at, d.id
              LIMIT $2
              FOR UPDATE SKIP LOCKED
           )
           UPDATE notification_delivery d SET lease_until = $4
             FROM chosen
             JOIN notification_endpoint n ON n.operator_id = chosen.operator_id
             LEFT JOIN ticket_event e ON e.id = chosen.event_pk
             LEFT JOIN ticket t ON t.id = e.ticket_id
             LEFT JOIN limit_announcement a ON a.id = chosen.announcement_pk
             LEFT JOIN operator_notice x ON x.id = chosen.notice_pk
            WHERE d.id = chosen.id
           RETURNING d.id, d.operator_id, d.attempts, n.url, n.soap_version, n.contract_version,
                     coalesce(e.event_id, a.event_id, x.event_id) AS event_id, coalesce(e.payload, a.payload, x.payload) AS payload,
                     coalesce(e.at, a.at, x.at) AS at,
                     e.kind, d.ticket_id, d.ticket_sequence, t.reference, t.operator_reference, d.limit_id, a.status,
                     x.kind AS notice_kind, x.subject AS notice_subject, x.sequence AS notice_sequence`,
    values: [now, limit, perEndpoint, leaseUntil]
  };
}

/** One attempt in the delivery log (the event is the delivery's). */
export function insertAttempt(deliveryId: string, attempt: number, operatorId: string, at: Date, url: string, httpStatus: number | null,
  outcome: string, error: string | null, durationMs: number): Query {
  return {
    text: `INSERT INTO notification_attempt (delivery_id, event_pk, attempt, operator_id, at, url, http_status, outcome, error, duration_ms)
     VALUES ($1, (SELECT event_pk FROM notification_delivery WHERE id = $1), $2, $3, $4, $5, $6, $7, $8, $9)`,
    values: [deliveryId, attempt, operatorId, at, url, httpStatus, outcome, error, durationMs]
  };
}

export function lockDeliveryState(deliveryId: string): Query {
  return { text: 'SELECT state FROM notification_delivery WHERE id = $1 FOR UPDATE', values: [deliveryId] };
}

/** Delivered (the first delivery's instant kept); answers the attempts. */
export function markDelivered(deliveryId: string, at: Date): Query {
  return {
    text: `UPDATE notification_delivery SET state = 'delivered', attempts = attempts + 1, delivered_at = coalesce(delivered_at, $2), lease_until = NULL,
               last_error = NULL
        WHERE id = $1 RETURNING attempts`,
    values: [deliveryId, at]
  };
}

export function recordEndpointSuccess(operatorId: string, at: Date): Query {
  return {
    text: 'UPDATE notification_endpoint SET last_success_at = $2, consecutive_failures = 0, probe_after = NULL WHERE operator_id = $1',
    values: [operatorId, at]
  };
}

/** A failed attempt: retried at nextAttemptAt unless already delivered; answers the attempts and the state. */
export function markAttemptFailed(deliveryId: string, error: string, nextAttemptAt: Date): Query {
  return {
    text: `UPDATE notification_delivery
          SET attempts = attempts + 1, last_error = $2, lease_until = NULL,
              next_attempt_at = CASE WHEN state = 'pending' THEN $3 ELSE next_attempt_at END
        WHERE id = $1 RETURNING attempts, state`,
    values: [deliveryId, error, nextAttemptAt]
  };
}

/** Answers the endpoint's failures in a row. */
export function recordEndpointFailure(operatorId: string, at: Date, error: string): Query {
  return {
    text: `UPDATE notification_endpoint SET last_failure_at = $2, last_error = $3, consecutive_failures = consecutive_failures + 1
          WHERE operator_id = $1 RETURNING consecutive_failures`,
    values: [operatorId, at, error]
  };
}

export function setEndpointProbeAfter(operatorId: string, probeAfter: Date): Query {
  return { text: 'UPDATE notification_endpoint SET probe_after = $2 WHERE operator_id = $1', values: [operatorId, probeAfter] };
}
