/**
 * The notification queue and worker on a real PostgreSQL schema, with a fake transport and a test clock: ordering
 * per ticket, a blocked ticket not blocking another, backoff steps, stalled deliveries, who gets notified.
 */
import { expect } from 'chai';
import { fixedClock } from '../../../src/domain/clock.js';
import { oiComment, oiEvent } from '../../../src/domain/ticket-service.js';
import { createNotificationWorker, type NotificationWorker } from '../../../src/jobs/notification-worker.js';
import { loadDemoData } from '../../../src/store/demo-data.js';
import { setEndpoint } from '../../../src/store/notification-endpoints.js';
import { claimDue } from '../../../src/store/notification-queue.js';
import { createTicketStore } from '../../../src/store/ticket-store.js';
import { freshDatabase, type TestDatabase } from '../../support/database.js';
import { collectingLogger, fakeTransport, fileTicket, realNotificationContract, type FakeTransport } from '../../support/notifications.js';
import { run } from '../../../src/store/database.js';

const T0 = new Date('2026-11-24T10:00:00Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

describe('jobs/notification-worker', () => {
  let db: TestDatabase;
  let transport: FakeTransport;
  let worker: NotificationWorker;
  const logger = collectingLogger();
  const clock = fixedClock(T0);
  let a: string;
  let b: string;
  let beforeRegistration: string;

  before(async () => {
    db = await freshDatabase();
    await loadDemoData(db.pool, {});
    const store = createTicketStore(db.pool);
    beforeRegistration = await fileTicket(db.pool, 'OPA', 'FTTH-21-0000001', 'OPA-BEFORE', at(-60_000));
    await setEndpoint(db.pool, 'OPA', 'https://opa.example/notifications', '1.1', 'test', at(-1000));
    // Two tickets of OPA, their events interleaved; one ticket of OPB, which has no endpoint.
    a = await fileTicket(db.pool, 'OPA', 'FTTH-21-0000001', 'OPA-A', T0);
    b = await fileTicket(db.pool, 'OPA', 'FTTE-21-0000101', 'OPA-B', T0);
    await oiEvent(store, a, 'accept', 'agent', T0);
    await oiEvent(store, b, 'accept', 'agent', T0);
    await oiComment(store, a, 'agent', 'Technicien planifié', T0);
    await oiEvent(store, b, 'start', 'agent', T0);
    await oiEvent(store, beforeRegistration, 'accept', 'agent', T0);
    await fileTicket(db.pool, 'OPB', 'FTTH-25-0000002', 'OPB-1', T0);
    transport = fakeTransport();
    worker = createNotificationWorker({
      pool: db.pool, clock, transport, contract: realNotificationContract(), logger,
      backoff: { baseMs: 1000, maxMs: 8000, stalledAfterAttempts: 5 }, concurrency: 4, leaseMs: 60_000, pollMs: 1000
    });
  });
  after(async () => { await worker.stop(100); await db.drop(); });

  const sent = (reference: string) => transport.posted.filter((p) => p.reference === reference).map((p) => p.sequence);

  it('queues only events of operators with an endpoint, made after its registration', async () => {
    const rows = await run<{ reference: string; seq: number }>(db.pool, { text: 'SELECT t.reference, d.ticket_sequence AS seq FROM notification_delivery d JOIN ticket t ON t.id = d.ticket_id ORDER BY d.event_pk', values: [] });
    expect(rows.map((r) => `${r.reference === a ? 'A' : r.reference === b ? 'B' : r.reference === beforeRegistration ? 'C' : '?'}${r.seq}`))
      .to.deep.equal(['A1', 'B1', 'A2', 'B2', 'A3', 'B3', 'C2']);
  });

  it('claims at most one event per ticket, the earliest pending one, and never the same one twice', async () => {
    const [first, second] = await Promise.all([
      claimDue(db.pool, { now: T0, limit: 10, perEndpoint: 10, leaseUntil: at(60_000) }),
      claimDue(db.pool, { now: T0, limit: 10, perEndpoint: 10, leaseUntil: at(60_000) })
    ]);
    const all = [...first!, ...second!].map((d) => (d.kind === 'limit' ? `limit ${d.limitId}` : 'subject' in d ? d.subject : `${d.reference}#${d.sequence}`)).sort();
    expect(all).to.deep.equal([`${a}#1`, `${b}#1`, `${beforeRegistration}#2`].sort());
    // Leased: nobody else gets them until the lease ends; then they are due again.
    expect(await claimDue(db.pool, { now: at(59_999), limit: 10, perEndpoint: 10, leaseUntil: at(120_000) })).to.have.length(0);
    await run(db.pool, { text: 'UPDATE notification_delivery SET lease_until = NULL', values: [] });
  });

  it('delivers one ticket in order while an earlier failing event holds back the other ticket only', async () => {
    transport.failing.add(a);
    const r = await worker.runUntilIdle(T0);
    expect(sent(b)).to.deep.equal([1, 2, 3]);
    expect(sent(beforeRegistration)).to.deep.equal([2]);
    expect(sent(a)).to.deep.equal([1]);
    expect(r).to.deep.include({ delivered: 4, failed: 1 });
    const rows = await run<{ seq: number; state: string; attempts: number; next: Date }>(db.pool, { text: `SELECT d.ticket_sequence AS seq, d.state, d.attempts, d.next_attempt_at AS next FROM notification_delivery d JOIN ticket t ON t.id = d.ticket_id
        WHERE t.reference = $1 ORDER BY d.event_pk`, values: [a] });
    expect(rows.map((x) => [x.seq, x.state, x.attempts])).to.deep.equal([[1, 'pending', 1], [2, 'pending', 0], [3, 'pending', 0]]);
    expect(rows[0]!.next.toISOString()).to.equal(at(1000).toISOString());
  });

  it('retries with a growing delay read from the clock, never earlier', async () => {
    const steps: number[] = [];
    let now = T0.getTime();
    for (let i = 0; i < 4; i++) {
      const next = (await run<{ next: Date }>(db.pool, { text: 'SELECT d.next_attempt_at AS next FROM notification_delivery d JOIN ticket t ON t.id = d.ticket_id WHERE t.reference = $1 AND d.ticket_sequence = 1', values: [a] }))[0]!.next.getTime();
      expect((await worker.runOnce(new Date(next - 1))).claimed, 'not due a millisecond before').to.equal(0);
      steps.push(next - now);
      now = next;
      expect(await worker.runOnce(new Date(next))).to.deep.include({ claimed: 1, failed: 1 });
    }
    expect(steps).to.deep.equal([1000, 2000, 4000, 8000]);
    expect(sent(a)).to.deep.equal([1, 1, 1, 1, 1]);
  });

  it('keeps retrying a stalled delivery at the cap, flagged in the log and as a warning', async () => {
    const rows = await run<{ attempt: number; outcome: string; http_status: number; error: string }>(db.pool, { text: `SELECT a.attempt, a.outcome, a.http_status, a.error FROM notification_attempt a JOIN notification_delivery d ON d.event_pk = a.event_pk
         JOIN ticket t ON t.id = d.ticket_id WHERE t.reference = $1 ORDER BY a.attempt`, values: [a] });
    expect(rows.map((r) => r.outcome)).to.deep.equal(['failed', 'failed', 'failed', 'failed', 'failed-stalled']);
    expect(rows.every((r) => r.http_status === 503 && r.error === 'HTTP 503')).to.equal(true);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).to.deep.equal(['notification stalled: still retrying at the longest interval']);
    const next = (await run<{ next: Date }>(db.pool, { text: 'SELECT max(next_attempt_at) AS next FROM notification_delivery WHERE attempts = 5', values: [] }))[0]!.next;
    expect(next.getTime() - at(15_000).getTime()).to.equal(8000);
  });

  it('delivers the held-back ticket in order once its endpoint answers again', async () => {
    transport.failing.clear();
    const r = await worker.runUntilIdle(at(60_000));
    expect(r).to.deep.include({ delivered: 3, failed: 0 });
    expect(sent(a)).to.deep.equal([1, 1, 1, 1, 1, 1, 2, 3]);
    const pending = await run(db.pool, { text: "SELECT 1 FROM notification_delivery WHERE state = 'pending'", values: [] });
    expect(pending.length).to.equal(0);
    expect(transport.posted.every((p) => p.url === 'https://opa.example/notifications')).to.equal(true);
  });

  it('probes a failing endpoint with one event at a time, at its own backoff, so a dead endpoint costs little', async () => {
    const store = createTicketStore(db.pool);
    const refs = await Promise.all(['P1', 'P2', 'P3', 'P4'].map((r, i) => fileTicket(db.pool, 'OPA', i % 2 ? 'FTTE-21-0000101' : 'FTTH-21-0000001', `OPA-${r}`, at(70_000))));
    for (const ref of refs) transport.failing.add(ref);
    expect((await worker.runOnce(at(70_000))).claimed, 'a healthy endpoint: perEndpoint (2) per pass').to.equal(2);
    expect((await worker.runOnce(at(70_000))).claimed, 'failing twice: nothing before 2 s').to.equal(0);
    expect((await worker.runOnce(at(72_000))).claimed, 'then one probe').to.equal(1);
    expect((await worker.runOnce(at(72_000))).claimed, 'and nothing more before 4 s').to.equal(0);
    transport.failing.clear();
    expect(await worker.runUntilIdle(at(80_000)), 'healthy again after one successful probe').to.deep.include({ claimed: 4, delivered: 4 });
    await oiEvent(store, refs[0]!, 'accept', 'agent', at(80_000));
    expect((await worker.runOnce(at(80_000))).delivered, 'healthy again').to.equal(1);
  });
});
