/** A fresh schema per test file, migrated, on the run's PostgreSQL (ARCHITECTURE.md §7). */
import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

export interface TestDatabase {
  readonly pool: Pool;
  readonly schema: string;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env.ESAV_TEST_DATABASE_URL;
  if (!url) throw new Error('the test PostgreSQL is not started (test/support/global-fixtures.ts)');
  return url;
}

export async function freshDatabase(poolSize = 5): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = createPool({ connectionString: testDatabaseUrl(), poolSize: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = createPool({ connectionString: testDatabaseUrl(), poolSize, schema });
  await migrate(pool);
  return {
    pool,
    schema,
    async drop() {
      await pool.end();
      const a = createPool({ connectionString: testDatabaseUrl(), poolSize: 1 });
      await a.query(`DROP SCHEMA ${schema} CASCADE`);
      await a.end();
    }
  };
}
