/**
 * The notification queue on PostgreSQL, as the worker sees it (src/jobs/notification-worker.ts): claim due
 * deliveries, then record each outcome. Claims are short transactions (FOR UPDATE SKIP LOCKED + a lease), never held
 * across the HTTP call, so a worker uses one connection at a time whatever its concurrency, and several gateway
 * instances share the queue without double claims. A delivery carries a ticket event or a limit announcement
 * (src/store/notification-outbox.ts); both go through the same claims, backoff, endpoint health and delivery log.
 */
import type { LimitAnnouncementStatus, NoticeKind, TicketEventKind } from './notification-outbox.js';
import { recordChange } from './registry/audit.js';
import { run, transaction, type Pool, type Transaction } from './database.js';
import {
  claimDueDeliveries, insertAttempt, lockDeliveryState, markAttemptFailed, markDelivered, recordEndpointFailure, recordEndpointSuccess, setEndpointProbeAfter
} from './queries/notification-queue.js';

interface DeliveryBase {
  readonly deliveryId: string;
  /** The uuid operators deduplicate on (idEvenement). */
  readonly eventId: string;
  readonly operatorId: string;
  /** Failed attempts so far (this claim is attempt attempts + 1). */
  readonly attempts: number;
  readonly payload: unknown;
  readonly at: Date;
  readonly url: string;
  readonly soapVersion: '1.1' | '1.2';
  /** The version of the notification contract the endpoint implements. */
  readonly contractVersion: number;
}

export interface ClaimedTicketEvent extends DeliveryBase {
  readonly kind: TicketEventKind;
  readonly ticketId: string;
  readonly sequence: number;
  readonly reference: string;
  readonly operatorReference: string;
}

export interface ClaimedLimitAnnouncement extends DeliveryBase {
  readonly kind: 'limit';
  readonly limitId: string;
  readonly status: LimitAnnouncementStatus;
}

export interface ClaimedNotice extends DeliveryBase {
  readonly kind: NoticeKind;
  /** What orders it among the operator's notices (a TP or DERCO). */
  readonly subject: string;
  /** Its rank among the notices of its subject to this operator (numeroOrdre). */
  readonly sequence: number;
}

export type ClaimedDelivery = ClaimedTicketEvent | ClaimedLimitAnnouncement | ClaimedNotice;

export interface ClaimOptions {
  readonly now: Date;
  readonly limit: number;
  /** At most this many deliveries of one operator per claim; 1 while its endpoint is failing (a probe). */
  readonly perEndpoint: number;
  readonly leaseUntil: Date;
}

interface ClaimRow {
  id: string; operator_id: string; attempts: number; url: string; soap_version: '1.1' | '1.2'; contract_version: number;
  event_id: string; payload: unknown; at: Date;
  kind: TicketEventKind | null; ticket_id: string | null; ticket_sequence: number | null; reference: string | null; operator_reference: string | null;
  limit_id: string | null; status: LimitAnnouncementStatus | null;
  notice_kind: NoticeKind | null; notice_subject: string | null; notice_sequence: number | null;
}

function toDelivery(r: ClaimRow): ClaimedDelivery {
  const base = {
    deliveryId: String(r.id), eventId: r.event_id, operatorId: String(r.operator_id), attempts: r.attempts, payload: r.payload, at: r.at,
    url: r.url, soapVersion: r.soap_version, contractVersion: r.contract_version
  };
  if (r.notice_kind !== null) return { ...base, kind: r.notice_kind, subject: r.notice_subject!, sequence: r.notice_sequence! };
  return r.limit_id !== null
    ? { ...base, kind: 'limit', limitId: String(r.limit_id), status: r.status! }
    : { ...base, kind: r.kind!, ticketId: String(r.ticket_id), sequence: r.ticket_sequence!, reference: r.reference!, operatorReference: r.operator_reference! };
}

/**
 * Due deliveries whose every earlier message of the same ticket, or of the same limit, is delivered (ordering: a
 * pending earlier one, in flight or waiting for its retry, holds the later ones back), of enabled endpoints, not
 * leased by another worker. The outer WHERE repeats the row conditions so that PostgreSQL re-checks them on a row it
 * had to wait for.
 */
