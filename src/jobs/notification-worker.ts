/**
 * Push notifications (README "Push notifications"): delivers the outbox — ticket events, limit announcements and
 * operator notices (planned works and incidents, appointments, line-test results) — to operators' endpoints, at least once, in order per ticket, per
 * limit and per notice subject, with exponential backoff, off the request
 * path, each in the version of the notification contract the endpoint implements.
 *
 * One pass (runOnce): claim up to `concurrency` due deliveries (src/store/notification-queue.ts: at most one per
 * ticket or limit, the earliest not yet delivered; a failing endpoint gets one probe, once its own backoff has
 * passed), post them in parallel, record each outcome (delivered, or failed and scheduled again). A message the
 * endpoint's contract version cannot carry now (not in production, retired, or without the operation) is not posted:
 * it fails with the reason and is retried on its own backoff, without marking the endpoint as failing. runUntilIdle
 * repeats passes while some were claimed: a delivered event makes the next one of its ticket due at once. start()
 * runs that on a timer; stop() drains. Scheduling reads only the injected clock, so tests drive passes with
 * runOnce(now) and never sleep for a backoff.
 */
import type { Clock } from '../domain/clock.js';
import { sendProblem, type NotificationContractFacts, type NotificationMessageKind } from '../domain/limit-announcement.js';
import type { Pool } from '../store/database.js';
import { claimDue, recordDelivered, recordFailed, type ClaimedDelivery } from '../store/notification-queue.js';
import { isStalled, nextAttemptAt, type BackoffPolicy } from './backoff.js';
import { acknowledgementProblem, notificationRequest, type NotificationEvent, type NotificationOperation } from './notification-message.js';
import { describeFailure, type NotificationTransport } from './notification-sender.js';

/** The notification contract: its versions (plan, operations) and each version's operations on the wire. */
export interface NotificationContract {
  readonly facts: NotificationContractFacts;
  operation(version: number, kind: NotificationMessageKind): NotificationOperation | null;
}

export interface WorkerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface NotificationWorkerOptions {
  /** A small pool of its own (1–2 connections): the worker never competes with SOAP calls for connections. */
  readonly pool: Pool;
  readonly clock: Clock;
  readonly transport: NotificationTransport;
  readonly contract: NotificationContract;
  readonly backoff: BackoffPolicy;
  readonly concurrency: number;
  /** Deliveries of one healthy endpoint per pass (default 2); a failing endpoint gets 1. */
  readonly perEndpoint?: number;
  /** How long a claim holds a delivery; must exceed the transport's timeout. */
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly logger: WorkerLogger;
}

export interface PassResult { readonly claimed: number; readonly delivered: number; readonly failed: number }

export interface NotificationWorker {
  runOnce(now?: Date): Promise<PassResult>;
  /** Passes until nothing is due at `now` (the clock's instant at each pass when absent). */
  runUntilIdle(now?: Date): Promise<PassResult>;
  start(): void;
  /** Stops claiming, lets the calls in flight finish (at most timeoutMs), closes the transport. */
  stop(timeoutMs?: number): Promise<void>;
}

const MAX_PASSES = 10_000;

