/**
 * The e-intervention outbox worker (issue 18): delivers every message the OI sends (M2, M4, M4TX and the report to
 * the operators; M6TX to the DO) to the endpoint the recipient registered for that role, at least once, in order
 * per intervention and recipient, with exponential backoff (src/jobs/backoff.ts), a delivery log and each
 * endpoint's health — the push notifications' design, in JSON over mutual TLS.
 *
 * A call succeeds on a 2xx whose body is the operation's 200 answer in the files; a 400 in the files' error shape
 * is the recipient refusing the message: recorded with its code, not sent again (the next message goes); anything
 * else (connection refused, time-out, 5xx, an answer off contract) is retried. Scheduling reads the injected clock
 * only: tests drive passes with runOnce(now). kick() runs a pass at once: a change committed on this instance
 * (an operator's impacts) reaches the DO without waiting for the poll.
 */
import { Agent, request } from 'undici';
import type { EInterventionContract } from '../contracts/e-intervention-contract.js';
import type { Clock } from '../domain/clock.js';
import { run, type Pool } from '../store/database.js';
import { claimMessages, recordOutcome, type ClaimedMessageRow } from '../store/queries/e-intervention-outbox.js';
import { nextAttemptAt, type BackoffPolicy } from './backoff.js';
import { describeFailure, type OutboundTls } from './notification-sender.js';
import type { WorkerLogger } from './notification-worker.js';

export interface EInterventionWorkerOptions {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly contract: EInterventionContract;
  readonly tls: OutboundTls;
  readonly backoff: BackoffPolicy;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly logger: WorkerLogger;
  /** Relays the OI's finished intermediate line tests into the outbox before each pass (answers messages written). */
  readonly relayLineTests?: (now: Date) => Promise<number>;
  /** An operator answered M4TX with the file's TEST_NON_REALISE (its report on that test is closed). */
  readonly onTestNotRealised?: (m: { readonly refIntervOI: string; readonly operator: string; readonly numeroTest: number; readonly now: Date }) => Promise<unknown>;
  /** Told of every delivered message (the bench's alert-path measure). */
  readonly onDelivered?: (m: { readonly id: string; readonly operation: string; readonly operator: string }) => void;
}

export interface EInterventionWorker {
  runOnce(now?: Date): Promise<{ claimed: number; delivered: number; failed: number }>;
  runUntilIdle(now?: Date): Promise<{ claimed: number; delivered: number; failed: number }>;
  kick(): void;
  start(): void;
  stop(): Promise<void>;
}

const MAX_ANSWER_BYTES = 64 * 1024;

type Outcome = { kind: 'delivered' } | { kind: 'refused'; error: string } | { kind: 'failed'; error: string };

