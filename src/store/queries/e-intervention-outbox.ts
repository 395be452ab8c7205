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

export function markDone(id: string, state: 'delivered' | 'refused', now: Date, error: string | null): Query {
  return {
    text: `UPDATE e_intervention_message SET state = $2, done_at = $3, lease_until = NULL, attempts = attempts + 1, last_error = $4 WHERE id = $1`,
    values: [id, state, now, error]
  };
}

export function markFailed(id: string, nextAttemptAt: Date, error: string): Query {
  return {
    text: `UPDATE e_intervention_message SET attempts = attempts + 1, next_attempt_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1`,
    values: [id, nextAttemptAt, error]
  };
}

export function insertAttempt(messageId: string, at: Date, url: string, httpStatus: number | null, durationMs: number, error: string | null): Query {
  return {
    text: `INSERT INTO e_intervention_attempt (message_id, at, url, http_status, duration_ms, error) VALUES ($1, $2, $3, $4, $5, $6)`,
    values: [messageId, at, url, httpStatus, durationMs, error]
  };
}

export function endpointSucceeded(operator: string, role: string, now: Date): Query {
  return {
    text: `UPDATE e_intervention_endpoint SET consecutive_failures = 0, retry_at = NULL, last_success_at = $3
            WHERE role = $2 AND operator_id = (SELECT id FROM operator WHERE code = $1)`,
    values: [operator, role, now]
  };
}

export function endpointFailed(operator: string, role: string, now: Date, retryAt: Date, error: string): Query {
  return {
    text: `UPDATE e_intervention_endpoint SET consecutive_failures = consecutive_failures + 1, retry_at = $4, last_failure_at = $3, last_error = $5
            WHERE role = $2 AND operator_id = (SELECT id FROM operator WHERE code = $1)`,
    values: [operator, role, now, retryAt, error]
  };
}

export function endpointsHealth(): Query {
  return {
    text: `SELECT o.code AS operator, e.role, e.base_url, e.enabled, e.consecutive_failures, e.retry_at, e.last_success_at, e.last_failure_at, e.last_error,
                  (SELECT count(*)::int FROM e_intervention_message m WHERE m.operator_id = e.operator_id AND m.role = e.role AND m.state = 'pending') AS pending
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
