/**
 * Targets (c)–(h): the e-SAV gateway end to end, built as test/support/gateway.ts builds it but standalone: an
 * embedded PostgreSQL in the run's work directory on a free port, migrations, the demo data with the bench client
 * certificate registered to OPA, buildApp() with the production defaults (auth cache on) and logs at warn.
 * A second instance (the 'instances' measurement) connects to the first one's PostgreSQL instead (GatewayStart).
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { certificateFacts } from '../../src/pki/certificate-authority.js';
import { createListener, createPool, type Pool } from '../../src/store/database.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/store/embedded-postgres.js';
import { migrate } from '../../src/store/migrate.js';
import { libxml } from '../../src/xml/libxml.js';
import { freePort } from './net.js';
import { serveChild, type RunningServer, type StartMessage } from './protocol.js';
import { HISTORY_PER_OPERATOR, seedTicketHistory } from './seed.js';

/** embedded-postgres' stop() waits for an exit event forever if PostgreSQL already died (e.g. on Ctrl-C). */
function stopWithin(pg: EmbeddedServer, ms: number): Promise<void> {
  return Promise.race([pg.stop(), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}

/** buildApp() on a pool, listening on a free port of 127.0.0.1; closes the app, then the pool. */
async function listenGateway(pool: Pool, connectionString: string, { pki, env }: StartMessage): Promise<{ port: number; close(): Promise<void> }> {
  // No nightly maintenance window in a benchmark run (it may run at any hour).
  const config = loadConfig({ ESAV_PORT: '0', LOG_LEVEL: 'warn', ESAV_NIGHTLY_WINDOW_MINUTES: '0', ...env });
  const app = await buildApp(config, {
    pool,
    listenClient: () => createListener({ connectionString, poolSize: 1, statementTimeoutMs: config.dbStatementTimeoutMs }),
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: [pki.ca] },
    logger: createLogger(config.logLevel)
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server.address() as { port: number }).port, close: () => app.close() };
}

/**
 * pg-pool's end() resolves before its idle sockets are closed; PostgreSQL's shutdown then reaches them as a FATAL
 * 57P01 'error' on the pool, which database.ts's pool listens for (no crash, no lost CPU profile).
 */
async function endPool(pool: Pool): Promise<void> {
  await pool.end().catch(() => undefined);
}

/**
 * libxml2's own count of the bytes it has allocated and not freed (libxmljs hooks its allocator), and of the nodes
 * it holds: the parsed request documents live until V8 collects their wrappers.
 */
function nativeMemory(): Record<string, number> {
  const x = libxml as unknown as { memoryUsage(): number; nodeCount(): number };
  return { libxml2Bytes: x.memoryUsage(), libxml2Nodes: x.nodeCount() };
}

/** A second instance: the database is another child's, already migrated and seeded. */
async function connectGateway(m: StartMessage, connectionString: string): Promise<RunningServer> {
  const { dbPoolSize, dbStatementTimeoutMs } = loadConfig({ ...m.env });
  const pool = createPool({ connectionString, poolSize: dbPoolSize, statementTimeoutMs: dbStatementTimeoutMs });
  try {
    const app = await listenGateway(pool, connectionString, m);
    return { port: app.port, nativeMemory, async close() { await app.close(); await endPool(pool); } };
  } catch (e) {
    await endPool(pool);
    throw e;
  }
}

async function startGateway(m: StartMessage): Promise<RunningServer> {
  const start = m.gateway ?? { database: 'own', historyPerOperator: HISTORY_PER_OPERATOR };
  if (start.database === 'connect') return connectGateway(m, start.connectionString);
  const pg = await startEmbeddedPostgres(m.workDir, await freePort(), (msg) => process.stderr.write(msg));
  const { dbPoolSize, dbStatementTimeoutMs } = loadConfig({ ...m.env });
  const pool = createPool({ connectionString: pg.connectionString, poolSize: dbPoolSize, statementTimeoutMs: dbStatementTimeoutMs });
  try {
    await migrate(pool);
    await loadDemoData(pool, { OPA: [certificateFacts(m.pki.clientCert)] });
    const fixtures = await seedTicketHistory(pool, start.historyPerOperator);
    const app = await listenGateway(pool, pg.connectionString, m);
    return {
      port: app.port,
      fixtures,
      connectionString: pg.connectionString,
      nativeMemory,
      async close() {
        await app.close();
        await endPool(pool);
        await stopWithin(pg, 10_000);
      }
    };
  } catch (e) {
    await endPool(pool);
    await stopWithin(pg, 10_000);
    throw e;
  }
}

serveChild(startGateway);
