/**
 * Cold start: the time from spawning the real gateway process (src/server.ts, configured by environment as
 * `npm start` is) to its readiness, against a PostgreSQL that is already initialised, migrated and seeded (the
 * bench gateway child's), so that no database is created or migrated during the measure.
 *
 * Ready means both: a real SOAP call over mutual TLS answered as expected (a ticket state for the registered bench
 * client: TLS material, contracts, routes, registry and database all work), and the ops listener's /health/ready
 * answering 200 (server.ts opens it after the SOAP listener). Both are polled every 10 ms from the spawn on.
 *
 * Two ways of running the same server, both with the deployed Node flags: 'tsx' is `npm start` (node with tsx as its
 * loader, which compiles the TypeScript on the fly, from its cache once warm) without npm's own start-up; 'built' is the output
 * of `npm run build` (tsc, tsconfig.build.json) run with plain node, as the Docker image does — compiled by the
 * bench into its own folder under .tmp/ (dist/ is left alone), with the migrations copied next to migrate.js.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client, request } from 'undici';
import type { ClientTls } from './load.js';
import { DEPLOYED_NODE_FLAGS } from './protocol.js';
import { childPids, rssBytes, toMB } from './memory.js';
import { freePort } from './net.js';
import type { BenchPki } from './protocol.js';

export type ColdStartMode = 'tsx' | 'built';

export const COLD_START_READINESS = 'a SOAP call over mutual TLS answered as expected, and /health/ready 200 on the ops listener';

export interface ReadinessCall {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  check(status: number, body: string): boolean;
}

export interface ColdStartRun {
  /** Spawn → both conditions met. */
  readonly readyMs: number;
  /** Spawn → first correct SOAP answer. */
  readonly soapMs: number;
  /** Spawn → first 200 of /health/ready. */
  readonly opsReadyMs: number;
  /** Resident memory of the server process right after readiness (before any load). */
  readonly rssAtReadyMB: number | null;
}

export interface ColdStartResult {
  readonly mode: ColdStartMode;
  readonly command: string;
  readonly runs: readonly ColdStartRun[];
  readonly medianMs: number | null;
  /** When the mode could not run (the build failed): why. */
  readonly error?: string;
  /** tsc's time, for 'built' (not part of the cold start). */
  readonly buildMs?: number;
  /** tsc reported errors but emitted (e.g. src/ being edited during the run): the run may not be today's code. */
  readonly buildWarning?: string;
}

export interface ColdStartOptions {
  readonly root: string;
  readonly workDir: string;
  readonly pki: BenchPki;
  readonly connectionString: string;
  readonly call: ReadinessCall;
  readonly runs: number;
  readonly env: Readonly<Record<string, string>>;
  readonly onStatus: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Compiles src/ as `npm run build` does (same compiler options) into <dir>; returns where server.js is. With
 * `benchServers`, the bench's server children (scripts/bench) are compiled too, so that they run as plain node.
 */
export function buildServer(root: string, dir: string, benchServers = false): { serverJs: string; buildMs: number; warning?: string } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rel = (p: string): string => path.relative(dir, p).split(path.sep).join('/');
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: rel(path.join(root, 'tsconfig.build.json')),
    compilerOptions: { outDir: '.', rootDir: rel(root), sourceMap: false },
    include: [`${rel(path.join(root, 'src'))}/**/*.ts`, ...(benchServers ? [`${rel(path.join(root, 'scripts', 'bench'))}/**/*.ts`] : [])]
  }, null, 2));
  const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  const started = performance.now();
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  const buildMs = performance.now() - started;
  const serverJs = path.join(dir, 'src', 'server.js');
  if (!existsSync(serverJs)) throw new Error(`tsc produced no src/server.js (exit ${r.status}): ${(r.stdout + r.stderr).slice(0, 500)}`);
  // As the Dockerfile does: migrate.js reads the migrations from its own folder, and tsc copies no .sql file.
  cpSync(path.join(root, 'src', 'store', 'migrations'), path.join(dir, 'src', 'store', 'migrations'), { recursive: true });
  if (benchServers) cpSync(path.join(root, 'scripts', 'bench', 'echo.wsdl'), path.join(dir, 'scripts', 'bench', 'echo.wsdl'));
  const warning = r.status === 0 ? undefined : `tsc exited ${r.status} (emitted anyway): ${(r.stdout + r.stderr).trim().split('\n')[0]}`;
  return { serverJs, buildMs, ...(warning ? { warning } : {}) };
}

/** The environment of the gateway: the caller's, without any e-SAV setting of its own, plus ours. */
function gatewayEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ESAV_') && k !== 'DATABASE_URL' && k !== 'LOG_LEVEL') env[k] = v;
  return { ...env, ...extra };
}

