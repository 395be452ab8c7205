/** The PostgreSQL pool, optionally pinned to one schema (each test gets its own, ARCHITECTURE.md §7). */
import pg from 'pg';
import { EsavError } from '../errors/esav-error.js';

export type Pool = pg.Pool;

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
  /** Told when an idle connection fails (logged by the server; the pool recovers by itself). */
  readonly onIdleError?: (e: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPool(options: DatabaseOptions): Pool {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new RangeError(`bad schema name ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    application_name: 'esav-gateway',
    // A call waits at most this long for a connection, then gets SERVICE_INDISPONIBLE instead of hanging.
    connectionTimeoutMillis: 5000
  });
  // An idle connection that PostgreSQL closes (restart, shutdown, network) is an 'error' event on the pool: without
  // a listener it would crash the process. The pool drops that client; the next query opens a new connection.
  pool.on('error', (e) => options.onIdleError?.(e));
  return pool;
}

const RETRY_AFTER_SECONDS = 5;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * The database cannot serve now (down, restarting, out of connections): a Server fault with a retry-after, not
 * an internal error. SQLSTATE classes 08 (connection) and 53 (resources), 57P01-57P03 (shutdown, crash, starting).
 */
export function isUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || /^57P0[123]$/.test(code)) return true;
  }
  const message = e instanceof Error ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated/.test(message);
}

export async function run<R extends pg.QueryResultRow>(pool: Pool | pg.PoolClient, q: Query): Promise<R[]> {
  try {
    const result = await pool.query<R>({ text: q.text, values: q.values as unknown[], ...(q.name ? { name: q.name } : {}) });
    return result.rows;
  } catch (e) {
    if (isUnavailable(e)) {
      throw new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: 'base de données injoignable', retryAfter: RETRY_AFTER_SECONDS }, retryAfterSeconds: RETRY_AFTER_SECONDS }, { cause: e });
    }
    throw e;
  }
}

/** Runs fn in one transaction on one connection; rolls back on any error. */
export async function transaction<T>(pool: Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** A connection of its own (not from the pool), for LISTEN. */
export function createClient(options: DatabaseOptions): pg.Client {
  return new pg.Client({ connectionString: options.connectionString, application_name: 'esav-gateway-listener', ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
}
