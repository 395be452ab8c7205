/**
 * The internal API's appointment routes (issue 16 part 1: "managed with esav-admin appointments … and the internal
 * API, audited"): the same actions as the CLI, the agent recorded from its certificate, refusals as 400/404/409.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { bookSlot, searchFreeSlots } from '../../src/domain/appointment-service.js';
import { fixedClock } from '../../src/domain/clock.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { createAppointmentStore } from '../../src/store/appointment-store.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { json } from '../support/internal-api.js';
import { testPki } from '../support/pki.js';

describe('internal API: appointments', () => {
  let db: TestDatabase;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let ca: string;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  const call = (method: string, path: string, body?: unknown) => json(port, ca, agent, method, path, body);

  before(async () => {
    db = await freshDatabase();
    await loadDemoData(db.pool, {});
    const pki = await testPki();
    ca = pki.ca;
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=plan.durand, O=BFC Fibre', kind: 'client' });
    api = await buildInternalApp({ pool: db.pool, clock, tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: [internalCa.certPem] } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
  });
  after(async () => { await api.close(); await db.drop(); });

  it('defines a zone and its grid, shows its slots, closes a day; audited under the agent’s CN', async () => {
    expect((await call('PUT', '/appointments/zones/AUXONNE', { label: 'Auxonne', communes: ['21038'] })).status).to.equal(204);
    const grid = await call('PUT', '/appointments/zones/AUXONNE/grid', { kind: 'EXPERTISE', days: [2, 4], start: '14:00', slotMinutes: 120, slots: 2, technicians: 1 });
    expect(grid.status, JSON.stringify(grid.body)).to.equal(200);
    const slots = await call('GET', '/appointments/zones/AUXONNE/slots?kind=EXPERTISE&from=2026-12-08&to=2026-12-10');
    expect((slots.body as unknown as Array<{ start: string }>).map((s) => s.start)).to.deep.equal(
      ['2026-12-08T13:00:00.000Z', '2026-12-08T15:00:00.000Z', '2026-12-10T13:00:00.000Z', '2026-12-10T15:00:00.000Z']);
    expect((await call('POST', '/appointments/closures', { zone: 'AUXONNE', date: '2026-12-10', reason: 'Crue' })).body).to.deep.equal({ slotsClosed: 2 });
    expect((await call('DELETE', '/appointments/closures?zone=AUXONNE&date=2026-12-10')).status).to.equal(204);
    const { rows } = await sql<{ actor: string }>(db.pool, `SELECT DISTINCT actor FROM audit_log WHERE entity = 'appointment_plan'`);
    expect(rows.map((r) => r.actor)).to.deep.equal(['agent:plan.durand']);
  });

  it('answers 400 naming the field, 404 for an unknown zone or appointment, 409 for a move the lifecycle forbids', async () => {
    const bad = await call('PUT', '/appointments/zones/AUXONNE/grid', { kind: 'SAV', start: '25:00', slotMinutes: 60, slots: 2, technicians: 1 });
    expect([bad.status, bad.body!.field]).to.deep.equal([400, 'start']);
    expect((await call('GET', '/appointments/zones/NULLEPART/slots?kind=SAV&from=2026-12-08')).status).to.equal(404);
    expect((await call('POST', '/appointments/RDV-2026-9999999/outcome', { event: 'complete' })).status).to.equal(404);
    // What matches no reference or code names nothing, and is not looked up: a NUL is not a PostgreSQL error (500).
    expect((await call('POST', '/appointments/RDV-2026-%00/outcome', { event: 'complete' })).status).to.equal(404);
    expect((await call('GET', '/appointments?operator=OP%00A')).status).to.equal(400);
    expect((await call('GET', '/appointments/zones/A%00B/slots?kind=SAV&from=2026-12-08')).status).to.equal(400);
    const { rows: [o] } = await sql<{ id: string }>(db.pool, `SELECT id FROM operator WHERE code = 'OPA'`);
    const caller = { operator: { id: String(o!.id), code: 'OPA', name: 'A' }, certificateId: 'c', profile: FULL_PROFILE };
    const store = createAppointmentStore(db.pool);
    const [slot] = await searchFreeSlots(store, caller, { kind: 'SAV', inseeCode: '21231', from: new Date('2026-12-10T00:00:00Z'), to: new Date('2026-12-10T23:00:00Z') }, clock.now());
    const a = await bookSlot(store, caller, { token: slot!.token, inseeCode: '21231', marketSegment: null }, clock.now());
    expect((await call('POST', `/appointments/${a.reference}/outcome`, { event: 'missed', note: 'véhicule en panne' })).body)
      .to.deep.equal({ reference: a.reference, state: 'MANQUE_OI', ticket: null });
    const again = await call('POST', `/appointments/${a.reference}/outcome`, { event: 'complete' });
    expect([again.status, again.body!.error]).to.deep.equal([409, 'PLAN_REFUSE']);
    const listed = await call('GET', '/appointments?operator=OPA&state=MANQUE_OI');
    expect((listed.body as unknown as Array<{ reference: string; outcomeNote: string }>).map((r) => [r.reference, r.outcomeNote]))
      .to.deep.equal([[a.reference, 'véhicule en panne']]);
  });
});
