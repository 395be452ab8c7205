/**
 * esav-admin appointments … (issue 16 parts 1 and 5): the plan's zones, grid, capacity and closures, audited; the
 * slots with their free capacity; the list; complete / missed / failed with their effects on the appointment.
 */
import { expect } from 'chai';
import { bookSlot, searchFreeSlots } from '../../src/domain/appointment-service.js';
import { fixedClock } from '../../src/domain/clock.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { createAppointmentStore } from '../../src/store/appointment-store.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { testPki } from '../support/pki.js';

describe('esav-admin appointments', () => {
  let db: TestDatabase;
  let admin: AdminRunner;
  const clock = fixedClock('2026-12-02T09:00:00Z');
  before(async () => { db = await freshDatabase(); await loadDemoData(db.pool, {}); admin = adminRunner(db.schema, await testPki()); });
  after(async () => { await db.drop(); });

  it('defines a zone with the default grid, sets a grid and a capacity, closes and reopens a day, every change audited', async () => {
    const run = (args: string[]) => admin(['appointments', ...args, '--actor', 'agent.plan'], clock);
    expect((await run(['zone', 'define', 'BEAUNE', '--label', 'Pays beaunois', '--communes', '21054,21106'])).code).to.equal(0);
    const zones = JSON.parse((await run(['zones', '--json'])).out) as Array<{ zone: string; communes: string; kinds: string }>;
    expect(zones.find((z) => z.zone === 'BEAUNE')).to.deep.include({ communes: '21054 21106', kinds: 'EXPERTISE SAV SAV_PLUS' });
    const taken = await run(['zone', 'define', 'AUTRE', '--label', 'x', '--communes', '21231']);
    expect([taken.code, taken.err]).to.satisfy(([c, e]: [number, string]) => c === 1 && e.includes('21231 (DIJON)'));
    expect((await run(['grid', 'BEAUNE', '--kind', 'SAV', '--days', '1-6', '--start', '09:00', '--slot-minutes', '180', '--slots', '3', '--technicians', '2'])).code)
      .to.equal(0);
    const saturday = JSON.parse((await run(['slots', 'BEAUNE', '--kind', 'SAV', '--from', '2026-12-12', '--json'])).out) as Array<Record<string, unknown>>;
    expect(saturday.map((s) => s.start)).to.deep.equal(['2026-12-12T09:00:00+01:00', '2026-12-12T12:00:00+01:00', '2026-12-12T15:00:00+01:00']);
    expect(saturday.every((s) => s.free === 2)).to.equal(true);
    expect((await run(['capacity', 'BEAUNE', '--kind', 'SAV', '--date', '2026-12-12', '--technicians', '5'])).out).to.equal('3 slot(s) set');
    expect((await run(['close', '2026-12-12', '--zone', 'BEAUNE', '--reason', 'Inventaire'])).code).to.equal(0);
    const closed = JSON.parse((await run(['slots', 'BEAUNE', '--kind', 'SAV', '--from', '2026-12-12', '--json'])).out) as Array<Record<string, unknown>>;
    expect(closed.every((s) => s.free === 0 && s.closed === 'yes')).to.equal(true);
    expect((await run(['reopen', '2026-12-12', '--zone', 'BEAUNE'])).code).to.equal(0);
    const { rows } = await sql<{ action: string; actor: string }>(db.pool, `SELECT action, actor FROM audit_log WHERE entity = 'appointment_plan' ORDER BY id`);
    expect(rows.map((r) => r.action)).to.deep.equal(['zone define', 'grid set', 'grid set', 'grid set', 'grid set', 'capacity set', 'closure add', 'closure remove']);
    expect(rows.every((r) => r.actor === 'agent.plan')).to.equal(true);
  });

  it('lists appointments and records their outcome: complete, missed (against the OI), failed; an illegal move is refused', async () => {
    const { rows: [o] } = await sql<{ id: string }>(db.pool, `SELECT id FROM operator WHERE code = 'OPA'`);
    const caller = { operator: { id: String(o!.id), code: 'OPA', name: 'A' }, certificateId: 'c', profile: FULL_PROFILE };
    const store = createAppointmentStore(db.pool);
    const slots = await searchFreeSlots(store, caller, { kind: 'SAV', inseeCode: '21231', from: new Date('2026-12-10T00:00:00Z'), to: new Date('2026-12-10T23:00:00Z') },
      clock.now());
    const refs: string[] = [];
    for (const s of slots.slice(0, 3)) refs.push((await bookSlot(store, caller, { token: s.token, inseeCode: '21231', marketSegment: 'GP' }, clock.now())).reference);
    const list = JSON.parse((await admin(['appointments', 'list', '--operator', 'OPA', '--json'], clock)).out) as Array<Record<string, string>>;
    expect(list.map((a) => a.reference)).to.deep.equal(refs);
    expect((await admin(['appointments', 'complete', refs[0]!, '--note', 'fibre ressoudée'], clock)).out).to.equal(`${refs[0]}: TERMINE`);
    expect((await admin(['appointments', 'missed', refs[1]!], clock)).out).to.equal(`${refs[1]}: MANQUE_OI`);
    expect((await admin(['appointments', 'failed', refs[2]!, '--note', 'absent'], clock)).out).to.equal(`${refs[2]}: ECHEC_CLIENT`);
    const again = await admin(['appointments', 'complete', refs[1]!], clock);
    expect(again.code).to.equal(1);
    expect(again.err).to.include('TRANSITION_RDV_INTERDITE');
    const missed = JSON.parse((await admin(['appointments', 'list', '--state', 'MANQUE_OI', '--json'], clock)).out) as unknown[];
    expect(missed).to.have.length(1);
    expect((await admin(['appointments', 'complete', 'RDV-2026-9999999'], clock)).err).to.include('RESSOURCE_INCONNUE');
  });
});
