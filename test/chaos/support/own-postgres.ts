/**
 * A PostgreSQL of the chaos test's own (src/store/embedded-postgres.ts, a real server in a temporary directory), so
 * that the test may kill it hard, freeze it and restart it on the same data directory without touching anyone else's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../../src/store/embedded-postgres.js';
import { createPool, run, type Pool, type Row } from '../../../src/store/database.js';
import { freePort } from '../../../scripts/bench/net.js';

export interface OwnPostgres {
  /** The connection string of the running server (the same after a restart: same port, same password). */
  readonly url: string;
  /** kill -9 of the postmaster and every backend at once, as a crash of the machine would (no shutdown checkpoint). */
  kill9(): void;
  /** SIGSTOP of every PostgreSQL process: the server accepts TCP connections and answers nothing. */
  freeze(): void;
  thaw(): void;
  /** Starts the server again on the same data directory (crash recovery from the WAL). */
  restart(): Promise<void>;
  /** A statement of the test's own, on a short-lived connection (the server may have been restarted meanwhile). */
  query<R extends Row>(text: string, values?: readonly unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

/** The parent pid of a process (Linux /proc): the 4th field of stat, after "(comm)", which may contain spaces. */
function parentOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

export async function startOwnPostgres(dir: string): Promise<OwnPostgres> {
  const port = await freePort();
  let server: EmbeddedServer | null = await startEmbeddedPostgres(dir, port);
  const url = server.connectionString;
  let frozen: number[] = [];
  const postmaster = (): number => Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = (of: number): number[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d) && parentOf(d) === of).map(Number);
  const signal = (pids: readonly number[], s: NodeJS.Signals): void => {
    for (const pid of pids) { try { process.kill(pid, s); } catch { /* already gone */ } }
  };
  const withPool = async <T>(fn: (p: Pool) => Promise<T>): Promise<T> => {
    const p = createPool({ connectionString: url, poolSize: 1, statementTimeoutMs: 10_000 });
    try { return await fn(p); } finally { await p.end(); }
  };
  return {
    url,
    kill9() {
      // Stopped first, so that the postmaster forks no backend between the listing and the kill.
      const pm = postmaster();
      process.kill(pm, 'SIGSTOP');
      signal([pm, ...children(pm)], 'SIGKILL');
      server = null;
    },
    freeze() {
      const pm = postmaster();
      frozen = [pm, ...children(pm)];
      signal(frozen, 'SIGSTOP');
    },
    thaw() {
      signal(frozen, 'SIGCONT');
      frozen = [];
    },
    async restart() {
      server = await startEmbeddedPostgres(dir, port);
    },
    query: <R extends Row>(text: string, values: readonly unknown[] = []) => withPool((p) => run<R>(p, { text, values })),
    async stop() {
      signal(frozen, 'SIGCONT');
      await server?.stop();
      server = null;
    }
  };
}
