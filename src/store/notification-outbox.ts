/**
 * The outbox of ticket events (0003 ticket_event) and its deliveries to operators' endpoints (0004), written by the
 * ticket store in the transaction of the change itself: a committed change always has its event and, when the
 * operator has an enabled endpoint, its pending delivery; a rolled-back change has neither (at-least-once delivery
 * needs no two-phase anything).
 */
import type { Query } from './database.js';

export type TicketEventKind = 'state' | 'comment';

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
           INSERT INTO notification_delivery (event_pk, operator_id, ticket_id, ticket_sequence, next_attempt_at)
           SELECT e.id, e.operator_id, e.ticket_id, (SELECT count(*) + 1 FROM ticket_event x WHERE x.ticket_id = e.ticket_id)::int, e.at
             FROM e JOIN notification_endpoint n ON n.operator_id = e.operator_id AND n.enabled`,
    values: [ticketId, operatorId, kind, JSON.stringify(payload), at]
  };
}