async function soapAnswers(origin: string, tls: ClientTls, call: ReadinessCall): Promise<boolean> {
  const client = new Client(origin, { connect: { ca: tls.ca, cert: tls.cert, key: tls.key, servername: 'localhost' } });
  try {
    const body = Buffer.from(call.body, 'utf8');
    const res = await client.request({ path: call.path, method: 'POST', headers: { ...call.headers, 'content-length': String(body.length) }, body });
    return call.check(res.statusCode, await res.body.text());
  } catch {
    return false;
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

async function opsReady(port: number): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${port}/health/ready`);
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Polls a condition every 10 ms; resolves with the time it first held, measured from t0. */
async function firstTrue(t0: number, condition: () => Promise<boolean>, stop: () => boolean): Promise<number | null> {
  while (!stop()) {
    if (await condition()) return performance.now() - t0;
    await sleep(10);
  }
  return null;
}

async function oneRun(command: readonly string[], o: ColdStartOptions, files: { cert: string; key: string; ca: string }, dataDir: string): Promise<ColdStartRun> {
  const [port, opsPort, internalPort, portalPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = gatewayEnv({
    DATABASE_URL: o.connectionString,
    ESAV_HOST: '127.0.0.1', ESAV_PORT: String(port), ESAV_OPS_PORT: String(opsPort), ESAV_INTERNAL_PORT: String(internalPort), ESAV_PORTAL_PORT: String(portalPort),
    ESAV_TLS_CERT: files.cert, ESAV_TLS_KEY: files.key, ESAV_TLS_CA: files.ca,
    ESAV_DATA_DIR: dataDir,
    // The database is already seeded; a deployed instance does not load the demo data either.
    ESAV_DEMO_DATA: 'false',
    ESAV_NIGHTLY_WINDOW_MINUTES: '0',
    ESAV_DRAIN_DELAY_MS: '0',
    LOG_LEVEL: 'warn',
    ...o.env
  });
  const output: string[] = [];
  const t0 = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd: o.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => { exited = true; resolve(code); }));
  const deadline = t0 + (o.timeoutMs ?? 60_000);
  const stop = (): boolean => exited || performance.now() > deadline || o.signal?.aborted === true;
  const tls = { ca: o.pki.ca, cert: o.pki.clientCert, key: o.pki.clientKey };
  try {
    const [soapMs, opsReadyMs] = await Promise.all([
      firstTrue(t0, () => soapAnswers(`https://127.0.0.1:${port}`, tls, o.call), stop),
      firstTrue(t0, () => opsReady(opsPort), stop)
    ]);
    if (soapMs === null || opsReadyMs === null) {
      const why = exited ? `exited (code ${child.exitCode})` : o.signal?.aborted ? 'interrupted' : `not ready within ${(o.timeoutMs ?? 60_000) / 1000} s`;
      throw new Error(`the gateway ${why}: ${output.join('').trim().slice(-800)}`);
    }
    // Both ways spawn the server itself (node, with tsx as its loader or on the compiled output).
    const rss = await rssBytes(child.pid!);
    return { readyMs: Math.max(soapMs, opsReadyMs), soapMs, opsReadyMs, rssAtReadyMB: rss === null ? null : toMB(rss) };
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      const gone = await Promise.race([exit.then(() => true), sleep(15_000).then(() => false)]);
      if (!gone) {
        for (const pid of await childPids(child.pid!)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
        child.kill('SIGKILL');
        await exit;
      }
    }
  }
}

/** Runs the gateway `runs` times in each mode, one run at a time. */
export async function measureColdStart(o: ColdStartOptions, modes: readonly ColdStartMode[]): Promise<ColdStartResult[]> {
  const dir = path.join(o.workDir, 'coldstart');
  mkdirSync(dir, { recursive: true });
  const files = { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key'), ca: path.join(dir, 'ca.crt') };
  writeFileSync(files.cert, o.pki.serverCert);
  writeFileSync(files.key, o.pki.serverKey, { mode: 0o600 });
  writeFileSync(files.ca, o.pki.ca);
  const results: ColdStartResult[] = [];
  for (const mode of modes) {
    let command: string[];
    let build: { buildMs: number; warning?: string } | undefined;
    // Under the project root (not in the temporary work directory): the server finds wsdl/, xsd/, catalog/ and
    // node_modules by walking up from its own folder.
    const buildDir = path.join(o.root, '.tmp', `bench-build-${process.pid}`);
    if (mode === 'tsx') {
      // As package.json's "start": node with the deployed flags and tsx as its loader.
      command = [process.execPath, ...DEPLOYED_NODE_FLAGS, '--import', 'tsx', 'src/server.ts'];
    } else {
      o.onStatus('  cold start: compiling src/ as npm run build does…');
      try {
        const b = buildServer(o.root, buildDir);
        build = b;
        command = [process.execPath, ...DEPLOYED_NODE_FLAGS, b.serverJs];
      } catch (e) {
        results.push({ mode, command: 'node <build>/src/server.js', runs: [], medianMs: null, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
    }
    const runs: ColdStartRun[] = [];
    let error: string | undefined;
    try {
      for (let i = 0; i < o.runs; i++) {
        o.signal?.throwIfAborted();
        o.onStatus(`  cold start (${mode}): run ${i + 1}/${o.runs}…`);
        runs.push(await oneRun(command, o, files, path.join(dir, 'data')));
      }
    } catch (e) {
      if (o.signal?.aborted) throw e;
      error = e instanceof Error ? e.message : String(e);
    } finally {
      if (mode === 'built') rmSync(buildDir, { recursive: true, force: true });
    }
    results.push({
      mode,
      command: mode === 'tsx' ? 'node --import tsx src/server.ts (npm start)' : 'node <npm run build output>/src/server.js',
      runs,
      medianMs: error ? null : median(runs.map((r) => r.readyMs)),
      ...(error ? { error } : {}),
      ...(build ? { buildMs: Math.round(build.buildMs) } : {}),
      ...(build?.warning ? { buildWarning: build.warning } : {})
    });
  }
  return results;
}
