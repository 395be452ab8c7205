/**
 * Assembles the e-intervention outbox worker from the configuration (src/server.ts; tests assemble it with
 * createEInterventionWorker to pass a test clock and schema): the files' contract, the gateway's client certificate
 * for outbound mutual TLS (the push notifications' one), a pool of its own, the notifications' backoff settings.
 */
import type { Config } from '../config/config.js';
import type { EInterventionContract } from '../contracts/e-intervention-contract.js';
import type { Clock } from '../domain/clock.js';
import { createPool } from '../store/database.js';
import { createInterventionStore } from '../store/e-intervention-store.js';
import { createEInterventionWorker, type EInterventionWorker } from './e-intervention-worker.js';
import { outboundTls } from './notification-setup.js';
import type { WorkerLogger } from './notification-worker.js';

export interface EInterventionWorkerDeps {
  readonly connectionString: string;
  readonly contract: EInterventionContract;
  readonly clock: Clock;
  readonly logger: WorkerLogger;
  readonly devPki: { readonly cert: string; readonly key: string; readonly ca: string } | null;
  readonly onIdleError?: (e: Error) => void;
}

/** The started worker, or null (logged) when the gateway has no client certificate for outbound calls. */
export function startEInterventionWorker(config: Config, deps: EInterventionWorkerDeps): EInterventionWorker | null {
  const tls = outboundTls(config, deps.devPki);
  if (tls === null) {
    deps.logger.warn({ reason: 'ESAV_NOTIFY_CLIENT_CERT and ESAV_NOTIFY_CLIENT_KEY are not set' }, 'e-intervention outbound messages off');
    return null;
  }
  const n = config.notifications;
  const pool = createPool({
    connectionString: deps.connectionString, poolSize: 4, statementTimeoutMs: config.dbStatementTimeoutMs,
    ...(deps.onIdleError ? { onIdleError: deps.onIdleError } : {})
  });
  const store = createInterventionStore(pool, config.eIntervention.oiCode);
  const worker = createEInterventionWorker({
    pool, clock: deps.clock, contract: deps.contract, tls, logger: deps.logger,
    backoff: { baseMs: n.backoffBaseMs, maxMs: n.backoffMaxMs, stalledAfterAttempts: n.stalledAfterAttempts },
    relayLineTests: (now) => store.relayLineTests(now, { reportWindowMs: config.eIntervention.reportWindowMs, consentWindowMs: config.eIntervention.consentWindowMs }),
    onTestNotRealised: (m) => store.testNotRealised(m.refIntervOI, m.operator, m.numeroTest, m.now),
    concurrency: n.concurrency * 4, timeoutMs: n.timeoutMs, leaseMs: n.timeoutMs + 30_000, pollMs: config.eIntervention.pollMs
  });
  worker.start();
  return { ...worker, async stop() { await worker.stop(); await pool.end(); } };
}
