/**
 * The internal API's planned works and incidents (issue 15 part 2: "through the admin CLI and the internal API"):
 * declare, list, show, update, replan, close (with its linked tickets) and cancel over mutual TLS with an agent's
 * certificate of the OI's internal CA, each change in the audit trail under the agent's CN; refusals in the API's one
 * shape, the same rules as the CLI's.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { run as runSql } from '../../src/store/database.js';
import { json } from '../support/internal-api.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { realContracts } from '../support/notifications.js';
import { notificationContractFacts } from '../../src/contracts/notification-contract.js';
import { call, textOf } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';

const PBO = '21231-PBO-0042-117';

describe('internal API: planned works and incidents', () => {
  let gw: TestGateway;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let now = new Date('2026-12-03T09:00:00Z');
  const clock = { now: () => now };
  const req = (method: 'GET' | 'POST', path: string, body?: unknown) => json(port, gw.pki.ca, agent, method, path, body);

  before(async () => {
    gw = await startGateway({ clock });
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=reseau.dupont, O=BFC Fibre', kind: 'client' });
    api = await buildInternalApp({ pool: gw.pool, clock, tls: { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: [internalCa.certPem] },
      notificationContract: notificationContractFacts(realContracts()) });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
  });
  after(async () => { await api.close(); await gw.close(); });

  let derco = '';
  it('declares an incident: 201 with the event and who was told, recorded under the agent’s CN', async () => {
    const r = await req('POST', '/network/events', {
      category: 'DERCO', equipmentType: 'PBO', equipment: PBO, start: '2026-12-03T09:30:00+01:00', end: '2026-12-03T18:00:00+01:00',
      comments: 'Câble arraché', contact: 'Supervision 03 80 00 00 00'
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const event = r.body!.event as Record<string, unknown>;
    derco = event.reference as string;
    expect(derco).to.match(/^DERCO-\d{7}$/);
    expect(event).to.deep.include({ category: 'DERCO', equipmentKind: 'PBO', equipmentRef: PBO, state: 'NOUVEAU', end: '2026-12-03T17:00:00.000Z', comments: 'Câble arraché' });
    const told = r.body!.told as Array<{ operator: string; pushed: boolean; reason: string | null }>;
    expect(told.map((t) => t.operator)).to.include('OPA');
    expect(told.every((t) => !t.pushed && t.reason === 'no notification endpoint')).to.equal(true);
    const { rows } = await runSql(gw.pool, { text: "SELECT actor, action FROM audit_log WHERE entity = 'network_event' AND entity_key = $1", values: [derco] })
      .then((x) => ({ rows: x as Array<{ actor: string; action: string }> }));
    expect(rows).to.deep.equal([{ actor: 'agent:reseau.dupont', action: 'declare' }]);
  });

  it('lists the open ones and shows one with its impacts and the tickets filed inside it', async () => {
    const filed = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, 'FTTH-21-0000001', 'OPA-API-NET-1', formExample('ftth', 2, 'valid-minimal.xml')),
      client: gw.pki.opa, ca: gw.pki.ca });
    const ticket = textOf(filed.body, 'referenceSignalisation')!;
    const list = await req('GET', '/network/events?category=DERCO');
    expect(list.status).to.equal(200);
    const listed = (list.body!.events as Array<Record<string, unknown>>).find((e) => e.reference === derco)!;
    expect(listed.prises).to.be.greaterThan(0);
    const shown = await req('GET', `/network/events/${derco}?first=3`);
    expect(shown.status).to.equal(200);
    expect((shown.body!.firstPrises as string[]).length).to.equal(3);
    expect(shown.body!.tickets).to.deep.equal([{ reference: ticket, operator: 'OPA', state: 'EN_DEPOT' }]);
    const opened = await req('GET', `/tickets/${ticket}`);
    expect(opened.body!.networkEvents).to.deep.equal([derco]);
  });

  it('refuses what the CLI refuses, in the API’s shape: a bad field named, an unknown element, a move the lifecycle forbids', async () => {
    const bad = await req('POST', '/network/events', { category: 'DERCO', equipmentType: 'PBO', equipment: PBO, start: '2026-12-03 09:30' });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.deep.include({ error: 'NETWORK_EVENT_INVALID', field: 'start' });
    expect(bad.body!.message).to.include('ISO 8601');
    const tpWithoutEnd = await req('POST', '/network/events', { category: 'TP', equipmentType: 'PBO', equipment: PBO, nature: 'REFE', start: '2026-12-10T08:00:00+01:00' });
    expect(tpWithoutEnd.status).to.equal(400);
    expect(tpWithoutEnd.body!.error).to.equal('NETWORK_EVENT_INVALID');
    const unknown = await req('POST', '/network/events', { category: 'DERCO', equipmentType: 'PBO', equipment: '99999-PBO-0000-000', start: '2026-12-03T09:30:00+01:00' });
    expect(unknown.status).to.equal(404);
    expect(unknown.body!.error).to.equal('NETWORK_EVENT_NOT_FOUND');
    expect((await req('GET', '/network/events/DERCO-9999999')).status).to.equal(404);
    const noChange = await req('POST', `/network/events/${derco}/moves`, { move: 'update' });
    expect(noChange.status).to.equal(409);
    expect(noChange.body!.error).to.equal('NETWORK_EVENT_CONFLICT');
    const closeTicketsOnReplan = await req('POST', `/network/events/${derco}/moves`, { move: 'replan', end: '2026-12-03T19:00:00+01:00', closeTickets: true });
    expect(closeTicketsOnReplan.status).to.equal(400);
    expect(closeTicketsOnReplan.body!.field).to.equal('closeTickets');
    expect((await req('POST', `/network/events/${derco}/moves`, { move: 'reopen' })).body!.field).to.equal('move');
  });

  it('replans, then closes with its linked tickets: commented and closed, each step recorded', async () => {
    const replanned = await req('POST', `/network/events/${derco}/moves`, { move: 'replan', end: '2026-12-03T19:00:00+01:00' });
    expect(replanned.status, JSON.stringify(replanned.body)).to.equal(200);
    expect(replanned.body).to.deep.include({ from: 'NOUVEAU', to: 'REPLANIFICATION', commented: [], closed: [] });
    now = new Date('2026-12-03T15:00:00Z');
    const closed = await req('POST', `/network/events/${derco}/moves`, { move: 'close', comments: 'Câble remplacé', closeTickets: true });
    expect(closed.status, JSON.stringify(closed.body)).to.equal(200);
    expect(closed.body).to.deep.include({ from: 'REPLANIFICATION', to: 'CLOTURE' });
    expect(closed.body!.commented).to.have.length(1);
    const [t] = closed.body!.closed as Array<Record<string, unknown>>;
    expect(t).to.deep.include({ operator: 'OPA', from: 'EN_DEPOT', to: 'CLOS', refusal: null });
    const ticket = await req('GET', `/tickets/${t!.reference as string}`);
    expect((ticket.body!.transitions as Array<{ actor: string }>).at(-1)!.actor).to.equal('agent:reseau.dupont');
    expect((await req('POST', `/network/events/${derco}/moves`, { move: 'cancel' })).status).to.equal(409);
    const all = await req('GET', '/network/events?all=true');
    expect((all.body!.events as Array<{ reference: string; state: string }>).find((e) => e.reference === derco)!.state).to.equal('CLOTURE');
    expect(((await req('GET', '/network/events')).body!.events as Array<{ reference: string }>).map((e) => e.reference)).to.not.include(derco);
  });

  it('documents the routes in its OpenAPI document', async () => {
    const doc = (await req('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.paths['/network/events']!.post!.operationId).to.equal('declareNetworkEvent');
    expect(doc.paths['/network/events/{reference}/moves']!.post!.operationId).to.equal('moveNetworkEvent');
  });
});
