/**
 * `npm run bench`: the gateway's throughput and latency against a ceiling and a peer, on this machine, in one run;
 * its memory under load, two instances on one PostgreSQL, new mTLS connections per second against a bare Node
 * server, and its cold start. Each server runs in a child process of its own (scripts/bench/server-*.ts); this
 * process only generates load, so that server and client never share an event loop. See benchmarks/README.md for
 * how to read the figures.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { createHistogram } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerChild, stopOrphanPostgres } from './bench/children.js';
import { buildServer, COLD_START_READINESS, measureColdStart } from './bench/coldstart.js';
import { callOnResumedSession, mergeRounds, resumesAcross, runHandshakes, type HandshakeResult } from './bench/handshake.js';
import { firstAnswer, runLoad, type Progress } from './bench/load.js';
import { breakdown, sampleRss, type MemoryBreakdown, type MemorySummary, type RssSampler } from './bench/memory.js';
import { parseOptions, UsageError, USAGE, type BenchId, type BenchOptions } from './bench/options.js';
import { benchPki } from './bench/pki.js';
import { summariseProfile } from './bench/profile-summary.js';
import {
  buildReport, combineRuns, failures, formatReport, instancesExpectation, ratioOf, writeReport,
  type BenchReport, type ColdStartReport, type PeerStatus, type HandshakeId, type HandshakeReport, type HandshakeRow, type InstancesReport, type TargetResult
} from './bench/report.js';
import { buildJaxws, jaxwsUnavailable, JVM_FLAGS } from './bench/jaxws.js';
import { LOADS, PEER_SERVERS, SERVERS, TLS_SERVER, type LoadDefinition, type ServerDefinition } from './bench/targets.js';
import type { BenchPki, GatewayStart, ReadyMessage } from './bench/protocol.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'benchmarks', 'results');
const TTY = process.stderr.isTTY === true;

/** Undo actions, run once each, last registered first, whether the run ends well, badly or on Ctrl-C. */
class Cleanup {
  private readonly actions: Array<{ name: string; run: () => Promise<void> }> = [];
  private running: Promise<void> | null = null;

  /** Registers an action; the function returned runs it now (once) and forgets it. */
  add(name: string, action: () => Promise<void> | void): () => Promise<void> {
    let done: Promise<void> | null = null;
    const entry = { name, run: () => (done ??= Promise.resolve().then(action)) };
    this.actions.push(entry);
    return async () => {
      const i = this.actions.indexOf(entry);
      if (i !== -1) this.actions.splice(i, 1);
      await entry.run();
    };
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.actions.length > 0) {
        const a = this.actions.pop()!;
        await a.run().catch((e: unknown) => process.stderr.write(`cleanup (${a.name}) failed: ${e instanceof Error ? e.message : String(e)}\n`));
      }
    })();
    return this.running;
  }
}

function status(line: string): void {
  if (TTY) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
}

function endStatus(): void {
  if (TTY) process.stderr.write('\r\x1b[K');
}

function progressLine(name: string, unit = 'req/s'): (p: Progress) => void {
  let last = { at: performance.now(), completed: 0 };
  return (p) => {
    const now = performance.now();
    const rate = ((p.completed - last.completed) * 1000) / Math.max(1, now - last.at);
    last = { at: now, completed: p.completed };
    status(`  ${name}: ${p.phase} ${(p.elapsedMs / 1000).toFixed(1)}/${(p.phaseMs / 1000).toFixed(1)} s, ~${rate.toFixed(0)} ${unit}, ${p.errors} errors`);
  };
}

interface Started {
  readonly ready: ReadyMessage;
  /** The process that serves (whose RSS is sampled): the child, or the JVM it started. */
  readonly pid: number;
  readonly signal: AbortSignal;
  /** The child's own view of its memory (process.memoryUsage, libxml2), after a full GC when asked. */
  memory(gc: boolean): Promise<MemoryBreakdown | null>;
}

/** Where the compiled servers are (set once built, unless --tsx). */
let buildDir: string | null = null;

/** The server script to fork: its compiled .js (the default), or the .ts itself under --tsx. */
function compiled(script: string, o: BenchOptions): string {
  if (o.tsx || buildDir === null) return script;
  return path.join(buildDir, path.relative(ROOT, script)).replace(/\.ts$/, '.js');
}

