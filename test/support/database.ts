/** A fresh schema per test file, migrated, on the run's PostgreSQL (ARCHITECTURE.md §7). */
import { randomBytes } from 'node:crypto';
import { createPool, run, type Pool, type Row } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

/** The configuration's default (ESAV_DB_STATEMENT_TIMEOUT_MS). */
export const TEST_STATEMENT_TIMEOUT_MS = 10_000;

export interface TestDatabase {
  readonly pool: Pool;
  readonly schema: string;
  /** The server's URL (the schema is set on the pool's connections, not in the URL). */
  readonly url: string;
  readonly statementTimeoutMs: number;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env.ESAV_TEST_DATABASE_URL;
  if (!url) throw new Error('the test PostgreSQL is not started (test/support/global-fixtures.ts)');
  return url;
}

export interface FreshDatabaseOptions {
  /** Another server than the run's (a test that stops or freezes its own PostgreSQL). */
  readonly url?: string;
  readonly statementTimeoutMs?: number;
}

export async function freshDatabase(poolSize = 5, options: FreshDatabaseOptions = {}): Promise<TestDatabase> {
  const url = options.url ?? testDatabaseUrl();
  const statementTimeoutMs = options.statementTimeoutMs ?? TEST_STATEMENT_TIMEOUT_MS;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = createPool({ connectionString: url, poolSize: 1, statementTimeoutMs });
  await run(admin, { text: `CREATE SCHEMA ${schema}`, values: [] });
  await admin.end();
  const pool = createPool({ connectionString: url, poolSize, schema, statementTimeoutMs });
  await migrate(pool);
  return {
    pool,
    schema,
    url,
    statementTimeoutMs,
    async drop() {
      await pool.end();
      const a = createPool({ connectionString: url, poolSize: 1, statementTimeoutMs });
      await run(a, { text: `DROP SCHEMA ${schema} CASCADE`, values: [] });
      await a.end();
    }
  };
}

/** A test's own statement (set-up, assertions) through the one way in, answered as `{ rows }` like pg's result. */
export async function sql<R extends Row = Row>(pool: Pool, text: string, values: readonly unknown[] = []): Promise<{ rows: R[] }> {
  return { rows: await run<R>(pool, { text, values }) };
}
