/**
 * Appointments on PostgreSQL (issue 16 parts 1, 4, 5): no overbooking under concurrent bookings from two pools (two
 * gateway instances) and two operators; forged, other operators' and stale idCreneau refused; a slot booked in
 * between refused as full; closures; the ticket frozen RENDEZ_VOUS unfrozen by a booking and frozen again by a
 * failed appointment; completion closing the ticket; a miss written on the ticket.
 */
import { expect } from 'chai';
import {
  bookSlot, cancelAppointment, confirmAppointment, consultAppointment, moveAppointment, recordOutcome, searchFreeSlots
} from '../../src/domain/appointment-service.js';
import type { Caller } from '../../src/domain/identity.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { EsavError } from '../../src/errors/esav-error.js';
import { closeDay, setDayCapacity } from '../../src/store/appointment-plan-store.js';
import { createAppointmentStore } from '../../src/store/appointment-store.js';
import { createPool, type Pool } from '../../src/store/database.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const DAY = '2026-12-10'; // a Thursday

async function refused(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try { await p; } catch (e) { if (e instanceof EsavError || (e instanceof Error && 'code' in e)) return e as EsavError; throw e; }
  throw new Error('not refused');
}

describe('appointments store: capacity, idCreneau, tickets', () => {
  let db: TestDatabase;
  let second: Pool;
  let opa: Caller;
  let opb: Caller;

  before(async () => {
    db = await freshDatabase(10);
    second = createPool({ connectionString: db.url, poolSize: 10, schema: db.schema, statementTimeoutMs: db.statementTimeoutMs });
    await loadDemoData(db.pool, {});
    const { rows } = await sql<{ id: string; code: string; name: string }>(db.pool, `SELECT id, code, name FROM operator WHERE code IN ('OPA', 'OPB')`);
    const caller = (code: string): Caller => {
      const o = rows.find((r) => r.code === code)!;
      return { operator: { id: String(o.id), code: o.code, name: o.name }, certificateId: `cert-${code}`, profile: FULL_PROFILE };
    };
    opa = caller('OPA');
    opb = caller('OPB');
  });
  after(async () => { await second.end(); await db.drop(); });

  const search = (c: Caller, kind: 'SAV' | 'SAV_PLUS' | 'EXPERTISE' = 'SAV', insee = '21231', from = `${DAY}T00:00:00Z`, to = `${DAY}T23:00:00Z`, pool = db.pool) =>
    searchFreeSlots(createAppointmentStore(pool), c, { kind, inseeCode: insee, from: new Date(from), to: new Date(to) }, NOW);

  it('offers the zone’s free slots of a kind, with free capacity', async () => {
    const slots = await search(opa);
    expect(slots.map((s) => s.start.toISOString())).to.deep.equal(['07', '09', '11', '13', '15'].map((h) => `${DAY}T${h}:00:00.000Z`));
    expect(slots.every((s) => s.free === 3 && s.kind === 'SAV')).to.equal(true);
    expect((await search(opa, 'SAV', '21166')).length, 'a neighbour commune of the same zone').to.equal(5);
    expect((await refused(search(opa, 'SAV', '75056'))).code).to.equal('ESAV_COMMUNE_NOT_SERVED');
  });

  it('books exactly 3 of 50 concurrent bookings of one slot of capacity 3, from two pools and two operators', async () => {
    const [, , last] = await search(opa, 'SAV', '21231', `${DAY}T00:00:00Z`, `${DAY}T23:00:00Z`);
    const offerA = (await search(opa)).find((s) => s.start.getTime() === last!.start.getTime())!;
    const offerB = (await search(opb, 'SAV', '21231', `${DAY}T00:00:00Z`, `${DAY}T23:00:00Z`, second)).find((s) => s.start.getTime() === last!.start.getTime())!;
    const attempts = Array.from({ length: 50 }, (_, i) => {
      const [caller, offer, pool] = i % 2 === 0 ? [opa, offerA, db.pool] : [opb, offerB, second];
      return bookSlot(createAppointmentStore(pool), caller, { token: offer.token, inseeCode: '21231', marketSegment: 'GP' }, NOW)
        .then(() => 'booked', (e: unknown) => (e instanceof EsavError ? e.code : String(e)));
    });
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'booked')).to.have.length(3);
    expect(outcomes.filter((o) => o !== 'booked').every((o) => o === 'ESAV_SLOT_FULL'), outcomes.join(',')).to.equal(true);
    const { rows } = await sql<{ n: number; booked: number }>(db.pool,
      `SELECT (SELECT count(*)::int FROM appointment a WHERE a.slot_id = s.id) AS n, s.booked FROM appointment_slot s WHERE s.starts_at = $1 AND s.kind = 'SAV'`,
      [last!.start]);
    expect(rows).to.deep.equal([{ n: 3, booked: 3 }]);
    expect((await search(opa)).map((s) => s.start.getTime())).to.not.include(last!.start.getTime());
  });

  it('refuses a forged idCreneau, another operator’s, one for another commune’s zone, and a stale one', async () => {
    const [offer] = await search(opa);
    const store = createAppointmentStore(db.pool);
    const book = (c: Caller, token: string, at = NOW, insee = '21231') => bookSlot(store, c, { token, inseeCode: insee, marketSegment: null }, at);
    const forged = offer!.token.replace(/-(\w)/, (_m, c: string) => `-${c === '1' ? '2' : '1'}`);
    expect((await refused(book(opa, forged))).code).to.equal('ESAV_SLOT_UNKNOWN');
    expect((await refused(book(opb, offer!.token))).code, 'offered to OPA').to.equal('ESAV_SLOT_UNKNOWN');
    expect((await refused(book(opa, offer!.token, NOW, '25056'))).code, 'a Besançon booking of a Dijon slot').to.equal('ESAV_SLOT_UNKNOWN');
    expect((await refused(book(opa, offer!.token, new Date(NOW.getTime() + 31 * 60_000)))).code).to.equal('ESAV_SLOT_STALE');
    // Closed by the OI after the search: stale too, and no longer offered.
    const [friday] = await search(opa, 'SAV', '21231', '2026-12-11T00:00:00Z', '2026-12-11T23:00:00Z');
    await closeDay(db.pool, 'DIJON', '2026-12-11', 'Formation des techniciens', 'agent.plan');
    const stale = await refused(book(opa, friday!.token));
    expect(stale.code).to.equal('ESAV_SLOT_STALE');
    expect(stale.message).to.match(/fermé/);
    expect(await search(opa, 'SAV', '21231', '2026-12-11T00:00:00Z', '2026-12-11T23:00:00Z')).to.deep.equal([]);
    expect(await sql(db.pool, 'SELECT 1 FROM appointment WHERE operator_id = $1 AND slot_id IN (SELECT id FROM appointment_slot WHERE closed)', [opa.operator.id]))
      .to.deep.equal({ rows: [] });
  });

  it('refuses to lower a capacity below what is booked', async () => {
    const e = await refused(setDayCapacity(db.pool, 'DIJON', 'SAV', DAY, 2, 'agent.plan'));
    expect(e.message).to.match(/more than 2/);
    expect(await setDayCapacity(db.pool, 'DIJON', 'SAV', DAY, 4, 'agent.plan')).to.equal(5);
  });

  it('moves, confirms, cancels within cut-offs, and hides an appointment from another operator (A6)', async () => {
    const store = createAppointmentStore(db.pool);
    const [first, second2] = await search(opa, 'SAV_PLUS');
    const a = await bookSlot(store, opa, { token: first!.token, inseeCode: '21231', marketSegment: 'GP' }, NOW);
    expect(a.state).to.equal('CREE');
    expect(a.reference).to.match(/^RDV-2026-\d{7}$/);
    expect((await refused(consultAppointment(store, opb, a.reference))).code).to.equal('ESAV_RESOURCE_NOT_FOUND');
    expect((await refused(confirmAppointment(store, opb, a.reference, NOW))).code).to.equal('ESAV_RESOURCE_NOT_FOUND');
    expect((await refused(cancelAppointment(store, opb, a.reference, null, NOW))).code).to.equal('ESAV_RESOURCE_NOT_FOUND');
    const moved = await moveAppointment(store, opa, a.reference, second2!.token, 'REPORT_RDV_RESERVE', NOW);
    expect(moved.slotStart).to.deep.equal(second2!.start);
    const { rows } = await sql<{ booked: number }>(db.pool, 'SELECT booked FROM appointment_slot WHERE id = $1', [a.slotId]);
    expect(rows[0]!.booked, 'the old slot given back').to.equal(0);
    expect((await confirmAppointment(store, opa, a.reference, NOW)).state).to.equal('CONFIRME');
    const late = await refused(cancelAppointment(store, opa, a.reference, null, new Date(second2!.start.getTime() - 3600_000)));
    expect(late.code).to.equal('ESAV_APPOINTMENT_CUTOFF');
    expect((await cancelAppointment(store, opa, a.reference, 'client indisponible', NOW)).state).to.equal('ANNULE');
    const history = (await consultAppointment(store, opa, a.reference)).history.map((h) => `${h.event}:${h.to}`);
    expect(history).to.deep.equal(['book:CREE', 'move:CREE', 'confirm:CONFIRME', 'cancel:ANNULE']);
  });

  it('unfreezes a ticket frozen RENDEZ_VOUS when booked for it, freezes it again on the customer’s absence, closes it on completion', async () => {
    const store = createAppointmentStore(db.pool);
    const tickets = createTicketStore(db.pool);
    const { rows: [svc] } = await sql<{ id: string }>(db.pool,
      `SELECT s.id FROM service s WHERE s.operator_id = $1 AND s.offer_code = 'FTTH' AND s.state = 'active' LIMIT 1`, [opa.operator.id]);
    const { rows: [t] } = await sql<{ reference: string }>(db.pool,
      `INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version, form_fields, state,
                           accepted_at, state_changed_at, freeze_reason)
       SELECT 'SIG-2026-9000001', $1, s.id, s.service_id, s.offer_code, 'OPA-RDV-1', 'h', 'ftth', 2, '[]', 'GELE', $3, $3, 'RENDEZ_VOUS' FROM service s WHERE s.id = $2
       RETURNING reference`, [opa.operator.id, svc!.id, NOW]);
    const [slot, other] = await search(opa, 'EXPERTISE');
    expect((await refused(bookSlot(store, opb, { token: (await search(opb, 'EXPERTISE'))[0]!.token, inseeCode: '21231', marketSegment: null,
      ticketReference: t!.reference }, NOW))).message, 'OPB cannot book for OPA’s ticket').to.match(/signalisation « SIG-2026-9000001 »/);
    const a = await bookSlot(store, opa, { token: slot!.token, inseeCode: '21231', marketSegment: null, ticketReference: t!.reference }, NOW);
    expect(a.ticketReference).to.equal(t!.reference);
    expect((await tickets.find(opa.operator.id, t!.reference))!.state).to.equal('EN_COURS');
    await recordOutcome(store, a.reference, 'fail', 'tech.dupont', 'porte close', NOW);
    const frozen = (await tickets.find(opa.operator.id, t!.reference))!;
    expect([frozen.state, frozen.freezeReason]).to.deep.equal(['GELE', 'RENDEZ_VOUS']);
    const rebooked = await moveAppointment(store, opa, a.reference, other!.token, 'NOUVEAU_RDV', NOW);
    expect(rebooked.state).to.equal('CREE');
    expect((await tickets.find(opa.operator.id, t!.reference))!.state).to.equal('EN_COURS');
    await recordOutcome(store, a.reference, 'complete', 'tech.dupont', 'connecteur remplacé', NOW);
    expect((await tickets.find(opa.operator.id, t!.reference))!.state).to.equal('CLOS');
  });

  it('writes a miss by the OI on the ticket and lets the operator take a new appointment', async () => {
    const store = createAppointmentStore(db.pool);
    const [slot, next] = await search(opa, 'SAV', '21231', '2026-12-14T00:00:00Z', '2026-12-14T23:00:00Z');
    const a = await bookSlot(store, opa, { token: slot!.token, inseeCode: '21231', marketSegment: null }, NOW);
    expect((await refused(recordOutcome(store, a.reference, 'miss', 'x', null, NOW).then(() => moveAppointment(store, opa, a.reference, next!.token, 'REPORT_RDV_RESERVE', NOW)))).code)
      .to.equal('ESAV_APPOINTMENT_TRANSITION');
    expect((await moveAppointment(store, opa, a.reference, next!.token, 'NOUVEAU_RDV', NOW)).state).to.equal('CREE');
  });
});