export function claimDue(pool: Pool, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  return run<ClaimRow>(pool, claimDueDeliveries(o.now, o.limit, o.perEndpoint, o.leaseUntil))
    .then((rows) => rows.map(toDelivery).sort((a, b) => Number(a.deliveryId) - Number(b.deliveryId)));
}

export interface AttemptOutcome {
  readonly at: Date;
  readonly url: string;
  readonly httpStatus: number | null;
  readonly durationMs: number;
}

/** The trail of a limit's announcement, written by the worker (who: the gateway itself). */
const WORKER_ACTOR = 'notification-worker';

async function auditAnnouncement(client: Transaction, d: ClaimedLimitAnnouncement, action: string, after: object): Promise<void> {
  await recordChange(client, { actor: WORKER_ACTOR, action, entity: 'load_limit', entityKey: d.limitId, operatorId: d.operatorId,
    after: { status: d.status, eventId: d.eventId, ...after } }, null);
}

function logAttempt(client: Transaction, d: ClaimedDelivery, attempt: number, o: AttemptOutcome, outcome: string, error: string | null): Promise<unknown> {
  return run(client, insertAttempt(d.deliveryId, attempt, d.operatorId, o.at, o.url, o.httpStatus, outcome, error, o.durationMs));
}

/**
 * The receiver acknowledged: delivered (a duplicate of an already delivered event is logged, changes nothing). The
 * first delivery of a limit announcement is written in the audit trail of the limit, with its instant.
 */
export async function recordDelivered(pool: Pool, d: ClaimedDelivery, o: AttemptOutcome): Promise<void> {
  await transaction(pool, async (client) => {
    const before = await run<{ state: string }>(client, lockDeliveryState(d.deliveryId));
    const first = before[0]?.state !== 'delivered';
    const rows = await run<{ attempts: number }>(client, markDelivered(d.deliveryId, o.at));
    await logAttempt(client, d, rows[0]!.attempts, o, 'delivered', null);
    await run(client, recordEndpointSuccess(d.operatorId, o.at));
    if (d.kind === 'limit' && first) {
      await auditAnnouncement(client, d, d.status === 'LEVEE' ? 'lift-delivered' : 'announcement-delivered', { deliveredAt: o.at, attempts: rows[0]!.attempts, endpoint: o.url });
    }
  });
}

export interface Failure extends AttemptOutcome {
  readonly error: string;
  readonly nextAttemptAt: Date;
  readonly stalled: boolean;
  /** When the endpoint may be probed again, after this many failures in a row. */
  readonly endpointRetryAt: (consecutiveFailures: number) => Date;
  /**
   * false when the message could not be sent at all (the endpoint's contract version cannot carry it): the delivery
   * is retried, but the endpoint's health is untouched, so its other messages are not held back.
   */
  readonly endpointFailed: boolean;
}

/**
 * The attempt failed: retried at nextAttemptAt. A delivery another worker already delivered (its lease had expired)
 * stays delivered. The first failure of a limit announcement is written in the limit's audit trail (the following
 * ones are in the delivery log). Returns the attempt's number.
 */
export async function recordFailed(pool: Pool, d: ClaimedDelivery, o: Failure): Promise<number> {
  return transaction(pool, async (client) => {
    const rows = await run<{ attempts: number; state: string }>(client, markAttemptFailed(d.deliveryId, o.error, o.nextAttemptAt));
    const attempt = rows[0]!.attempts;
    await logAttempt(client, d, attempt, o, o.stalled ? 'failed-stalled' : 'failed', o.error);
    if (o.endpointFailed) {
      const endpoint = await run<{ consecutive_failures: number }>(client, recordEndpointFailure(d.operatorId, o.at, o.error));
      const failures = endpoint[0]?.consecutive_failures;
      if (failures !== undefined) await run(client, setEndpointProbeAfter(d.operatorId, o.endpointRetryAt(failures)));
    }
    if (d.kind === 'limit' && attempt === 1 && rows[0]!.state === 'pending') {
      await auditAnnouncement(client, d, d.status === 'LEVEE' ? 'lift-failing' : 'announcement-failing', { error: o.error, nextAttemptAt: o.nextAttemptAt, endpoint: o.url });
    }
    return attempt;
  });
}
