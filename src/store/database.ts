/**
 * The one way into PostgreSQL (ARCHITECTURE.md §5, pg-boss's executeSql): every statement of the gateway, pooled,
 * in a transaction, on a session or on a LISTEN connection, goes through execute() below, which bounds it with the
 * statement timeout and turns a database that cannot answer (down, restarting, frozen, out of connections) into
 * SERVICE_INDISPONIBLE with a retry-after, whatever the path of the call. This is the only module that imports `pg`
 * (.dependency-cruiser.cjs); the handles it gives out offer no `query`, only run/count through here.
 */
import pg from 'pg';
import { invariantViolated } from '../errors/coded-error.js';
import { EsavError } from '../errors/esav-error.js';

/** A row as pg returns it (re-exported so that no other module imports `pg`). */
export type Row = pg.QueryResultRow;

export interface Query {
  readonly text: string;
  readonly values: readonly unknown[];
  /** A name makes pg prepare the statement once per connection. */
  readonly name?: string;
}

export interface DatabaseOptions {
  readonly connectionString: string;
  readonly poolSize: number;
  readonly schema?: string;
  /**
   * Bound on every statement (ESAV_DB_STATEMENT_TIMEOUT_MS); 0: none (the migrations' session, see migrate.ts).
   * PostgreSQL cancels a slow statement at this bound (statement_timeout: the connection stays usable); pg's
   * query_timeout, a little later, ends the wait on a server that no longer answers at all (frozen, network cut).
   */
  readonly statementTimeoutMs: number;
  /** Told when an idle connection fails (logged by the server; the pool recovers by itself). */
  readonly onIdleError?: (e: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** A call waits at most this long for a connection, then gets SERVICE_INDISPONIBLE instead of hanging. */
const CONNECTION_TIMEOUT_MS = 5000;
/** The client-side bound comes after the server-side one, so that a merely slow statement is cancelled cleanly. */
const CLIENT_TIMEOUT_GRACE_MS = 500;
export const RETRY_AFTER_SECONDS = 5;

function clientConfig(options: DatabaseOptions, applicationName: string): pg.ClientConfig {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new RangeError(`bad schema name ${options.schema}`);
  const timeout = options.statementTimeoutMs;
  return {
    connectionString: options.connectionString,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    application_name: applicationName,
    // Opening a connection is a wait on the database too: no longer than a statement may take (a frozen server
    // accepts the TCP connection and never answers the startup).
    connectionTimeoutMillis: timeout > 0 ? Math.min(CONNECTION_TIMEOUT_MS, timeout + CLIENT_TIMEOUT_GRACE_MS) : CONNECTION_TIMEOUT_MS,
    ...(timeout > 0 ? { statement_timeout: timeout, query_timeout: timeout + CLIENT_TIMEOUT_GRACE_MS } : {})
  };
}

/** What the handles hide: their pg objects, reachable from this module only (so nobody else can call `query`). */
interface PoolState { readonly pg: pg.Pool; statements: number }
const pgPools = new WeakMap<Pool, PoolState>();
interface SessionState { readonly client: pg.PoolClient | pg.Client; readonly pool: PoolState | null; broken: Error | null }
const sessions = new WeakMap<Session, SessionState>();

/** The pool of one process. Opaque: statements go through run/count/transaction/session of this module. */
export class Pool {
  constructor(readonly options: DatabaseOptions) {
    const pool = new pg.Pool({ ...clientConfig(options, 'esav-gateway'), max: options.poolSize });
    // An idle connection that PostgreSQL closes (restart, shutdown, network) is an 'error' event on the pool:
    // without a listener it would crash the process. The pool drops that client; the next query opens a new one.
    pool.on('error', (e) => options.onIdleError?.(e));
    pgPools.set(this, { pg: pool, statements: 0 });
  }
  /** Calls waiting for a connection (the overload guard reads it). */
  get waitingCount(): number { return pgPools.get(this)!.pg.waitingCount; }
  /** Connections open, busy or idle (the ops listener's pool metrics). */
  get totalCount(): number { return pgPools.get(this)!.pg.totalCount; }
  /** Open connections no statement uses. */
  get idleCount(): number { return pgPools.get(this)!.pg.idleCount; }
  /** Statements sent so far through this pool and its sessions (what a batching test counts). */
  get statementCount(): number { return pgPools.get(this)!.statements; }
  end(): Promise<void> { return pgPools.get(this)!.pg.end(); }
}

export function createPool(options: DatabaseOptions): Pool {
  return new Pool(options);
}

/** One connection held for a while: a transaction (BEGIN … COMMIT) or a session (advisory locks). Offers nothing but run/count. */
export class Session {
  readonly kind = 'session';
  constructor(client: pg.PoolClient | pg.Client, pool: Pool | null = null) {
    sessions.set(this, { client, pool: pool ? pgPools.get(pool)! : null, broken: null });
  }
}

/** A connection that timed out or failed is never given back to the pool: it would poison the next call. */
function markBroken(s: Session, e: unknown): void {
  const state = sessions.get(s)!;
  state.broken ??= e instanceof Error ? e : invariantViolated(`a statement failed with a value that is not an error: ${String(e)}`);
}
function brokenBy(s: Session): Error | null {
  return sessions.get(s)!.broken;
}

/** A transaction offers only statements (run/count); BEGIN, COMMIT and ROLLBACK are transaction()'s. */
export type Transaction = Session;
export type Executor = Pool | Session;

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST = /timeout exceeded when trying to connect|Connection terminated|not queryable|Connection ended/;

/** The statement did not answer within the statement timeout: the server cancelled it, or pg stopped waiting. */
export function isTimeout(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '57014' || (e instanceof Error && /^Query read timeout$/.test(e.message));
}

/**
 * The database cannot serve now (down, restarting, frozen, out of connections): a Server fault with a retry-after,
 * not an internal error. SQLSTATE classes 08 (connection) and 53 (resources), 57P01-57P03 (shutdown, crash,
 * starting), 57014 and pg's read timeout (the statement timeout).
 */
export function isUnavailable(e: unknown): boolean {
  if (isTimeout(e)) return true;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || /^57P0[123]$/.test(code)) return true;
  }
  return e instanceof Error && CONNECTION_LOST.test(e.message);
}

