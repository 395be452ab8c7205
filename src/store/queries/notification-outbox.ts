/**
 * SQL of the outboxes (src/store/notification-outbox.ts): ticket events, limit announcements and operator notices, with
 * their deliveries.
 */
import type { Query } from '../database.js';
import type { LimitAnnouncement, TicketEventKind } from '../notification-outbox.js';

/**
 * The pending deliveries of the ticket events of a CTE named e (id, ticket_id, operator_id, at) whose operator has an
 * enabled endpoint: a statement to put after the CTE that inserted the events (the filing writes its ticket, its
 * first transition and its events in one statement with it). The rank of an event (numeroOrdre) is the count of the
 * ticket's earlier events (the CTE's own inserts are not visible to the sub-select) plus its rank among the CTE's
 * events of the same ticket (a filing inside a network incident writes two: its state and the OI's comment).
 */
export const DELIVERIES_OF_EVENTS = `INSERT INTO notification_delivery (event_pk, operator_id, ticket_id, ticket_sequence, next_attempt_at)
           SELECT e.id, e.operator_id, e.ticket_id,
                  ((SELECT count(*) FROM ticket_event x WHERE x.ticket_id = e.ticket_id) + row_number() OVER (PARTITION BY e.ticket_id ORDER BY e.id))::int, e.at
             FROM e JOIN notification_endpoint n ON n.operator_id = e.operator_id AND n.enabled`;

/**
 * One statement: the event, plus its delivery when the operator's endpoint is enabled. ticket_sequence counts the
 * ticket's earlier events (the CTE's own insert is not visible to the sub-select, hence + 1); the ticket row is
 * locked by the caller, so two events of one ticket never get the same rank. The first attempt is due at the
 * event's own time (the application's clock, as every scheduling decision of the worker).
 */
export function recordTicketEvent(ticketId: string, operatorId: string, kind: TicketEventKind, payload: unknown, at: Date): Query {
  return {
    name: 'ticket-event-record',
    text: `WITH e AS (
             INSERT INTO ticket_event (ticket_id, operator_id, kind, payload, at) VALUES ($1, $2, $3, $4, $5) RETURNING id, ticket_id, operator_id, at
           )
           ${DELIVERIES_OF_EVENTS}`,
    values: [ticketId, operatorId, kind, JSON.stringify(payload), at]
  };
}

/**
 * One statement: the announcement, plus its delivery when it is pushed, due at once. Returns event_id. A LEVEE is
 * held back by the queue until its limit's ANNONCEE is delivered (ordering per limit, notification-queue.ts).
 */
export function recordLimitAnnouncement(a: LimitAnnouncement): Query {
  return {
    name: 'limit-announcement-record',
    text: `WITH a AS (
             INSERT INTO limit_announcement (limit_id, operator_id, status, channel, note, payload, at)
             VALUES ($1, $2, $3, CASE WHEN $4::text IS NULL THEN 'endpoint' ELSE 'usual' END, $4, $5, $6)
             RETURNING id, event_id, limit_id, operator_id, channel, at
           ), d AS (
             INSERT INTO notification_delivery (announcement_pk, limit_id, operator_id, next_attempt_at)
             SELECT a.id, a.limit_id, a.operator_id, a.at FROM a WHERE a.channel = 'endpoint'
           )
           SELECT event_id FROM a`,
    values: [a.limitId, a.operatorId, a.status, a.usualChannelReason, JSON.stringify(a.payload), a.at]
  };
}

/** The operators with a service impacted by a network event, with their notification endpoint (if any). */
export function impactedOperatorEndpoints(eventId: string): Query {
  return {
    text: `SELECT o.id AS operator_id, o.code, n.url, n.enabled, n.contract_version
             FROM (SELECT DISTINCT operator_id FROM network_event_impact WHERE event_id = $1 AND operator_id IS NOT NULL) i
             JOIN operator o ON o.id = i.operator_id LEFT JOIN notification_endpoint n ON n.operator_id = i.operator_id
            ORDER BY o.code`,
    values: [eventId]
  };
}

/**
 * One statement: a 'works' notice per decided operator (note null: pushed), with the operator's own impacted services
 * (how many, and the first `listed` in order: A6) added to the event's payload, its rank among the notices of the
 * subject to that operator, and a delivery due at once when pushed. The caller holds the event's row lock, so two
 * notices of one event never get the same rank.
 */
export function recordWorksNotices(eventId: string, subject: string, decisions: readonly { operatorId: string; note: string | null }[],
  payload: object, at: Date, listed: number): Query {
  return {
    name: 'works-notices-record',
    text: `WITH decision AS (
             SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(operator_id bigint, note text)
           ), counted AS (
             SELECT d.operator_id, d.note,
                    (SELECT count(DISTINCT i.service_pk)::int FROM network_event_impact i WHERE i.event_id = $1 AND i.operator_id = d.operator_id) AS n,
                    (SELECT coalesce(jsonb_agg(f.sid ORDER BY f.sid), '[]'::jsonb)
                       FROM (SELECT DISTINCT s.service_id AS sid FROM network_event_impact i JOIN service s ON s.id = i.service_pk
                              WHERE i.event_id = $1 AND i.operator_id = d.operator_id ORDER BY 1 LIMIT $6) f) AS services
               FROM decision d
           ), n AS (
             INSERT INTO operator_notice (operator_id, kind, subject, sequence, channel, note, payload, at)
             SELECT c.operator_id, 'works', $2,
                    coalesce((SELECT max(p.sequence) FROM operator_notice p WHERE p.subject = $2 AND p.operator_id = c.operator_id), 0) + 1,
                    CASE WHEN c.note IS NULL THEN 'endpoint' ELSE 'none' END, c.note,
                    $4::jsonb || jsonb_build_object('servicesCount', c.n, 'services', c.services), $5
               FROM counted c
             RETURNING id, operator_id, subject, channel, at
           ), d AS (
             INSERT INTO notification_delivery (notice_pk, notice_subject, operator_id, next_attempt_at)
             SELECT n.id, n.subject, n.operator_id, n.at FROM n WHERE n.channel = 'endpoint'
           )
           SELECT n.operator_id, n.channel FROM n`,
    values: [eventId, subject, JSON.stringify(decisions.map((d) => ({ operator_id: d.operatorId, note: d.note }))), JSON.stringify(payload), at, listed]
  };
}