/**
 * Starts a server child, runs `use` with it, stops it. A child that dies while in use aborts the signal `use` gets
 * (it must end the run, not be measured as a storm of connection errors), as does the outer signal (Ctrl-C, or the
 * server this one is nested in).
 */
async function withServer<T>(server: ServerDefinition, name: string, o: BenchOptions, pki: BenchPki, workDir: string, cleanup: Cleanup,
  outer: AbortSignal, extra: { gateway?: GatewayStart; profile?: boolean; connectionString?: string; env?: Record<string, string> },
  use: (s: Started) => Promise<T>): Promise<T> {
  status(`  ${name}: starting (${extra.gateway?.database === 'connect' ? 'on the first gateway\'s PostgreSQL' : server.starting})…`);
  const isGateway = server.id === 'gateway';
  const child = startServerChild({
    script: compiled(server.script, o), cwd: ROOT, pki, workDir, env: isGateway ? o.gatewayEnv : extra.env ?? {},
    ...(extra.gateway ? { gateway: extra.gateway } : {}),
    ...(extra.connectionString ? { connectionString: extra.connectionString } : {}),
    ...(extra.profile ? { cpuProfDir: RESULTS_DIR } : {}),
    ...(isGateway ? { nodeFlags: o.gatewayNodeFlags, processEnv: o.gatewayProcessEnv } : {})
  });
  const ownsPostgres = isGateway && extra.gateway?.database !== 'connect';
  const stopChild = cleanup.add(`${name} server`, async () => {
    await child.stop();
    if (ownsPostgres) await stopOrphanPostgres(workDir);
  });
  let ready;
  try {
    ready = await child.ready;
  } catch (e) {
    await stopChild();
    throw e;
  }
  endStatus();
  const run = new AbortController();
  let finished = false;
  void child.exited.then((code) => { if (!finished) run.abort(new Error(`the ${name} server exited (code ${code}) during the run`)); });
  const onOuter = (): void => run.abort(outer.reason);
  if (outer.aborted) onOuter();
  outer.addEventListener('abort', onOuter, { once: true });
  try {
    return await use({ ready, pid: ready.servingPid ?? child.pid, signal: run.signal, memory: async (gc) => breakdown(await child.memoryUsage(gc)) });
  } finally {
    finished = true;
    outer.removeEventListener('abort', onOuter);
    await stopChild();
  }
}

/** Samples a child's RSS during the measured window of a load (started and stopped by the load's onMeasure). */
function memoryWindow(pids: readonly number[]): { onMeasure: (e: 'start' | 'end') => void; result: () => Promise<MemorySummary[]> } {
  let samplers: RssSampler[] = [];
  let summaries: Promise<MemorySummary[]> | null = null;
  return {
    onMeasure: (e) => {
      if (e === 'start') samplers = pids.map((pid) => sampleRss(pid));
      else summaries ??= Promise.all(samplers.map((x) => x.stop()));
    },
    result: () => summaries ?? Promise.all(samplers.map((x) => x.stop()))
  };
}

/** Warm-up windows of a load warmed until stable: 2 s each, the last 3 within 10 % (the machine is shared). */
const STABLE = { windowMs: 2000, windows: 3, tolerance: 0.1 } as const;

function loadOptions(o: BenchOptions, pki: BenchPki, name: string, signal: AbortSignal, onMeasure?: (e: 'start' | 'end') => void, untilStable = false) {
  return {
    ...(untilStable && o.maxStableWarmupS > 0 ? { untilStable: { ...STABLE, maxMs: o.maxStableWarmupS * 1000 } } : {}),
    connections: o.connections,
    warmupMs: o.warmupS * 1000,
    durationMs: o.durationS * 1000,
    tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
    progressEveryMs: TTY ? 250 : 2000,
    onProgress: progressLine(name),
    signal,
    ...(onMeasure ? { onMeasure } : {})
  };
}

