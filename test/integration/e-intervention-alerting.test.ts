/**
 * E3, the "Lot 1" alerting (issue 18 part 4; DOMAIN.md E3): an operator asks which interventions impacted its own
 * customers over a period, on the gateway's e-intervention listener over mutual TLS. Two operators, each impacted by
 * the other's intervention: each sees its own lines only; the period follows the injected clock.
 */
import { expect } from 'chai';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Agent, request } from 'undici';
import { fixedClock } from '../../src/domain/clock.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { ALERTING_SCHEMAS } from '../../src/transport/e-intervention-alerting.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { eiFixture } from '../support/e-intervention-fixtures.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

type Json = Record<string, unknown>;
const LINE_7 = 'FI-2123-1001-0007';

describe('e-intervention E3: an operator’s query of the interventions that impacted its customers', function () {
  this.timeout(60_000);
  const clock = fixedClock('2026-12-02T08:00:00Z');
  let gw: TestGateway;
  let db: TestDatabase;
  let admin: AdminRunner;
  let byOpa = '';
  let byOpb = '';
  let opaLine = { pto: '', service: '' };
  const agents = new Map<string, Agent>();
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
  const answerOk = ajv.compile(ALERTING_SCHEMAS.answer);
  const errorOk = ajv.compile(ALERTING_SCHEMAS.error);

  async function ask(who: IssuedCertificate, query = ''): Promise<{ status: number; body: Json }> {
    let agent = agents.get(who.certPem);
    if (!agent) { agent = new Agent({ connect: { cert: who.certPem, key: who.keyPem, ca: [gw.pki.ca] } }); agents.set(who.certPem, agent); }
    const res = await request(`${gw.url}/e-intervention/v2/esav/impacts-clients${query}`, { method: 'GET', dispatcher: agent });
    const body = (await res.body.json()) as Json;
    if (res.statusCode === 200) expect(answerOk(body), JSON.stringify(answerOk.errors)).to.equal(true);
    if (res.statusCode === 400) expect(errorOk(body), JSON.stringify(errorOk.errors)).to.equal(true);
    return { status: res.statusCode, body };
  }
  const refs = (b: Json): unknown[] => (b.interventions as Json[]).map((i) => i.refIntervOI);
  const lines = (b: Json): unknown[] => (b.interventions as Json[]).flatMap((i) => (i.lignes as Json[]).map((l) => l.refPTO));

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ clock, database: db, onEInterventionMessages: () => undefined });
    admin = adminRunner(db.schema, gw.pki);
    const [row] = (await sql<{ pto: string; service: string }>(gw.pool, `SELECT e.pto_ref AS pto, s.service_id AS service FROM service_end e
      JOIN service s ON s.id = e.service_pk JOIN operator o ON o.id = s.operator_id
     WHERE o.code = 'OPA' AND e.pbo_ref = '21231-PBO-0042-001' AND s.state = 'active' ORDER BY e.pto_ref LIMIT 1`)).rows;
    opaLine = row!;
    const ei = eiFixture(gw.pool);
    // OPA's intervention cuts OPB's line 7; OPB's intervention cuts one of OPA's lines.
    byOpa = await ei.start('OPA-E3-1', clock.now());
    clock.advance(2 * 60_000);
    await ei.report(byOpa, 'OPB', clock.now(), [LINE_7]);
    clock.advance(3 * 60_000);
    byOpb = await ei.start('OPB-E3-1', clock.now(), 'OPB');
    clock.advance(60_000);
    await ei.report(byOpb, 'OPA', clock.now(), [opaLine.pto]);
    clock.advance(4 * 60_000);
  });
  after(async () => {
    for (const a of agents.values()) await a.close();
    await gw?.close();
    await db?.drop();
  });

  it('gives each operator the interventions that cut its lines, with its lines only', async () => {
    const opb = await ask(gw.pki.opb);
    expect(opb.status, JSON.stringify(opb.body)).to.equal(200);
    expect(opb.body).to.include({ codeOC: 'OPB', debut: '2026-12-01T08:10:00.000Z', fin: '2026-12-02T08:10:00.000Z' });
    expect(refs(opb.body)).to.deep.equal([byOpa]);
    expect((opb.body.interventions as Json[])[0]).to.deep.include({
      etat: 'EN_COURS', pointMutualisation: { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A' }, dateDebutIntervention: '2026-12-02T08:00:00.000Z',
      lignes: [{ refPTO: LINE_7, refPBO: '21231-PBO-0042-001', referencePrestationPrise: 'FTTH-25-0020001', dateCoupure: '2026-12-02T08:02:00.000Z',
        dateRetablissement: null, retablieParDO: false }]
    });
    const opa = await ask(gw.pki.opa);
    expect(refs(opa.body)).to.deep.equal([byOpb]);
    expect(lines(opa.body)).to.deep.equal([opaLine.pto]);
    expect(((opa.body.interventions as Json[])[0]!.lignes as Json[])[0]).to.include({ referencePrestationPrise: opaLine.service });
  });

  it('never shows another operator’s impacts: its own intervention, where only another was cut, is as none', async () => {
    // OPB is the DO of byOpb, and OPA is the DO of byOpa: neither sees the other's cut lines there.
    expect(refs((await ask(gw.pki.opb)).body)).to.not.include(byOpb);
    expect(refs((await ask(gw.pki.opa)).body)).to.not.include(byOpa);
    expect(lines((await ask(gw.pki.opb)).body)).to.not.include(opaLine.pto);
  });

  it('answers the period asked (lines cut in [debut, fin)), and by default the last day before the clock', async () => {
    expect(refs((await ask(gw.pki.opb, '?debut=2026-12-02T08:02:00Z&fin=2026-12-02T08:03:00Z')).body)).to.deep.equal([byOpa]);
    expect(refs((await ask(gw.pki.opb, '?fin=2026-12-02T08:02:00Z')).body)).to.deep.equal([]);
    expect(refs((await ask(gw.pki.opb, '?debut=2026-12-02T08:02:00.001Z')).body)).to.deep.equal([]);
    // Paris dates: 2 December, midnight to midnight (Paris).
    const day = await ask(gw.pki.opa, '?debut=2026-12-02&fin=2026-12-02');
    expect(day.body).to.include({ debut: '2026-12-01T23:00:00.000Z', fin: '2026-12-02T23:00:00.000Z' });
    expect(refs(day.body)).to.deep.equal([byOpb]);
    clock.advance(2 * 86_400_000);
    expect(refs((await ask(gw.pki.opb)).body)).to.deep.equal([]);
    expect(refs((await ask(gw.pki.opb, '?debut=2026-12-01')).body)).to.deep.equal([byOpa]);
  });

  it('shows the end of an intervention and a line restored by the DO’s report', async () => {
    const ei = eiFixture(gw.pool);
    await ei.end(byOpa, clock.now());
    await ei.close(byOpa, clock.now(), [LINE_7]);
    const [iv] = (await ask(gw.pki.opb, '?debut=2026-12-01')).body.interventions as Json[];
    expect(iv).to.include({ etat: 'CLOTUREE', dateFinIntervention: clock.now().toISOString(), dateCompteRendu: clock.now().toISOString() });
    expect((iv!.lignes as Json[])[0]).to.include({ refPTO: LINE_7, dateRetablissement: clock.now().toISOString(), retablieParDO: true });
  });

  it('refuses a bad period in the files’ 400 shape (MAUVAIS_FORMAT naming the parameter)', async () => {
    for (const [q, field] of [['?debut=hier', 'debut'], ['?fin=2026-13-45T00:00:00Z', 'fin'], ['?debut=2026-12-03&fin=2026-12-01', 'fin'],
      ['?debut=2026-10-01&fin=2026-12-01', 'debut'], ['?operateur=OPA', 'operateur']]) {
      const r = await ask(gw.pki.opb, q);
      expect(r.status, q).to.equal(400);
      expect(r.body, q).to.include({ error: 'MAUVAIS_FORMAT' });
      expect(r.body.error_parameters, q).to.deep.equal([field]);
    }
  });

  it('needs a known certificate (401) and the profile right e-intervention.consulterImpactsClientsOC (403)', async () => {
    expect((await ask(gw.pki.unregistered)).status).to.equal(401);
    const set = await admin(['profiles', 'set', 'OPB', 'ei-flows', '--operations', 'e-intervention.notifierImpacteClientsOC', '--offers', '*']);
    expect(set.code, set.err).to.equal(0);
    const e3 = await admin(['profiles', 'set', 'OPB', 'ei-e3', '--operations', 'e-intervention.consulterImpactsClientsOC', '--offers', '*']);
    expect(e3.code, e3.err).to.equal(0);
    const fingerprint = gw.pki.facts(gw.pki.opb).fingerprint256;
    try {
      expect((await admin(['certificates', 'set-profile', fingerprint, 'ei-flows'])).code).to.equal(0);
      const refused = await ask(gw.pki.opb);
      expect(refused.status).to.equal(403);
      expect(refused.body.error).to.equal('access_denied');
      expect((await admin(['certificates', 'set-profile', fingerprint, 'ei-e3'])).code).to.equal(0);
      expect((await ask(gw.pki.opb)).status).to.equal(200);
    } finally {
      expect((await admin(['certificates', 'set-profile', fingerprint, 'complet'])).code).to.equal(0);
    }
  });
});
