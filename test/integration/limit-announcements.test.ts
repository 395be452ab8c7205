/**
 * Per-minute limits announced to operators (DOMAIN.md L2) end to end: esav-admin declares and removes limits on a
 * real gateway's database, a notification worker pushes the announcements over mutual TLS to a real loopback receiver
 * (test/support/notification-receiver.ts), and the gateway enforces them. OPA's endpoint implements notification v2
 * (limit announcements pushed), OPB's v1 (told by the usual channel). A test clock drives the dates, the backoff and
 * the 24-hour notice; nothing sleeps.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import type { NotificationWorker } from '../../src/jobs/notification-worker.js';
import { libxml } from '../../src/xml/libxml.js';
import type { AdminRunner } from '../support/admin.js';
import type { TestDatabase } from '../support/database.js';
import type { TestGateway } from '../support/gateway.js';
import type { NotificationReceiver, ReceivedLimitAnnouncement } from '../support/notification-receiver.js';
import { contractOperation, fileTicket, realContracts } from '../support/notifications.js';
import { startPushFixture, type PushFixture } from '../support/push-fixture.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';
import { envelope, SIG } from '../support/tickets.js';
import { run as runSql } from '../../src/store/database.js';

const V2 = 'http://esav.bfc-fibre.fr/notification/v2';

describe('limit announcements pushed to operators (L2, notification v2)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let receiver: NotificationReceiver;
  let admin: AdminRunner;
  let worker: NotificationWorker;
  // Wednesday 2027-02-03, 10:00 Paris: notification v2 is in production (since 2027-02-03), v1 too (until 2027-07-24).
  const clock = fixedClock('2027-02-03T09:00:00Z');
  const run = (args: string[]) => admin(args, clock);
  const sql = async <R>(text: string, values: unknown[] = []): Promise<R[]> => (await runSql(db.pool, { text, values })) as R[];
  const limitsOf = (id: string): ReceivedLimitAnnouncement[] => receiver.limits.filter((l) => l.limite.identifiantLimite === id);
  const listRow = async (id: string): Promise<Record<string, string>> => {
    const out = (await run(['load', 'limit', 'list', '--all', '--csv'])).out.split('\n');
    const header = out[0]!.split(',');
    const line = out.find((l) => l.startsWith(`${id},`));
    if (!line) throw new Error(`limit ${id} not listed:\n${out.join('\n')}`);
    // CSV cells may be quoted (commas in an announcement status).
    const cells = [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, header.length);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  };
  const declare = async (operator: string, args: string[]): Promise<{ id: string; out: string }> => {
    const r = await run(['load', 'limit', 'set', operator, ...args]);
    expect(r.code, r.err).to.equal(0);
    return { id: /limit #(\d+)/.exec(r.out)![1]!, out: r.out };
  };
  const contractErrors = (xml: string): string[] =>
    realContracts().services.get('notification')!.versions.get(2)!.envelopeSchemas.soap11.validate(libxml.parseXml(xml)).map((e) => `${e.field}: ${e.message}`);
  const trail = async (id: string): Promise<string[]> => (await sql<{ action: string }>(
    "SELECT action FROM audit_log WHERE entity = 'load_limit' AND entity_key = $1 ORDER BY id", [id])).map((r) => r.action);
  const search = (): Promise<RawResponse> => call(gw.url, {
    path: '/esav/signalisation/v2', body: envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"/>`), client: gw.pki.opa, ca: gw.pki.ca
  });

  let fixture: PushFixture;
  before(async () => {
    fixture = await startPushFixture(clock);
    ({ db, gw, admin, receiver, worker } = fixture);
  });
  after(() => fixture.close());

  it("records the contract version of an endpoint: 1 by default, 2 only once v2 is in production", async () => {
    const early = await admin(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--contract-version', '2'], fixedClock('2027-02-02T22:59:59Z'));
    expect(early.code).to.equal(1);
    expect(early.err).to.include('ADMIN_INVALID_INPUT').and.include('notification v2 is in production from 2027-02-03 only');
    expect((await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--contract-version', '3'])).err).to.include('not a version of the contract');

    const opb = await run(['notifications', 'set-endpoint', 'OPB', '--url', receiver.url]);
    expect(opb.out).to.include('contract notification v1; limit announcements by the usual channel');
    const opa = await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--contract-version', '2']);
    expect(opa.code, opa.err).to.equal(0);
    expect(opa.out).to.include('contract notification v2; limit announcements pushed too');
    // Changing the URL alone keeps the version.
    expect((await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--soap-version', '1.1'])).out).to.include('notification v2');
    expect((await run(['notifications', 'show', 'OPA'])).out).to.include('contract notification v2');
  });

  let pushed = '';
  it('pushes a declared limit to a v2 endpoint: a schema-valid announcement with the limit’s figures, audited when delivered', async () => {
    const { id, out } = await declare('OPA', ['--per-minute', '120', '--category', 'FILING', '--from', '2027-02-05T08:00:00+01:00',
      '--until', '2027-02-06T20:00:00+01:00', '--reason', 'Migration de la base de suivi']);
    pushed = id;
    expect(out).to.include(`announcement queued for OPA's notification endpoint ${receiver.url} (notification v2`);
    expect((await listRow(id)).announcement).to.equal('pending (0 attempts)');

    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ claimed: 1, delivered: 1 });
    const [got] = limitsOf(id);
    expect(limitsOf(id)).to.have.length(1);
    expect(got!.namespace).to.equal(V2);
    expect(got!.soapAction).to.equal(`"${contractOperation(2, 'limit').soapAction}"`);
    expect(got!.caller).to.equal('BFC Fibre e-SAV notifications');
    expect(got!.statut).to.equal('ANNONCEE');
    expect(got!.horodatage).to.equal('2027-02-03T09:00:00.000Z');
    expect(got!.limite).to.deep.equal({
      identifiantLimite: id, categorie: 'DEPOT', requetesParMinute: '120', debut: '2027-02-05T07:00:00.000Z', fin: '2027-02-06T19:00:00.000Z',
      dateDeclaration: '2027-02-03T09:00:00.000Z', motif: 'Migration de la base de suivi'
    });
    expect(contractErrors(got!.xml)).to.deep.equal([]);
    const [event] = await sql<{ event_id: string }>("SELECT event_id FROM limit_announcement WHERE limit_id = $1 AND status = 'ANNONCEE'", [id]);
    expect(got!.idEvenement).to.equal(event!.event_id);

    expect((await listRow(id)).announcement).to.equal('pushed 2027-02-03T09:00:00.000Z');
    expect(await trail(id)).to.deep.equal(['declare', 'announcement-queued', 'announcement-delivered']);
    expect((await run(['audit', 'list', '--entity', 'load_limit', '--key', id])).out).to.include('notification-worker').and.include('deliveredAt');
  });

  it('pushes nothing to a v1 endpoint: the trail and the command say to tell the operator by the usual channel', async () => {
    const before = receiver.limits.length;
    const { id, out } = await declare('OPB', ['--per-minute', '30', '--from', '2027-02-04T12:00:00Z']);
    expect(out).to.include('NOT SENT by the gateway: OPB — its endpoint implements notification v1')
      .and.include('Tell OPB by the usual channel before 2027-02-03T12:00:00.000Z');
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ claimed: 0 });
    expect(receiver.limits).to.have.length(before);
    expect(await sql('SELECT 1 FROM notification_delivery WHERE limit_id = $1', [id])).to.have.length(0);
    expect(await trail(id)).to.deep.equal(['declare', 'announcement-required']);
    expect((await run(['audit', 'list', '--entity', 'load_limit', '--key', id])).out).to.include('usual').and.include('"sent":false');
    expect((await listRow(id)).announcement).to.match(/^by usual channel \(its endpoint implements notification v1: notification v1 has no operation notificationLimiteDebit/);
  });

  it('sends ticket events in the version each endpoint implements', async () => {
    const before = receiver.received.length;
    const a = await fileTicket(db.pool, 'OPA', 'FTTH-21-0000001', 'OPA-LIM-1', clock.now());
    const b = await fileTicket(db.pool, 'OPB', 'FTTH-25-0000002', 'OPB-LIM-1', clock.now());
    await worker.runUntilIdle(clock.now());
    const got = receiver.received.slice(before);
    expect(got.map((n) => [n.referenceSignalisation, n.namespace, n.soapAction])).to.have.deep.members([
      [a, V2, `"${contractOperation(2).soapAction}"`],
      [b, 'http://esav.bfc-fibre.fr/notification/v1', `"${contractOperation(1).soapAction}"`]
    ]);
  });

  it('retries an announcement the endpoint failed to take, the same message each time, and shows the failure meanwhile', async () => {
    receiver.mode = 'unavailable';
    const { id } = await declare('OPA', ['--per-minute', '60', '--category', 'STATE', '--from', '2027-02-05T10:00:00Z']);
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ claimed: 1, failed: 1 });
    expect((await listRow(id)).announcement).to.equal('pending (1 attempt, last error: HTTP 503)');
    expect(await trail(id)).to.deep.equal(['declare', 'announcement-queued', 'announcement-failing']);
    expect((await run(['notifications', 'log', '--operator', 'OPA', '--csv'])).out).to.match(new RegExp(`,OPA,limit #${id},,[0-9a-f-]{36},limit-ANNONCEE,1,failed,503,`));

    // Then the endpoint stores it but its acknowledgement is lost: sent again, identical, and acknowledged.
    receiver.mode = 'ack-lost-once';
    expect((await worker.runUntilIdle(clock.now())).claimed, 'waiting for its backoff').to.equal(0);
    clock.advance(1000);
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ claimed: 1, failed: 1 });
    clock.advance(2000);
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ claimed: 1, delivered: 1 });
    const copies = limitsOf(id);
    expect(copies.map((l) => [l.statut, l.limite.categorie])).to.deep.equal([['ANNONCEE', 'CONSULTATION_ETAT'], ['ANNONCEE', 'CONSULTATION_ETAT']]);
    expect(copies[1]!.xml).to.equal(copies[0]!.xml);
    expect((await listRow(id)).announcement).to.equal('pushed 2027-02-03T09:00:03.000Z');
    expect(await trail(id)).to.deep.equal(['declare', 'announcement-queued', 'announcement-failing', 'announcement-delivered']);
    receiver.mode = 'up';
  });

  it('announces the lifting of a limit the operator was told of (LEVEE, with its reason), after its announcement', async () => {
    const r = await run(['load', 'limit', 'remove', pushed, '--reason', 'Migration terminée']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include(`limit #${pushed} removed`).and.include('lifting queued for OPA');
    await worker.runUntilIdle(clock.now());
    const [announced, lifted] = limitsOf(pushed);
    expect(limitsOf(pushed)).to.have.length(2);
    expect(lifted!.statut).to.equal('LEVEE');
    expect(lifted!.motifLevee).to.equal('Migration terminée');
    expect(lifted!.limite).to.deep.equal(announced!.limite);
    expect(lifted!.idEvenement).to.not.equal(announced!.idEvenement);
    expect(contractErrors(lifted!.xml)).to.deep.equal([]);
    const row = await listRow(pushed);
    expect([row.state, row.lift]).to.deep.equal(['removed', 'pushed 2027-02-03T09:00:03.000Z']);
    expect(await trail(pushed)).to.deep.equal(['declare', 'announcement-queued', 'announcement-delivered', 'remove', 'lift-queued', 'lift-delivered']);
  });

  it('sends a lifting only after its announcement was acknowledged', async () => {
    receiver.mode = 'unavailable';
    const { id } = await declare('OPA', ['--per-minute', '10', '--category', 'LINE_TEST', '--from', '2027-02-07T10:00:00Z']);
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ failed: 1 });
    // Tried once: the operator may have it, so it is not withdrawn; its lifting waits behind it.
    expect((await run(['load', 'limit', 'remove', id])).out).to.include('lifting queued');
    receiver.mode = 'up';
    clock.advance(2000);
    await worker.runUntilIdle(clock.now());
    expect(limitsOf(id).map((l) => l.statut)).to.deep.equal(['ANNONCEE', 'LEVEE']);
  });

  it('withdraws an announcement not sent yet when its limit is removed: nothing to tell', async () => {
    const before = receiver.limits.length;
    const { id } = await declare('OPA', ['--per-minute', '5', '--category', 'WORKS_INFO', '--from', '2027-02-07T10:00:00Z']);
    const r = await run(['load', 'limit', 'remove', id]);
    expect(r.out).to.include('nothing to tell OPA: its announcement was withdrawn before it was sent');
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ claimed: 0 });
    expect(receiver.limits).to.have.length(before);
    const row = await listRow(id);
    expect([row.announcement, row.lift]).to.deep.equal(['none needed (removed before it was sent)', 'none needed']);
  });

  it('sends nothing an endpoint switched to a version that cannot carry it, without holding back its ticket events', async () => {
    receiver.mode = 'unavailable';
    const { id } = await declare('OPA', ['--per-minute', '7', '--category', 'WORKS_INFO', '--from', '2027-02-08T10:00:00Z']);
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ failed: 1 });
    receiver.mode = 'up';
    expect((await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--contract-version', '1'])).code).to.equal(0);
    const ticket = await fileTicket(db.pool, 'OPA', 'FTTH-21-0000001', 'OPA-LIM-2', clock.now());
    clock.advance(2000);
    const before = receiver.requests;
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ delivered: 1, failed: 1 });
    expect(receiver.requests - before, 'only the ticket event was posted').to.equal(1);
    expect(receiver.received.at(-1)).to.deep.include({ referenceSignalisation: ticket, namespace: 'http://esav.bfc-fibre.fr/notification/v1' });
    expect((await listRow(id)).announcement).to.match(/^pending \(2 attempts, last error: not sent: notification v1 has no operation notificationLimiteDebit/);
    const [endpoint] = await sql<{ consecutive_failures: number }>("SELECT n.consecutive_failures FROM notification_endpoint n JOIN operator o ON o.id = n.operator_id WHERE o.code = 'OPA'");
    expect(endpoint!.consecutive_failures).to.equal(0);

    expect((await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--contract-version', '2'])).code).to.equal(0);
    clock.advance(4000);
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ delivered: 1 });
    expect(limitsOf(id).map((l) => l.namespace)).to.deep.equal([V2]);
  });

  describe('an announcement not delivered 24 hours before the start', () => {
    let late = '';
    const start = new Date('2027-02-04T09:20:00Z');
    const twice = async (): Promise<Array<string | undefined>> => {
      await gw.app.load.refreshLimits();
      const out: Array<string | undefined> = [];
      for (let i = 0; i < 2; i++) { const r = await search(); out.push(r.status === 200 ? 'ok' : textOf(r.body, 'code')); }
      return out;
    };

    it('is shown NOT ANNOUNCED IN TIME once less than 24 hours are left', async () => {
      clock.set('2027-02-03T09:10:00Z');
      await receiver.shut();
      ({ id: late } = await declare('OPA', ['--per-minute', '1', '--category', 'HISTORY', '--from', start.toISOString()]));
      expect(await worker.runUntilIdle(clock.now())).to.deep.include({ failed: 1 });
      expect((await listRow(late)).announcement).to.match(/^pending \(1 attempt, last error: ECONNREFUSED/);
      clock.set('2027-02-03T09:20:00Z');
      const row = await listRow(late);
      expect(row.announcement).to.match(/^NOT ANNOUNCED IN TIME \(due by 2027-02-03T09:20:00.000Z\): pending \(1 attempt, last error: ECONNREFUSED.*not enforced until 24 h after delivery$/);
      expect(row.state).to.equal('upcoming');
    });

    it('is not enforced from its start while undelivered', async () => {
      clock.set('2027-02-04T09:21:00Z');
      expect((await listRow(late)).state).to.equal('NOT IN FORCE (not announced in time)');
      expect(await twice()).to.deep.equal(['ok', 'ok']);
    });

    it('binds 24 hours after its late delivery, not before', async () => {
      await receiver.open();
      const [{ event_id: eventId }] = await sql<{ event_id: string }>("SELECT event_id FROM limit_announcement WHERE limit_id = $1", [late]) as [{ event_id: string }];
      expect((await run(['notifications', 'retry', eventId])).out).to.include(`limit #${late} (OPA): due now`);
      expect(await worker.runUntilIdle(clock.now())).to.deep.include({ delivered: 1 });
      expect((await listRow(late)).announcement).to.equal(
        'pushed 2027-02-04T09:21:00.000Z — NOT ANNOUNCED IN TIME (due by 2027-02-03T09:20:00.000Z): enforced from 2027-02-05T09:21:00.000Z');
      expect(await twice()).to.deep.equal(['ok', 'ok']);
      clock.set('2027-02-05T09:21:05Z');
      expect((await listRow(late)).state).to.equal('in force');
      expect(await twice()).to.deep.equal(['ok', 'LIMITE_DEPASSEE']);
    });
  });
});
