/**
 * The load rules through two gateway instances on one database (ARCHITECTURE.md §6): every call counted per operator
 * in the contract's categories and added up over the instances (L1); a per-minute limit announced the day before,
 * enforced across the instances, leaving other operators alone (L2). A fixed clock drives the days and minutes.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/domain/clock.js';
import { buildOpsApp } from '../../src/ops-app.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, SOAP12_ENV, textOf, type RawResponse } from '../support/soap-client.js';
import { byReference, envelope, filing, formExample, SIG } from '../support/tickets.js';
import { run } from '../../src/store/database.js';

describe('load rules across two gateway instances (L1, L2)', () => {
  let db: TestDatabase;
  let a: TestGateway;
  let b: TestGateway;
  let admin: AdminRunner;
  let ops: FastifyInstance;
  // A Tuesday, 11:00:10 Paris time: outside the nightly maintenance window.
  const clock = fixedClock('2026-11-24T10:00:10Z');
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');
  const search = envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"/>`);

  const post = (gw: TestGateway, body: string, client = gw.pki.opa): Promise<RawResponse> =>
    call(gw.url, { path: '/esav/signalisation/v2', body, client, ca: gw.pki.ca });
  const lookup = (gw: TestGateway, serviceId: string): Promise<RawResponse> =>
    call(gw.url, { path: '/esav/prestation/v1', body: consultation(serviceId), client: gw.pki.opa, ca: gw.pki.ca });
  const ok = async (r: Promise<RawResponse>): Promise<RawResponse> => {
    const res = await r;
    expect(res.status, res.body).to.equal(200);
    return res;
  };

  before(async () => {
    db = await freshDatabase();
    a = await startGateway({ database: db, clock });
    b = await startGateway({ database: db, clock });
    admin = adminRunner(db.schema, a.pki);
    ops = await buildOpsApp({ pool: db.pool, clock, serving: () => true, load: a.app.load });
  });
  after(async () => { await ops.close(); await a.close(); await b.close(); await db.drop(); });

  describe('volumetry (L1)', () => {
    it('counts a scripted mix per operator and category, added up over both instances', async () => {
      const refs: string[] = [];
      for (const [gw, n] of [[a, 1], [b, 2], [a, 3]] as const) {
        refs.push(textOf((await ok(post(gw, filing(2, 'FTTH-21-0000001', `OPA-LOAD-${n}`, ftth)))).body, 'referenceSignalisation')!);
      }
      for (const gw of [a, b, a]) await ok(post(gw, byReference(2, 'ConsultationEtatRequete', refs[0]!)));
      for (const gw of [b, a]) await ok(post(gw, byReference(2, 'ConsultationDetailRequete', refs[1]!)));
      await ok(post(b, search));
      await ok(lookup(a, 'FTTH-21-0000001'));
      expect(textOf((await lookup(b, 'FTTH-21-9999999')).body, 'code')).to.equal('RESSOURCE_INCONNUE');
      await ok(post(a, search, a.pki.opb));
      // Refused before its operation (schema): not a request, not counted.
      expect(textOf((await post(a, envelope(`<s:ConsultationEtatRequete xmlns:s="${SIG(2)}"/>`))).body, 'code')).to.equal('MESSAGE_NON_CONFORME');

      await Promise.all([a.app.load.flush(), b.app.load.flush()]);
      const r = await admin(['load', 'volumetry', '--from', '2026-11-24', '--to', '2026-11-24', '--csv'], clock);
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.equal([
        'day,operator,category,requests,ok,faults',
        '2026-11-24,OPA,FILING,3,3,0',
        '2026-11-24,OPA,STATE,5,5,0',
        '2026-11-24,OPA,HISTORY,1,1,0',
        '2026-11-24,OPA,OTHER,2,1,1',
        '2026-11-24,OPB,HISTORY,1,1,0'
      ].join('\n'));
    });

    it('adds later counts to the same rows, and gives monthly totals for one operator', async () => {
      clock.set('2026-11-25T10:00:00Z');
      await ok(post(b, search));
      await Promise.all([a.app.load.flush(), b.app.load.flush()]);
      const daily = await admin(['load', 'volumetry', '--from', '2026-11-25', '--operator', 'OPA', '--csv'], clock);
      expect(daily.out.split('\n').slice(1)).to.deep.equal(['2026-11-25,OPA,HISTORY,1,1,0']);
      const monthly = await admin(['load', 'volumetry', '--month', '2026-11', '--operator', 'OPA'], clock);
      expect(monthly.out).to.match(/^2026-11\s+OPA\s+HISTORY\s+2\s+2\s+0$/m).and.match(/^2026-11\s+OPA\s+STATE\s+5\s+5\s+0$/m);
      expect(monthly.out).not.to.include('OPB');
      expect((await admin(['load', 'volumetry', '--month', '2026-11', '--from', '2026-11-01'], clock)).code).to.equal(1);
    });

    it("exposes this instance's calls as esav_requests_total on the ops listener", async () => {
      const metrics = (await ops.inject({ url: '/metrics' })).body;
      expect(metrics).to.include('# TYPE esav_requests_total counter');
      expect(metrics).to.match(/^esav_requests_total\{operator="OPA",category="FILING",outcome="ok"\} 2$/m);
      expect(metrics).to.match(/^esav_requests_total\{operator="OPA",category="OTHER",outcome="ok"\} 1$/m);
      expect(metrics).to.match(/^esav_requests_total\{operator="OPB",category="HISTORY",outcome="ok"\} 1$/m);
    });
  });

  describe('per-minute limits (L2)', () => {
    // Declared on 2026-11-25 at 10:00:10Z, for a day and a minute later.
    const declaredAt = '2026-11-25T10:00:10Z';
    let id = '';
    const refresh = (): Promise<unknown> => Promise.all([a.app.load.refreshLimits(), b.app.load.refreshLimits()]);
    const soap12Search = (gw: TestGateway): Promise<RawResponse> => call(gw.url, {
      path: '/esav/signalisation/v2', client: gw.pki.opa, ca: gw.pki.ca, contentType: 'application/soap+xml; charset=utf-8',
      body: `<e:Envelope xmlns:e="${SOAP12_ENV}"><e:Body><s:RechercheSignalisationsRequete xmlns:s="${SIG(2)}"/></e:Body></e:Envelope>`
    });

    it('refuses a limit that starts less than a day after it is declared', async () => {
      clock.set(declaredAt);
      const r = await admin(['load', 'limit', 'set', 'OPA', '--per-minute', '3', '--from', '2026-11-26T09:59:00Z'], clock);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('ADMIN_INVALID_INPUT').and.include('the day before').and.include('2026-11-26T10:00:10.000Z');
    });

    it('accepts one a day and a minute ahead and, the endpoint implementing notification v1, says it must be told by the usual channel', async () => {
      expect((await admin(['notifications', 'set-endpoint', 'OPA', '--url', 'https://opa.example/esav/notification'], clock)).code).to.equal(0);
      const r = await admin(['load', 'limit', 'set', 'OPA', '--per-minute', '3', '--from', '2026-11-26T10:01:10Z'], clock);
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.include('at most 3 requests per minute').and.include('NOT SENT by the gateway')
        .and.include('Tell OPA by the usual channel before 2026-11-25T10:01:10.000Z');
      id = /limit #(\d+)/.exec(r.out)![1]!;
      const trail = await admin(['audit', 'list', '--entity', 'load_limit', '--csv'], clock);
      expect(trail.out).to.include('announcement-required').and.include('declare');
      const list = await admin(['load', 'limit', 'list', '--csv'], clock);
      expect(list.out).to.match(new RegExp(`^${id},OPA,ALL,3,2026-11-26T11:01:10\\+01:00,,upcoming,"by usual channel \\(its endpoint implements notification v1: notification v1 has no operation notificationLimiteDebit`, 'm'));
    });

    it('is not applied before its start', async () => {
      await refresh();
      clock.set('2026-11-26T10:00:30Z');
      for (const gw of [a, b, a, b, a]) await ok(post(gw, search));
    });

    it('answers the 4th request of the minute with LIMITE_DEPASSEE and Retry-After, whichever instance', async () => {
      clock.set('2026-11-26T10:02:15Z');
      for (const gw of [a, b, a]) await ok(post(gw, search));
      const fourth = await post(b, search);
      expect(fourth.status).to.equal(500);
      expect(textOf(fourth.body, 'code')).to.equal('LIMITE_DEPASSEE');
      expect(fourth.headers['retry-after']).to.equal('45');
      expect(textOf(fourth.body, 'reessayerApres')).to.equal('45');
      expect(textOf(fourth.body, 'prochaineFenetre')).to.equal('2026-11-26T10:03:00.000Z');
      expect(textOf(fourth.body, 'faultstring')).to.include('3 requêtes par minute').and.include('11:02 à 11:03');
      const fifth = await soap12Search(a);
      expect(fifth.status).to.equal(429);
      expect(fifth.headers['retry-after']).to.equal('45');
      expect(textOf(fifth.body, 'code')).to.equal('LIMITE_DEPASSEE');
    });

    it('leaves other operators and calls outside the five categories alone, without a query for them', async () => {
      for (const gw of [a, b, a, b, a, b]) await ok(post(gw, search, gw.pki.opb));
      await ok(lookup(a, 'FTTH-21-0000001'));
      const rows = await run<{ code: string; n: number }>(db.pool, { text: 'SELECT o.code, sum(m.count)::int AS n FROM load_minute m JOIN operator o ON o.id = m.operator_id GROUP BY o.code', values: [] });
      expect(rows).to.deep.equal([{ code: 'OPA', n: 5 }]);
      expect((await ops.inject({ url: '/metrics' })).body).to.match(/^esav_load_limit_per_minute\{operator="OPA",scope="ALL",id="\d+"\} 3$/m)
        .and.match(/^esav_requests_total\{operator="OPA",category="HISTORY",outcome="limited"\} 1$/m);
    });

    it('lets calls through again the next minute', async () => {
      clock.advance(45_000);
      await ok(post(b, search));
      await ok(soap12Search(a));
    });

    it('is lifted on every instance when removed', async () => {
      const r = await admin(['load', 'limit', 'remove', id], clock);
      expect(r.code, r.err).to.equal(0);
      await refresh();
      for (const gw of [a, b, a, b, a]) await ok(post(gw, search));
      expect((await admin(['load', 'limit', 'list', '--csv'], clock)).out.split('\n')).to.have.length(1);
    });
  });
});
