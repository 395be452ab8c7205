/**
 * The outboxes of what operators are told, and their deliveries to operators' endpoints (0004, 0009), written in the
 * transaction of the change itself: a committed change always has its event and, when it is to be pushed, its
 * pending delivery; a rolled-back change has neither (at-least-once delivery needs no two-phase anything).
 * - ticket events (0003 ticket_event): every state change and OI comment, delivered when the operator's endpoint is
 *   enabled;
 * - limit announcements (0009 limit_announcement): a per-minute limit announced or lifted (DOMAIN.md L2), delivered
 *   when the store decided to push it (src/store/load/limit-store.ts), else recorded as told by the usual channel.
 */
import type { Query } from './database.js';

export type TicketEventKind = 'state' | 'comment';

/**
 * One statement: the event, plus its delivery when the operator's endpoint is enabled. ticket_sequence counts the
 * ticket's earlier events (the CTE's own insert is not visible to the sub-select, hence + 1); the ticket row is
 * locked by the caller, so two events of one ticket never get the same rank. The first attempt is due at the
 * event's own time (the application's clock, as every scheduling decision of the worker).
 */
/**
 * The pending deliveries of the ticket events of a CTE named e (id, ticket_id, operator_id, at) whose operator has an
 * enabled endpoint: a statement to put after the CTE that inserted the events (the filing writes its ticket, its
 * first transition and its event in one statement with it).
 */
export const DELIVERIES_OF_EVENTS = `INSERT INTO notification_delivery (event_pk, operator_id, ticket_id, ticket_sequence, next_attempt_at)
           SELECT e.id, e.operator_id, e.ticket_id, (SELECT count(*) + 1 FROM ticket_event x WHERE x.ticket_id = e.ticket_id)::int, e.at
             FROM e JOIN notification_endpoint n ON n.operator_id = e.operator_id AND n.enabled`;

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

export type LimitAnnouncementStatus = 'ANNONCEE' | 'LEVEE';

/** What a limit announcement says (code words; src/jobs/notification-message.ts writes the wire words). */
export interface LimitAnnouncementPayload {
  readonly limitId: string;
  readonly scope: string;
  readonly perMinute: number;
  readonly start: string;
  readonly end: string | null;
  readonly declaredAt: string;
  readonly reason: string | null;
  /** LEVEE only. */
  readonly liftReason: string | null;
}

export interface LimitAnnouncement {
  readonly limitId: string;
  readonly operatorId: string;
  readonly status: LimitAnnouncementStatus;
  /** null: pushed; else why the usual channel. */
  readonly usualChannelReason: string | null;
  readonly payload: LimitAnnouncementPayload;
  readonly at: Date;
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
