/**
 * A real gateway for integration tests: buildApp() on a fresh schema with the demo data, listening on a free
 * loopback port over mutual TLS with the test PKI. Tests talk to it with real clients only.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { ContractSet } from '../../src/contracts/service-descriptor.js';
import type { Clock } from '../../src/domain/clock.js';
import type { ServiceAdapter } from '../../src/soap/types.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { createListener, type Pool } from '../../src/store/database.js';
import { freshDatabase, type TestDatabase } from './database.js';
import { testPki, type TestPki } from './pki.js';

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly pool: Pool;
  readonly pki: TestPki;
  readonly config: Config;
  /** Log lines written by the gateway (JSON), to assert on what is and is not logged. */
  readonly logLines: string[];
  close(): Promise<void>;
}

export interface GatewayOptions {
  readonly clock?: Clock;
  readonly contracts?: ContractSet;
  readonly extraAdapters?: readonly ServiceAdapter[];
  readonly env?: Record<string, string>;
  readonly database?: TestDatabase;
  /** Told when an e-intervention change wrote outbound messages (a test's outbox worker). */
  readonly onEInterventionMessages?: () => void;
}

export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const pki = await testPki();
  const db = options.database ?? await freshDatabase();
  await loadDemoData(db.pool, { OPA: [pki.facts(pki.opa), pki.facts(pki.expired)], OPB: [pki.facts(pki.opb)] });
  // No nightly window unless a test asks for one: most tests run on the real clock, at any hour.
  const config = loadConfig({ ESAV_PORT: '0', LOG_LEVEL: 'info', ESAV_AUTH_CACHE_TTL_MS: '0', ESAV_NIGHTLY_WINDOW_MINUTES: '0', ...options.env });
  const logLines: string[] = [];
  const logger = pino({ level: config.logLevel }, { write: (line: string) => { logLines.push(line); } });
  const app = await buildApp(config, {
    pool: db.pool,
    listenClient: () => createListener({ connectionString: db.url, poolSize: 1, schema: db.schema, statementTimeoutMs: db.statementTimeoutMs }),
    tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: [pki.ca] },
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.contracts ? { contracts: options.contracts } : {}),
    ...(options.extraAdapters ? { extraAdapters: options.extraAdapters } : {}),
    ...(options.onEInterventionMessages ? { onEInterventionMessages: options.onEInterventionMessages } : {})
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return {
    url: `https://localhost:${port}`,
    port, app, pool: db.pool, pki, config, logLines,
    async close() {
      await app.close();
      if (!options.database) await db.drop();
    }
  };
}
