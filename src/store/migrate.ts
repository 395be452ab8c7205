/**
 * Numbered, forward-only migrations (src/store/migrations/NNNN_name.sql) applied at start, each in its own
 * transaction, under an advisory lock so that several instances starting together apply each one once.
 * An applied migration whose file changed is an error: migrations are never edited, a new one is added.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../errors/coded-error.js';
import { createPool, run, session, type Pool } from './database.js';
import {
  appliedMigrations, beginTransaction, commitTransaction, createMigrationLedger, migrationScript, recordMigration, rollbackTransaction,
  waitForAdvisoryLock
} from './queries/migrations.js';
import { advisoryUnlock } from './queries/jobs.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 0x65_53_41_56; // "eSAV"

export class MigrationError extends CodedError<'ESAV_MIGRATION_FAILED'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ESAV_MIGRATION_FAILED', message, options);
  }
}

interface Migration { version: number; name: string; sql: string; checksum: string }

function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(path.join(dir, f), 'utf8');
      return { version: Number(f.slice(0, 4)), name: f.slice(5, -4), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies the pending migrations; returns the versions applied now. They run on a connection of their own without
 * the statement timeout: waiting for another instance's migrations (the advisory lock) and building an index on a
 * large table legitimately take longer than any call may, and no call is waiting on them (the gateway does not
 * listen before they are done). An unreachable database still fails the start at once (SERVICE_INDISPONIBLE).
 */
export async function migrate(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<number[]> {
  const own = createPool({ ...pool.options, poolSize: 1, statementTimeoutMs: 0 });
  const applied: number[] = [];
  try {
    await session(own, async (s) => {
      await run(s, waitForAdvisoryLock(LOCK_KEY));
      try {
        await run(s, createMigrationLedger());
        const done = new Map((await run<{ version: number; checksum: string }>(s, appliedMigrations())).map((r) => [r.version, r.checksum]));
        for (const m of readMigrations(dir)) {
          const known = done.get(m.version);
          if (known !== undefined) {
            if (known !== m.checksum) throw new MigrationError(`migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`);
            continue;
          }
          try {
            await run(s, beginTransaction());
            await run(s, migrationScript(m.sql));
            await run(s, recordMigration(m.version, m.name, m.checksum));
            await run(s, commitTransaction());
            applied.push(m.version);
          } catch (e) {
            await run(s, rollbackTransaction()).catch(() => undefined);
            throw new MigrationError(`migration ${m.version}_${m.name} failed: ${(e as Error).message}`, { cause: e });
          }
        }
      } finally {
        await run(s, advisoryUnlock(LOCK_KEY)).catch(() => undefined);
      }
    });
  } finally {
    await own.end();
  }
  return applied;
}
