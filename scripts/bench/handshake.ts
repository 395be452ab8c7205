/**
 * New mutual-TLS connections per second: N parallel loops, each opening a connection, completing the handshake,
 * closing, and opening the next one. Nothing is sent over the connection (no HTTP request): the client ends its
 * side as soon as its handshake is done, and a connection counts once the server has closed its side too, which
 * it does only after it has read the client's Finished — so the server's whole part of the handshake (in TLS 1.3
 * the verification of the client certificate, and the session tickets it sends) is inside the measured time.
 *
 * Full: every connection is a full handshake (no session offered). Resumed: each loop offers the session (ticket)
 * of its previous connection, as a client with a session cache does; `reused` counts the connections the server
 * actually resumed (TLSSocket.isSessionReused()). A loop's first connection has no session to offer: it falls in
 * the warm-up.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import tls from 'node:tls';
import type { ClientTls, Progress } from './load.js';
import { sleep, timedRun, type RunState } from './timed-run.js';

export interface HandshakeTarget {
  readonly host: string;
  readonly port: number;
  readonly servername: string;
}

export interface HandshakeOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly resume: boolean;
  readonly tls: ClientTls;
  readonly progressEveryMs: number;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
  /** A connection that takes longer than this is an error (a server that never answers must not hang the run). */
  readonly timeoutMs?: number;
  /** Record the latencies here (several rounds into one histogram) instead of a histogram of this run's own. */
  readonly histogram?: RecordableHistogram;
}

export interface HandshakeResult {
  /** Connections completed in the measured window. */
  readonly connections: number;
  readonly errors: number;
  readonly durationMs: number;
  readonly perSecond: number;
  /** Of the connections of the window, the share the server resumed (0 for full handshakes, 1 when all resumed). */
  readonly reusedShare: number;
  readonly reused: number;
  /** Measured rounds this result adds up (alternated with the other server's, see mergeRounds). */
  readonly rounds: number;
  /** TLS version negotiated (the last connection's). */
  readonly protocol: string | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError: string | null;
}

interface Connected { readonly session: Buffer | undefined; readonly reused: boolean; readonly protocol: string | null }

/** One connection: connect, handshake, end, wait for the server's close. Resolves with the newest session ticket. */
export function handshakeOnce(t: HandshakeTarget, c: ClientTls, session: Buffer | undefined, timeoutMs: number): Promise<Connected> {
  return new Promise((resolve, reject) => {
    let latest: Buffer | undefined;
    let reused = false;
    let protocol: string | null = null;
    let secure = false;
    let failure: Error | null = null;
    const socket = tls.connect({
      host: t.host, port: t.port, servername: t.servername, ca: c.ca, cert: c.cert, key: c.key,
      ...(session ? { session } : {})
    });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('session', (s: Buffer) => { latest = s; });
    socket.once('secureConnect', () => {
      secure = true;
      reused = socket.isSessionReused();
      protocol = socket.getProtocol();
      socket.end();
    });
    // A server that refuses the client certificate answers (in TLS 1.3, after the client's handshake is done) with
    // an alert: an error here, or data before the close.
    socket.on('data', () => { failure ??= new Error('unexpected data from the server'); });
    socket.once('error', (e) => { failure ??= e; });
    socket.once('close', () => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (!secure) reject(new Error('closed before the handshake completed'));
      else resolve({ session: latest ?? session, reused, protocol });
    });
  });
}


