import { expect } from 'chai';
import { Agent, request } from 'undici';
import { findRootDir } from '../../src/config/config.js';
import { loadEInterventionContract } from '../../src/contracts/e-intervention-contract.js';
import { fixedClock } from '../../src/domain/clock.js';
import { createEInterventionWorker, type EInterventionWorker } from '../../src/jobs/e-intervention-worker.js';
import { driverRouter, type DriverRouting } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { createInterventionStore } from '../../src/store/e-intervention-store.js';
import { clearElementState, setElementState } from '../../src/store/line-test-queue.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { eInterventionReceiver, type EInterventionReceiver } from '../support/e-intervention-receiver.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startSnmpAgent, type SnmpAgent } from '../support/snmp-agent.js';

const contract = loadEInterventionContract(findRootDir());
const T0 = '2026-12-02T08:00:00.000Z';
const PM = { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A' };
// OPB's lines on PBO 001 of the demo town (prises 7 and 14), services FTTH-25-0020001 and FTTH-25-0020002.
const LINE_7 = 'FI-2123-1001-0007';
const LINE_14 = 'FI-2123-1001-0014';
const BASE = '1.3.6.1.4.1.99999.2';

type Json = Record<string, unknown>;

describe('e-intervention intermediate tests (issue 18): the OI tests the impacted lines through the line-test queue', function () {
  this.timeout(120_000);
  const clock = fixedClock(T0);
  let gw: TestGateway;
  let db: TestDatabase;
  let doEndpoint: EInterventionReceiver;
  let ocEndpoint: EInterventionReceiver;
  let worker: EInterventionWorker;
  let routing: DriverRouting = { default: 'simule', elements: [] };
  const agents = new Map<string, Agent>();
  let n = 0;

  async function call(who: IssuedCertificate, method: 'POST' | 'PUT', path: string, body: unknown): Promise<{ status: number; body: Json }> {
    let agent = agents.get(who.certPem);
    if (!agent) {
      agent = new Agent({ connect: { cert: who.certPem, key: who.keyPem, ca: [gw.pki.ca] } });
      agents.set(who.certPem, agent);
    }
    const res = await request(`${gw.url}/e-intervention/v2${path}`, {
      method, dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
    });
    return { status: res.statusCode, body: (await res.body.json()) as Json };
  }

  const hs = (refPTO: string): Json => ({
    refPTO, refPBO: '21231-PBO-0042-001', nomModulePM: 'MOD-03', positionModulePM: '03', positionCoupleurOC: 'C2-07', fibre: '4', tube: '2',
    dateChangementEtat: clock.now().toISOString()
  });
  const lineTests = () => createLineTestWorker({
    pool: gw.pool, clock, drivers: driverRouter(gw.pool, routing), worker: 'w-ei', concurrency: 10, capPerElement: 10, graceMs: 5000,
    retryDelayMs: 1000, pollMs: 60_000, onError: (e) => { throw e; }
  });

  /** Start → OPB reports both lines cut → M3TX test 1; answers the M3TX answer and the intervention's reference. */
  async function cutAndAskTest(): Promise<{ ref: string; refDO: string; answer: { status: number; body: Json } }> {
    const refDO = `OPA-INT-T${++n}`;
    const start = await call(gw.pki.opa, 'POST', '/interventions-do', {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: refDO, dateDebutIntervention: clock.now().toISOString(), message: 'M1', nature: '4',
      elementReseau: 'PM', pointMutualisation: PM, refPBO: '21231-PBO-0042-001'
    });
    expect(start.status, JSON.stringify(start.body)).to.equal(200);
    const ref = String(start.body.refIntervOI);
    clock.advance(60_000);
    const cut = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', {
      refIntervOI: ref, codeOcImpacte: 'OPB', message: 'M5TX', clientHSOC: [hs(LINE_7), hs(LINE_14)], ligneClientRetablie: [], testCloture: true
    });
    expect(cut.status, JSON.stringify(cut.body)).to.equal(200);
    await worker.runUntilIdle(clock.now());
    clock.advance(60_000);
    const answer = await call(gw.pki.opa, 'POST', '/interventions-do/test-intermediaire', {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: refDO, refIntervOI: ref, message: 'M3TX', numeroTest: 1, natureTest: 'OPTIQUE', dateTest: clock.now().toISOString()
    });
    return { ref, refDO, answer };
  }

  const relaysOf = (ref: string, test: number) => doEndpoint.received.filter((m) => m.body.refIntervOI === ref && m.body.numeroTest === test);

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ clock, onEInterventionMessages: () => undefined, database: db });
    doEndpoint = await eInterventionReceiver(gw.pki, '/opa/e-intervention/v2');
    ocEndpoint = await eInterventionReceiver(gw.pki, '/opb/e-intervention/v2');
    const store = createInterventionStore(gw.pool, 'BFCF');
    await store.setEndpoint('OPA', 'DO', doEndpoint.url, clock.now());
    await store.setEndpoint('OPB', 'OC', ocEndpoint.url, clock.now());
    await store.setConsent('OPB', 'TOUJOURS', clock.now());
    const policy = { reportWindowMs: gw.config.eIntervention.reportWindowMs, consentWindowMs: gw.config.eIntervention.consentWindowMs };
    worker = createEInterventionWorker({
      pool: gw.pool, clock, contract, tls: { cert: gw.pki.gatewayClient.certPem, key: gw.pki.gatewayClient.keyPem, ca: [gw.pki.ca] },
      backoff: { baseMs: 1000, maxMs: 60_000, stalledAfterAttempts: 10 }, concurrency: 8, timeoutMs: 5000, leaseMs: 10_000, pollMs: 60_000,
      logger: { info: () => undefined, warn: () => undefined }, relayLineTests: (now) => store.relayLineTests(now, policy),
      onTestNotRealised: (m) => store.testNotRealised(m.refIntervOI, m.operator, m.numeroTest, m.now)
    });
  });

  after(async () => {
    await worker?.stop();
    for (const a of agents.values()) await a.close();
    await doEndpoint?.shut();
    await ocEndpoint?.shut();
    await gw?.close();
    await db?.drop();
  });

  it('with the simulated network: runs a reflectometry on each cut line and relays to the DO which are restored and which still cut', async () => {
    routing = { default: 'simule', elements: [] };
    // The technician repaired prise 14 but not prise 7: the simulated network still has a cut on 7.
    await setElementState(gw.pool, LINE_7, 'COUPURE', null, 'test', clock.now());
    try {
      const { ref, refDO, answer } = await cutAndAskTest();
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.deep.equal({
        code: 0, description: "2 ligne(s) coupée(s) testée(s) par l'OI, résultat relayé en M6TX", numeroTest: 1, refIntervDO: refDO, refIntervOI: ref
      });
      expect(contract.operation('demanderTestIntermediaireInterventionDO').answerProblems(answer.body)).to.deep.equal([]);
      const queued = (await sql(gw.pool, `SELECT t.service_id, t.test_code, t.state FROM e_intervention_line_test g JOIN line_test t ON t.id = g.line_test_id
        JOIN e_intervention i ON i.id = g.intervention_id WHERE i.ref_interv_oi = $1 ORDER BY g.ref_pto`, [ref])).rows;
      expect(queued).to.deep.equal([
        { service_id: 'FTTH-25-0020001', test_code: 'REFLECTOMETRIE', state: 'EN_ATTENTE' }, { service_id: 'FTTH-25-0020002', test_code: 'REFLECTOMETRIE', state: 'EN_ATTENTE' }
      ]);
      // Nothing relayed before the tests ran; M4TX to OPB meanwhile.
      await worker.runUntilIdle(clock.now());
      expect(relaysOf(ref, 1)).to.have.length(0);
      expect(ocEndpoint.received.filter((m) => m.body.refIntervOI === ref).map((m) => m.operation)).to.include('demanderTestIntermediaireInterventionOI');
      expect(await lineTests().runOnce()).to.equal(2);
      await worker.runUntilIdle(clock.now());
      const relays = relaysOf(ref, 1);
      expect(relays).to.have.length(1);
      const m6 = relays[0]!.body;
      expect(m6).to.include({ message: 'M6TX', codeOCImpacte: 'OPB', numeroTest: 1, reparation: true });
      expect((m6.clientHSOC as Json[]).map((l) => l.refPTO)).to.deep.equal([LINE_7]);
      expect((m6.ligneClientRetablie as Json[]).map((l) => [l.refPTO, l.referencePrestationPrise])).to.deep.equal([[LINE_14, 'FTTH-25-0020002']]);
      expect(relays[0]!.problems).to.deep.equal([]);
      const iv = await createInterventionStore(gw.pool, 'BFCF').find({ refIntervOI: ref });
      expect(iv?.lines.map((l) => [l.refPTO, l.restoredAt !== null])).to.deep.equal([[LINE_7, false], [LINE_14, true]]);
      // Relayed once: another pass writes nothing more.
      await worker.runUntilIdle(clock.now());
      expect(relaysOf(ref, 1)).to.have.length(1);
    } finally {
      await clearElementState(gw.pool, LINE_7, 'test');
    }
  });

  it('relays nothing for lines whose test could not be realised (the element does not answer: ECHEC)', async () => {
    await setElementState(gw.pool, PM.refPM, 'SANS_REPONSE', null, 'test', clock.now());
    try {
      const { ref, answer } = await cutAndAskTest();
      expect(answer.status).to.equal(200);
      const w = lineTests();
      for (let i = 0; i < 4; i++) { await w.runOnce(); clock.advance(10_000); }
      const states = (await sql(gw.pool, `SELECT t.state FROM e_intervention_line_test g JOIN line_test t ON t.id = g.line_test_id
        JOIN e_intervention i ON i.id = g.intervention_id WHERE i.ref_interv_oi = $1`, [ref])).rows.map((r) => r.state);
      expect(states).to.deep.equal(['ECHEC', 'ECHEC']);
      await worker.runUntilIdle(clock.now());
      expect(relaysOf(ref, 1)).to.have.length(0);
      const [g] = (await sql(gw.pool, `SELECT count(*) FILTER (WHERE relayed_at IS NOT NULL)::int AS relayed FROM e_intervention_line_test g
        JOIN e_intervention i ON i.id = g.intervention_id WHERE i.ref_interv_oi = $1`, [ref])).rows;
      expect(g).to.deep.equal({ relayed: 2 });
    } finally {
      await clearElementState(gw.pool, PM.refPM, 'test');
    }
  });

  it('takes an operator’s TEST_NON_REALISE answer to M4TX as its closed report: the DO’s next test is not held waiting for it', async () => {
    ocEndpoint.refusal = (m) => (m.operation === 'demanderTestIntermediaireInterventionOI'
      ? { error: 'TEST_NON_REALISE', error_description: 'testeur indisponible' } : null);
    try {
      const { ref, refDO, answer } = await cutAndAskTest();
      expect(answer.status).to.equal(200);
      const ask = (numeroTest: number) => call(gw.pki.opa, 'POST', '/interventions-do/test-intermediaire', {
        codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: refDO, refIntervOI: ref, message: 'M3TX', numeroTest, natureTest: 'OPTIQUE', dateTest: clock.now().toISOString()
      });
      // Before OPB's answer is in, test 2 waits for OPB's report on test 1.
      const early = await ask(2);
      expect([early.status, early.body.error]).to.deep.equal([400, 'TEST_PRECEDENT_NON_ACQUITTE']);
      await lineTests().runOnce();
      await worker.runUntilIdle(clock.now());
      const [message] = (await sql(gw.pool, `SELECT m.state, m.last_error FROM e_intervention_message m JOIN e_intervention i ON i.id = m.intervention_id
        WHERE i.ref_interv_oi = $1 AND m.operation = 'demanderTestIntermediaireInterventionOI'`, [ref])).rows;
      expect(message).to.deep.equal({ state: 'refused', last_error: 'TEST_NON_REALISE: testeur indisponible' });
      // The OI's own measure went to the DO; OPB's report on test 1 counts as closed.
      expect(relaysOf(ref, 1)).to.have.length(1);
      const iv = await createInterventionStore(gw.pool, 'BFCF').find({ refIntervOI: ref });
      expect(iv?.recipients.map((r) => [r.operator, r.reportedTest, r.closedTest])).to.deep.equal([['OPB', 1, true]]);
      const next = await ask(2);
      expect(next.status, JSON.stringify(next.body)).to.equal(200);
    } finally {
      ocEndpoint.refusal = null;
    }
  });

  describe('against a real SNMP agent (snmpd)', () => {
    let agent: SnmpAgent;
    before(async function () {
      this.timeout(20_000);
      // Reflectometry per line index: prise 7 broken at 5 m (the PM's patch), prise 14 sound over its 510 m.
      agent = await startSnmpAgent({
        [`${BASE}.1.7`]: 510, [`${BASE}.2.7`]: 5, [`${BASE}.3.7`]: 2,
        [`${BASE}.1.14`]: 510, [`${BASE}.2.14`]: 0, [`${BASE}.3.14`]: 174
      });
    });
    after(async () => { await agent?.stop(); });

    it('reads the lines through the SNMP driver where the PM is routed to it, and relays its verdicts', async () => {
      routing = {
        default: 'simule',
        elements: [{ match: '21231-PM-*', driver: 'snmp', snmp: {
          host: '127.0.0.1', port: agent.port, community: agent.community, timeoutMs: 500, retries: 0, topology: { pboDistanceM: 450, ptoDistanceM: 510 },
          indexes: { 'FTTH-25-0020001': '7', 'FTTH-25-0020002': '14' },
          oids: {
            'reflectometry.lengthM': { oid: `${BASE}.1.{index}` }, 'reflectometry.breakAtM': { oid: `${BASE}.2.{index}` },
            'reflectometry.lossDb': { oid: `${BASE}.3.{index}`, scale: 0.1 }
          } } }]
      };
      const { ref, answer } = await cutAndAskTest();
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(await lineTests().runOnce()).to.equal(2);
      const diag = (await sql(gw.pool, `SELECT g.ref_pto, t.state, t.diagnosis FROM e_intervention_line_test g JOIN line_test t ON t.id = g.line_test_id
        JOIN e_intervention i ON i.id = g.intervention_id WHERE i.ref_interv_oi = $1 ORDER BY g.ref_pto`, [ref])).rows;
      expect(diag).to.deep.equal([{ ref_pto: LINE_7, state: 'TERMINE', diagnosis: 'PM' }, { ref_pto: LINE_14, state: 'TERMINE', diagnosis: 'AUCUN_DEFAUT' }]);
      await worker.runUntilIdle(clock.now());
      const [relay] = relaysOf(ref, 1);
      expect((relay!.body.clientHSOC as Json[]).map((l) => l.refPTO)).to.deep.equal([LINE_7]);
      expect((relay!.body.ligneClientRetablie as Json[]).map((l) => l.refPTO)).to.deep.equal([LINE_14]);
      expect(relay!.problems).to.deep.equal([]);
    });
  });
});