/** Runs loads one after the other against a started server, its RSS sampled during each measured window. */
async function runLoads(loads: readonly LoadDefinition[], s: Started, o: BenchOptions, pki: BenchPki, sampleMemory: boolean,
  fixtures?: ReadyMessage['fixtures']): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (const t of loads) {
    if (t.prepare) {
      if (!s.ready.connectionString) throw new Error(`(${t.letter}) ${t.id} needs the gateway child's database`);
      status(`  (${t.letter}) ${t.id}: preparing the database…`);
      const started = performance.now();
      const what = await t.prepare(s.ready.connectionString, o.smoke);
      endStatus();
      process.stderr.write(`  (${t.letter}) ${t.id}: ${what} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    if (t.server === 'soap-pg' || t.server === 'jaxws') {
      // A peer answers its first request before its load starts (the JVM: classes, JAXB contexts), so that even a
      // short warm-up measures a server that answers.
      const tls = { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey };
      const ms = await firstAnswer(t.request(`https://127.0.0.1:${s.ready.port}`, fixtures ?? s.ready.fixtures), tls, 60_000, s.signal);
      if (ms > 1000) process.stderr.write(`  (${t.letter}) ${t.id}: first answer after ${(ms / 1000).toFixed(1)} s\n`);
    }
    const memory = memoryWindow(sampleMemory ? [s.pid] : []);
    const result = await runLoad(t.request(`https://127.0.0.1:${s.ready.port}`, fixtures ?? s.ready.fixtures),
      loadOptions(o, pki, `(${t.letter}) ${t.id}`, s.signal, memory.onMeasure, t.untilStable === true));
    const [sampled] = await memory.result();
    // Where the memory is, once the load has stopped, then after a full GC (retained, not garbage waiting). Not for
    // the JVM (the child that would answer is its wrapper).
    const rss = sampled && (t.server === 'jaxws' ? sampled : { ...sampled, breakdown: { atEnd: await s.memory(false), afterGc: await s.memory(true) } });
    endStatus();
    process.stderr.write(`  (${t.letter}) ${t.id}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`
      + `${rss?.maxMB != null ? `, RSS max ${rss.maxMB} MB` : ''}\n`);
    results.push({ id: t.id, letter: t.letter, label: t.label, server: t.server, ...result, ...(rss ? { memory: rss } : {}) });
  }
  return results;
}

const READ = LOADS.find((l) => l.id === 'read')!;

/** Item 2 of the issue: the read on one instance, then split over two instances on the same PostgreSQL. */
async function benchInstances(g1: Started, g2: Started, o: BenchOptions, pki: BenchPki): Promise<InstancesReport> {
  const signal = AbortSignal.any([g1.signal, g2.signal]);
  const origin = (s: Started): string => `https://127.0.0.1:${s.ready.port}`;
  const one = memoryWindow([g1.pid]);
  const oneResult = await runLoad(READ.request(origin(g1), g1.ready.fixtures), loadOptions(o, pki, 'instances: one', signal, one.onMeasure));
  endStatus();
  process.stderr.write(`  instances: one: ${oneResult.requestsPerSecond.toFixed(0)} req/s, ${oneResult.errors} errors\n`);
  const two = memoryWindow([g1.pid, g2.pid]);
  const twoResult = await runLoad([READ.request(origin(g1), g1.ready.fixtures), READ.request(origin(g2), g1.ready.fixtures)],
    loadOptions(o, pki, 'instances: two', signal, two.onMeasure));
  endStatus();
  process.stderr.write(`  instances: two: ${twoResult.requestsPerSecond.toFixed(0)} req/s (${(twoResult.perTarget ?? []).join(' + ')} requests), ${twoResult.errors} errors\n`);
  const cores = os.availableParallelism();
  return {
    cores, connections: o.connections,
    one: { ...oneResult, memory: (await one.result())[0]! },
    two: { ...twoResult, memory: await two.result() },
    ratio: ratioOf(twoResult.requestsPerSecond, oneResult.requestsPerSecond),
    expectation: instancesExpectation(cores)
  };
}

/** Rounds per handshake measurement: 2.5 s each at the default 10 s, one for a short run. */
function handshakeRounds(durationS: number): number {
  return Math.max(1, Math.min(4, Math.floor(durationS / 2.5)));
}

const HANDSHAKE_METHOD = 'one measured connection = TCP connect + TLS handshake (client certificate verified by the server) '
  + '+ close, no HTTP request; counted once the server has closed its side, i.e. has read the client\'s Finished';