export function createNotificationWorker(o: NotificationWorkerOptions): NotificationWorker {
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<unknown> = Promise.resolve();

  interface CallResult {
    readonly problem: string | null;
    readonly httpStatus: number | null;
    readonly durationMs: number;
    /** false: nothing was posted (the endpoint's contract version cannot carry the message now). */
    readonly posted: boolean;
  }

  const event = (d: ClaimedDelivery): NotificationEvent => {
    if (d.kind === 'limit') return { eventId: d.eventId, at: d.at, kind: 'limit', status: d.status, payload: d.payload };
    if ('subject' in d) {
      return { eventId: d.eventId, sequence: d.sequence, at: d.at, kind: d.kind, payload: d.payload };
    }
    return { eventId: d.eventId, sequence: d.sequence, at: d.at, reference: d.reference, operatorReference: d.operatorReference, kind: d.kind, payload: d.payload };
  };
  const messageKind = (d: ClaimedDelivery): NotificationMessageKind => (d.kind === 'state' || d.kind === 'comment' ? 'ticket' : d.kind);

  /** One HTTP call; never throws: every failure becomes a line of the delivery log. */
  async function call(d: ClaimedDelivery, now: Date): Promise<CallResult> {
    const kind = messageKind(d);
    const operation = o.contract.operation(d.contractVersion, kind);
    // The version must be one the plan has in production when the message is sent (DOMAIN.md V1).
    const unsendable = sendProblem(o.contract.facts, d.contractVersion, kind, now) ?? (operation === null ? `notification v${d.contractVersion} has no operation for it` : null);
    if (unsendable !== null || operation === null) return { problem: `not sent: ${unsendable ?? ''}`, httpStatus: null, durationMs: 0, posted: false };
    const started = performance.now();
    let httpStatus: number | null = null;
    let problem: string | null;
    try {
      const answer = await o.transport.post(d.url, notificationRequest(operation, event(d), d.soapVersion));
      httpStatus = answer.status;
      const ack = acknowledgementProblem(operation, answer.body, d.eventId);
      // A SOAP 1.1 fault comes with 500, a 1.2 one with 400/500: the fault's own words say more than the status.
      problem = answer.status >= 200 && answer.status < 300 ? ack : ack?.startsWith('faute SOAP') ? `HTTP ${answer.status}, ${ack}` : `HTTP ${answer.status}`;
    } catch (e) {
      httpStatus = (e as { httpStatus?: number | null }).httpStatus ?? null;
      problem = describeFailure(e);
    }
    return { problem, httpStatus, durationMs: Math.round(performance.now() - started), posted: true };
  }

  async function record(d: ClaimedDelivery, r: CallResult, now: Date): Promise<boolean> {
    const outcome = { at: now, url: d.url, httpStatus: r.httpStatus, durationMs: r.durationMs };
    if (r.problem === null) {
      await recordDelivered(o.pool, d, outcome);
      return true;
    }
    const failures = d.attempts + 1;
    const stalled = isStalled(o.backoff, failures);
    const retryAt = nextAttemptAt(o.backoff, failures, now);
    const attempt = await recordFailed(o.pool, d, {
      ...outcome, error: r.problem, nextAttemptAt: retryAt, stalled, endpointRetryAt: (n) => nextAttemptAt(o.backoff, n, now), endpointFailed: r.posted
    });
    const what = d.kind === 'limit' ? { limitId: d.limitId, status: d.status }
      : 'subject' in d ? { subject: d.subject, sequence: d.sequence } : { reference: d.reference, sequence: d.sequence };
    const details = { operatorId: d.operatorId, ...what, eventId: d.eventId, attempt, error: r.problem, retryAt: retryAt.toISOString() };
    // Never silent: from the stalled threshold on, every failure is a warning (and flagged in the delivery log).
    if (stalled) o.logger.warn(details, 'notification stalled: still retrying at the longest interval');
    else o.logger.info(details, 'notification attempt failed');
    return false;
  }

  async function runOnce(at?: Date): Promise<PassResult> {
    const now = at ?? o.clock.now();
    const claimed = await claimDue(o.pool, { now, limit: o.concurrency, perEndpoint: o.perEndpoint ?? 2, leaseUntil: new Date(now.getTime() + o.leaseMs) });
    const results = await Promise.all(claimed.map((d) => call(d, now)));
    // Outcomes are recorded in event order once the pass's calls are over, so that an endpoint's health after a pass
    // (failing or not) does not depend on which call happened to finish last.
    let delivered = 0;
    for (const [i, d] of claimed.entries()) if (await record(d, results[i]!, now)) delivered++;
    return { claimed: claimed.length, delivered, failed: claimed.length - delivered };
  }

  async function runUntilIdle(at?: Date): Promise<PassResult> {
    const total = { claimed: 0, delivered: 0, failed: 0 };
    for (let pass = 0; pass < MAX_PASSES && !stopping; pass++) {
      const r = await runOnce(at);
      total.claimed += r.claimed;
      total.delivered += r.delivered;
      total.failed += r.failed;
      if (r.claimed === 0) break;
    }
    return total;
  }

  function tick(): void {
    timer = null;
    if (stopping) return;
    current = runUntilIdle()
      .catch((e: unknown) => o.logger.warn({ err: describeFailure(e) }, 'notification worker pass failed'))
      .finally(() => { if (!stopping) { timer = setTimeout(tick, o.pollMs); timer.unref(); } });
  }

  return {
    runOnce,
    runUntilIdle,
    start() {
      if (timer === null && !stopping) { timer = setTimeout(tick, 0); timer.unref(); }
    },
    async stop(timeoutMs = 5000) {
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([current, new Promise((resolve) => { deadline = setTimeout(resolve, timeoutMs); deadline.unref(); })]);
      clearTimeout(deadline);
      await o.transport.close();
    }
  };
}
