/**
 * The parent side of the server children: fork one with tsx (optionally with --cpu-prof), wait until it listens,
 * stop it gracefully (so a CPU profile gets written), and kill what a dead child may have left behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopOrphan } from '../../src/store/embedded-postgres.js';
import { DEPLOYED_NODE_FLAGS, type BenchPki, type ChildMessage, type GatewayStart, type MemoryMessage, type ParentMessage, type ReadyMessage } from './protocol.js';

export interface ServerChild {
  readonly pid: number;
  /** The port the child listens on (and its fixtures), once it does; rejects if it fails to start (the child is then stopped). */
  readonly ready: Promise<ReadyMessage>;
  /** Resolves when the child exits, whatever the reason: a load phase races it to notice a crash. */
  readonly exited: Promise<number | null>;
  /** The child's process.memoryUsage(), after a full GC when asked; null if it does not answer within 5 s. */
  memoryUsage(gc: boolean): Promise<MemoryMessage | null>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  readonly script: string;
  readonly cwd: string;
  readonly pki: BenchPki;
  readonly workDir: string;
  readonly env: Readonly<Record<string, string>>;
  /** The gateway child only: its own PostgreSQL, or another child's. */
  readonly gateway?: GatewayStart;
  /** The same-work peers: the gateway child's PostgreSQL. */
  readonly connectionString?: string;
  /** When set, the child runs with --cpu-prof and writes its profile here on a graceful exit. */
  readonly cpuProfDir?: string;
  /** Node flags for this child on top of the deployed ones (the gateway's --gateway-node-flag: memory experiments). */
  readonly nodeFlags?: readonly string[];
  /** Environment variables of the child's process on top of the parent's (e.g. MALLOC_ARENA_MAX). */
  readonly processEnv?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

function isChildMessage(m: unknown): m is ChildMessage {
  const type = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
  return type === 'ready' || type === 'failed' || type === 'memory';
}

function post(child: ChildProcess, m: ParentMessage): void {
  if (child.connected) child.send(m);
}

/** Forks the child at once, so that the caller can register its stop before waiting for it to be ready. */
export function startServerChild(o: ChildOptions): ServerChild {
  const profile = o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [];
  const child = fork(o.script, [], {
    cwd: o.cwd,
    // Compiled (.js, the default: as the Docker image runs) or through tsx as a loader of a plain node process
    // (--tsx): either way the child is the server itself, not a wrapper around it.
    // --expose-gc: the bench asks for a full GC between loads, to tell retained memory from garbage.
    execArgv: [...DEPLOYED_NODE_FLAGS, ...(o.script.endsWith('.ts') ? ['--import', 'tsx'] : []), '--expose-gc', ...(o.nodeFlags ?? []), ...profile],
    ...(o.processEnv ? { env: { ...process.env, ...o.processEnv } } : {}),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    post(child, { type: 'stop' });
    const graceful = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000).unref())]);
    if (!graceful) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const ready = new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(o.script)} did not start within ${(o.startTimeoutMs ?? 120_000) / 1000} s`)), o.startTimeoutMs ?? 120_000);
    child.on('message', (m: unknown) => {
      if (!isChildMessage(m) || m.type === 'memory') return;
      clearTimeout(timer);
      if (m.type === 'ready') resolve(m);
      else reject(new Error(`${path.basename(o.script)} failed to start: ${m.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(o.script)} exited (code ${code}) before it listened`));
    });
    post(child, { type: 'start', pki: o.pki, workDir: o.workDir, env: o.env, ...(o.gateway ? { gateway: o.gateway } : {}),
      ...(o.connectionString ? { connectionString: o.connectionString } : {}) });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  const memoryUsage = (gc: boolean): Promise<MemoryMessage | null> => new Promise((resolve) => {
    if (!child.connected) {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => { child.off('message', onMessage); resolve(null); }, 5000);
    const onMessage = (m: unknown): void => {
      if (!isChildMessage(m) || m.type !== 'memory') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    post(child, { type: 'memory', gc });
  });
  return { pid: child.pid ?? -1, ready, exited, memoryUsage, stop };
}

/** A gateway child killed hard leaves its embedded PostgreSQL running on <workDir>/pg: the last resort of the cleanup. */
export async function stopOrphanPostgres(workDir: string): Promise<void> {
  await stopOrphan(path.join(workDir, 'pg'));
}