/** Item 1 of the issue: new mTLS connections per second against a bare Node https server and against the gateway. */
async function benchHandshakes(bare: Started, gateway: Started, o: BenchOptions, pki: BenchPki, resumesAcrossInstances: boolean | null): Promise<HandshakeReport> {
  const signal = AbortSignal.any([bare.signal, gateway.signal]);
  const tls = { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey };
  const target = (s: Started) => ({ host: '127.0.0.1', port: s.ready.port, servername: 'localhost' });
  const plan: ReadonlyArray<{ id: HandshakeId; label: string; server: 'bare' | 'gateway'; resume: boolean }> = [
    { id: 'h1-full', label: '(h1) bare Node https, full', server: 'bare', resume: false },
    { id: 'h2-full', label: '(h2) gateway, full', server: 'gateway', resume: false },
    { id: 'h1-resumed', label: '(h1) bare Node https, resumed', server: 'bare', resume: true },
    { id: 'h2-resumed', label: '(h2) gateway, resumed', server: 'gateway', resume: true }
  ];
  // The measured window of each is cut in rounds that alternate bare and gateway, so that a change of the machine's
  // background load during the run falls on both alike (the ratio is what is read). Each round has a short warm-up
  // of its own: a loop's first connection has no session to offer.
  const rounds = handshakeRounds(o.durationS);
  const rows: HandshakeRow[] = [];
  for (const mode of [false, true]) {
    const pair = plan.filter((p) => p.resume === mode);
    const parts = new Map(pair.map((p) => [p.id, { histogram: createHistogram(), results: [] as HandshakeResult[] }]));
    for (let round = 0; round < rounds; round++) {
      for (const p of pair) {
        const acc = parts.get(p.id)!;
        const r = await runHandshakes(target(p.server === 'bare' ? bare : gateway), {
          concurrency: o.handshakeConcurrency, warmupMs: (round === 0 ? o.warmupS : Math.min(o.warmupS, 0.5)) * 1000,
          durationMs: (o.durationS / rounds) * 1000, resume: p.resume, tls, histogram: acc.histogram,
          progressEveryMs: TTY ? 250 : 2000, onProgress: progressLine(`${p.id} handshakes, round ${round + 1}/${rounds}`, 'conn/s'), signal
        });
        acc.results.push(r);
      }
    }
    for (const p of pair) {
      const acc = parts.get(p.id)!;
      const r = mergeRounds(acc.results, acc.histogram);
      endStatus();
      process.stderr.write(`  ${p.id}: ${r.perSecond.toFixed(0)} connections/s, ${(r.reusedShare * 100).toFixed(0)} % resumed, ${r.errors} errors\n`);
      rows.push({ ...p, ...r });
    }
  }
  rows.sort((x, y) => plan.findIndex((p) => p.id === x.id) - plan.findIndex((p) => p.id === y.id));
  const rate = (id: HandshakeId): number | undefined => rows.find((x) => x.id === id)?.perSecond;
  const read = READ.request(`https://127.0.0.1:${gateway.ready.port}`, gateway.ready.fixtures);
  const resumedCall = await callOnResumedSession(target(gateway), tls, { path: read.path, headers: { ...read.headers }, body: read.body(), check: read.check });
  return {
    method: HANDSHAKE_METHOD, concurrency: o.handshakeConcurrency, rounds, rows,
    ratios: { full: ratioOf(rate('h2-full'), rate('h1-full')), resumed: ratioOf(rate('h2-resumed'), rate('h1-resumed')) },
    resumedCall, resumesAcrossInstances
  };
}

/**
 * The profile of the gateway's main thread. Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; the
 * other thread's is tsx's module loader (its hooks run off the main thread), idle all along: it is removed.
 */
function profileOf(pid: number): string | undefined {
  const files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  for (const f of files) if (!f.includes(`.${pid}.0.`)) rmSync(path.join(RESULTS_DIR, f));
  const main = files.find((f) => f.includes(`.${pid}.0.`));
  return main && path.join(RESULTS_DIR, main);
}

