/**
 * The internal API's e-intervention views (issue 18 part 4): over mutual TLS with an agent's certificate of the OI's
 * internal CA, the same reads as esav-admin interventions list|show (the same refusals in the same words), every
 * answer as the OpenAPI document says; the deadlines and the delays follow the injected clock.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/domain/clock.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { sql } from '../support/database.js';
import { eiFixture } from '../support/e-intervention-fixtures.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { json, type JsonAnswer } from '../support/internal-api.js';
import { schemaProblems } from '../support/openapi-shape.js';

type Json = Record<string, unknown>;
const LINE_7 = 'FI-2123-1001-0007';
const LINE_14 = 'FI-2123-1001-0014';

describe('internal API: e-intervention views', () => {
  let gw: TestGateway;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let admin: AdminRunner;
  let doc: Json;
  let open = '';
  let closed = '';
  const clock = fixedClock('2026-12-02T08:00:00Z');
  const req = (method: string, path: string): Promise<JsonAnswer> => json(port, gw.pki.ca, agent, method, path);
  const documented = (r: JsonAnswer, path: string): string[] => {
    const op = ((doc.paths as Json)[path] as Json).get as Json;
    const response = (op.responses as Json)[String(r.status)] as Json | undefined;
    if (!response) return [`status ${r.status} is not documented for GET ${path}`];
    return schemaProblems(doc, ((response.content as Json)['application/json'] as Json).schema as Json, r.body);
  };

  before(async () => {
    gw = await startGateway({ clock });
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=supervision.martin, O=BFC Fibre', kind: 'client' });
    api = await buildInternalApp({ pool: gw.pool, clock, tls: { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: [internalCa.certPem] } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
    const schema = (await sql<{ s: string }>(gw.pool, 'SELECT current_schema() AS s')).rows[0]!.s;
    admin = adminRunner(schema, gw.pki);
    doc = (await req('GET', '/openapi.json')).body!;
    // One closed intervention (two lines cut, restored by the DO's report), then one open with one line cut.
    const ei = eiFixture(gw.pool);
    closed = await ei.start('OPA-VIEW-1', clock.now());
    clock.advance(60_000);
    await ei.report(closed, 'OPB', clock.now(), [LINE_7, LINE_14], [], true);
    clock.advance(60_000);
    await ei.end(closed, clock.now());
    await ei.close(closed, clock.now(), [LINE_7, LINE_14]);
    clock.set('2026-12-02T10:00:00Z');
    open = await ei.start('OPA-VIEW-2', clock.now());
    clock.advance(2 * 60_000);
    await ei.report(open, 'OPB', clock.now(), [LINE_7]);
  });
  after(async () => { await api.close(); await gw.close(); });

  it('documents both routes in the OpenAPI document', () => {
    const paths = Object.keys(doc.paths as Json).filter((p) => p.startsWith('/interventions'));
    expect(paths).to.have.members(['/interventions', '/interventions/{refIntervOI}']);
  });

  it('lists the interventions newest first, filtered by state, PM, DO, operator and dates, and paged', async () => {
    const all = await req('GET', '/interventions');
    expect(all.status, JSON.stringify(all.body)).to.equal(200);
    expect(documented(all, '/interventions')).to.deep.equal([]);
    expect((all.body!.interventions as Json[]).map((i) => [i.refIntervOI, i.state, i.linesCut, i.linesRestored, i.operators]))
      .to.deep.equal([[open, 'EN_COURS', 1, 0, 1], [closed, 'CLOTUREE', 2, 2, 1]]);
    expect(all.body).to.include({ total: 2, page: 1, limit: 50, pages: 1 });
    const only = async (q: string): Promise<unknown[]> => ((await req('GET', `/interventions?${q}`)).body!.interventions as Json[]).map((i) => i.refIntervOI);
    expect(await only('state=CLOTUREE')).to.deep.equal([closed]);
    expect(await only('pm=21231-PM-0042&do=OPA')).to.deep.equal([open, closed]);
    expect(await only('pm=25056-PM-0007')).to.deep.equal([]);
    expect(await only('operator=OPB&from=2026-12-02T09:00:00Z')).to.deep.equal([open]);
    expect(await only('to=2026-12-02T09:00:00Z')).to.deep.equal([closed]);
    expect(await only('from=2026-12-03')).to.deep.equal([]);
    const second = await req('GET', '/interventions?limit=1&page=2');
    expect(second.body).to.deep.include({ total: 2, page: 2, limit: 1, pages: 2 });
    expect((second.body!.interventions as Json[]).map((i) => i.refIntervOI)).to.deep.equal([closed]);
  });

  it('refuses a bad filter naming its field, and an unknown operator (never an empty list), as the CLI does', async () => {
    for (const [q, field] of [['state=OUVERTE', 'state'], ['operator=NOPE', 'operator'], ['from=yesterday', 'from'], ['limit=0', 'limit'],
      ['from=2026-12-03&to=2026-12-02', 'to']]) {
      const r = await req('GET', `/interventions?${q}`);
      expect(r.status, q).to.equal(400);
      expect(documented(r, '/interventions')).to.deep.equal([]);
      expect(r.body, q).to.include({ error: 'INTERVENTION_INVALID', field });
    }
    const cli = await admin(['interventions', 'list', '--operator', 'NOPE']);
    expect(cli.code).to.not.equal(0);
    const api400 = await req('GET', '/interventions?operator=NOPE');
    expect(cli.err).to.contain(String(api400.body!.message));
  });

  it('shows one intervention with its operators, consent, lines, messages and their delays against the deadlines', async () => {
    const r = await req('GET', `/interventions/${open}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(documented(r, '/interventions/{refIntervOI}')).to.deep.equal([]);
    const b = r.body!;
    expect(b).to.include({ refIntervOI: open, doOperator: 'OPA', refIntervDO: 'OPA-VIEW-2', state: 'EN_COURS', test: 0 });
    // Defaults: reports within 30 minutes of the test's opening, repair answers within 15 minutes of the start.
    expect(b.deadlines).to.deep.equal({ reportBy: '2026-12-02T10:30:00.000Z', consentBy: '2026-12-02T10:15:00.000Z' });
    expect(b.recipients).to.deep.equal([{ operator: 'OPB', standing: 'A_DEMANDER', answer: null, consent: 'EN_ATTENTE', reportedTest: 0, closedTest: false, late: false }]);
    expect((b.lines as Json[]).map((l) => [l.operator, l.refPTO, l.serviceId, l.cutAt, l.restoredAt])).to.deep.equal([
      ['OPB', LINE_7, 'FTTH-25-0020001', '2026-12-02T10:02:00.000Z', null]
    ]);
    // Nothing delivered (no worker): M2 pending for 2 minutes, M6TX just written.
    expect((b.messages as Json[]).map((m) => [m.operator, m.operation, m.state, m.delayMs])).to.deep.equal([
      ['OPB', 'creerInterventionOI', 'pending', 120_000], ['OPA', 'notifierImpacteClientsOIDO', 'pending', 0]
    ]);
    // 31 minutes after the test opened, OPB has not closed it: late; its consent has lapsed into a refusal.
    clock.advance(29 * 60_000);
    const late = (await req('GET', `/interventions/${open}`)).body!;
    expect(late.recipients).to.deep.equal([{ operator: 'OPB', standing: 'A_DEMANDER', answer: null, consent: 'REFUSEE', reportedTest: 0, closedTest: false, late: true }]);
    expect(((late.messages as Json[])[0]!).delayMs).to.equal(31 * 60_000);
    const cli = await admin(['interventions', 'show', open], clock);
    expect(cli.code, cli.err).to.equal(0);
    expect(cli.out).to.contain('REFUSEE').and.to.contain('1860000').and.to.contain(LINE_7);
  });

  it('shows a closed intervention without a report deadline, its lines restored by the DO', async () => {
    const b = (await req('GET', `/interventions/${closed}`)).body!;
    expect(b.state).to.equal('CLOTUREE');
    expect((b.deadlines as Json).reportBy).to.equal(null);
    expect((b.lines as Json[]).map((l) => [l.refPTO, l.restoredByDo])).to.deep.equal([[LINE_7, true], [LINE_14, true]]);
    expect((b.recipients as Json[])[0]).to.include({ late: false, closedTest: true });
  });

  it('answers an unknown reference 404 INTERVENTION_NOT_FOUND, as the CLI answers it', async () => {
    const r = await req('GET', '/interventions/BFCF-EI-20261202-999999');
    expect(r.status).to.equal(404);
    expect(documented(r, '/interventions/{refIntervOI}')).to.deep.equal([]);
    expect(r.body).to.deep.equal({ error: 'INTERVENTION_NOT_FOUND', message: 'no intervention BFCF-EI-20261202-999999' });
    const cli = await admin(['interventions', 'show', 'BFCF-EI-20261202-999999']);
    expect(cli.code).to.not.equal(0);
    expect(cli.err).to.contain('no intervention BFCF-EI-20261202-999999');
  });
});
