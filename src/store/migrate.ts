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
import type { Pool } from './database.js';

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

/** Applies the pending migrations; returns the versions applied now. */
export async function migrate(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map((await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migration')).rows
      .map((r) => [r.version, r.checksum]));
    for (const m of readMigrations(dir)) {
      const known = done.get(m.version);
      if (known !== undefined) {
        if (known !== m.checksum) throw new MigrationError(`migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`);
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (e) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${m.version}_${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return applied;
}
