import { expect } from 'chai';
import { Agent, request } from 'undici';
import { findRootDir } from '../../src/config/config.js';
import { loadEInterventionContract } from '../../src/contracts/e-intervention-contract.js';
import { fixedClock } from '../../src/domain/clock.js';
import { createEInterventionWorker, type EInterventionWorker } from '../../src/jobs/e-intervention-worker.js';
import { createInterventionStore } from '../../src/store/e-intervention-store.js';
import { run } from '../../src/store/database.js';
import { claimMessages } from '../../src/store/queries/e-intervention-outbox.js';
import { eInterventionReceiver, independentValidators, type EInterventionReceiver } from '../support/e-intervention-receiver.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { adminRunner, ORDER, type AdminRunner } from '../support/admin.js';
import { TEST_VALID_FROM, testValidUntil } from '../support/pki.js';
import { issueCertificate, loadCertificateAuthority } from '../../src/pki/certificate-authority.js';
import { refreshAttachments } from '../../src/store/queries/network.js';
import { call as soapCall } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';

const contract = loadEInterventionContract(findRootDir());
const T0 = '2026-12-02T08:00:00.000Z';
const PM = { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A' };
// OPB's lines on PBO 001 of the demo town (every 7th prise not OPA's): prises 7 and 14.
const LINE_7 = 'FI-2123-1001-0007';
const LINE_14 = 'FI-2123-1001-0014';
// A prise of neither OPA nor OPB (OPC's, in the test that adds it).
const LINE_1 = 'FI-2123-1001-0001';

type Json = Record<string, unknown>;

describe('e-intervention hub (issue 18): end to end over mutual TLS', function () {
  this.timeout(120_000);
  const clock = fixedClock(T0);
  let gw: TestGateway;
  let doEndpoint: EInterventionReceiver;
  let ocEndpoint: EInterventionReceiver;
  let worker: EInterventionWorker;
  let db: TestDatabase;
  let admin: AdminRunner;
  let closedRef = '';
  const agents = new Map<string, Agent>();
  // The answers of the gateway, checked by the second validator too (the 400 bodies of the files).
  const errorSchemas = independentErrorValidators();

  async function call(who: IssuedCertificate, method: 'POST' | 'PUT', path: string, body: unknown): Promise<{ status: number; body: Json }> {
    let agent = agents.get(who.certPem);
    if (!agent) {
      agent = new Agent({ connect: { cert: who.certPem, key: who.keyPem, ca: [gw.pki.ca] } });
      agents.set(who.certPem, agent);
    }
    const res = await request(`${gw.url}/e-intervention/v2${path}`, {
      method, dispatcher: agent, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body)
    });
    return { status: res.statusCode, body: (await res.body.json()) as Json };
  }

  async function refusedWith(res: { status: number; body: Json }, operation: string, code: string): Promise<void> {
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error, JSON.stringify(res.body)).to.equal(code);
    expect(contract.operation(operation).errorProblems(res.body)).to.deep.equal([]);
    expect(errorSchemas(operation, res.body)).to.deep.equal([]);
  }

  const m1 = (refIntervDO: string, over: Json = {}): Json => ({
    codeDO: 'OPA', codeOI: 'BFCF', refIntervDO, dateDebutIntervention: T0, message: 'M1', nature: '4', elementReseau: 'PM',
    pointMutualisation: PM, refPBO: '21231-PBO-0042-001', ...over
  });
  const hs = (refPTO: string, minute: number): Json => ({
    refPTO, refPBO: '21231-PBO-0042-001', nomModulePM: 'MOD-03', positionModulePM: '03', positionCoupleurOC: 'C2-07', fibre: '4', tube: '2',
    numeroSerieONT: `SMBS${minute}`, dateChangementEtat: `2026-12-02T08:0${minute}:00.000Z`
  });
  const m5 = (refIntervOI: string, over: Json = {}): Json => ({
    refIntervOI, codeOcImpacte: 'OPB', message: 'M5TX', clientHSOC: [], ligneClientRetablie: [], testCloture: true, ...over
  });

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ clock, onEInterventionMessages: () => undefined, database: db });
    admin = adminRunner(db.schema, gw.pki);
    doEndpoint = await eInterventionReceiver(gw.pki, '/opa/e-intervention/v2');
    ocEndpoint = await eInterventionReceiver(gw.pki, '/opb/e-intervention/v2');
    const store = createInterventionStore(gw.pool, 'BFCF');
    await store.setEndpoint('OPA', 'DO', doEndpoint.url, clock.now());
    await store.setEndpoint('OPA', 'OC', doEndpoint.url, clock.now());
    await store.setEndpoint('OPB', 'OC', ocEndpoint.url, clock.now());
    await store.setConsent('OPB', 'TOUJOURS', clock.now());
    worker = createEInterventionWorker({
      pool: gw.pool, clock, contract, tls: { cert: gw.pki.gatewayClient.certPem, key: gw.pki.gatewayClient.keyPem, ca: [gw.pki.ca] },
      backoff: { baseMs: 1000, maxMs: 60_000, stalledAfterAttempts: 10 }, concurrency: 8, timeoutMs: 5000, leaseMs: 10_000, pollMs: 60_000,
      logger: { info: () => undefined, warn: () => undefined }
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

  it('runs start → alert → two cut lines → relay → test → restored → end → report, every message valid against the files', async () => {
    const start = await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0001'));
    expect(start.status, JSON.stringify(start.body)).to.equal(200);
    expect(start.body).to.include({ code: 0, refIntervDO: 'OPA-INT-0001' });
    const ref = String(start.body.refIntervOI);
    expect(ref).to.match(/^BFCF-EI-20261202-\d{6}$/);

    // M2: the other operator present at the PM is alerted; the DO is not told of its own intervention.
    await worker.runUntilIdle(clock.now());
    expect(ocEndpoint.received.map((m) => m.operation)).to.deep.equal(['creerInterventionOI']);
    expect(ocEndpoint.received[0]!.body).to.include({ refIntervOI: ref, codeOI: 'BFCF', refPBO: '21231-PBO-0042-001' });
    expect(ocEndpoint.received[0]!.caller).to.equal('BFC Fibre e-SAV notifications');
    expect(doEndpoint.received).to.have.length(0);

    // M5TX: OPB reports two cut lines; M6TX relays them to the DO with OPB's consent (standing: always).
    clock.advance(4 * 60_000);
    const cut = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { clientHSOC: [hs(LINE_7, 2), hs(LINE_14, 3)], testCloture: true }));
    expect(cut.status, JSON.stringify(cut.body)).to.equal(200);
    expect(cut.body).to.deep.equal({ code: 0, refIntervOI: ref, numeroTest: 0 });
    await worker.runUntilIdle(clock.now());
    expect(doEndpoint.received.map((m) => m.operation)).to.deep.equal(['notifierImpacteClientsOIDO']);
    const relay = doEndpoint.received[0]!.body;
    expect(relay).to.include({ refIntervOI: ref, codeOCImpacte: 'OPB', reparation: true, nombreOC: 1, numeroTest: 0 });
    expect((relay.clientHSOC as Json[]).map((l) => [l.refPTO, l.referencePrestationPrise])).to.deep.equal([[LINE_7, 'FTTH-25-0020001'], [LINE_14, 'FTTH-25-0020002']]);

    // After-sales: OPB's customer calls; a ticket filed on the cut line is linked to the open intervention.
    const filed = await soapCall(gw.url, {
      path: '/esav/signalisation/v2', body: filing(2, 'FTTH-25-0020001', 'OPB-SAV-0001', formExample('ftth', 2, 'valid-minimal.xml')), client: gw.pki.opb, ca: gw.pki.ca
    });
    expect(filed.status, filed.body).to.equal(200);
    const linked = (await sql(gw.pool, `SELECT l.ref_interv_oi, t.service_id FROM ticket_e_intervention l JOIN ticket t ON t.id = l.ticket_id`)).rows;
    expect(linked).to.deep.equal([{ ref_interv_oi: ref, service_id: 'FTTH-25-0020001' }]);

    // The end is refused while repairable lines were never checked by a test.
    const early = await call(gw.pki.opa, 'PUT', '/interventions-do', {
      ...m1('OPA-INT-0001'), message: 'M3', dateFinIntervention: '2026-12-02T08:10:00.000Z'
    });
    await refusedWith(early, 'modifierInterventionDO', 'M3TX_NON_DEMANDE');

    // M3TX → M4TX; OPB answers test 1 with both lines restored → M6TX with ligneClientRetablie.
    clock.advance(6 * 60_000);
    const test = await call(gw.pki.opa, 'POST', '/interventions-do/test-intermediaire', {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0001', refIntervOI: ref, message: 'M3TX', numeroTest: 1, natureTest: 'OPTIQUE', dateTest: clock.now().toISOString()
    });
    expect(test.status, JSON.stringify(test.body)).to.equal(200);
    await worker.runUntilIdle(clock.now());
    expect(ocEndpoint.received.map((m) => m.operation)).to.deep.equal(['creerInterventionOI', 'demanderTestIntermediaireInterventionOI']);
    clock.advance(60_000);
    const restored = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, {
      numeroTest: 1, ligneClientRetablie: [LINE_7, LINE_14].map((p) => ({ ...hs(p, 9), nomModulePm: 'MOD-03' }))
    }));
    expect(restored.status, JSON.stringify(restored.body)).to.equal(200);
    await worker.runUntilIdle(clock.now());
    expect(((doEndpoint.received[1]!.body.ligneClientRetablie) as Json[]).map((l) => l.refPTO)).to.deep.equal([LINE_7, LINE_14]);

    // M3 → M4; OPB's final report; the DO's report → each operator's own lines.
    clock.advance(60_000);
    const end = await call(gw.pki.opa, 'PUT', '/interventions-do', { ...m1('OPA-INT-0001'), message: 'M3', dateFinIntervention: clock.now().toISOString() });
    expect(end.status, JSON.stringify(end.body)).to.equal(200);
    expect(end.body).to.include({ code: 0, refIntervOI: ref });
    const final = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { numeroTest: 2 }));
    expect(final.status, JSON.stringify(final.body)).to.equal(200);
    const report = await call(gw.pki.opa, 'POST', '/interventions-do/compte-rendu', {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0001', refIntervOI: ref, message: 'CR',
      lignesImpactees: [{ refPTO: LINE_7, repaCodeOC: 'OPB', repaOCDemandee: true, retStatut: true }, { refPTO: LINE_14, repaCodeOC: 'OPB', retStatut: true }],
      lignesRetablies: [{ refPTO: LINE_7 }, { refPTO: LINE_14 }]
    });
    expect(report.status, JSON.stringify(report.body)).to.equal(200);
    await worker.runUntilIdle(clock.now());
    expect(ocEndpoint.received.map((m) => m.operation)).to.deep.equal([
      'creerInterventionOI', 'demanderTestIntermediaireInterventionOI', 'modifierInterventionOI', 'compteRenduInterventionOI'
    ]);
    expect(doEndpoint.received.map((m) => m.operation)).to.deep.equal(['notifierImpacteClientsOIDO', 'notifierImpacteClientsOIDO', 'notifierImpacteClientsOIDO']);
    expect((ocEndpoint.received[3]!.body.lignesRetablies as Json[]).length).to.equal(2);
    // Every message the OI sent matches its schema for the second validator.
    for (const m of [...ocEndpoint.received, ...doEndpoint.received]) expect(m.problems, `${m.operation} ${JSON.stringify(m.body)}`).to.deep.equal([]);
    closedRef = ref;
    const iv = await createInterventionStore(gw.pool, 'BFCF').find({ refIntervOI: ref });
    expect(iv?.state).to.equal('CLOTUREE');
    expect(iv?.lines.map((l) => [l.refPTO, l.restoredAt !== null])).to.deep.equal([[LINE_7, true], [LINE_14, true]]);
  });

  it('answers bad bodies with the files’ codes, in their 400 shape', async () => {
    const { pointMutualisation: _pm, ...noPm } = m1('OPA-INT-0100');
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-do', noPm), 'creerInterventionDO', 'CHAMPS_NON_RENSEIGNE');
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0101', { nature: '9' })), 'creerInterventionDO', 'MAUVAIS_FORMAT');
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-do', '{"codeDO": '), 'creerInterventionDO', 'MAUVAIS_FORMAT');
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0102', { codeOI: 'XXXX' })), 'creerInterventionDO', 'CODE_OI_INCONNU');
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0103', { pointMutualisation: { ...PM, refPM: '99999-PM-0001' } })),
      'creerInterventionDO', 'PM_INCONNU');
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5('BFCF-EI-20261202-999999')),
      'notifierImpacteClientsOC', 'REF_INTERV_OI_INCONNUE');
  });

  it('refuses an operator not present at the PM, a foreign refIntervOI, a body naming another operator and a prise of another PM', async () => {
    // OPA is not present at Besançon's PM: answered as an unknown PM.
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0200', {
      pointMutualisation: { refPM: '25056-PM-0007', refPMTechnique: '25056-PM-0007' }, refPBO: '25056-PBO-0007-031'
    })), 'creerInterventionDO', 'PM_INCONNU');
    const start = await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0201'));
    const ref = String(start.body.refIntervOI);
    // The DO reporting impacts on its own intervention, and OPB asking a test on OPA's intervention: unknown reference.
    await refusedWith(await call(gw.pki.opa, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { codeOcImpacte: 'OPA' })),
      'notifierImpacteClientsOC', 'REF_INTERV_OI_INCONNUE');
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-do/test-intermediaire', {
      codeDO: 'OPB', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0201', refIntervOI: ref, message: 'M3TX', numeroTest: 1, natureTest: 'OPTIQUE', dateTest: T0
    }), 'demanderTestIntermediaireInterventionDO', 'REF_INTERV_INCONNUE');
    // OPB's end of OPA's intervention: its refIntervDO is unknown under OPB.
    await refusedWith(await call(gw.pki.opb, 'PUT', '/interventions-do', { ...m1('OPA-INT-0201', { codeDO: 'OPB' }), message: 'M3', dateFinIntervention: T0 }),
      'modifierInterventionDO', 'MAUVAIS_FORMAT');
    // A body naming another operator than the certificate's.
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { codeOcImpacte: 'OPA' })),
      'notifierImpacteClientsOC', 'MAUVAIS_FORMAT');
    // A prise of the PM reported by OPB is fine; a prise of another PM is refused.
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { clientHSOC: [hs('FI-2505-6001-0005', 2)] })),
      'notifierImpacteClientsOC', 'MAUVAIS_FORMAT');
    // A prise of the PM that carries only OPA's service: OPB cannot report it cut (E2: OPA's line is relayed under OPA's
    // consent only), and the answer is the one of a prise that does not exist (A6).
    const opaPrise = 'FI-2123-1001-0005';
    const { rows: owners } = await sql<{ code: string }>(gw.pool, `SELECT DISTINCT o.code FROM network_element x JOIN service_attachment a ON a.element_id = x.id
      JOIN service s ON s.id = a.service_pk AND s.state = 'active' JOIN operator o ON o.id = a.operator_id WHERE x.ref = $1`, [opaPrise]);
    expect(owners.map((r) => r.code)).to.deep.equal(['OPA']);
    const foreign = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { clientHSOC: [hs(opaPrise, 2)] }));
    await refusedWith(foreign, 'notifierImpacteClientsOC', 'MAUVAIS_FORMAT');
    const missing = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { clientHSOC: [hs('FI-2123-1001-0999', 2)] }));
    expect(JSON.stringify(foreign.body).replaceAll(opaPrise, '?')).to.equal(JSON.stringify(missing.body).replaceAll('FI-2123-1001-0999', '?'));
  });

  it('refuses a certificate the registry does not know (401, OAuth2’s shape), before reading the body', async () => {
    const res = await call(gw.pki.unregistered, 'POST', '/interventions-do', m1('OPA-INT-0300'));
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal({ error: 'invalid_client', error_description: 'certificat client non reconnu' });
  });

  it('enforces the report window with the injected clock (DELAI_NON_RESPECTE) and the iteration (ERREUR_ITERATION)', async () => {
    const start = await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0400', { dateDebutIntervention: clock.now().toISOString() }));
    const ref = String(start.body.refIntervOI);
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, { numeroTest: 3 })),
      'notifierImpacteClientsOC', 'ERREUR_ITERATION');
    clock.advance(gw.config.eIntervention.reportWindowMs + 1);
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref)), 'notifierImpacteClientsOC', 'DELAI_NON_RESPECTE');
  });

  it('shows the OI its interventions, lines, messages and endpoints with esav-admin, and sets the standing consent', async () => {
    const list = await admin(['interventions', 'list', '--operator', 'OPB', '--json']);
    expect(list.code, list.err).to.equal(0);
    const rows = JSON.parse(list.out) as { refIntervOI: string; state: string; cut: number; restored: number }[];
    expect(rows.find((r) => r.refIntervOI === closedRef)).to.include({ state: 'CLOTUREE', cut: 2, restored: 2 });
    const show = await admin(['interventions', 'show', closedRef]);
    expect(show.code, show.err).to.equal(0);
    expect(show.out).to.contain('compteRenduInterventionOI').and.to.contain('delivered').and.to.contain(LINE_14);
    const endpoints = await admin(['interventions', 'endpoints', '--json']);
    expect((JSON.parse(endpoints.out) as { operator: string; role: string }[]).map((e) => `${e.operator}/${e.role}`)).to.include.members(['OPA/DO', 'OPB/OC']);
    expect((await admin(['interventions', 'consent', 'OPB', 'sometimes'])).code).to.not.equal(0);
    expect((await admin(['interventions', 'set-endpoint', 'OPB', '--role', 'OC', '--url', 'http://plain.example/v2'])).code).to.not.equal(0);
    const consent = await admin(['interventions', 'consent', 'OPB', 'always']);
    expect(consent.code, consent.err).to.equal(0);
  });

  it('needs the profile right e-intervention.<operationId>: a certificate without it gets 403 access_denied', async () => {
    const set = await admin(['profiles', 'set', 'OPB', 'tickets-only', '--operations', 'signalisation.*', '--offers', '*']);
    expect(set.code, set.err).to.equal(0);
    const ei = await admin(['profiles', 'set', 'OPB', 'ei-only', '--operations', 'e-intervention.notifierImpacteClientsOC', '--offers', '*']);
    expect(ei.code, ei.err).to.equal(0);
    expect((await admin(['profiles', 'set', 'OPB', 'typo', '--operations', 'e-intervention.notifierImpacte', '--offers', '*'])).code).to.not.equal(0);
    const fingerprint = gw.pki.facts(gw.pki.opb).fingerprint256;
    expect((await admin(['certificates', 'set-profile', fingerprint, 'tickets-only'])).code).to.equal(0);
    const refused = await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(closedRef));
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.equal('access_denied');
    expect((await admin(['certificates', 'set-profile', fingerprint, 'ei-only'])).code).to.equal(0);
    // Allowed again: the intervention is closed, so the file's own refusal comes back.
    await refusedWith(await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(closedRef, { numeroTest: 2 })),
      'notifierImpacteClientsOC', 'DELAI_NON_RESPECTE');
    expect((await admin(['certificates', 'set-profile', fingerprint, 'complet'])).code).to.equal(0);
  });

  it('tells every operator present at the PM (two of them), and gives each the report of its own lines only', async () => {
    // A third operator, OPC, with a line on prise 1 of PBO 001 at the Dijon PM and its own endpoint.
    const created = await admin(['operators', 'create', '--file', admin.file('opc.json', JSON.stringify(ORDER))], clock);
    expect(created.code, created.err).to.equal(0);
    const opc = await issueCertificate(await loadCertificateAuthority(gw.pki.ca, gw.pki.caKey),
      { subject: 'CN=OPC test, O=Operateur C', kind: 'client', notBefore: TEST_VALID_FROM, notAfter: testValidUntil() });
    const reg = await admin(['certificates', 'register', 'OPC', '--cert', admin.file('opc.crt', opc.certPem)], clock);
    expect(reg.code, reg.err).to.equal(0);
    await sql(gw.pool, `WITH s AS (INSERT INTO service (service_id, operator_id, offer_code, state, activated_on)
                          SELECT 'FTTH-21-0030001', id, 'FTTH', 'active', '2026-11-02' FROM operator WHERE code = 'OPC' RETURNING id, operator_id)
                        INSERT INTO service_end (service_pk, operator_id, end_code, label, street, postcode, city, insee_code, pbo_ref, pto_ref)
                        SELECT id, operator_id, 'Z', 'PTO du client final', 'rue de la Préfecture', '21000', 'Dijon', '21231', '21231-PBO-0042-001', $1
                          FROM s`, [LINE_1]);
    await run(gw.pool, refreshAttachments());
    const opcEndpoint = await eInterventionReceiver(gw.pki, '/opc/v2');
    try {
      await createInterventionStore(gw.pool, 'BFCF').setEndpoint('OPC', 'OC', opcEndpoint.url, clock.now());
      await worker.runUntilIdle(clock.now());
      const before = ocEndpoint.received.length;
      const start = await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0700', { dateDebutIntervention: clock.now().toISOString() }));
      const ref = String(start.body.refIntervOI);
      await worker.runUntilIdle(clock.now());
      expect(ocEndpoint.received.slice(before).map((m) => m.operation)).to.deep.equal(['creerInterventionOI']);
      expect(opcEndpoint.received.map((m) => [m.operation, m.body.refIntervOI])).to.deep.equal([['creerInterventionOI', ref]]);
      clock.advance(60_000);
      const cutAt = clock.now().toISOString();
      const r = await call(opc, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref, {
        codeOcImpacte: 'OPC', clientHSOC: [{ ...hs(LINE_1, 1), dateChangementEtat: cutAt }]
      }));
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      // OPB reports nothing cut: its relay carries no line, and nothing of OPC's.
      expect((await call(gw.pki.opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', m5(ref))).status).to.equal(200);
      await worker.runUntilIdle(clock.now());
      const relays = doEndpoint.received.filter((m) => m.body.refIntervOI === ref);
      expect(relays.map((m) => [m.body.codeOCImpacte, m.body.nombreOC, (m.body.clientHSOC as Json[]).length])).to.deep.equal([['OPC', 2, 1], ['OPB', 2, 0]]);
      expect((relays[0]!.body.clientHSOC as Json[])[0]).to.include({ refPTO: LINE_1, referencePrestationPrise: 'FTTH-21-0030001' });
      // Default standing consent (ask, no answer): the DO may not repair OPC's line.
      expect(relays[0]!.body.reparation).to.equal(false);
      const end = await call(gw.pki.opa, 'PUT', '/interventions-do', { ...m1('OPA-INT-0700'), message: 'M3', dateFinIntervention: clock.now().toISOString() });
      expect(end.status, JSON.stringify(end.body)).to.equal(200);
      const cr = await call(gw.pki.opa, 'POST', '/interventions-do/compte-rendu', {
        codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: 'OPA-INT-0700', message: 'CR', lignesImpactees: [{ refPTO: LINE_1, retStatut: false }], lignesRetablies: []
      });
      expect(cr.status, JSON.stringify(cr.body)).to.equal(200);
      await worker.runUntilIdle(clock.now());
      const crOf = (rcv: EInterventionReceiver) => rcv.received.find((m) => m.operation === 'compteRenduInterventionOI' && m.body.refIntervOI === ref)!.body;
      expect((crOf(opcEndpoint).lignesImpactees as Json[]).map((l) => l.refPTO)).to.deep.equal([LINE_1]);
      expect(crOf(ocEndpoint).lignesImpactees).to.deep.equal([]);
      for (const m of opcEndpoint.received) expect(m.problems).to.deep.equal([]);
    } finally {
      await opcEndpoint.shut();
      // OPC leaves the PM again: the next tests count on OPB alone being told.
      await sql(gw.pool, `DELETE FROM service WHERE service_id = 'FTTH-21-0030001'`);
    }
  });

  it('delivers a message claimed by a worker that died once its lease has passed (at least once), never twice at once', async () => {
    await worker.runUntilIdle(clock.now());
    const before = ocEndpoint.received.length;
    const start = await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0600', { dateDebutIntervention: clock.now().toISOString() }));
    const ref = String(start.body.refIntervOI);
    // Another instance claims the M2 and dies before calling: its lease holds the message.
    const claimed = await run<{ id: string }>(gw.pool, claimMessages(clock.now(), 10, new Date(clock.now().getTime() + 10_000)));
    expect(claimed).to.have.length(1);
    expect((await worker.runUntilIdle(clock.now())).claimed).to.equal(0);
    clock.advance(10_001);
    expect((await worker.runUntilIdle(clock.now())).delivered).to.equal(1);
    expect(ocEndpoint.received.slice(before).map((m) => [m.operation, m.body.refIntervOI])).to.deep.equal([['creerInterventionOI', ref]]);
  });

  it('retries a message to an endpoint that is down with backoff, and keeps the order per intervention and recipient', async () => {
    await worker.runUntilIdle(clock.now());
    const before = ocEndpoint.received.length;
    ocEndpoint.mode = 'unavailable';
    const start = await call(gw.pki.opa, 'POST', '/interventions-do', m1('OPA-INT-0500', { dateDebutIntervention: clock.now().toISOString() }));
    const ref = String(start.body.refIntervOI);
    const r1 = await worker.runUntilIdle(clock.now());
    expect(r1.failed).to.equal(1);
    const end = await call(gw.pki.opa, 'PUT', '/interventions-do', { ...m1('OPA-INT-0500'), message: 'M3', dateFinIntervention: clock.now().toISOString() });
    expect(end.status, JSON.stringify(end.body)).to.equal(200);
    // Not due before the backoff has passed; then both go, M2 first.
    expect((await worker.runUntilIdle(clock.now())).claimed).to.equal(0);
    ocEndpoint.mode = 'up';
    clock.advance(1001);
    await worker.runUntilIdle(clock.now());
    const mine = ocEndpoint.received.slice(before).filter((m) => m.body.refIntervOI === ref).map((m) => m.operation);
    expect(mine).to.deep.equal(['creerInterventionOI', 'modifierInterventionOI']);
    const [log] = (await sql(gw.pool, `SELECT count(*)::int AS n, count(*) FILTER (WHERE a.error IS NOT NULL)::int AS failed FROM e_intervention_attempt a
      JOIN e_intervention_message m ON m.id = a.message_id JOIN e_intervention i ON i.id = m.intervention_id WHERE i.ref_interv_oi = $1`, [ref])).rows;
    expect(log).to.deep.equal({ n: 3, failed: 1 });
  });
});

/** The 400 bodies of every operation, through the receiver's own validator set (not the gateway's). */
function independentErrorValidators(): (operation: string, body: unknown) => string[] {
  const byOperation = new Map([...independentValidators().values()].map((r) => [r.operation, r]));
  return (operation, body) => byOperation.get(operation)!.validateError(body);
}
