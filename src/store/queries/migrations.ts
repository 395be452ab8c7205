/** SQL of the migrations' ledger (src/store/migrate.ts), as named query functions (pg-boss style). */
import type { Query } from '../database.js';

/**
 * Waits for the session-level advisory lock (several instances starting together apply each
 * migration once); released by advisoryUnlock (queries/jobs.ts).
 */
export function waitForAdvisoryLock(key: number): Query {
  return { text: 'SELECT pg_advisory_lock($1)', values: [key] };
}

export function createMigrationLedger(): Query {
  return {
    text: `CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    values: []
  };
}

export function appliedMigrations(): Query {
  return { text: 'SELECT version, checksum FROM schema_migration', values: [] };
}

/** No values: the simple protocol, which runs a file of several statements. */
export function migrationScript(sql: string): Query {
  return { text: sql, values: [] };
}

export function recordMigration(version: number, name: string, checksum: string): Query {
  return { text: 'INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', values: [version, name, checksum] };
}

/** Each migration in its own transaction, on the migrations' session (not transaction(): one connection for all). */
export function beginTransaction(): Query {
  return { text: 'BEGIN', values: [] };
}

export function commitTransaction(): Query {
  return { text: 'COMMIT', values: [] };
}

export function rollbackTransaction(): Query {
  return { text: 'ROLLBACK', values: [] };
}