export async function runHandshakes(t: HandshakeTarget, o: HandshakeOptions): Promise<HandshakeResult> {
  o.signal?.throwIfAborted();
  const timeoutMs = o.timeoutMs ?? 5000;
  const histogram = o.histogram ?? createHistogram();
  let run: RunState = { phase: 'warm-up', stopped: false };
  let completed = 0;
  let measured = 0;
  let reusedCount = 0;
  let errors = 0;
  let firstError: string | null = null;
  let protocol: string | null = null;

  async function loop(): Promise<void> {
    let session: Buffer | undefined;
    while (!run.stopped) {
      const started = process.hrtime.bigint();
      try {
        const r = await handshakeOnce(t, o.tls, o.resume ? session : undefined, timeoutMs);
        const elapsed = process.hrtime.bigint() - started;
        completed++;
        session = r.session;
        protocol = r.protocol;
        if (run.phase === 'measure' && !run.stopped) {
          measured++;
          if (r.reused) reusedCount++;
          histogram.record(elapsed > 0n ? elapsed : 1n);
        }
      } catch (e) {
        if (run.phase === 'measure' && !run.stopped) {
          errors++;
          firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        }
        session = undefined;
        await sleep(10);
      }
    }
  }

  const { durationMs } = await timedRun({
    workers: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs, what: 'handshake run',
    ...(o.signal ? { signal: o.signal } : {}),
    progressEveryMs: o.progressEveryMs,
    onProgress: (phase, elapsedMs, phaseMs) => o.onProgress?.({ phase, elapsedMs, phaseMs, completed, errors }),
    onMeasure: (edge) => { if (edge === 'start' && !o.histogram) histogram.reset(); }
  }, (_i, state) => {
    run = state;
    return loop();
  });
  const ms = (ns: number): number => (measured === 0 ? 0 : ns / 1e6);
  return {
    connections: measured,
    errors,
    durationMs,
    perSecond: measured / (durationMs / 1000),
    reusedShare: measured === 0 ? 0 : Math.round((reusedCount / measured) * 1000) / 1000,
    reused: reusedCount,
    rounds: 1,
    protocol,
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    firstError
  };
}

/** Rounds of one server and mode as one result: their connections over their summed windows, one histogram. */
export function mergeRounds(rounds: readonly HandshakeResult[], histogram: RecordableHistogram): HandshakeResult {
  const connections = rounds.reduce((a, r) => a + r.connections, 0);
  const reused = rounds.reduce((a, r) => a + r.reused, 0);
  const durationMs = rounds.reduce((a, r) => a + r.durationMs, 0);
  const ms = (ns: number): number => (connections === 0 ? 0 : ns / 1e6);
  return {
    connections,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    durationMs,
    perSecond: connections / (durationMs / 1000),
    reusedShare: connections === 0 ? 0 : Math.round((reused / connections) * 1000) / 1000,
    reused,
    rounds: rounds.length,
    protocol: rounds.find((r) => r.protocol !== null)?.protocol ?? null,
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    firstError: rounds.find((r) => r.firstError !== null)?.firstError ?? null
  };
}

export interface ResumedCall {
  /** Whether the connection that made the call was a resumed one. */
  readonly resumed: boolean;
  readonly status: number | null;
  /** The gateway answered the call as for the registered operator (not AUTHENTIFICATION_REFUSEE). */
  readonly authenticated: boolean;
  readonly error?: string;
}

/**
 * One real SOAP call on a resumed connection: the gateway must still know who the client is (the peer certificate
 * of a resumed session comes from the ticket) and check it against the registry as on a full handshake.
 */
export async function callOnResumedSession(t: HandshakeTarget, c: ClientTls, request: { path: string; headers: Record<string, string>; body: string; check(status: number, body: string): boolean }): Promise<ResumedCall> {
  try {
    const first = await handshakeOnce(t, c, undefined, 5000);
    const socket = tls.connect({ host: t.host, port: t.port, servername: t.servername, ca: c.ca, cert: c.cert, key: c.key, ...(first.session ? { session: first.session } : {}) });
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', () => resolve()); socket.once('error', reject); });
    const resumed = socket.isSessionReused();
    const body = Buffer.from(request.body, 'utf8');
    const head = [`POST ${request.path} HTTP/1.1`, `host: ${t.servername}:${t.port}`, 'connection: close', `content-length: ${body.length}`,
      ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    socket.write(head);
    socket.write(body);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    await new Promise<void>((resolve, reject) => { socket.once('close', () => resolve()); socket.once('error', reject); });
    const text = Buffer.concat(chunks).toString('utf8');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
    const code = status ? Number(status[1]) : null;
    const split = text.indexOf('\r\n\r\n');
    return { resumed, status: code, authenticated: code !== null && request.check(code, split === -1 ? '' : text.slice(split + 4)) };
  } catch (e) {
    return { resumed: false, status: null, authenticated: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether a session from one server is resumed by another (two gateway instances: separate ticket keys). */
export async function resumesAcross(from: HandshakeTarget, to: HandshakeTarget, c: ClientTls): Promise<boolean> {
  const first = await handshakeOnce(from, c, undefined, 5000);
  const second = await handshakeOnce(to, c, first.session, 5000);
  return second.reused;
}
