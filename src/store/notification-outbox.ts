/**
 * The outboxes of what operators are told, and their deliveries to operators' endpoints (0004, 0009), written in the
 * transaction of the change itself: a committed change always has its event and, when it is to be pushed, its
 * pending delivery; a rolled-back change has neither (at-least-once delivery needs no two-phase anything).
 * - ticket events (0003 ticket_event): every state change and OI comment, delivered when the operator's endpoint is
 *   enabled;
 * - limit announcements (0009 limit_announcement): a per-minute limit announced or lifted (DOMAIN.md L2), delivered
 *   when the store decided to push it (src/store/load/limit-store.ts), else recorded as told by the usual channel.
 * - operator notices (0014 operator_notice): the other messages, one kind each; first a planned work or network
 *   incident that impacts the operator's services (kind 'works', src/store/network-event-store.ts), ordered per
 *   subject (one TP or DERCO) and operator; then each change of an appointment (kind 'appointment', subject
 *   'appointment:<id>', src/store/appointment-store.ts) and the outcome of a line test (kind 'line_test', subject
 *   'line-test:<id>', src/store/line-test-queue.ts), decided by src/store/operator-notices.ts.
 * The statements are in src/store/queries/notification-outbox.ts.
 */

export type TicketEventKind = 'state' | 'comment';

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

/** The kinds of operator notice, each carried by its operation of the notification contract (NOTIFICATION_OPERATIONS). */
export type NoticeKind = 'works' | 'appointment' | 'line_test';
