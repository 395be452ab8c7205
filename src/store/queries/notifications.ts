/**
 * SQL of the operators' notification endpoints and of the delivery log (src/store/notification-endpoints.ts), as named
 * query functions (pg-boss style).
 */
import type { Query } from '../database.js';

const ENDPOINT_COLUMNS = `o.code AS operator_code, n.url, n.soap_version, n.contract_version, n.enabled, n.registered_at, n.updated_at, n.last_success_at,
  n.last_failure_at, n.last_error, n.consecutive_failures, n.probe_after`;

export function endpointOf(operatorId: string, lock: boolean): Query {
  return lock
    ? {
      text: `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoint n JOIN operator o ON o.id = n.operator_id WHERE n.operator_id = $1 FOR UPDATE OF n`,
      values: [operatorId]
    }
    : {
      text: `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoint n JOIN operator o ON o.id = n.operator_id WHERE n.operator_id = $1`,
      values: [operatorId]
    };
}

/**
 * Registers or changes the endpoint (enabled, its failure count reset); contractVersion null: the endpoint's current
 * one, 1 for a new endpoint.
 */
export function upsertEndpoint(operatorId: string, url: string, soapVersion: string, now: Date, contractVersion: number | null): Query {
  return {
    text: `INSERT INTO notification_endpoint (operator_id, url, soap_version, contract_version, enabled, registered_at, updated_at)
       VALUES ($1, $2, $3, coalesce($5::int, 1), true, $4, $4)
       ON CONFLICT (operator_id) DO UPDATE SET url = $2, soap_version = $3, contract_version = coalesce($5::int, notification_endpoint.contract_version),
         enabled = true, updated_at = $4, consecutive_failures = 0, probe_after = NULL`,
    values: [operatorId, url, soapVersion, now, contractVersion]
  };
}

/** Disables an enabled endpoint; no row when it was not enabled. */
export function disableEndpointRow(operatorId: string, now: Date): Query {
  return {
    text: 'UPDATE notification_endpoint SET enabled = false, updated_at = $2 WHERE operator_id = $1 AND enabled RETURNING url',
    values: [operatorId, now]
  };
}

/** The operator's pending deliveries: how many, how many tried at least stalledAfter times, the oldest instant. */
export function pendingDeliveriesOf(operatorId: string, stalledAfter: number): Query {
  return {
    text: `SELECT count(*)::int AS pending, count(*) FILTER (WHERE d.attempts >= $2)::int AS stalled, min(coalesce(e.at, a.at)) AS oldest
       FROM notification_delivery d LEFT JOIN ticket_event e ON e.id = d.event_pk LEFT JOIN limit_announcement a ON a.id = d.announcement_pk
      WHERE d.operator_id = $1 AND d.state = 'pending'`,
    values: [operatorId, stalledAfter]
  };
}

/** The delivery log, newest first, of an operator and of a ticket (null: all of them). */
export function deliveryAttempts(operatorId: string | null, ticket: string | null, limit: number): Query {
  return {
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
      ORDER BY a.at DESC, a.delivery_id DESC, a.attempt DESC LIMIT $3`,
    values: [operatorId, ticket, limit]
  };
}

/** The delivery of an event (a ticket event's or a limit announcement's, by its uuid), locked. */
export function lockDeliveryOfEvent(eventId: string): Query {
  return {
    text: `SELECT d.id, d.operator_id, o.code, coalesce(t.reference, 'limit #' || d.limit_id) AS reference, d.ticket_sequence, d.state, d.next_attempt_at
         FROM notification_delivery d
         LEFT JOIN ticket_event e ON e.id = d.event_pk LEFT JOIN ticket t ON t.id = d.ticket_id
         LEFT JOIN limit_announcement la ON la.id = d.announcement_pk
         JOIN operator o ON o.id = d.operator_id
        WHERE e.event_id = $1 OR la.event_id = $1 FOR UPDATE OF d`,
    values: [eventId]
  };
}

export function makeDeliveryDue(deliveryId: string, at: Date): Query {
  return { text: 'UPDATE notification_delivery SET next_attempt_at = $2 WHERE id = $1', values: [deliveryId, at] };
}

/** The endpoint may be probed at once. */
export function clearEndpointProbe(operatorId: string): Query {
  return { text: 'UPDATE notification_endpoint SET probe_after = NULL WHERE operator_id = $1', values: [operatorId] };
}

/** Push notifications waiting (ticket events and limit announcements), per operator, with the instant of the oldest. */
export function pendingNotifications(stalledAfter: number): Query {
  return {
    text: `SELECT o.code, count(*) AS pending, count(*) FILTER (WHERE d.attempts >= $1) AS stalled, min(coalesce(e.at, a.at)) AS oldest
           FROM notification_delivery d
           LEFT JOIN ticket_event e ON e.id = d.event_pk LEFT JOIN limit_announcement a ON a.id = d.announcement_pk
           JOIN operator o ON o.id = d.operator_id
          WHERE d.state = 'pending' GROUP BY o.code`,
    values: [stalledAfter]
  };
}

/** Answers when the database does (readiness). */
export function ping(): Query {
  return { text: 'SELECT 1', values: [] };
}
