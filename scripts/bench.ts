/**
 * `npm run bench`: the gateway's throughput and latency against a ceiling and a peer, on this machine, in one run.
 * Each server runs in a child process of its own (scripts/bench/server-*.ts); this process only generates load,
 * so that server and client never share an event loop. See benchmarks/README.md for how to read the figures.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerChild, stopOrphanPostgres } from './bench/children.js';
import { runLoad, type Progress } from './bench/load.js';
import { parseOptions, UsageError, USAGE, type BenchOptions } from './bench/options.js';
import { benchPki } from './bench/pki.js';
import { summariseProfile } from './bench/profile-summary.js';
import { buildReport, formatReport, writeReport, type TargetResult } from './bench/report.js';
import { LOADS, SERVERS, type LoadDefinition, type ServerDefinition } from './bench/targets.js';
import type { BenchPki } from './bench/protocol.js';

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

function progressLine(t: LoadDefinition): (p: Progress) => void {
  let last = { at: performance.now(), completed: 0 };
  return (p) => {
    const now = performance.now();
    const rate = ((p.completed - last.completed) * 1000) / Math.max(1, now - last.at);
    last = { at: now, completed: p.completed };
    status(`  (${t.letter}) ${t.id}: ${p.phase} ${(p.elapsedMs / 1000).toFixed(1)}/${(p.phaseMs / 1000).toFixed(0)} s, ~${rate.toFixed(0)} req/s, ${p.errors} errors`);
  };
}

interface ServerRun { readonly results: TargetResult[]; readonly serverPid: number }

/** Starts one server child, runs its loads one after the other, stops it. */
async function benchServer(server: ServerDefinition, loads: readonly LoadDefinition[], o: BenchOptions, pki: BenchPki, workDir: string,
  cleanup: Cleanup, interrupt: AbortSignal): Promise<ServerRun> {
  status(`  ${server.id}: starting (${server.starting})…`);
  const isGateway = server.id === 'gateway';
  const child = startServerChild({
    script: server.script, cwd: ROOT, pki, workDir, env: isGateway ? o.gatewayEnv : {},
    ...(o.profile && isGateway ? { cpuProfDir: RESULTS_DIR } : {})
  });
  const stopChild = cleanup.add(`${server.id} server`, async () => {
    await child.stop();
    if (isGateway) await stopOrphanPostgres(workDir);
  });
  let ready;
  try {
    ready = await child.ready;
  } catch (e) {
    await stopChild();
    throw e;
  }
  // A server that dies mid-run must end the run, not be measured as a storm of connection errors.
  const run = new AbortController();
  let finished = false;
  void child.exited.then((code) => { if (!finished) run.abort(new Error(`the ${server.id} server exited (code ${code}) during the run`)); });
  const onInterrupt = (): void => run.abort(interrupt.reason);
  interrupt.addEventListener('abort', onInterrupt, { once: true });
  const results: TargetResult[] = [];
  try {
    for (const t of loads) {
      const result = await runLoad(t.request(`https://127.0.0.1:${ready.port}`, ready.fixtures), {
        connections: o.connections,
        warmupMs: o.warmupS * 1000,
        durationMs: o.durationS * 1000,
        tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
        progressEveryMs: TTY ? 250 : 2000,
        onProgress: progressLine(t),
        signal: run.signal
      });
      endStatus();
      process.stderr.write(`  (${t.letter}) ${t.id}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors\n`);
      results.push({ id: t.id, letter: t.letter, label: t.label, ...result });
    }
    return { results, serverPid: child.pid };
  } finally {
    finished = true;
    interrupt.removeEventListener('abort', onInterrupt);
    await stopChild();
  }
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

  const startedAt = new Date();
  const runs: ServerRun[] = [];
  try {
    status('generating the run\'s CA, server and client certificates…');
    const pki = await benchPki();
    const workDir = mkdtempSync(path.join(tmpdir(), 'esav-bench-'));
    // Runs last: by then the gateway child is gone; a PostgreSQL it left (or an initdb finishing) is waited for.
    cleanup.add('work directory', async () => {
      await stopOrphanPostgres(workDir);
      rmSync(workDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    });
    endStatus();
    for (const server of SERVERS) {
      const loads = LOADS.filter((l) => l.server === server.id && o.only.includes(l.id));
      if (loads.length > 0) runs.push(await benchServer(server, loads, o, pki, workDir, cleanup, interrupt.signal));
    }
  } finally {
    endStatus();
    await cleanup.runAll();
  }

  const results = runs.flatMap((r) => r.results);
  const settings = {
    connections: o.connections, pipelining: 1 as const, warmupS: o.warmupS, durationS: o.durationS,
    gatewayEnv: o.gatewayEnv, gatewayProfiled: o.profile
  };
  const report = buildReport(startedAt, settings, results);
  process.stdout.write(formatReport(report));
  const written = writeReport(RESULTS_DIR, report);
  process.stdout.write(`\nwritten: ${written.map((f) => path.relative(ROOT, f)).join(', ')}\n`);
  if (o.profile) {
    const gateway = runs.find((r) => r.results.some((x) => x.letter >= 'c'));
    const file = gateway ? profileOf(gateway.serverPid) : undefined;
    if (file) process.stdout.write(`\n${summariseProfile(file)}\nprofile: ${path.relative(ROOT, file)}\n`);
    else process.stdout.write('\nno gateway CPU profile found (was the gateway run?)\n');
  }
  return results.some((r) => r.errors > 0) ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  endStatus();
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
