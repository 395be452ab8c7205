/** SQL of the outboxes (src/store/notification-outbox.ts): ticket events and limit announcements, with their deliveries. */
import type { Query } from '../database.js';
import type { LimitAnnouncement, TicketEventKind } from '../notification-outbox.js';

/**
 * The pending deliveries of the ticket events of a CTE named e (id, ticket_id, operator_id, at) whose operator has an
 * enabled endpoint: a statement to put after the CTE that inserted the events (the filing writes its ticket, its
 * first transition and its event in one statement with it).
 */
export const DELIVERIES_OF_EVENTS = `INSERT INTO notification_delivery (event_pk, operator_id, ticket_id, ticket_sequence, next_attempt_at)
           SELECT e.id, e.operator_id, e.ticket_id, (SELECT count(*) + 1 FROM ticket_event x WHERE x.ticket_id = e.ticket_id)::int, e.at
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
