import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { loadTestCatalogue } from '../../src/catalog/test-catalogue-loader.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { Caller } from '../../src/domain/identity.js';
import { consultTest, launchTest, searchTests } from '../../src/domain/line-tests.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { EsavError } from '../../src/errors/esav-error.js';
import { driverRouter, type DriverRouting } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker, type LineTestWorker } from '../../src/jobs/line-test-worker.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { claimLineTests, clearElementState, finishClaim, purgeExpiredLineTests, setElementState, type SimulatedFault } from '../../src/store/line-test-queue.js';
import { createLineTestStore } from '../../src/store/line-test-store.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { startSnmpAgent, type SnmpAgent } from '../support/snmp-agent.js';
import { adminRunner } from '../support/admin.js';
import { testPki } from '../support/pki.js';

const catalogue = loadTestCatalogue(process.cwd());
const T0 = '2026-12-02T10:00:00Z';

describe('line tests on the queue and the network drivers (issue 17)', () => {
  let db: TestDatabase;
  let opa: Caller;
  let opb: Caller;
  const clock = fixedClock(T0);
  let routing: DriverRouting = { default: 'simule', elements: [] };
  const store = (): ReturnType<typeof createLineTestStore> => createLineTestStore(db.pool);
  const worker = (name = 'w1', cap = 4): LineTestWorker => createLineTestWorker({
    pool: db.pool, clock, drivers: driverRouter(db.pool, routing), worker: name, concurrency: 20, capPerElement: cap, graceMs: 5000,
    retryDelayMs: 10_000, pollMs: 1000, onError: (e) => { throw e; }
  });
  const launch = (c: Caller, serviceId: string, testCode: string, params: Record<string, string> = {}): Promise<string> =>
    launchTest(store(), catalogue, c, { serviceId, testCode, parameters: new Map(Object.entries(params)) }, clock.now());
  const result = (c: Caller, ref: string) => consultTest(store(), c, ref, clock.now());
  const state = (ref: string, fault: SimulatedFault, value: number | null = null) => setElementState(db.pool, ref, fault, value, 'oi/test', clock.now());
  const measure = (r: Awaited<ReturnType<typeof result>>, name: string) => r.measures.find((m) => m.name === name);

  before(async () => {
    db = await freshDatabase();
    await loadDemoData(db.pool, {});
    const ops = (await sql<{ id: string; code: string; name: string }>(db.pool, 'SELECT id::text, code, name FROM operator ORDER BY code')).rows;
    opa = { operator: ops[0]!, certificateId: '1', profile: FULL_PROFILE };
    opb = { operator: ops[1]!, certificateId: '2', profile: FULL_PROFILE };
  });
  after(async () => { await db.drop(); });
  beforeEach(async () => {
    clock.set(T0);
    routing = { default: 'simule', elements: [] };
    await sql(db.pool, 'DELETE FROM network_element_state');
    await sql(db.pool, 'DELETE FROM line_test');
    await sql(db.pool, 'DELETE FROM call_volume');
  });

  it('runs every test of the activated offer on a sound line to TERMINE, no fault, and counts each result once (L1)', async () => {
    const codes = ['ETAT_ONT', 'ACTIVATION_SERVICE', 'PORT_PON_OLT', 'REFLECTOMETRIE', 'ETAT_CONNEXION', 'REDEMARRAGE_ONT'];
    const refs = [];
    for (const code of codes) refs.push(await launch(opa, 'FTTHA-21-0000301', code));
    for (const ref of refs) expect(ref).to.match(/^TST-20261202-[0-9]{6}$/);
    expect((await result(opa, refs[0]!)).state).to.equal('EN_COURS');
    expect(await worker('w1', 10).runOnce()).to.equal(6);
    for (const ref of refs) {
      const r = await result(opa, ref);
      expect(r.state, ref).to.equal('TERMINE');
      expect(r.diagnosis, r.testCode).to.equal('AUCUN_DEFAUT');
      expect(r.measures.every((m) => m.verdict !== 'NON_CONFORME'), r.testCode).to.equal(true);
    }
    const pon = await result(opa, refs[2]!);
    expect(measure(pon, 'puissanceRecueONT')).to.deep.equal({ name: 'puissanceRecueONT', value: '-19.50', unit: 'dBm', threshold: '≥ -27', verdict: 'CONFORME' });
    expect(measure(await result(opa, refs[3]!), 'longueurLigne')).to.include({ value: '510', unit: 'm' });
    const volume = await sql(db.pool, "SELECT ok::int FROM call_volume WHERE category = 'LINE_TEST' AND operator_id = $1", [opa.operator.id]);
    expect(volume.rows).to.deep.equal([{ ok: 6 }]);
  });

  it('follows the topology: a fibre cut at 340 m on a PBO shows on every line behind it, placed at the PBO', async () => {
    await state('21231-PBO-0042-001', 'COUPURE', 340);
    const a = await launch(opa, 'FTTHA-21-0000301', 'REFLECTOMETRIE');
    const b = await launch(opa, 'FTTHA-21-0000302', 'REFLECTOMETRIE');
    const elsewhere = await launch(opb, 'FTTHA-25-0000303', 'REFLECTOMETRIE');
    const ont = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    await worker().runOnce();
    for (const ref of [a, b]) {
      const r = await result(opa, ref);
      expect(r.diagnosis).to.equal('PBO');
      expect(measure(r, 'distanceCoupure')).to.include({ value: '340', unit: 'm', verdict: 'NON_CONFORME' });
    }
    expect((await result(opb, elsewhere)).diagnosis).to.equal('AUCUN_DEFAUT');
    const o = await result(opa, ont);
    expect(o.diagnosis).to.equal('INDETERMINE');
    expect(measure(o, 'dernierEvenementONT')).to.include({ value: 'LOS' });
  });

  it('places each simulated fault: ONT offline → CLIENT, PTO cut → PTO, PM port down → PM, PON port down → RESEAU, low level → PTO or PBO', async () => {
    const cases: Array<[string, SimulatedFault, number | null, string, string]> = [
      ['FI-2123-1001-0002', 'HORS_LIGNE', null, 'ETAT_ONT', 'CLIENT'],
      ['FI-2123-1001-0002', 'COUPURE', 480, 'REFLECTOMETRIE', 'PTO'],
      ['21231-PM-0042', 'PORT_PM_HS', null, 'REFLECTOMETRIE', 'PM'],
      ['21231-PM-0042', 'PON_HS', null, 'PORT_PON_OLT', 'RESEAU'],
      ['FI-2123-1001-0002', 'NIVEAU_BAS', 9, 'PORT_PON_OLT', 'PTO'],
      ['21231-PBO-0042-001', 'NIVEAU_BAS', 9, 'PORT_PON_OLT', 'PBO'],
      ['FI-2123-1001-0002', 'HORS_LIGNE', null, 'ETAT_CONNEXION', 'CLIENT']
    ];
    for (const [element, fault, value, code, expected] of cases) {
      await sql(db.pool, 'DELETE FROM network_element_state');
      await state(element, fault, value);
      const ref = await launch(opa, 'FTTHA-21-0000301', code);
      await worker().runOnce();
      const r = await result(opa, ref);
      expect([r.state, r.diagnosis], `${fault} on ${element}, ${code}`).to.deep.equal(['TERMINE', expected]);
    }
    expect(await clearElementState(db.pool, 'FI-2123-1001-0002', 'oi/test')).to.equal(true);
  });

  it('retries an element that does not answer, then ends ECHEC with the reason, not counted (L1)', async () => {
    await state('21231-PBO-0042-001', 'SANS_REPONSE');
    const ref = await launch(opa, 'FTTHA-21-0000301', 'PORT_PON_OLT');
    const w = worker();
    expect(await w.runOnce()).to.equal(1);
    expect((await result(opa, ref)).state).to.equal('EN_COURS');
    expect(await w.runOnce(), 'not due before its backoff').to.equal(0);
    clock.advance(10_000);
    expect(await w.runOnce()).to.equal(1);
    clock.advance(20_000);
    expect(await w.runOnce()).to.equal(1);
    const r = await result(opa, ref);
    expect(r.state).to.equal('ECHEC');
    expect(r.failureReason).to.equal("l'élément 21231-PBO-0042-001 ne répond pas (3 tentative(s))");
    expect(r.diagnosis).to.equal(null);
    expect((await sql(db.pool, "SELECT attempts FROM line_test WHERE reference = $1", [ref])).rows[0]!.attempts).to.equal(3);
    expect((await sql(db.pool, "SELECT * FROM call_volume WHERE category = 'LINE_TEST'")).rows).to.deep.equal([]);
  });

  it('ends a test whose element answers after its timeout ECHEC, naming the delay', async () => {
    await state('FI-2123-1001-0002', 'LENT', 5000);
    const ref = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    await sql(db.pool, 'UPDATE line_test SET timeout_ms = 150, max_attempts = 1 WHERE reference = $1', [ref]);
    const started = Date.now();
    await worker().runOnce();
    expect(Date.now() - started).to.be.lessThan(3000);
    const r = await result(opa, ref);
    expect([r.state, r.failureReason]).to.deep.equal(['ECHEC', "pas de réponse de l'élément dans le délai du test (150 ms) (1 tentative(s))"]);
  });

  it('caps the tests in flight per network element across workers, and claims the rest as they finish', async () => {
    for (let i = 0; i < 5; i++) await launch(opa, i % 2 ? 'FTTHA-21-0000301' : 'FTTHA-21-0000302', 'ETAT_ONT');
    const other = await launch(opb, 'FTTHA-25-0000303', 'ETAT_ONT');
    const first = await claimLineTests(db.pool, { now: clock.now(), limit: 10, capPerElement: 2, worker: 'a', graceMs: 1000 });
    expect(first.map((t) => t.elementKey).sort()).to.deep.equal(['21231-PM-0042', '21231-PM-0042', '25056-PM-0007']);
    const second = await claimLineTests(db.pool, { now: clock.now(), limit: 10, capPerElement: 2, worker: 'b', graceMs: 1000 });
    expect(second, 'the element is at its cap').to.deep.equal([]);
    // Two claims at once: together they never exceed the cap.
    for (const t of first) await finishClaim(db.pool, t, 'a', { state: 'ECHEC', reason: 'x' }, clock.now());
    const [c1, c2] = await Promise.all([1, 2].map((n) => claimLineTests(db.pool, { now: clock.now(), limit: 10, capPerElement: 2, worker: `c${n}`, graceMs: 1000 })));
    expect(c1!.length + c2!.length).to.equal(2);
    expect((await result(opb, other)).state).to.equal('ECHEC');
  });

  it('takes over a test whose worker was killed once its lease runs out; the dead claim can no longer write', async () => {
    const ref = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    const [dead] = await claimLineTests(db.pool, { now: clock.now(), limit: 1, capPerElement: 4, worker: 'killed', graceMs: 5000 });
    expect(dead!.reference).to.equal(ref);
    expect(await worker('w2').runOnce(), 'leased').to.equal(0);
    clock.advance(30_000 + 5000);
    expect(await worker('w2').runOnce()).to.equal(1);
    const r = await result(opa, ref);
    expect([r.state, r.diagnosis]).to.deep.equal(['TERMINE', 'AUCUN_DEFAUT']);
    expect(await finishClaim(db.pool, dead!, 'killed', { state: 'ECHEC', reason: 'late' }, clock.now())).to.equal(false);
    expect((await result(opa, ref)).state).to.equal('TERMINE');
  });

  it('takes over the test of a worker process killed while it ran it (SIGKILL), as the next attempt', async function () {
    this.timeout(30_000);
    await state('FI-2123-1001-0002', 'LENT', 600_000);
    clock.set(new Date());
    const ref = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/line-test-worker-process.ts', db.url, db.schema, 'doomed'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let claimedBy: string | null = null;
    for (let i = 0; i < 200 && claimedBy !== 'doomed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      claimedBy = (await sql(db.pool, 'SELECT claimed_by FROM line_test WHERE reference = $1', [ref])).rows[0]!.claimed_by;
    }
    expect(claimedBy, 'claimed by the child').to.equal('doomed');
    child.kill('SIGKILL');
    await exited;
    await clearElementState(db.pool, 'FI-2123-1001-0002', 'oi/test');
    expect(await worker('survivor').runOnce(), 'still leased').to.equal(0);
    clock.set(new Date(Date.now() + 30_000 + 5000 + 1000));
    expect(await worker('survivor').runOnce()).to.equal(1);
    const row = (await sql(db.pool, 'SELECT state, attempts, claimed_by FROM line_test WHERE reference = $1', [ref])).rows[0]!;
    expect(row).to.deep.equal({ state: 'TERMINE', attempts: 2, claimed_by: 'survivor' });
  });

  it('limits the ONT reboot to 3 per hour on a service, audits each, and allows it again an hour later', async () => {
    for (let i = 0; i < 3; i++) { await launch(opa, 'FTTHA-21-0000301', 'REDEMARRAGE_ONT'); clock.advance(60_000); }
    const refused = await launch(opa, 'FTTHA-21-0000301', 'REDEMARRAGE_ONT').catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(EsavError);
    expect((refused as EsavError).code).to.equal('ESAV_LINE_TEST_ACTION_LIMIT');
    expect((refused as EsavError).detail.retryAfterSeconds).to.equal(3600 - 180);
    expect(await launch(opa, 'FTTHA-21-0000302', 'REDEMARRAGE_ONT'), 'another service').to.match(/^TST-/);
    clock.advance(3600_000 - 180_000);
    expect(await launch(opa, 'FTTHA-21-0000301', 'REDEMARRAGE_ONT')).to.match(/^TST-/);
    const audit = await sql(db.pool, "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'service' AND action = 'test.REDEMARRAGE_ONT' AND entity_key = 'FTTHA-21-0000301'");
    expect(audit.rows[0]!.n).to.be.at.least(4);
  });

  it('keeps tests to their operator (A6) and offers only the passive test on a passive offer', async () => {
    const ref = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: EsavError) => e.code);
    expect(await code(result(opb, ref))).to.equal('ESAV_RESOURCE_NOT_FOUND');
    expect(await code(launch(opb, 'FTTHA-21-0000301', 'ETAT_ONT'))).to.equal('ESAV_RESOURCE_NOT_FOUND');
    expect(await code(searchTests(store(), opb, 'FTTHA-21-0000301', 10, clock.now()))).to.equal('ESAV_RESOURCE_NOT_FOUND');
    expect(await code(launch(opa, 'FTTH-21-0000001', 'ETAT_ONT'))).to.equal('ESAV_LINE_TEST_NOT_OFFERED');
    expect(await code(launch(opa, 'FTTH-21-0000001', 'REFLECTOMETRIE', { longueurOnde: '1310' }))).to.equal('ESAV_LINE_TEST_PARAMETER');
    const passive = await launch(opa, 'FTTH-21-0000001', 'REFLECTOMETRIE', { longueurOnde: '1650' });
    await worker().runOnce();
    expect((await result(opa, passive)).parameters).to.deep.equal({ longueurOnde: '1650' });
    expect((await searchTests(store(), opa, 'FTTHA-21-0000301', 10, clock.now())).total).to.equal(1);
  });

  it('purges tests launched more than 90 days ago', async () => {
    const old = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    clock.advance(89 * 86_400_000);
    const recent = await launch(opa, 'FTTHA-21-0000301', 'ETAT_ONT');
    clock.advance(2 * 86_400_000);
    expect(await purgeExpiredLineTests(db.pool, clock.now())).to.equal(1);
    expect((await sql(db.pool, 'SELECT reference FROM line_test')).rows.map((r) => r.reference)).to.deep.equal([recent]);
    expect(old).to.not.equal(recent);
  });

  it('lets the OI set, list and clear element states with esav-admin, audited, and the tests follow', async () => {
    const admin = adminRunner(db.schema, await testPki());
    const since = (await sql(db.pool, 'SELECT coalesce(max(id), 0) AS id FROM audit_log')).rows[0]!.id;
    const set = await admin(['network', 'element-state', 'set', '21231-PBO-0042-001', 'COUPURE', '--value', '340'], clock);
    expect(set.code, set.err).to.equal(0);
    expect((await admin(['network', 'element-state', 'set', 'NOPE', 'COUPURE'])).code).to.equal(1);
    expect((await admin(['network', 'element-state', 'set', '21231-PBO-0042-001', 'CASSE'])).err).to.include('HORS_LIGNE, NIVEAU_BAS, COUPURE');
    expect((await admin(['network', 'element-state', 'list'])).out).to.include('21231-PBO-0042-001').and.include('COUPURE').and.include('340');
    const ref = await launch(opa, 'FTTHA-21-0000302', 'REFLECTOMETRIE');
    await worker().runOnce();
    expect((await result(opa, ref)).diagnosis).to.equal('PBO');
    expect((await admin(['network', 'element-state', 'clear', '21231-PBO-0042-001'])).code).to.equal(0);
    const audit = await sql(db.pool, "SELECT action FROM audit_log WHERE entity = 'network_element_state' AND id > $1 ORDER BY id", [since]);
    expect(audit.rows.map((r) => r.action)).to.deep.equal(['set', 'clear']);
  });

  describe('the SNMP driver against a real agent (snmpd)', () => {
    let agent: SnmpAgent;
    const BASE = '1.3.6.1.4.1.99999.1';
    const snmpRoute = (port: number, extra: Record<string, { oid: string; scale?: number }> = {}): DriverRouting => ({
      default: 'simule',
      elements: [{ match: '25056-PM-*', driver: 'snmp', snmp: {
        host: '127.0.0.1', port, community: 'esavtest', timeoutMs: 200, retries: 0, topology: { pboDistanceM: 450, ptoDistanceM: 510 },
        indexes: { 'FTTHA-25-0000303': '7' },
        oids: {
          'pon.state': { oid: `${BASE}.1.{index}` }, 'pon.txDbm': { oid: `${BASE}.2.{index}`, scale: 0.01 }, 'pon.rxOltDbm': { oid: `${BASE}.3.{index}`, scale: 0.01 },
          'ont.state': { oid: `${BASE}.4.{index}` }, 'ont.rxDbm': { oid: `${BASE}.5.{index}`, scale: 0.01 }, ...extra
        } } }]
    });
    before(async function () {
      this.timeout(20_000);
      agent = await startSnmpAgent({ [`${BASE}.1.7`]: 1, [`${BASE}.2.7`]: 310, [`${BASE}.3.7`]: -2350, [`${BASE}.4.7`]: 1, [`${BASE}.5.7`]: -2860 });
    });
    after(async () => { await agent?.stop(); });

    it('maps the configured OIDs to measures and a diagnosis (a low level at the ONT: PTO)', async () => {
      routing = snmpRoute(agent.port);
      const ref = await launch(opb, 'FTTHA-25-0000303', 'PORT_PON_OLT');
      await worker().runOnce();
      const r = await result(opb, ref);
      expect([r.state, r.diagnosis]).to.deep.equal(['TERMINE', 'PTO']);
      expect(measure(r, 'puissanceEmiseOLT')).to.include({ value: '3.10', verdict: 'CONFORME' });
      expect(measure(r, 'puissanceRecueONT')).to.include({ value: '-28.60', verdict: 'NON_CONFORME' });
      expect(measure(r, 'puissanceRecueOLT')).to.include({ value: '-23.50', verdict: 'CONFORME' });
    });

    it('turns an OID the agent lacks into ECHEC at once, naming the reading and the OID', async () => {
      routing = snmpRoute(agent.port, { 'service.provisioned': { oid: `${BASE}.9.{index}` } });
      const ref = await launch(opb, 'FTTHA-25-0000303', 'PORT_PON_OLT');
      await worker().runOnce();
      const r = await result(opb, ref);
      expect(r.state).to.equal('ECHEC');
      expect(r.failureReason).to.match(/noSuchObject|NoSuchObject/i).and.include(`${BASE}.9.7`).and.include('service.provisioned');
    });

    it('retries an agent that does not answer, then ECHEC with the reason', async () => {
      await agent.stop();
      routing = snmpRoute(agent.port);
      const ref = await launch(opb, 'FTTHA-25-0000303', 'PORT_PON_OLT');
      const w = worker();
      for (let i = 0; i < 3; i++) { await w.runOnce(); clock.advance(60_000); }
      const r = await result(opb, ref);
      expect(r.state).to.equal('ECHEC');
      expect(r.failureReason).to.equal(`l'agent SNMP 127.0.0.1:${agent.port} n'a pas répondu (1 essai(s) de 200 ms) (3 tentative(s))`);
    });
  });
});
