/**
 * A gateway as a real process (src/server.ts through tsx, with the flags `npm start` uses), as
 * test/integration/drain.test.ts runs it: its own ports, its PKI directory (the dev PKI the server writes; instances
 * sharing one directory share one PKI) and a DATABASE_URL. It can be killed with any signal and started again on
 * the same ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { openSync } from 'node:fs';
import path from 'node:path';
import { findRootDir } from '../../../src/config/config.js';
import { freePort } from '../../../scripts/bench/net.js';

export interface GatewayProcessOptions {
  readonly name: string;
  readonly databaseUrl: string;
  /** Its PKI is <dir>/pki (created by the first instance), its data <dir>/<name>. */
  readonly dir: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface GatewayProcess {
  readonly name: string;
  readonly url: string;
  readonly opsPort: number;
  readonly pkiDir: string;
  /** The process now running (changes on restart). */
  pid(): number;
  /** The process now running has not exited. */
  alive(): boolean;
  /** Resolves with the exit code (or signal) of the process now running. */
  exited(): Promise<number | string | null>;
  kill(signal: NodeJS.Signals): void;
  /** Spawns the process (again) and waits until /health/ready answers 200. */
  start(): Promise<void>;
  /** What the process wrote to stderr (for assertion messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/** GET /health/ready on the ops listener: its status, or 0 if it does not answer within timeoutMs. */
export function readiness(opsPort: number, timeoutMs = 1000): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port: opsPort, path: '/health/ready', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
  });
}

/**
 * Extra Node flags for every gateway process of a chaos run, to profile it (ESAV_CHAOS_NODE_FLAGS='--cpu-prof
 * --cpu-prof-dir=…' or '--trace-gc'); ESAV_CHAOS_STDOUT names a file their standard output is appended to.
 */
const NODE_FLAGS = (process.env.ESAV_CHAOS_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');

export async function gatewayProcess(o: GatewayProcessOptions): Promise<GatewayProcess> {
  const [port, opsPort, internalPort, portalPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const pkiDir = path.join(o.dir, 'pki');
  let child: ChildProcess | null = null;
  let exit: Promise<number | string | null> = Promise.resolve(null);
  let err = '';
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', DATABASE_URL: o.databaseUrl,
    ESAV_PORT: String(port), ESAV_OPS_PORT: String(opsPort), ESAV_INTERNAL_PORT: String(internalPort), ESAV_PORTAL_PORT: String(portalPort),
    ESAV_PKI_DIR: pkiDir, ESAV_DATA_DIR: path.join(o.dir, o.name), ESAV_NIGHTLY_WINDOW_MINUTES: '0', LOG_LEVEL: 'error', ...o.env
  };
  const alive = (): boolean => child !== null && child.exitCode === null && child.signalCode === null;
  const self: GatewayProcess = {
    name: o.name,
    url: `https://127.0.0.1:${port}`,
    opsPort,
    pkiDir,
    pid: () => child?.pid ?? -1,
    alive,
    exited: () => exit,
    kill(signal) { if (alive()) child!.kill(signal); },
    stderr: () => err.slice(-4000),
    async start() {
      const c = spawn(process.execPath, ['--max-semi-space-size=8', '--heap-growing-percent=50', ...NODE_FLAGS, '--import', 'tsx', 'src/server.ts'],
        { cwd: findRootDir(), env, stdio: ['ignore', process.env.ESAV_CHAOS_STDOUT ? openSync(process.env.ESAV_CHAOS_STDOUT, 'a') : 'ignore', 'pipe'] });
      child = c;
      exit = new Promise((resolve) => c.once('exit', (code, sig) => resolve(code ?? sig)));
      c.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
      for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
        if (!alive()) throw new Error(`gateway ${o.name} exited while starting: ${err.slice(-2000)}`);
        if ((await readiness(opsPort, 500)).status === 200) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`gateway ${o.name} not ready within 90 s: ${err.slice(-2000)}`);
    },
    async stop() {
      if (!alive()) return;
      child!.kill('SIGTERM');
      const done = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
      if (!done) { child!.kill('SIGKILL'); await exit; }
    }
  };
  return self;
}