export function createEInterventionWorker(o: EInterventionWorkerOptions): EInterventionWorker {
  const agent = new Agent({
    connect: {
      cert: o.tls.cert, key: o.tls.key, ...(o.tls.ca ? { ca: [...o.tls.ca] } : {}), rejectUnauthorized: true, minVersion: 'TLSv1.2', timeout: o.timeoutMs
    },
    headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, keepAliveTimeout: 10_000
  });
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let again = false;

  async function call(m: ClaimedMessageRow): Promise<{ outcome: Outcome; status: number | null; url: string; ms: number }> {
    const op = o.contract.operation(m.operation);
    const url = `${m.base_url.replace(/\/+$/, '')}${op.path}`;
    const started = performance.now();
    let status: number | null = null;
    try {
      const res = await request(url, {
        method: op.method, dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(m.body),
        signal: AbortSignal.timeout(o.timeoutMs)
      });
      status = res.statusCode;
      const text = await readCapped(res.body);
      let body: unknown = null;
      try { body = JSON.parse(text); } catch { body = null; }
      const ms = Math.round(performance.now() - started);
      if (status >= 200 && status < 300) {
        const problems = op.answerProblems(body);
        const offContract = `réponse hors contrat : ${problems.map((p) => `${p.field} ${p.message}`).join(' ; ')}`.slice(0, 500);
        if (problems.length > 0) return { outcome: { kind: 'failed', error: offContract }, status, url, ms };
        return { outcome: { kind: 'delivered' }, status, url, ms };
      }
      if (status === 400 && op.errorProblems(body).length === 0) {
        const e = body as { error: string; error_description?: string };
        return { outcome: { kind: 'refused', error: `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`.slice(0, 500) }, status, url, ms };
      }
      return { outcome: { kind: 'failed', error: `HTTP ${status}` }, status, url, ms };
    } catch (e) {
      return { outcome: { kind: 'failed', error: describeFailure(e) }, status, url, ms: Math.round(performance.now() - started) };
    }
  }

  async function record(m: ClaimedMessageRow, r: Awaited<ReturnType<typeof call>>, now: Date): Promise<boolean> {
    const failed = r.outcome.kind === 'failed';
    await run(o.pool, recordOutcome({
      messageId: m.id, operator: m.operator, role: m.role, outcome: r.outcome.kind, now, url: r.url, httpStatus: r.status, durationMs: r.ms,
      error: r.outcome.kind === 'delivered' ? null : r.outcome.error,
      retryAt: failed ? nextAttemptAt(o.backoff, m.attempts + 1, now) : null,
      endpointRetryAt: failed ? nextAttemptAt(o.backoff, m.endpoint_failures + 1, now) : null
    }));
    if (r.outcome.kind === 'failed') {
      o.logger.info({ message: m.id, operator: m.operator, operation: m.operation, error: r.outcome.error }, 'e-intervention delivery failed');
      return false;
    }
    const details = { message: m.id, operator: m.operator, operation: m.operation };
    if (r.outcome.kind === 'refused') {
      o.logger.warn({ ...details, error: r.outcome.error }, 'e-intervention message refused');
      if (m.operation === 'demanderTestIntermediaireInterventionOI' && r.outcome.error.startsWith('TEST_NON_REALISE') && o.onTestNotRealised) {
        await o.onTestNotRealised({ refIntervOI: m.ref_interv_oi, operator: m.operator, numeroTest: Number(m.body.numeroTest), now });
      }
    }
    else o.onDelivered?.({ id: m.id, operation: m.operation, operator: m.operator });
    return true;
  }

  async function runOnce(at?: Date) {
    const now = at ?? o.clock.now();
    if (o.relayLineTests) await o.relayLineTests(now);
    const claimed = await run<ClaimedMessageRow>(o.pool, claimMessages(now, o.concurrency, new Date(now.getTime() + o.leaseMs)));
    // Each message is recorded as soon as its own call ends: a slow endpoint does not hold back the others' outcome.
    const outcomes = await Promise.all(claimed.map(async (m) => record(m, await call(m), now)));
    const delivered = outcomes.filter(Boolean).length;
    return { claimed: claimed.length, delivered, failed: claimed.length - delivered };
  }

  async function runUntilIdle(at?: Date) {
    const total = { claimed: 0, delivered: 0, failed: 0 };
    for (let pass = 0; pass < 10_000 && !stopping; pass++) {
      const r = await runOnce(at);
      total.claimed += r.claimed; total.delivered += r.delivered; total.failed += r.failed;
      if (r.claimed === 0) break;
    }
    return total;
  }

  function schedule(ms: number): void {
    if (stopping) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  }

  function tick(): void {
    timer = null;
    if (stopping) return;
    if (running) { again = true; return; }
    running = runUntilIdle()
      .catch((e: unknown) => o.logger.warn({ err: describeFailure(e) }, 'e-intervention worker pass failed'))
      .finally(() => {
        running = null;
        if (again) { again = false; schedule(0); } else schedule(o.pollMs);
      });
  }

  return {
    runOnce,
    runUntilIdle,
    kick() { if (running) again = true; else schedule(0); },
    start() { schedule(0); },
    async stop() {
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      await running;
      await agent.close();
    }
  };
}

async function readCapped(body: AsyncIterable<unknown> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_ANSWER_BYTES) { body.destroy(); break; }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
