/**
 * Assembles the notification worker from the configuration (used by src/server.ts; tests assemble it themselves
 * with createNotificationWorker to pass a test clock and schema): the contract's versions and operations, the
 * gateway's client certificate, a pool of its own.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { notificationContractFacts, notificationService } from '../contracts/notification-contract.js';
import type { ContractSet } from '../contracts/service-descriptor.js';
import type { Clock } from '../domain/clock.js';
import { NOTIFICATION_OPERATIONS } from '../domain/limit-announcement.js';
import { createPool } from '../store/database.js';
import { createHttpsTransport, type OutboundTls } from './notification-sender.js';
import { createNotificationWorker, type NotificationContract, type NotificationWorker, type WorkerLogger } from './notification-worker.js';

/** Connections of the worker's own pool: one claim or record at a time is all it needs; two leave headroom. */
const WORKER_POOL_SIZE = 2;

/**
 * Every version of the operator-implemented "notification" contract (wsdl/notification/): its plan, and the
 * operations of each version as its WSDL declares them. A message goes out in the version the operator's endpoint
 * implements (0009 notification_endpoint.contract_version), never in the newest one by default.
 */
export function notificationContract(contracts: ContractSet): NotificationContract | null {
  const service = notificationService(contracts);
  const facts = notificationContractFacts(contracts);
  if (!service || !facts) return null;
  return {
    facts,
    operation(version, kind) {
      const op = [...(service.versions.get(version)?.operations.values() ?? [])].find((o) => o.name === NOTIFICATION_OPERATIONS[kind]);
      return op ? { namespace: op.requestNamespace, requestElement: op.requestElement, responseElement: op.responseElement, soapAction: op.soapAction } : null;
    }
  };
}

/**
 * The gateway's client identity for outbound calls: ESAV_NOTIFY_CLIENT_CERT/KEY (+ ESAV_NOTIFY_CA), else the
 * development PKI's gateway-client certificate and CA when given, else none (notifications off).
 */
export function outboundTls(config: Config, devPki: { readonly cert: string; readonly key: string; readonly ca: string } | null): OutboundTls | null {
  const n = config.notifications;
  const ca = n.caFile ? [readFileSync(n.caFile, 'utf8')] : null;
  if (n.clientCertFile && n.clientKeyFile) return { cert: readFileSync(n.clientCertFile, 'utf8'), key: readFileSync(n.clientKeyFile, 'utf8'), ca };
  if (devPki) return { cert: readFileSync(devPki.cert, 'utf8'), key: readFileSync(devPki.key, 'utf8'), ca: ca ?? [readFileSync(devPki.ca, 'utf8')] };
  return null;
}

export interface NotificationWorkerDeps {
  readonly connectionString: string;
  readonly clock: Clock;
  readonly logger: WorkerLogger;
  readonly tls: OutboundTls;
  readonly contract: NotificationContract;
  readonly onIdleError?: (e: Error) => void;
}

/** The worker with its own small pool; stop() drains the deliveries in flight, then closes the pool. */
export function buildNotificationWorker(config: Config, deps: NotificationWorkerDeps): NotificationWorker {
  const n = config.notifications;
  const pool = createPool({
    connectionString: deps.connectionString, poolSize: WORKER_POOL_SIZE, statementTimeoutMs: config.dbStatementTimeoutMs,
    ...(deps.onIdleError ? { onIdleError: deps.onIdleError } : {}) });
  const worker = createNotificationWorker({
    pool, clock: deps.clock, contract: deps.contract, logger: deps.logger,
    transport: createHttpsTransport(deps.tls, n.timeoutMs, 2),
    backoff: { baseMs: n.backoffBaseMs, maxMs: n.backoffMaxMs, stalledAfterAttempts: n.stalledAfterAttempts },
    concurrency: n.concurrency,
    // A claim outlives the call it covers (timeout) by a margin for recording the outcome.
    leaseMs: n.timeoutMs + 30_000,
    pollMs: n.pollMs
  });
  return {
    ...worker,
    async stop(timeoutMs?: number) {
      await worker.stop(timeoutMs);
      await pool.end();
    }
  };
}

export interface StartDeps extends Omit<NotificationWorkerDeps, 'tls' | 'contract'> {
  readonly contracts: ContractSet;
  /** The development PKI's gateway-client certificate and CA, when the gateway runs on it. */
  readonly devPki: { readonly cert: string; readonly key: string; readonly ca: string } | null;
}

/** Starts the worker, or says why push notifications are off (no client certificate, no contract) and returns null. */
export function startNotificationWorker(config: Config, deps: StartDeps): NotificationWorker | null {
  const tls = outboundTls(config, deps.devPki);
  const contract = notificationContract(deps.contracts);
  if (tls === null || contract === null) {
    deps.logger.warn({ reason: tls === null ? 'ESAV_NOTIFY_CLIENT_CERT and ESAV_NOTIFY_CLIENT_KEY are not set' : 'no operator-implemented contract wsdl/notification' }, 'push notifications off');
    return null;
  }
  const worker = buildNotificationWorker(config, { ...deps, tls, contract });
  worker.start();
  deps.logger.info({ pollMs: config.notifications.pollMs, concurrency: config.notifications.concurrency, timeoutMs: config.notifications.timeoutMs }, 'notification worker started');
  return worker;
}
