/**
 * The integration platform (DOMAIN.md A4, D1): sandbox data, the simulated back office moving sandbox tickets along
 * their scenario, the record of successful calls, and the go-live gate of a production gateway opened by the import
 * of a signed validation record exported from the integration database.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { createSandboxBackOffice, type SandboxBackOffice } from '../../src/jobs/sandbox-back-office.js';
import { createCertificateAuthority } from '../../src/pki/certificate-authority.js';
import { signGoLiveRecord, type SignedGoLiveRecord } from '../../src/pki/golive-record.js';
import { loadSandboxData } from '../../src/store/sandbox-data.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, PRESTATION_ACTION, textOf, type RawResponse } from '../support/soap-client.js';
import { byReference, envelope, filing, formExample } from '../support/tickets.js';
import { run } from '../../src/store/database.js';
import { loadTestCatalogue } from '../../src/catalog/test-catalogue-loader.js';
import { consultTest, launchTest } from '../../src/domain/line-tests.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { ALL_SIMULATED, driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { createLineTestStore } from '../../src/store/line-test-store.js';

describe('integration platform', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let office: SandboxBackOffice;
  let admin: AdminRunner;
  const clock = fixedClock('2026-11-24T10:00:00Z');
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');
  const post = (v: 1 | 2, body: string): Promise<RawResponse> => call(gw.url, { path: `/esav/signalisation/v${v}`, body, client: gw.pki.opa, ca: gw.pki.ca });
  const fileOn = async (serviceId: string, ref: string): Promise<string> => {
    const r = await post(2, filing(2, serviceId, ref, ftth));
    expect(r.status, r.body).to.equal(200);
    return textOf(r.body, 'referenceSignalisation')!;
  };
  const states = async (reference: string): Promise<string[]> => {
    const store = createTicketStore(db.pool);
    const t = (await store.find(null, reference))!;
    return (await store.history(t.id)).transitions.map((x) => x.to);
  };
  /** Advances the test clock by one step and runs one pass of the back office. */
  const step = async (): Promise<void> => { clock.advance(2000); await office.runOnce(clock.now()); };

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock, env: { ESAV_ENV: 'integration' } });
    await loadSandboxData(db.pool, '2026-11-24');
    office = createSandboxBackOffice(db.pool, 2000);
    admin = adminRunner(db.schema, gw.pki);
  });
  after(async () => { await gw.close(); await db.drop(); });

  it('has line-test scenarios on the activated offer, each outcome of a test on the simulated network (issue 17)', async () => {
    const at = fixedClock('2026-12-02T10:00:00Z');
    const store = createLineTestStore(db.pool);
    const catalogue = loadTestCatalogue(process.cwd());
    const [opa] = await run<{ id: string; code: string; name: string }>(db.pool, { text: "SELECT id::text, code, name FROM operator WHERE code = 'OPA'", values: [] });
    const caller = { operator: opa!, certificateId: '1', profile: FULL_PROFILE };
    const cases: Array<[string, string, string, string | null]> = [['SAIN', 'REFLECTOMETRIE', 'TERMINE', 'AUCUN_DEFAUT'],
      ['COUPURE_PBO', 'REFLECTOMETRIE', 'TERMINE', 'PBO'], ['ONT_HORS_LIGNE', 'ETAT_ONT', 'TERMINE', 'CLIENT'], ['NIVEAU_BAS', 'PORT_PON_OLT', 'TERMINE', 'PTO'],
      ['SANS_REPONSE', 'ETAT_ONT', 'ECHEC', null]];
    const refs: string[] = [];
    for (const [scenario, testCode] of cases) {
      refs.push(await launchTest(store, catalogue, caller, { serviceId: `SBX-FTTHA-TEST-${scenario.replace(/_/g, '-')}-OPA`, testCode, parameters: new Map() }, at.now()));
    }
    await run(db.pool, { text: 'UPDATE line_test SET max_attempts = 1', values: [] });
    await createLineTestWorker({ pool: db.pool, clock: at, drivers: driverRouter(db.pool, ALL_SIMULATED), worker: 'sandbox', concurrency: 10, capPerElement: 10,
      graceMs: 1000, retryDelayMs: 0, pollMs: 1000, onError: (e) => { throw e; } }).runOnce();
    for (const [i, [scenario, , state, diagnosis]] of cases.entries()) {
      const t = await consultTest(store, caller, refs[i]!, at.now());
      expect([t.state, t.diagnosis], scenario).to.deep.equal([state, diagnosis]);
    }
    expect((await loadSandboxData(db.pool, '2026-11-24')).created, 'loaded once').to.equal(0);
  });

  it('has sandbox services for every operator, offer and scenario, and the offers open to filing', async () => {
    const rows = await run<{ service_id: string }>(db.pool, { text: `SELECT service_id FROM service WHERE service_id LIKE 'SBX-%' ORDER BY service_id`, values: [] });
    const ids = rows.map((r) => r.service_id);
    // Two operators, four offers (FTTH, FTTE, LFO and the activated FTTHA of issue 17), six ticket scenarios; and
    // five line-test scenarios on the activated offer.
    expect(ids).to.have.length(2 * 4 * 6 + 2 * 5);
    expect(ids).to.include.members(['SBX-FTTH-NOMINAL-OPA', 'SBX-FTTE-REJET-OPB', 'SBX-LFO-GEL-OPA', 'SBX-FTTH-CLOTURE-REFUSEE-OPA', 'SBX-FTTH-ANNULATION-OPB']);
    const r = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('SBX-FTTE-GEL-OPA'), soapAction: `"${PRESTATION_ACTION}"`, client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    expect(r.body).to.include('GTR 4 heures');
    const again = await loadSandboxData(db.pool, '2026-11-24');
    expect(again.created).to.equal(0);
  });

  it('NOMINAL: accepted, started, commented, closed and its closure notified, one step at a time', async () => {
    const ref = await fileOn('SBX-FTTH-NOMINAL-OPA', 'OPA-SBX-NOM-1');
    clock.advance(1000);
    await office.runOnce(clock.now());
    expect(await states(ref), 'not before a step').to.deep.equal(['EN_DEPOT']);
    for (let i = 0; i < 6; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'CLOS', 'VALIDE']);
    const detail = await post(2, byReference(2, 'ConsultationDetailRequete', ref));
    expect(detail.body).to.include('Technicien dépêché sur site');
    expect(textOf(detail.body, 'etat')).to.equal('VALIDE');
    const rows = await run(db.pool, { text: `SELECT kind FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id WHERE t.reference = $1`, values: [ref] });
    expect(rows.map((r) => r.kind)).to.include('comment').and.include('state');
  });

  it('REJET: rejected with a reason', async () => {
    const ref = await fileOn('SBX-FTTH-REJET-OPA', 'OPA-SBX-REJ-1');
    await step();
    await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_REJET']);
    const detail = await post(2, byReference(2, 'ConsultationDetailRequete', ref));
    expect(detail.body).to.include('non recevable');
  });

  it("GEL: frozen for information, unfrozen by the operator's answer, then closed", async () => {
    const ref = await fileOn('SBX-FTTH-GEL-OPA', 'OPA-SBX-GEL-1');
    for (let i = 0; i < 5; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE']);
    const answer = await post(2, byReference(2, 'AjoutComplementRequete', ref, '<s:texte>Accès libre de 8 h à 18 h</s:texte><s:reponseAuGel>true</s:reponseAuGel>'));
    expect(answer.status, answer.body).to.equal(200);
    for (let i = 0; i < 3; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE', 'EN_COURS', 'CLOS', 'VALIDE']);
  });

  it("CLOTURE_REFUSEE: closed, reopened by the operator's refusal, closed again", async () => {
    const ref = await fileOn('SBX-FTTH-CLOTURE-REFUSEE-OPA', 'OPA-SBX-CLR-1');
    for (let i = 0; i < 6; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'CLOS', 'VALIDE']);
    const refused = await post(2, byReference(2, 'ReponseClotureRequete', ref, '<s:decision>REFUSEE</s:decision><s:motif>Toujours pas de synchro</s:motif>'));
    expect(refused.status, refused.body).to.equal(200);
    for (let i = 0; i < 3; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'CLOS', 'VALIDE', 'EN_COURS', 'CLOS', 'VALIDE']);
    const detail = await post(2, byReference(2, 'ConsultationDetailRequete', ref));
    expect(detail.body).to.include('Nouvelle intervention après votre refus');
  });

  it('ANNULATION: stays EN_DEPOT, for the operator to cancel', async () => {
    const ref = await fileOn('SBX-FTTH-ANNULATION-OPA', 'OPA-SBX-ANN-1');
    for (let i = 0; i < 3; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT']);
  });

  it('RENDEZ_VOUS: frozen awaiting an appointment, unfrozen by the operator\'s booking for it (rendezvous v1), then closed', async () => {
    // rendezvous v1 is in service from 2026-12-01: to Wednesday 2026-12-02, 11:00 Paris (the slot search open).
    clock.advance(8 * 86_400_000);
    const ref = await fileOn('SBX-FTTH-RENDEZ-VOUS-OPA', 'OPA-SBX-RDV-1');
    for (let i = 0; i < 5; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE']);
    const NS = 'http://esav.bfc-fibre.fr/rendezvous/v1';
    const rdv = (op: string, body: string): Promise<RawResponse> =>
      call(gw.url, { path: '/esav/rendezvous/v1', soapAction: `${NS}/${op}`, client: gw.pki.opa, ca: gw.pki.ca, body: envelope(body) });
    // The sandbox services are in Dijon (21231): the platform's plan covers it.
    const search = await rdv('rechercheCreneaux', `<r:RechercheCreneauxRequete xmlns:r="${NS}"><r:typeRendezVous>SAV</r:typeRendezVous>`
      + '<r:codeInsee>21231</r:codeInsee><r:debut>2026-12-04T00:00:00</r:debut><r:fin>2026-12-04T23:59:59</r:fin></r:RechercheCreneauxRequete>');
    expect(search.status, search.body).to.equal(200);
    const booked = await rdv('priseRendezVous', `<r:PriseRendezVousRequete xmlns:r="${NS}"><r:idCreneau>${textOf(search.body, 'idCreneau')}</r:idCreneau>`
      + `<r:typeRendezVous>SAV</r:typeRendezVous><r:codeInsee>21231</r:codeInsee><r:referenceSignalisation>${ref}</r:referenceSignalisation></r:PriseRendezVousRequete>`);
    expect(booked.status, booked.body).to.equal(200);
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE', 'EN_COURS']);
    for (let i = 0; i < 3; i++) await step();
    expect(await states(ref)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE', 'EN_COURS', 'CLOS', 'VALIDE']);
  });

  it('has a capacity plan covering the sandbox services\' commune (21231), its own zone when the OI\'s plan has none', async () => {
    const zoneOf = async (pool: typeof db.pool): Promise<Array<{ code: string; kinds: string[] }>> => run(pool, { text:
      `SELECT z.code, array_agg(g.kind::text ORDER BY g.kind) AS kinds FROM appointment_zone_commune c JOIN appointment_zone z ON z.id = c.zone_id
         JOIN appointment_grid g ON g.zone_id = z.id WHERE c.insee_code = '21231' GROUP BY z.code`, values: [] });
    // The demo data's plan (loaded here, as on the platform by default) is left as it is.
    expect(await zoneOf(db.pool)).to.deep.equal([{ code: 'DIJON', kinds: ['EXPERTISE', 'SAV', 'SAV_PLUS'] }]);
    const bare = await freshDatabase();
    try {
      await run(bare.pool, { text: `INSERT INTO operator (code, name, siren, siret, contract_reference) VALUES ('OPZ', 'Z', '552100554', '55210055400013', 'C-Z')`, values: [] })
        .catch(() => undefined);
      await loadSandboxData(bare.pool, '2026-11-24');
      expect(await zoneOf(bare.pool)).to.deep.equal([{ code: 'BAC-A-SABLE', kinds: ['EXPERTISE', 'SAV', 'SAV_PLUS'] }]);
      await loadSandboxData(bare.pool, '2026-11-24');
      expect(await zoneOf(bare.pool)).to.have.length(1);
    } finally {
      await bare.drop();
    }
  });

  describe('go-live (A4)', () => {
    let prodDb: TestDatabase;
    let prod: TestGateway;
    let prodAdmin: AdminRunner;
    let record: string;
    const consult = (): Promise<RawResponse> => call(prod.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), soapAction: `"${PRESTATION_ACTION}"`, client: prod.pki.opa, ca: prod.pki.ca });

    before(async () => {
      prodDb = await freshDatabase();
      prodAdmin = adminRunner(prodDb.schema, gw.pki);
      const f = (n: string): string => path.join(prodAdmin.dir, n);
      prod = await startGateway({ database: prodDb, env: { ESAV_ENV: 'production', ESAV_OI_SIREN: '812345676', ESAV_TLS_CERT: f('server.crt'), ESAV_TLS_KEY: f('server.key'), ESAV_TLS_CA: f('ca.crt') } });
    });
    after(async () => { await prod.close(); await prodDb.drop(); });

    it('records, on the integration platform, the successful calls of each web service', async () => {
      let rows: { service: string; calls: string }[] = [];
      for (let i = 0; i < 40 && rows.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        rows = (await run<{ service: string; calls: string }>(db.pool, { text: `SELECT service, calls FROM golive_call c JOIN operator o ON o.id = c.operator_id WHERE o.code = 'OPA' ORDER BY service`, values: [] }));
      }
      expect(rows.map((r) => r.service)).to.deep.equal(['prestation', 'rendezvous', 'signalisation']);
      const status = await admin(['golive', 'status', 'OPA']);
      expect(status.out).to.include('not validated').and.include('signalisation');
      const none = await admin(['golive', 'export', 'OPB', '--out', path.join(admin.dir, 'opb.json')]);
      expect(none.code).to.equal(1);
      expect(none.err).to.include('no successful web-service call');
    });

    it('refuses the web services (not the WSDL) to an operator without validation, with INTEGRATION_NON_VALIDEE', async () => {
      const r = await consult();
      expect(textOf(r.body, 'code')).to.equal('INTEGRATION_NON_VALIDEE');
      expect(textOf(r.body, 'faultstring')).to.include('OPA').and.include("plateforme d'intégration");
      const wsdl = await call(prod.url, { path: '/esav/prestation/v1?wsdl', client: prod.pki.opa, ca: prod.pki.ca });
      expect(wsdl.status).to.equal(200);
    });

    it('serves the operator once the signed record exported from integration is imported, and audits it', async () => {
      record = path.join(admin.dir, 'opa-golive.json');
      const exported = await admin(['golive', 'export', 'OPA', '--out', record]);
      expect(exported.code, exported.err).to.equal(0);
      const signed = JSON.parse(readFileSync(record, 'utf8')) as SignedGoLiveRecord;
      expect(signed.record.operator).to.equal('OPA');
      expect(signed.record.services.map((s) => s.service)).to.deep.equal(['prestation', 'rendezvous', 'signalisation']);
      expect(signed.signature.algorithm).to.equal('ECDSA-P256-SHA256');
      const imported = await prodAdmin(['golive', 'import', record]);
      expect(imported.code, imported.err).to.equal(0);
      const r = await consult();
      expect(r.status, r.body).to.equal(200);
      expect(textOf(r.body, 'identifiantPrestation')).to.equal('FTTH-21-0000001');
      const other = await call(prod.url, { path: '/esav/prestation/v1', body: consultation('FTTH-25-0000002'), soapAction: `"${PRESTATION_ACTION}"`, client: prod.pki.opb, ca: prod.pki.ca });
      expect(textOf(other.body, 'code'), 'OPB is still not validated').to.equal('INTEGRATION_NON_VALIDEE');
      const audit = await prodAdmin(['audit', 'list', '--entity', 'golive']);
      expect(audit.out).to.include('golive-import').and.include('OPA');
      expect((await prodAdmin(['golive', 'status', 'OPA'])).out).to.include('validated for production');
    });

    it('refuses a tampered record and one signed by another CA', async () => {
      const signed = JSON.parse(readFileSync(record, 'utf8')) as SignedGoLiveRecord;
      const tampered = { ...signed, record: { ...signed.record, operator: 'OPB' } };
      const file = prodAdmin.file('tampered.json', JSON.stringify(tampered));
      const r = await prodAdmin(['golive', 'import', file]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('ADMIN_TRUST').and.include('does not verify');
      const foreign = await createCertificateAuthority('CN=Some other CA, O=Elsewhere, C=FR');
      const forged = signGoLiveRecord({ ...signed.record, operator: 'OPB' }, foreign.certPem, foreign.keyPem);
      const f2 = path.join(prodAdmin.dir, 'forged.json');
      writeFileSync(f2, JSON.stringify(forged));
      const r2 = await prodAdmin(['golive', 'import', f2]);
      expect(r2.code).to.equal(1);
      expect(r2.err).to.include('Some other CA');
      const opb = await call(prod.url, { path: '/esav/prestation/v1', body: consultation('FTTH-25-0000002'), soapAction: `"${PRESTATION_ACTION}"`, client: prod.pki.opb, ca: prod.pki.ca });
      expect(textOf(opb.body, 'code')).to.equal('INTEGRATION_NON_VALIDEE');
    });
  });
});
