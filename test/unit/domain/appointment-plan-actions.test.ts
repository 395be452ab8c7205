/** The OI's appointment actions check what a command line or a JSON body gave (src/domain/appointment-plan-actions.ts). */
import { expect } from 'chai';
import { appointmentPlanActions, type AppointmentPlanPorts } from '../../../src/domain/appointment-plan-actions.js';
import type { GridRule } from '../../../src/domain/appointment-slots.js';
import { AppointmentPlanRefusal } from '../../../src/errors/appointment-plan-refusal.js';

function ports(): AppointmentPlanPorts & { grids: GridRule[] } {
  const grids: GridRule[] = [];
  const none = async (): Promise<never> => { throw new Error('not used'); };
  return {
    grids,
    appointments: { slotSecret: none, zoneOfCommune: none, freeSlots: none, inTransaction: none, find: async () => null, history: none, list: async () => [] },
    defineZone: async () => undefined,
    setGrid: async (_zone, rule) => { grids.push(rule); },
    setDayCapacity: async () => 1, closeDay: async () => 0, reopenDay: async () => undefined,
    listZones: async () => [{ code: 'Z', label: 'z', communes: [], kinds: ['SAV'] }], slotsOf: async () => []
  };
}

async function refusal(p: Promise<unknown>): Promise<AppointmentPlanRefusal> {
  try { await p; } catch (e) { if (e instanceof AppointmentPlanRefusal) return e; throw e; }
  throw new Error('not refused');
}

describe('appointment plan actions', () => {
  it('reads a grid from a command line’s strings or a JSON body’s numbers alike', async () => {
    const p = ports();
    const a = appointmentPlanActions(p);
    const cli = await a.setGrid('Z', { kind: 'sav_plus', days: '1-6', start: '07:30', slotMinutes: '90', slots: '8', technicians: '2', holidays: true }, 'x');
    const json = await a.setGrid('Z', { kind: 'SAV_PLUS', days: [1, 2, 3, 4, 5, 6], start: '07:30', slotMinutes: 90, slots: 8, technicians: 2, holidays: 'true' }, 'x');
    expect(cli).to.deep.equal(json);
    expect(cli).to.deep.equal({ kind: 'SAV_PLUS', weekdays: [1, 2, 3, 4, 5, 6], firstStartMinute: 450, slotMinutes: 90, slotsPerDay: 8, capacity: 2, onHolidays: true });
  });

  it('names the field in error', async () => {
    const a = appointmentPlanActions(ports());
    const base = { kind: 'SAV', start: '08:00', slotMinutes: 60, slots: 2, technicians: 1 };
    expect((await refusal(a.setGrid('Z', { ...base, kind: 'VISITE' }, 'x'))).field).to.equal('kind');
    expect((await refusal(a.setGrid('Z', { ...base, days: '5-1' }, 'x'))).field).to.equal('days');
    expect((await refusal(a.setGrid('Z', { ...base, start: '8h' }, 'x'))).field).to.equal('start');
    expect((await refusal(a.setGrid('Z', { ...base, technicians: -1 }, 'x'))).field).to.equal('technicians');
    expect((await refusal(a.setCapacity('Z', { kind: 'SAV', date: '2026-02-30', technicians: 1 }, 'x'))).field).to.equal('date');
    expect((await refusal(a.closeDay({ date: '2026-12-24' }, 'x'))).field).to.equal('reason');
    expect((await refusal(a.slots('Z', { kind: 'SAV', from: '2026-12-10', to: '2026-12-09' }))).field).to.equal('to');
    expect((await refusal(a.list({ state: 'PERDU' }))).field).to.equal('state');
    expect((await refusal(a.outcome('RDV-2026-0000001', { event: 'toString' }, 'x', new Date()))).field).to.equal('event');
  });

  it('gives a new zone the default grid of each kind it has none of', async () => {
    const p = ports();
    await appointmentPlanActions(p).defineZone('Z', { label: 'z', communes: '21231, 21166' }, 'x');
    expect(p.grids.map((g) => g.kind)).to.deep.equal(['SAV_PLUS', 'EXPERTISE']);
  });
});
