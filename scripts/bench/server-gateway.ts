/**
 * Target (c): the e-SAV gateway end to end, built as test/support/gateway.ts builds it but standalone: an embedded
 * PostgreSQL in the run's work directory on a free port, migrations, the demo data with the bench client
 * certificate registered to OPA, buildApp() with the production defaults (auth cache on) and logs at warn.
 */
import { createServer } from 'node:net';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { certificateFacts } from '../../src/pki/certificate-authority.js';
import { createClient, createPool } from '../../src/store/database.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/store/embedded-postgres.js';
import { migrate } from '../../src/store/migrate.js';
import { serveChild, type RunningServer, type StartMessage } from './protocol.js';
import { seedTicketHistory } from './seed.js';

/** Tickets per operator in the seeded history (90 days): what the reads and the search run against. */
const HISTORY_PER_OPERATOR = 20_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** embedded-postgres' stop() waits for an exit event forever if PostgreSQL already died (e.g. on Ctrl-C). */
function stopWithin(pg: EmbeddedServer, ms: number): Promise<void> {
  return Promise.race([pg.stop(), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}

async function startGateway({ pki, workDir, env }: StartMessage): Promise<RunningServer> {
  const pg = await startEmbeddedPostgres(workDir, await freePort(), (m) => process.stderr.write(m));
  // No nightly maintenance window in a benchmark run (it may run at any hour).
  const config = loadConfig({ ESAV_PORT: '0', LOG_LEVEL: 'warn', ESAV_NIGHTLY_WINDOW_MINUTES: '0', ...env });
  const pool = createPool({ connectionString: pg.connectionString, poolSize: config.dbPoolSize });
  try {
    await migrate(pool);
    await loadDemoData(pool, { OPA: [certificateFacts(pki.clientCert)] });
    const fixtures = await seedTicketHistory(pool, HISTORY_PER_OPERATOR);
    const app = await buildApp(config, {
      pool,
      listenClient: () => createClient({ connectionString: pg.connectionString, poolSize: 1 }),
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: [pki.ca] },
      logger: createLogger(config.logLevel)
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      port: (app.server.address() as { port: number }).port,
      fixtures,
      async close() {
        await app.close();
        // pg-pool's end() resolves before its idle sockets are closed; PostgreSQL's shutdown then reaches them as
        // a FATAL 57P01 'error' on the pool, which would crash this process (and lose the CPU profile).
        pool.on('error', () => undefined);
        await pool.end();
        await stopWithin(pg, 10_000);
      }
    };
  } catch (e) {
    pool.on('error', () => undefined);
    await pool.end().catch(() => undefined);
    await stopWithin(pg, 10_000);
    throw e;
  }
}

serveChild(startGateway);
