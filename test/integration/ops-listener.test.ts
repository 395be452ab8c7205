import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/domain/clock.js';
import { createServer, type Server } from 'node:net';
import { buildOpsApp, METRICS_DATABASE_READ_MS, READINESS_PING_MS } from '../../src/ops-app.js';
import { createPool, run } from '../../src/store/database.js';
import { adminRunner } from '../support/admin.js';
import { call, textOf } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { testPki } from '../support/pki.js';

describe('ops listener: health and certificate metrics', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let ops: FastifyInstance;
  let serving = true;
  // 10 days before OPA and OPB's test certificates expire, they are in their renewal window.
  const clock = fixedClock(new Date());

  before(async () => {
    const pki = await testPki();
    clock.set(new Date(pki.facts(pki.opa).notAfter.getTime() - 10 * 86_400_000));
    db = await freshDatabase();
    gw = await startGateway({ database: db });
    ops = await buildOpsApp({ pool: db.pool, clock, serving: () => serving });
  });
  after(async () => { await ops.close(); await gw.close(); await db.drop(); });

  it('is live, and ready while the database answers and the gateway serves', async () => {
    expect((await ops.inject({ url: '/health/live' })).statusCode).to.equal(200);
    const ready = await ops.inject({ url: '/health/ready' });
    expect(ready.statusCode).to.equal(200);
    expect(ready.json()).to.deep.equal({ status: 'ready', checks: { contracts: 'loaded', listener: 'serving', database: 'reachable' } });
    serving = false;
    const stopping = await ops.inject({ url: '/health/ready' });
    serving = true;
    expect(stopping.statusCode).to.equal(503);
  });

  it('answers not ready within its deadline while the database does not answer (a server that accepts and stays silent)', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const pool = createPool({ connectionString: `postgres://esav:x@127.0.0.1:${(silent.address() as { port: number }).port}/postgres`, poolSize: 1, statementTimeoutMs: 2000 });
    const frozen = await buildOpsApp({ pool, clock, serving: () => true });
    try {
      const ready = await frozen.inject({ url: '/health/ready' });
      expect(ready.statusCode).to.equal(503);
      expect(ready.json().checks.database).to.equal(`unreachable: no answer within ${READINESS_PING_MS} ms`);
      // The scrape still answers, in time, with what does not need the database.
      const started = Date.now();
      const metrics = await frozen.inject({ url: '/metrics' });
      expect(Date.now() - started).to.be.lessThan(METRICS_DATABASE_READ_MS + 1000);
      expect(metrics.statusCode).to.equal(200);
      expect(metrics.body).to.match(/^esav_metrics_database_up 0$/m).and.match(/^process_resident_memory_bytes \d+$/m).and.match(/^esav_db_pool_connections_max 1$/m);
    } finally {
      await frozen.close();
      await pool.end().catch(() => undefined);
      silent.close();
    }
  });

  it('counts the certificates in their renewal window (15 French working days) and exposes each expiry', async () => {
    const res = await ops.inject({ url: '/metrics' });
    expect(res.headers['content-type']).to.include('text/plain; version=0.0.4');
    // OPA (two: valid and expired-in-TLS test certificate registered) and OPB: the expired one is not active.
    expect(res.body).to.match(/^esav_certificates_in_renewal_window 2$/m);
    expect(res.body).to.match(/^esav_metrics_database_up 1$/m);
    expect(res.body).to.match(/^esav_certificate_expiry_timestamp_seconds\{operator="OPB",fingerprint="[0-9a-f]{16}"\} \d{10}$/m);
    clock.set(new Date());
    expect((await ops.inject({ url: '/metrics' })).body).to.match(/^esav_certificates_in_renewal_window 0$/m);
    expect(res.body).to.include('# TYPE esav_notification_queue_depth gauge').and.include('# TYPE esav_notification_lag_seconds gauge');
  });

  it('counts the waiting notifications per operator, those stalled after the threshold, and the pool', async () => {
    const admin = adminRunner(db.schema, gw.pki);
    // An endpoint nobody answers on: the filing's event waits for delivery (no worker runs in this test).
    expect((await admin(['notifications', 'set-endpoint', 'OPA', '--url', 'https://127.0.0.1:9/esav'])).code).to.equal(0);
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, 'FTTH-21-0000001', 'OPA-OPS-1', formExample('ftth', 2, 'valid-minimal.xml')),
      client: gw.pki.opa, ca: gw.pki.ca });
    expect(textOf(r.body, 'referenceSignalisation')).to.match(/^SIG-/);
    const stalled = await buildOpsApp({ pool: db.pool, clock: fixedClock(new Date()), serving: () => true, stalledAfterAttempts: 3 });
    try {
      const before = (await stalled.inject({ url: '/metrics' })).body;
      expect(before).to.match(/^esav_notification_queue_depth\{operator="OPA"\} [1-9]\d*$/m);
      expect(before).to.match(/^esav_notification_deliveries_stalled\{operator="OPA"\} 0$/m);
      await run(db.pool, { text: "UPDATE notification_delivery SET attempts = 3 WHERE state = 'pending'", values: [] });
      const after = (await stalled.inject({ url: '/metrics' })).body;
      const depth = /^esav_notification_queue_depth\{operator="OPA"\} (\d+)$/m.exec(after)![1];
      expect(after).to.match(new RegExp(`^esav_notification_deliveries_stalled\\{operator="OPA"\\} ${depth}$`, 'm'));
      expect(after).to.include('HELP esav_notification_deliveries_stalled Notifications waiting after 3 failed attempts or more');
      // The test pool (5 connections): open ones, idle ones, none waiting.
      expect(after).to.match(/^esav_db_pool_connections_max 5$/m);
      expect(after).to.match(/^esav_db_pool_connections [1-5]$/m);
      expect(after).to.match(/^esav_db_pool_waiting_requests 0$/m);
    } finally {
      await stalled.close();
    }
  });
});
