/**
 * The internal API's appointment routes (issue 16 part 1: the capacity plan "managed with esav-admin appointments …
 * and the internal API, audited"; part 5: the outcomes complete|missed|failed): over mutual TLS with an agent's
 * certificate of the OI's internal CA, the same actions as the CLI (the same refusals in the same words), each plan
 * change in the audit trail under the agent's CN, every answer as the OpenAPI document says.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { bookSlot, searchFreeSlots } from '../../src/domain/appointment-service.js';
import { fixedClock } from '../../src/domain/clock.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { createAppointmentStore } from '../../src/store/appointment-store.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { sql } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { json, type JsonAnswer } from '../support/internal-api.js';
import { schemaProblems } from '../support/openapi-shape.js';
import { call as soap, textOf } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';

type Json = Record<string, unknown>;

describe('internal API: appointments (capacity plan and outcomes)', () => {
  let gw: TestGateway;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let admin: AdminRunner;
  let doc: Json;
  // A Wednesday, 11:00 Paris: the slot search is open.
  const clock = fixedClock('2026-12-02T10:00:00Z');
  const req = (method: string, path: string, body?: unknown): Promise<JsonAnswer> => json(port, gw.pki.ca, agent, method, path, body);
  /** The answer conforms to the document's schema of its operation and status. */
  const documented = (r: JsonAnswer, path: string, method: string): string[] => {
    const op = ((doc.paths as Json)[path] as Json)[method] as Json;
    const response = (op.responses as Json)[String(r.status)] as Json | undefined;
    if (!response) return [`status ${r.status} is not documented for ${method.toUpperCase()} ${path}`];
    return schemaProblems(doc, ((response.content as Json)['application/json'] as Json).schema as Json, r.body);
  };
  const cli = (args: string[]) => admin(['appointments', ...args, '--actor', 'plan.cli'], clock);

  before(async () => {
    gw = await startGateway({ clock });
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=plan.durand, O=BFC Fibre', kind: 'client' });
    api = await buildInternalApp({ pool: gw.pool, clock, tls: { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: [internalCa.certPem] } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
    const schema = (await sql<{ s: string }>(gw.pool, 'SELECT current_schema() AS s')).rows[0]!.s;
    admin = adminRunner(schema, gw.pki);
    doc = (await req('GET', '/openapi.json')).body!;
  });
  after(async () => { await api.close(); await gw.close(); });

  it('documents every appointment route in the OpenAPI document', () => {
    const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(operations.filter((o) => o.includes('/appointments'))).to.have.members([
      'GET /appointments/zones', 'PUT /appointments/zones/{zone}', 'PUT /appointments/zones/{zone}/grids/{kind}', 'PUT /appointments/zones/{zone}/capacity',
      'GET /appointments/zones/{zone}/slots', 'POST /appointments/closures', 'DELETE /appointments/closures/{date}', 'GET /appointments',
      'GET /appointments/{reference}', 'POST /appointments/{reference}/outcome'
    ]);
  });

  it('lists the zones of the demo plan, the demo town (Dijon, 21231) among them, with a grid of every kind', async () => {
    const r = await req('GET', '/appointments/zones');
    expect(documented(r, '/appointments/zones', 'get')).to.deep.equal([]);
    const dijon = (r.body!.zones as Json[]).find((z) => z.code === 'DIJON')!;
    expect(dijon.communes).to.include('21231');
    expect(dijon.kinds).to.have.members(['SAV', 'SAV_PLUS', 'EXPERTISE']);
  });

  it('defines a zone, sets its grid and a day’s capacity, shows the free capacity, closes and reopens a day; audited under the agent’s CN', async () => {
    const zone = await req('PUT', '/appointments/zones/AUXONNE', { label: 'Auxonne', communes: ['21038'] });
    expect(zone.status, JSON.stringify(zone.body)).to.equal(200);
    expect(documented(zone, '/appointments/zones/{zone}', 'put')).to.deep.equal([]);
    expect(zone.body).to.deep.equal({ code: 'AUXONNE', label: 'Auxonne', communes: ['21038'], kinds: ['EXPERTISE', 'SAV', 'SAV_PLUS'] });
    const more = await req('PUT', '/appointments/zones/AUXONNE', { label: 'Auxonne et Villers', communes: ['21710'] });
    expect(more.body).to.deep.include({ label: 'Auxonne et Villers', communes: ['21038', '21710'] });

    const grid = await req('PUT', '/appointments/zones/AUXONNE/grids/EXPERTISE', { days: [2, 4], start: '14:00', slotMinutes: 120, slots: 2, technicians: 1 });
    expect(grid.status, JSON.stringify(grid.body)).to.equal(200);
    expect(documented(grid, '/appointments/zones/{zone}/grids/{kind}', 'put')).to.deep.equal([]);
    expect(grid.body).to.deep.equal({ zone: 'AUXONNE', kind: 'EXPERTISE', days: [2, 4], start: '14:00', slotMinutes: 120, slots: 2, technicians: 1, holidays: false });

    const capacity = await req('PUT', '/appointments/zones/AUXONNE/capacity', { kind: 'EXPERTISE', date: '2026-12-08', technicians: 3 });
    expect([capacity.status, capacity.body]).to.deep.equal([200, { slots: 2 }]);
    const closed = await req('POST', '/appointments/closures', { zone: 'AUXONNE', date: '2026-12-10', reason: 'Crue de la Saône' });
    expect(documented(closed, '/appointments/closures', 'post')).to.deep.equal([]);
    expect([closed.status, closed.body]).to.deep.equal([201, { slotsClosed: 0 }]);

    const slots = await req('GET', '/appointments/zones/AUXONNE/slots?kind=EXPERTISE&from=2026-12-08&to=2026-12-10');
    expect(documented(slots, '/appointments/zones/{zone}/slots', 'get')).to.deep.equal([]);
    // Tuesday's two slots at 14:00 and 16:00 Paris with the capacity set; Thursday is closed: no slot made.
    expect((slots.body!.slots as Json[]).map((s) => [s.start, s.capacity, s.booked, s.free, s.closed])).to.deep.equal([
      ['2026-12-08T13:00:00.000Z', 3, 0, 3, false], ['2026-12-08T15:00:00.000Z', 3, 0, 3, false]
    ]);
    expect((await req('DELETE', '/appointments/closures/2026-12-10?zone=AUXONNE')).status).to.equal(204);
    const reopened = await req('GET', '/appointments/zones/AUXONNE/slots?kind=EXPERTISE&from=2026-12-10');
    expect((reopened.body!.slots as Json[]).map((s) => [s.start, s.free])).to.deep.equal([['2026-12-10T13:00:00.000Z', 1], ['2026-12-10T15:00:00.000Z', 1]]);

    const { rows } = await sql<{ action: string; actor: string; entity_key: string }>(gw.pool,
      `SELECT action, actor, entity_key FROM audit_log WHERE entity = 'appointment_plan' AND entity_key LIKE 'AUXONNE%' ORDER BY id`);
    expect(rows.map((r) => [r.action, r.entity_key])).to.deep.equal([
      ['zone define', 'AUXONNE'], ['grid set', 'AUXONNE/SAV'], ['grid set', 'AUXONNE/SAV_PLUS'], ['grid set', 'AUXONNE/EXPERTISE'],
      ['zone define', 'AUXONNE'], ['grid set', 'AUXONNE/EXPERTISE'], ['capacity set', 'AUXONNE/EXPERTISE/2026-12-08'],
      ['closure add', 'AUXONNE/2026-12-10'], ['closure remove', 'AUXONNE/2026-12-10']
    ]);
    expect(new Set(rows.map((r) => r.actor))).to.deep.equal(new Set(['agent:plan.durand']));
  });

  it('refuses what esav-admin appointments refuses, in the same words, in the API’s one error shape', async () => {
    const cases: Array<{ api: Promise<JsonAnswer>; cli: string[]; code: string; status: number; field?: string }> = [
      { api: req('PUT', '/appointments/zones/AUXONNE/grids/SAV', { start: '25:00', slotMinutes: 60, slots: 2, technicians: 1 }),
        cli: ['grid', 'AUXONNE', '--kind', 'SAV', '--start', '25:00', '--slot-minutes', '60', '--slots', '2', '--technicians', '1'],
        code: 'APPOINTMENT_INVALID', status: 400, field: 'start' },
      { api: req('PUT', '/appointments/zones/AUTRE', { label: 'Autre', communes: ['21231'] }),
        cli: ['zone', 'define', 'AUTRE', '--label', 'Autre', '--communes', '21231'], code: 'APPOINTMENT_CONFLICT', status: 409, field: 'communes' },
      { api: req('PUT', '/appointments/zones/AUTRE', { label: 'Autre', communes: ['2A0O4'] }),
        cli: ['zone', 'define', 'AUTRE', '--label', 'Autre', '--communes', '2A0O4'], code: 'APPOINTMENT_INVALID', status: 400, field: 'communes' },
      { api: req('GET', '/appointments/zones/NULLEPART/slots?kind=SAV&from=2026-12-08'),
        cli: ['slots', 'NULLEPART', '--kind', 'SAV', '--from', '2026-12-08'], code: 'APPOINTMENT_NOT_FOUND', status: 404 },
      { api: req('GET', '/appointments/zones/DIJON/slots?kind=VISITE&from=2026-12-08'),
        cli: ['slots', 'DIJON', '--kind', 'VISITE', '--from', '2026-12-08'], code: 'APPOINTMENT_INVALID', status: 400, field: 'kind' },
      { api: req('DELETE', '/appointments/closures/2026-12-11?zone=DIJON'), cli: ['reopen', '2026-12-11', '--zone', 'DIJON'],
        code: 'APPOINTMENT_NOT_FOUND', status: 404 },
      { api: req('PUT', '/appointments/zones/DIJON/capacity', { kind: 'SAV', date: '2026-13-01', technicians: 2 }),
        cli: ['capacity', 'DIJON', '--kind', 'SAV', '--date', '2026-13-01', '--technicians', '2'], code: 'APPOINTMENT_INVALID', status: 400, field: 'date' },
      { api: req('POST', '/appointments/RDV-2026-9999999/outcome', { event: 'complete' }), cli: ['complete', 'RDV-2026-9999999'],
        code: 'APPOINTMENT_NOT_FOUND', status: 404 },
      { api: req('POST', '/appointments/RDV-2026-9999999/outcome', { event: 'lost' }), cli: [], code: 'APPOINTMENT_INVALID', status: 400, field: 'event' },
      { api: req('GET', '/appointments/RDV-2026-9999999'), cli: ['show', 'RDV-2026-9999999'], code: 'APPOINTMENT_NOT_FOUND', status: 404 },
      { api: req('GET', '/appointments?state=PERDU'), cli: ['list', '--state', 'PERDU'], code: 'APPOINTMENT_INVALID', status: 400, field: 'state' }
    ];
    for (const c of cases) {
      const r = await c.api;
      const what = `${c.code} ${JSON.stringify(r.body)}`;
      expect([r.status, r.body!.error, r.body!.field], what).to.deep.equal([c.status, c.code, c.field]);
      expect(schemaProblems(doc, { $ref: '#/components/schemas/Error' }, r.body), what).to.deep.equal([]);
      if (c.cli.length === 0) continue;
      const said = await cli(c.cli);
      expect(said.code, what).to.equal(1);
      expect(said.err, what).to.include(r.body!.message as string);
    }
    // A day closed twice is a conflict, as in the CLI.
    await req('POST', '/appointments/closures', { zone: 'DIJON', date: '2026-12-24', reason: 'Veille de Noël' });
    const twice = await req('POST', '/appointments/closures', { zone: 'DIJON', date: '2026-12-24', reason: 'Veille de Noël' });
    expect([twice.status, twice.body!.error, twice.body!.message]).to.deep.equal([409, 'APPOINTMENT_CONFLICT', '2026-12-24 is already closed']);
  });

  it('records outcomes: complete closes the ticket, missed comments it, failed freezes it again; lists and shows them; a second outcome is 409', async () => {
    const { rows: [o] } = await sql<{ id: string }>(gw.pool, `SELECT id FROM operator WHERE code = 'OPA'`);
    const caller = { operator: { id: String(o!.id), code: 'OPA', name: 'A' }, certificateId: 'c', profile: FULL_PROFILE };
    const store = createAppointmentStore(gw.pool);
    const tickets: string[] = [];
    for (const ref of ['OPA-API-RDV-1', 'OPA-API-RDV-2', 'OPA-API-RDV-3']) {
      const r = await soap(gw.url, { path: '/esav/signalisation/v2', body: filing(2, 'FTTH-21-0000001', ref, formExample('ftth', 2, 'valid-minimal.xml')),
        client: gw.pki.opa, ca: gw.pki.ca });
      const t = textOf(r.body, 'referenceSignalisation')!;
      tickets.push(t);
      expect((await req('POST', `/tickets/${t}/events`, { event: 'accept' })).status).to.equal(200);
    }
    // The third waits for an appointment (S2): its booking lifts the freeze.
    await req('POST', `/tickets/${tickets[2]}/events`, { event: 'start' });
    await req('POST', `/tickets/${tickets[2]}/events`, { event: 'freeze', awaiting: 'RENDEZ_VOUS', reason: 'Rendez-vous à prendre' });
    const slots = await searchFreeSlots(store, caller,
      { kind: 'SAV', inseeCode: '21231', from: new Date('2026-12-09T00:00:00Z'), to: new Date('2026-12-09T23:00:00Z') }, clock.now());
    const booked: string[] = [];
    for (const [i, t] of tickets.entries()) {
      booked.push((await bookSlot(store, caller, { token: slots[i]!.token, inseeCode: '21231', marketSegment: 'GP', ticketReference: t }, clock.now())).reference);
    }
    expect((await req('GET', `/tickets/${tickets[2]}`)).body!.state).to.equal('EN_COURS');

    const done = await req('POST', `/appointments/${booked[0]}/outcome`, { event: 'complete', note: 'connecteur remplacé' });
    expect(documented(done, '/appointments/{reference}/outcome', 'post')).to.deep.equal([]);
    expect(done.body).to.deep.include({ reference: booked[0], state: 'TERMINE', ticketReference: tickets[0], outcomeNote: 'connecteur remplacé' });
    expect(done.body).to.not.have.any.keys('id', 'operatorId', 'slotId');
    expect((await req('POST', `/appointments/${booked[1]}/outcome`, { event: 'missed', note: 'véhicule en panne' })).body).to.include({ state: 'MANQUE_OI' });
    expect((await req('POST', `/appointments/${booked[2]}/outcome`, { event: 'failed', note: 'client absent' })).body).to.include({ state: 'ECHEC_CLIENT' });

    const [closedTicket, commented, refrozen] = await Promise.all(tickets.map((t) => req('GET', `/tickets/${t}`)));
    expect(closedTicket!.body!.state).to.equal('CLOS');
    expect((commented!.body!.comments as Json[]).map((c) => c.text)).to.satisfy((l: string[]) => l.some((t) => t.includes(`${booked[1]} manqué par l'OI : véhicule en panne`)));
    expect(refrozen!.body).to.include({ state: 'GELE', freezeReason: 'RENDEZ_VOUS' });

    const again = await req('POST', `/appointments/${booked[1]}/outcome`, { event: 'complete' });
    expect([again.status, again.body!.error]).to.deep.equal([409, 'APPOINTMENT_CONFLICT']);
    expect(again.body!.message).to.include('TRANSITION_RDV_INTERDITE');
    expect((await cli(['complete', booked[1]!])).err).to.include(again.body!.message as string);

    const listed = await req('GET', '/appointments?operator=OPA&from=2026-12-09&to=2026-12-09');
    expect(documented(listed, '/appointments', 'get')).to.deep.equal([]);
    expect((listed.body!.appointments as Json[]).map((a) => [a.reference, a.state])).to.deep.equal(
      [[booked[0], 'TERMINE'], [booked[1], 'MANQUE_OI'], [booked[2], 'ECHEC_CLIENT']]);
    expect(((await req('GET', '/appointments?operator=OPB')).body!.appointments as Json[])).to.deep.equal([]);
    const shown = await req('GET', `/appointments/${booked[2]}`);
    expect(documented(shown, '/appointments/{reference}', 'get')).to.deep.equal([]);
    expect((shown.body!.transitions as Json[]).map((x) => [x.event, x.to, x.actorKind, x.actor])).to.deep.equal([
      ['book', 'CREE', 'operator', 'OPA/certificat c'], ['fail', 'ECHEC_CLIENT', 'oi', 'agent:plan.durand']
    ]);
    const show = await cli(['show', booked[2]!]);
    expect(show.out).to.include(`${booked[2]} (OPA) — SAV ECHEC_CLIENT, signalisation ${tickets[2]}`);
  });
});
