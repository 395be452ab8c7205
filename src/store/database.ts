/** The PostgreSQL pool, optionally pinned to one schema (each test gets its own, ARCHITECTURE.md §7). */
import pg from 'pg';

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
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPool(options: DatabaseOptions): Pool {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new RangeError(`bad schema name ${options.schema}`);
  return new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    application_name: 'esav-gateway'
  });
}

export async function run<R extends pg.QueryResultRow>(pool: Pool | pg.PoolClient, q: Query): Promise<R[]> {
  const result = await pool.query<R>({ text: q.text, values: q.values as unknown[], ...(q.name ? { name: q.name } : {}) });
  return result.rows;
}
