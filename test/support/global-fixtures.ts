/**
 * One real PostgreSQL for the whole test run: DATABASE_URL when set (CI may provide a server), otherwise an
 * embedded one in a temporary directory on a free port. Each test file then works in a schema of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/store/embedded-postgres.js';
import { freePort } from '../../scripts/bench/net.js';

let embedded: EmbeddedServer | null = null;
let dir: string | null = null;


export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.ESAV_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  dir = mkdtempSync(path.join(tmpdir(), 'esav-test-'));
  embedded = await startEmbeddedPostgres(dir, await freePort());
  process.env.ESAV_TEST_DATABASE_URL = embedded.connectionString;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await embedded?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
