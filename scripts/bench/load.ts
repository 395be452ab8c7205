/**
 * The load generator: a closed loop of N workers over an undici Pool of N keep-alive mutual TLS connections
 * (pipelining 1), so exactly N requests are in flight at any time. A warm-up phase (TLS handshakes, JIT, caches,
 * prepared statements) is run and thrown away; then every request that completes inside the measured window is
 * counted and its latency (send → last byte of the body) recorded in a perf_hooks histogram. Given several targets
 * (two gateway instances), the connections are split evenly between them, one Pool each, one window for all.
 */
import { createHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';
import { sleep, timedRun, type RunState } from './timed-run.js';

export interface LoadTarget {
  /** https://127.0.0.1:<port> */
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body of each request, made anew per request (a filing needs its own operator reference). */
  readonly body: () => string;
  /** Whether an answer is the expected one; any other answer counts as an error. */
  check(status: number, body: string): boolean;
}

export interface ClientTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface Progress {
  readonly phase: 'warm-up' | 'measure';
  readonly elapsedMs: number;
  readonly phaseMs: number;
  readonly completed: number;
  readonly errors: number;
}

export interface LoadOptions {
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly tls: ClientTls;
  readonly progressEveryMs: number;
  readonly onProgress?: (p: Progress) => void;
  /** Aborts the run (the server died, Ctrl-C): the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Told when the measured window opens and when it closes (the memory sampler runs in between). */
  readonly onMeasure?: (event: 'start' | 'end') => void;
  /**
   * Warm up until the throughput is stable (issue 20): after the fixed warm-up, windows of windowMs until the last
   * `windows` of them are within `tolerance` of each other (max ÷ min − 1), or the warm-up has lasted maxMs.
   */
  readonly untilStable?: StableWarmupOptions;
}

export interface StableWarmupOptions {
  readonly windowMs: number;
  readonly maxMs: number;
  readonly windows: number;
  readonly tolerance: number;
}

/** How a load warmed until stable went: requests/s of each warm-up window after the fixed part. */
export interface StableWarmup {
  readonly warmupMs: number;
  readonly windowsPerSecond: readonly number[];
  /** false: maxMs was reached first (the figures of the window are then those of a server still warming). */
  readonly stable: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly durationMs: number;
  readonly requestsPerSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The first unexpected answer or failure of the measured phase, to tell a broken bench from a slow one. */
  readonly firstError: string | null;
  /** With several targets: the requests of the window per target, in their order. */
  readonly perTarget?: readonly number[];
  /** When the load was warmed until stable. */
  readonly stableWarmup?: StableWarmup;
}

const NS_PER_MS = 1e6;

/**
 * Sends the target's request on one connection until it is answered as expected, or rejects after timeoutMs: a JVM
 * answers its first request only once its classes are loaded and its JAXB contexts built (seconds), which no
 * fixed warm-up of a smoke run covers. Answers how long the first expected answer took.
 */
export async function firstAnswer(target: LoadTarget, tls: ClientTls, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  const pool = new Pool(target.origin, { connections: 1, connect: { ca: tls.ca, cert: tls.cert, key: tls.key, servername: 'localhost' } });
  let last = 'no answer';
  try {
    while (performance.now() - started < timeoutMs) {
      signal?.throwIfAborted();
      const body = Buffer.from(target.body(), 'utf8');
      try {
        const res = await pool.request({
          origin: target.origin, path: target.path, method: 'POST', body,
          headers: { ...target.headers, 'content-length': String(body.length) },
          headersTimeout: timeoutMs, bodyTimeout: timeoutMs
        });
        const text = await res.body.text();
        if (target.check(res.statusCode, text)) return performance.now() - started;
        last = `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
      } catch (e) {
        last = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      await sleep(100);
    }
  } finally {
    await pool.destroy().catch(() => undefined);
  }
  throw new Error(`no expected answer within ${timeoutMs / 1000} s (last: ${last})`);
}

export async function runLoad(targets: LoadTarget | readonly LoadTarget[], o: LoadOptions): Promise<LoadResult> {
  o.signal?.throwIfAborted();
  const list: readonly LoadTarget[] = Array.isArray(targets) ? targets : [targets as LoadTarget];
  if (list.length === 0 || o.connections < list.length) throw new RangeError(`${o.connections} connections for ${list.length} targets`);
  // Connection i goes to target i mod n: 50 connections on two targets are 25 + 25.
  const share = (t: number): number => Math.floor(o.connections / list.length) + (t < o.connections % list.length ? 1 : 0);
  const pools = list.map((target, t) => new Pool(target.origin, {
    connections: share(t),
    pipelining: 1,
    connect: { ca: o.tls.ca, cert: o.tls.cert, key: o.tls.key, servername: 'localhost' },
    keepAliveTimeout: 60_000
  }));
  const measuredPer = list.map(() => 0);
  const histogram = createHistogram();

  let run: RunState = { phase: 'warm-up', stopped: false };
  let completed = 0;
  let measured = 0;
  let errors = 0;
  let firstError: string | null = null;

  const failed = (why: string): void => {
    if (run.phase !== 'measure' || run.stopped) return;
    errors++;
    firstError ??= why;
  };

  async function worker(t: number): Promise<void> {
    const target = list[t]!;
    const pool = pools[t]!;
    while (!run.stopped) {
      const body = Buffer.from(target.body(), 'utf8');
      const headers = { ...target.headers, 'content-length': String(body.length) };
      const started = process.hrtime.bigint();
      try {
        const res = await pool.request({ origin: target.origin, path: target.path, method: 'POST', headers, body });
        const text = await res.body.text();
        const elapsed = process.hrtime.bigint() - started;
        completed++;
        if (!target.check(res.statusCode, text)) {
          failed(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
        } else if (run.phase === 'measure' && !run.stopped) {
          measured++;
          measuredPer[t]!++;
          histogram.record(elapsed > 0n ? elapsed : 1n);
        }
      } catch (e) {
        failed(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        // A refused or reset connection fails at once: do not spin the event loop on it.
        await sleep(10);
      }
    }
  }

  let durationMs: number;
  let warmupMs = 0;
  const windows: number[] = [];
  let stable = false;
  let windowStart = { at: 0, completed: 0 };
  const u = o.untilStable;
  const untilStable = u && {
    windowMs: u.windowMs, maxMs: Math.max(u.maxMs, o.warmupMs),
    stable: (): boolean => {
      const now = performance.now();
      if (windowStart.at > 0) windows.push(((completed - windowStart.completed) * 1000) / (now - windowStart.at));
      windowStart = { at: now, completed };
      const last = windows.slice(-u.windows);
      stable = last.length === u.windows && Math.min(...last) > 0 && Math.max(...last) / Math.min(...last) - 1 <= u.tolerance;
      return stable;
    }
  };
  try {
    ({ durationMs, warmupMs } = await timedRun({
      workers: o.connections, warmupMs: o.warmupMs, durationMs: o.durationMs, what: 'load run',
      ...(o.signal ? { signal: o.signal } : {}),
      progressEveryMs: o.progressEveryMs,
      onProgress: (phase, elapsedMs, phaseMs) => o.onProgress?.({ phase, elapsedMs, phaseMs, completed, errors }),
      onMeasure: (edge) => {
        if (edge === 'start') histogram.reset();
        o.onMeasure?.(edge);
      },
      ...(untilStable ? { untilStable } : {})
    }, (i, state) => {
      run = state;
      return worker(i % list.length);
    }));
  } finally {
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
  const ms = (ns: number): number => (measured === 0 ? 0 : ns / NS_PER_MS);
  return {
    requests: measured,
    errors,
    durationMs,
    requestsPerSecond: measured / (durationMs / 1000),
    meanMs: ms(histogram.mean),
    p50Ms: ms(histogram.percentile(50)),
    p90Ms: ms(histogram.percentile(90)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
    firstError,
    ...(list.length > 1 ? { perTarget: measuredPer } : {}),
    ...(u ? { stableWarmup: { warmupMs, windowsPerSecond: windows.map((x) => Math.round(x)), stable } } : {})
  };
}
