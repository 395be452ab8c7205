/**
 * The clock of a closed-loop measurement, shared by the load generator (load.ts) and the handshake loops
 * (handshake.ts): N workers loop until stopped; a warm-up is run and thrown away, then the measured window; the
 * work still in flight when the window closes completes after it and is not counted. An abort (a server died,
 * Ctrl-C) stops the workers and rejects with the signal's reason.
 */
export type Phase = 'warm-up' | 'measure';

/** What a worker reads on each turn of its loop. */
export interface RunState {
  readonly phase: Phase;
  readonly stopped: boolean;
}

export interface TimedRunOptions {
  readonly workers: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly signal?: AbortSignal;
  /** Names the run in the error of an abort without a reason. */
  readonly what: string;
  readonly progressEveryMs?: number;
  readonly onProgress?: (phase: Phase, elapsedMs: number, phaseMs: number) => void;
  /** When the measured window opens (reset what the warm-up recorded) and closes. */
  readonly onMeasure?: (edge: 'start' | 'end') => void;
  /**
   * After the fixed warm-up, more warm-up windows of windowMs each until `stable()` says so (it is asked once when the
   * first window starts, its answer ignored, then after each window) or the whole warm-up reaches maxMs.
   */
  readonly untilStable?: { readonly windowMs: number; readonly maxMs: number; stable(): boolean };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the workers through both phases; resolves with the measured window's length once they have all stopped. */
export async function timedRun(o: TimedRunOptions, worker: (i: number, state: RunState) => Promise<void>): Promise<{ durationMs: number; warmupMs: number }> {
  o.signal?.throwIfAborted();
  const state = { phase: 'warm-up' as Phase, stopped: false };
  let phaseStart = performance.now();
  let measureEnd = 0;
  let warmupMs = 0;
  const progress = o.onProgress && o.progressEveryMs
    ? setInterval(() => o.onProgress!(state.phase, performance.now() - phaseStart, state.phase === 'warm-up' ? Math.max(o.warmupMs, o.untilStable?.maxMs ?? 0) : o.durationMs), o.progressEveryMs)
    : null;
  let abort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    abort = () => {
      state.stopped = true;
      reject(o.signal?.reason instanceof Error ? o.signal.reason : new Error(`${o.what} aborted`));
    };
    o.signal?.addEventListener('abort', abort, { once: true });
  });
  try {
    const workers = Array.from({ length: o.workers }, (_, i) => worker(i, state));
    await Promise.race([sleep(o.warmupMs), aborted]);
    if (o.untilStable) {
      const u = o.untilStable;
      u.stable(); // the first window starts now (its answer is not looked at)
      while (performance.now() - phaseStart + u.windowMs <= u.maxMs) {
        await Promise.race([sleep(u.windowMs), aborted]);
        if (u.stable()) break;
      }
    }
    warmupMs = performance.now() - phaseStart;
    state.phase = 'measure';
    phaseStart = performance.now();
    o.onMeasure?.('start');
    await Promise.race([sleep(o.durationMs), aborted]);
    measureEnd = performance.now();
    state.stopped = true;
    o.onMeasure?.('end');
    await Promise.race([Promise.all(workers), aborted]);
  } finally {
    if (progress) clearInterval(progress);
    o.signal?.removeEventListener('abort', abort);
  }
  return { durationMs: measureEnd - phaseStart, warmupMs };
}