async function main(): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const cleanup = new Cleanup();
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    endStatus();
    process.stderr.write(`\n${signal}: stopping the servers…\n`);
    interrupt.abort(new Error(`interrupted (${signal})`));
    void cleanup.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const wants = (id: BenchId): boolean => o.only.includes(id);
  const settings = {
    connections: o.connections, pipelining: 1 as const, warmupS: o.warmupS, durationS: o.durationS,
    gatewayEnv: o.gatewayEnv, gatewayNodeFlags: o.gatewayNodeFlags, gatewayProcessEnv: o.gatewayProcessEnv, gatewayProfiled: o.profile, handshakeConcurrency: o.handshakeConcurrency,
    coldStartRuns: o.coldStartRuns, historyPerOperator: o.historyPerOperator, smoke: o.smoke, serversCompiled: !o.tsx,
    runs: o.runs, maxStableWarmupS: o.maxStableWarmupS
  };
  let gatewayPid: number | null = null;
  const reports: BenchReport[] = [];
  try {
    status('generating the run\'s CA, server and client certificates…');
    const pki = await benchPki();
    const workRoot = mkdtempSync(path.join(tmpdir(), 'esav-bench-'));
    // Each run's embedded PostgreSQL lives in run-<n>/pg; as root, initdb runs as another user that must get through.
    chmodSync(workRoot, 0o755);
    // Runs last: by then the gateway child is gone; a PostgreSQL it left (or an initdb finishing) is waited for.
    cleanup.add('work directory', async () => {
      for (const d of readdirSync(workRoot)) await stopOrphanPostgres(path.join(workRoot, d));
      rmSync(workRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    });
    if (!o.tsx) {
      status('compiling src/ and the bench servers with tsc, as npm run build does…');
      const dir = path.join(ROOT, '.tmp', `bench-servers-${process.pid}`);
      cleanup.add('compiled servers', () => rmSync(dir, { recursive: true, force: true }));
      buildServer(ROOT, dir, true);
      buildDir = dir;
    }
    endStatus();
    // The JAX-WS peer (p2): skipped with the reason where this machine cannot build it; built once (cached).
    const peerLoadsWanted = (id: string): LoadDefinition[] => LOADS.filter((l) => l.server === id && wants(l.id));
    let jaxws: { classpath: string; build: { ms: number; cached: boolean } } | { skipped: string } | null = null;
    if (peerLoadsWanted('jaxws').length > 0) {
      const why = jaxwsUnavailable();
      if (why !== null) jaxws = { skipped: why };
      else {
        status('building the JAX-WS peer (wsimport on the signalisation v2 WSDL, javac)…');
        try {
          const b = buildJaxws(ROOT);
          jaxws = { classpath: b.classpath, build: { ms: b.buildMs, cached: b.cached } };
        } catch (e) {
          jaxws = { skipped: e instanceof Error ? e.message : String(e) };
        }
        endStatus();
      }
      process.stderr.write(`  (p2) jaxws: ${'skipped' in jaxws ? `SKIPPED: ${jaxws.skipped}` : `built in ${(jaxws.build.ms / 1000).toFixed(1)} s${jaxws.build.cached ? ' (cached)' : ''}`}\n`);
    }
    const signal = interrupt.signal;
    for (let run = 1; run <= o.runs; run++) {
      if (o.runs > 1) process.stderr.write(`run ${run} of ${o.runs}\n`);
      const workDir = path.join(workRoot, `run-${run}`);
      mkdirSync(workDir, { mode: 0o755 });
      const startedAt = new Date();
      const results: TargetResult[] = [];
      let handshakes: HandshakeReport | null = null;
      let instances: InstancesReport | null = null;
      let coldStart: ColdStartReport | null = null;
      const peers: PeerStatus[] = [];
      for (const server of SERVERS.filter((x) => x.id !== 'gateway')) {
        const loads = LOADS.filter((l) => l.server === server.id && wants(l.id));
        if (loads.length === 0) continue;
        results.push(...await withServer(server, server.id, o, pki, workDir, cleanup, signal, {},
          (s) => runLoads(loads, s, o, pki, true)));
      }
      const gatewayLoads = LOADS.filter((l) => l.server === 'gateway' && wants(l.id));
      const peersWanted = PEER_SERVERS.filter((p) => peerLoadsWanted(p.id).length > 0);
      if (gatewayLoads.length > 0 || peersWanted.length > 0 || wants('instances') || wants('handshakes') || wants('coldstart')) {
        const gateway = SERVERS.find((x) => x.id === 'gateway')!;
        await withServer(gateway, 'gateway', o, pki, workDir, cleanup, signal,
          { gateway: { database: 'own', historyPerOperator: o.historyPerOperator }, profile: o.profile }, async (g1) => {
            gatewayPid = g1.pid;
            // The compared loads (c), (d) first, then the peers right after them (on a shared machine, the closer in
            // time, the more alike the background load), then the gateway's other loads.
            const compared = gatewayLoads.filter((l) => l.untilStable === true);
            results.push(...await runLoads(compared, g1, o, pki, true));
            // The same-work peers, on the gateway's PostgreSQL (its seeded tickets, its schema), the gateway idle.
            for (const peer of peersWanted) {
              if (peer.id === 'jaxws' && jaxws !== null && 'skipped' in jaxws) {
                peers.push({ id: peer.id, ran: false, skipped: jaxws.skipped });
                continue;
              }
              const env: Record<string, string> = peer.id === 'jaxws' && jaxws && 'classpath' in jaxws ? { JAXWS_CLASSPATH: jaxws.classpath } : {};
              results.push(...await withServer(peer, peer.id, o, pki, workDir, cleanup, g1.signal,
                { connectionString: g1.ready.connectionString!, env },
                (s) => runLoads(peerLoadsWanted(peer.id), s, o, pki, true, g1.ready.fixtures)));
              peers.push({
                id: peer.id, ran: true,
                ...(peer.id === 'jaxws' && jaxws && 'build' in jaxws ? { build: jaxws.build, flags: JVM_FLAGS } : {})
              });
            }
            results.push(...await runLoads(gatewayLoads.filter((l) => !compared.includes(l)), g1, o, pki, true));
            let across: boolean | null = null;
            if (wants('instances')) {
              instances = await withServer(gateway, 'gateway 2', o, pki, workDir, cleanup, g1.signal,
                { gateway: { database: 'connect', connectionString: g1.ready.connectionString! } }, async (g2) => {
                  const report = await benchInstances(g1, g2, o, pki);
                  const tls = { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey };
                  across = await resumesAcross({ host: '127.0.0.1', port: g1.ready.port, servername: 'localhost' },
                    { host: '127.0.0.1', port: g2.ready.port, servername: 'localhost' }, tls).catch(() => null);
                  return report;
                });
            }
            if (wants('handshakes')) {
              handshakes = await withServer(TLS_SERVER, 'bare https', o, pki, workDir, cleanup, g1.signal, {},
                (bare) => benchHandshakes(bare, g1, o, pki, across));
            }
            if (wants('coldstart')) {
              const read = READ.request('', g1.ready.fixtures);
              const results = await measureColdStart({
                root: ROOT, workDir, pki, connectionString: g1.ready.connectionString!, runs: o.coldStartRuns, env: o.gatewayEnv,
                call: { path: read.path, headers: read.headers, body: read.body(), check: read.check },
                onStatus: status, signal: g1.signal
              }, ['tsx', 'built']);
              endStatus();
              for (const r of results) {
                process.stderr.write(`  cold start (${r.mode}): ${r.error ? `FAILED: ${r.error.split('\n')[0]}` : `median ${((r.medianMs ?? 0) / 1000).toFixed(2)} s`}\n`);
              }
              coldStart = { readiness: COLD_START_READINESS, results };
            }
          });
      }
      reports.push(buildReport(startedAt, settings, { results, handshakes, instances, coldStart }, peers));
    }
  } finally {
    endStatus();
    await cleanup.runAll();
  }

  const report = combineRuns(reports);
  process.stdout.write(formatReport(report));
  const written = writeReport(RESULTS_DIR, report, o.out);
  process.stdout.write(`\nwritten: ${written.map((f) => path.relative(ROOT, f)).join(', ')}\n`);
  if (o.profile) {
    const file = gatewayPid !== null ? profileOf(gatewayPid) : undefined;
    if (file) process.stdout.write(`\n${summariseProfile(file)}\nprofile: ${path.relative(ROOT, file)}\n`);
    else process.stdout.write('\nno gateway CPU profile found (was the gateway run?)\n');
  }
  const failed = failures(report);
  if (failed.length > 0) process.stdout.write(`\nthe run measured a broken setup: ${failed.join('; ')}\n`);
  return failed.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  endStatus();
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