/** The error a caller sees: unavailability as SERVICE_INDISPONIBLE, anything else unchanged. */
export function mapDatabaseError(e: unknown): unknown {
  if (!isUnavailable(e)) return e;
  const reason = isTimeout(e) ? 'base de données sans réponse' : 'base de données injoignable';
  return new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason, retryAfter: RETRY_AFTER_SECONDS }, retryAfterSeconds: RETRY_AFTER_SECONDS },
    { cause: e, logReason: `database: ${e instanceof Error ? e.message : String(e)}` });
}

/** The error of a statement that the database could not answer (as mapped above): retrying it now is no use. */
export function isServiceUnavailable(e: unknown): boolean {
  return e instanceof EsavError && e.code === 'ESAV_SERVICE_UNAVAILABLE';
}

/** THE one function every statement goes through. */
async function execute<R extends Row>(on: Executor, q: Query): Promise<pg.QueryResult<R>> {
  const state = on instanceof Session ? sessions.get(on)! : null;
  if (state?.broken) throw mapDatabaseError(state.broken);
  try {
    const pool = state ? state.pool : pgPools.get(on as Pool)!;
    if (pool) pool.statements++;
    const target = state ? state.client : pool!.pg;
    return await target.query<R>({ text: q.text, values: q.values as unknown[], ...(q.name ? { name: q.name } : {}) });
  } catch (e) {
    if (on instanceof Session && isUnavailable(e)) markBroken(on, e);
    throw mapDatabaseError(e);
  }
}

/** The rows of one statement. */
export async function run<R extends Row>(on: Executor, q: Query): Promise<R[]> {
  return (await execute<R>(on, q)).rows;
}

/** The number of rows one statement touched (UPDATE, DELETE, INSERT). */
export async function count(on: Executor, q: Query): Promise<number> {
  return (await execute(on, q)).rowCount ?? 0;
}

const BEGIN: Query = { text: 'BEGIN', values: [] };
const COMMIT: Query = { text: 'COMMIT', values: [] };
const ROLLBACK: Query = { text: 'ROLLBACK', values: [] };

/** Runs fn on one connection of the pool; the connection goes back to the pool only if it is still sound. */
export async function session<T>(pool: Pool, fn: (s: Session) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pgPools.get(pool)!.pg.connect();
  } catch (e) {
    throw mapDatabaseError(e);
  }
  const s = new Session(client, pool);
  // A checked-out connection that drops emits 'error': without a listener the process would crash.
  const onError = (e: Error): void => markBroken(s, e);
  client.on('error', onError);
  try {
    return await fn(s);
  } finally {
    client.removeListener('error', onError);
    // release(err) makes pg-pool end the client (a hung statement: end() destroys the socket) instead of reusing it.
    client.release(brokenBy(s) ?? undefined);
  }
}

/** Runs fn in one transaction on one connection; rolls back on any error. */
export async function transaction<T>(pool: Pool, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return session(pool, async (tx) => {
    await run(tx, BEGIN);
    try {
      const result = await fn(tx);
      await run(tx, COMMIT);
      return result;
    } catch (e) {
      if (!brokenBy(tx)) await run(tx, ROLLBACK).catch((r: unknown) => markBroken(tx, r));
      // A connection lost inside fn may surface as another error (a constraint, a rethrow): the outage is the cause.
      const broken = brokenBy(tx);
      throw broken && !(e instanceof EsavError) ? mapDatabaseError(broken) : e;
    }
  });
}

/** A connection of its own (not from the pool), for LISTEN. */
export class Listener {
  readonly #client: pg.Client;
  readonly #session: Session;
  constructor(options: DatabaseOptions) {
    // The timeouts bound LISTEN itself; waiting for a notification is no statement, so nothing bounds that.
    this.#client = new pg.Client(clientConfig(options, 'esav-gateway-listener'));
    this.#session = new Session(this.#client);
  }
  onNotification(fn: (channel: string, payload: string | undefined) => void): void {
    this.#client.on('notification', (n) => fn(n.channel, n.payload));
  }
  onError(fn: (e: Error) => void): void {
    this.#client.on('error', (e) => { markBroken(this.#session, e); fn(e); });
  }
  async listen(channel: string): Promise<void> {
    if (!IDENTIFIER.test(channel)) throw new RangeError(`bad channel name ${channel}`);
    try {
      await this.#client.connect();
    } catch (e) {
      throw mapDatabaseError(e);
    }
    await run(this.#session, { text: `LISTEN ${channel}`, values: [] });
  }
  end(): Promise<void> { return this.#client.end(); }
}

export function createListener(options: DatabaseOptions): Listener {
  return new Listener(options);
}
