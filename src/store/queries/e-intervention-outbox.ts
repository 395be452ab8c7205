/**
 * SQL of the e-intervention outbox (issue 18, migration 0017): claims with SKIP LOCKED and a lease, at most the
 * oldest undone message of each (intervention, recipient) pair so that messages go in order; outcomes with the
 * endpoint's health and the delivery log.
 */
import type { Query } from '../database.js';

export interface ClaimedMessageRow {
  id: string; intervention_id: string; ref_interv_oi: string; operator: string; role: 'OC' | 'DO'; operation: string; body: Record<string, unknown>;
  attempts: number; base_url: string; endpoint_failures: number;
}

export function claimMessages(now: Date, limit: number, leaseUntil: Date): Query {
  return {
    text: `WITH heads AS (
             SELECT DISTINCT ON (m.intervention_id, m.operator_id) m.id FROM e_intervention_message m
              WHERE m.state = 'pending' ORDER BY m.intervention_id, m.operator_id, m.id
           ), due AS (
             SELECT m.id FROM e_intervention_message m JOIN heads h ON h.id = m.id
               JOIN e_intervention_endpoint e ON e.operator_id = m.operator_id AND e.role = m.role AND e.enabled
              WHERE m.next_attempt_at <= $1 AND (m.lease_until IS NULL OR m.lease_until <= $1) AND (e.retry_at IS NULL OR e.retry_at <= $1)
              ORDER BY m.next_attempt_at, m.id LIMIT $2 FOR UPDATE OF m SKIP LOCKED
           )
           UPDATE e_intervention_message m SET lease_until = $3 FROM due, e_intervention i, operator o, e_intervention_endpoint e
            WHERE m.id = due.id AND i.id = m.intervention_id AND o.id = m.operator_id AND e.operator_id = m.operator_id AND e.role = m.role
           RETURNING m.id, m.intervention_id, i.ref_interv_oi, o.code AS operator, m.role, m.operation, m.body, m.attempts, e.base_url,
                     e.consecutive_failures AS endpoint_failures`,
    values: [now, limit, leaseUntil]
  };
}

/**
 * One attempt's outcome in one statement (the alert path's last hop): the delivery log's line, the message
 * (delivered, refused by the recipient, or failed and due again at retryAt) and its endpoint's health.
 */
export function recordOutcome(o: {
  messageId: string; operator: string; role: string; outcome: 'delivered' | 'refused' | 'failed'; now: Date; url: string; httpStatus: number | null;
  durationMs: number; error: string | null; retryAt: Date | null; endpointRetryAt: Date | null;
}): Query {
  return {
    text: `WITH a AS (
             INSERT INTO e_intervention_attempt (message_id, at, url, http_status, duration_ms, error)
             VALUES ($1, $5::timestamptz, $6, $7::int, $8::int, $9::text)
           ), m AS (
             UPDATE e_intervention_message SET attempts = attempts + 1, lease_until = NULL, last_error = $9,
                    state = CASE WHEN $4::text = 'failed' THEN state ELSE $4::text END, done_at = CASE WHEN $4 = 'failed' THEN NULL ELSE $5 END,
                    next_attempt_at = COALESCE($10::timestamptz, next_attempt_at)
              WHERE id = $1
           )
           UPDATE e_intervention_endpoint SET
                  consecutive_failures = CASE WHEN $4 = 'failed' THEN consecutive_failures + 1 ELSE 0 END,
                  retry_at = CASE WHEN $4 = 'failed' THEN $11::timestamptz END,
                  last_success_at = CASE WHEN $4 = 'failed' THEN last_success_at ELSE $5 END,
                  last_failure_at = CASE WHEN $4 = 'failed' THEN $5 ELSE last_failure_at END,
                  last_error = CASE WHEN $4 = 'failed' THEN $9 ELSE last_error END
            WHERE role = $3 AND operator_id = (SELECT id FROM operator WHERE code = $2)`,
    values: [o.messageId, o.operator, o.role, o.outcome, o.now, o.url, o.httpStatus, o.durationMs, o.error, o.retryAt, o.endpointRetryAt]
  };
}

export function endpointsHealth(): Query {
  return {
    text: `SELECT o.code AS operator, e.role, e.base_url, e.enabled, e.consecutive_failures, e.retry_at, e.last_success_at, e.last_failure_at, e.last_error,
                  (SELECT count(*)::int FROM e_intervention_message m
                    WHERE m.operator_id = e.operator_id AND m.role = e.role AND m.state = 'pending') AS pending
             FROM e_intervention_endpoint e JOIN operator o ON o.id = e.operator_id ORDER BY o.code, e.role`,
    values: []
  };
}

export function messagesOf(refIntervOI: string): Query {
  return {
    text: `SELECT m.id, o.code AS operator, m.role, m.operation, m.state, m.attempts, m.created_at, m.done_at, m.last_error
             FROM e_intervention_message m JOIN e_intervention i ON i.id = m.intervention_id JOIN operator o ON o.id = m.operator_id
            WHERE i.ref_interv_oi = $1 ORDER BY m.id`,
    values: [refIntervOI]
  };
}
