/**
 * What the push-notification tests start: a fresh database, a gateway on it, the admin command line, a real
 * operator endpoint over mutual TLS (notification-receiver.ts) and a notification worker with its own small pool,
 * all on the test's clock.
 */
import type { Clock } from '../../src/domain/clock.js';
import { createHttpsTransport } from '../../src/jobs/notification-sender.js';
import { createNotificationWorker, type NotificationWorker } from '../../src/jobs/notification-worker.js';
import { createPool, type Pool } from '../../src/store/database.js';
import { adminRunner, type AdminRunner } from './admin.js';
import { freshDatabase, testDatabaseUrl, type TestDatabase } from './database.js';
import { startGateway, type TestGateway } from './gateway.js';
import { notificationReceiver, type NotificationReceiver } from './notification-receiver.js';
import { collectingLogger, realNotificationContract } from './notifications.js';

export interface PushFixture {
  readonly db: TestDatabase;
  readonly gw: TestGateway;
  readonly admin: AdminRunner;
  readonly receiver: NotificationReceiver;
  readonly workerPool: Pool;
  readonly worker: NotificationWorker;
  close(): Promise<void>;
}

export async function startPushFixture(clock: Clock): Promise<PushFixture> {
  const db = await freshDatabase();
  const gw = await startGateway({ database: db, clock });
  const receiver = await notificationReceiver(gw.pki);
  const workerPool = createPool({ connectionString: testDatabaseUrl(), poolSize: 2, schema: db.schema, statementTimeoutMs: db.statementTimeoutMs });
  const worker = createNotificationWorker({
    pool: workerPool, clock, contract: realNotificationContract(), logger: collectingLogger(),
    transport: createHttpsTransport({ cert: gw.pki.gatewayClient.certPem, key: gw.pki.gatewayClient.keyPem, ca: [gw.pki.ca] }, 1500, 2),
    backoff: { baseMs: 1000, maxMs: 600_000, stalledAfterAttempts: 10 }, concurrency: 4, leaseMs: 60_000, pollMs: 1000
  });
  return {
    db, gw, receiver, workerPool, worker, admin: adminRunner(db.schema, gw.pki),
    async close() { await worker.stop(2000); await workerPool.end(); await receiver.shut(); await gw.close(); await db.drop(); }
  };
}
