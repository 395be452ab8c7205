/**
 * Runs the queued line tests off the request path (issue 17 part 3): claims due tests on the PostgreSQL queue
 * (src/store/line-test-queue.ts: SKIP LOCKED, a lease, a cap per network element), asks each one's driver within the
 * test's timeout, and writes the outcome: TERMINE with the measures and the diagnosis, or — when the element did not
 * answer — another attempt after a backoff, up to the test's attempts, then ECHEC with the reason; the outcome's
 * notice to the operator is written with it (notificationTestLigne). A test whose
 * worker died is taken over when its lease runs out; its lost attempt counts.
 */
import type { Clock } from '../domain/clock.js';
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import { diagnose, measuresOf, readingsFor } from '../domain/line-test-diagnosis.js';
import type { Pool } from '../store/database.js';
import { claimLineTests, finishClaim, requeueClaim, type ClaimedLineTest, type LineTestOutcome } from '../store/line-test-queue.js';
import { ElementError, ElementNoAnswer, type NetworkDriver } from './line-test-drivers/driver.js';

export interface LineTestWorkerOptions {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly drivers: (elementKey: string) => NetworkDriver;
  /** This worker's name in the claims (instance and process). */
  readonly worker: string;
  /** Tests in flight in this worker at most. */
  readonly concurrency: number;
  /** Tests in flight per network element across every worker at most (an OLT is not flooded during an incident). */
  readonly capPerElement: number;
  /** The lease is the test's timeout plus this. */
  readonly graceMs: number;
  /** The wait before attempt n+1 is n times this. */
  readonly retryDelayMs: number;
  readonly pollMs: number;
  readonly onError: (e: Error, what: string) => void;
  /** The notification contract, to decide whether each outcome is pushed to the operator (notificationTestLigne). */
  readonly notificationContract?: NotificationContractFacts | null;
  /** Told of every outcome written (metrics, the tests). */
  readonly onOutcome?: (test: ClaimedLineTest, outcome: LineTestOutcome) => void;
}

export interface LineTestWorker {
  /** Claims what is due now and runs it to its outcome; answers how many tests were claimed. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops claiming and waits for the tests in flight. */
  stop(): Promise<void>;
  readonly inFlight: number;
}

async function attempt(o: LineTestWorkerOptions, t: ClaimedLineTest): Promise<void> {
  if (t.attempt > t.maxAttempts) {
    const outcome: LineTestOutcome = { state: 'ECHEC', reason: `test interrompu, repris après ${t.maxAttempts} tentative(s) sans résultat` };
    if (await finishClaim(o.pool, t, o.worker, outcome, o.clock.now(), o.notificationContract ?? null)) o.onOutcome?.(t, outcome);
    return;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), t.timeoutMs);
  let outcome: LineTestOutcome;
  try {
    const timedOut = new Promise<never>((_, reject) => controller.signal.addEventListener('abort',
      () => reject(new ElementNoAnswer(`pas de réponse de l'élément dans le délai du test (${t.timeoutMs >= 1000 ? `${Math.round(t.timeoutMs / 1000)} s` : `${t.timeoutMs} ms`})`)), { once: true }));
    const answer = await Promise.race([o.drivers(t.elementKey).run(t, controller.signal), timedOut]);
    const readings = readingsFor(t.kind, answer.readings);
    outcome = { state: 'TERMINE', measures: measuresOf(readings, t.thresholds), diagnosis: diagnose(readings, answer.topology, t.thresholds) };
  } catch (e) {
    if (e instanceof ElementNoAnswer && t.attempt < t.maxAttempts) {
      const next = new Date(o.clock.now().getTime() + o.retryDelayMs * t.attempt);
      await requeueClaim(o.pool, t, o.worker, next, e.reason);
      return;
    }
    if (e instanceof ElementNoAnswer) outcome = { state: 'ECHEC', reason: `${e.reason} (${t.attempt} tentative(s))` };
    else if (e instanceof ElementError) outcome = { state: 'ECHEC', reason: e.reason };
    else throw e; // the database or a defect: the claim stays, its lease runs out, another claim takes it over
  } finally {
    clearTimeout(timer);
  }
  if (await finishClaim(o.pool, t, o.worker, outcome, o.clock.now(), o.notificationContract ?? null)) o.onOutcome?.(t, outcome);
}

export function createLineTestWorker(o: LineTestWorkerOptions): LineTestWorker {
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let claiming = false;

  async function claimAndRun(): Promise<Array<Promise<void>>> {
    const free = o.concurrency - running.size;
    if (free <= 0 || claiming) return [];
    claiming = true;
    let claimed: ClaimedLineTest[];
    try {
      claimed = await claimLineTests(o.pool, { now: o.clock.now(), limit: free, capPerElement: o.capPerElement, worker: o.worker, graceMs: o.graceMs });
    } finally {
      claiming = false;
    }
    return claimed.map((t) => {
      const p = attempt(o, t).catch((e: Error) => o.onError(e, `line test ${t.reference}`)).finally(() => running.delete(p));
      running.add(p);
      return p;
    });
  }

  return {
    async runOnce() {
      const started = await claimAndRun();
      await Promise.all(started);
      return started.length;
    },
    start() {
      if (timer) return;
      timer = setInterval(() => { claimAndRun().catch((e: Error) => o.onError(e, 'line test claim')); }, o.pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([...running]);
    },
    get inFlight() { return running.size; }
  };
}
