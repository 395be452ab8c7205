/**
 * The OI's capacity plan on PostgreSQL (issue 16 part 1): zones of INSEE codes, a grid per zone and kind, closures,
 * the capacity of made slots. Used by `esav-admin appointments …` and the demo data; every change is one statement
 * or one transaction, refused (AppointmentPlanRefusal) rather than half-written.
 */
import type { SlotLine, ZoneSummary } from '../domain/appointment-records.js';
import type { AppointmentKind } from '../domain/appointments.js';
import { gridRuleProblem, parisInstant, planSlots, type GridRule } from '../domain/appointment-slots.js';
import { AppointmentPlanRefusal } from '../errors/appointment-plan-refusal.js';
import { count, run, transaction, type Pool, type Transaction } from './database.js';
import { recordChange } from './registry/audit.js';
import {
  addClosure, closeSlotsOfDay, deleteClosure, reopenSlotsOfDay, setCommuneZone, setDaySlotsCapacity, slotsOfPeriod, upsertGrid, upsertZone,
  zoneByCode, zoneList, communesTakenElsewhere
} from './queries/appointment-plan.js';
import { closedDays, insertSlots } from './queries/appointments.js';
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import { createAppointmentStore, toGridRule } from './appointment-store.js';
import type { AppointmentPlanPorts } from '../domain/appointment-plan-actions.js';
import { gridOfZone } from './queries/appointments.js';

const INSEE = /^[0-9][0-9AB][0-9]{3}$/;

/** Every plan change is audited in its own transaction (esav-admin audit), as the other administrative changes. */
function audit(tx: Transaction, actor: string, action: string, key: string, after: unknown): Promise<void> {
  return recordChange(tx, { actor, action, entity: 'appointment_plan', entityKey: key, after }, null);
}

async function zoneId(pool: Pool, code: string): Promise<string> {
  const [z] = await run<{ id: string }>(pool, zoneByCode(code));
  if (!z) throw new AppointmentPlanRefusal(`no zone ${code}`, 'not-found');
  return String(z.id);
}

/** Creates or renames a zone and gives it communes; a commune already in another zone is refused (one zone each). */
export async function defineZone(pool: Pool, code: string, label: string, inseeCodes: readonly string[], actor: string): Promise<void> {
  if (!/^[A-Z0-9][A-Z0-9_-]{0,31}$/.test(code)) throw new AppointmentPlanRefusal('zone code: capitals, digits, - and _, 32 at most', 'invalid', 'zone');
  const bad = inseeCodes.filter((c) => !INSEE.test(c));
  if (bad.length > 0) throw new AppointmentPlanRefusal(`not INSEE codes: ${bad.join(', ')}`, 'invalid', 'communes');
  await transaction(pool, async (tx) => {
    const [z] = await run<{ id: string }>(tx, upsertZone(code, label));
    const taken = await run<{ insee_code: string; code: string }>(tx, communesTakenElsewhere(String(z!.id), inseeCodes));
    if (taken.length > 0) {
      throw new AppointmentPlanRefusal(`already in another zone: ${taken.map((t) => `${t.insee_code} (${t.code})`).join(', ')}`, 'conflict', 'communes');
    }
    await run(tx, setCommuneZone(String(z!.id), inseeCodes));
    await audit(tx, actor, 'zone define', code, { label, communes: inseeCodes });
  });
}

export async function setGrid(pool: Pool, zoneCode: string, rule: GridRule, actor: string): Promise<void> {
  const problem = gridRuleProblem(rule);
  if (problem) throw new AppointmentPlanRefusal(problem, 'invalid');
  const id = await zoneId(pool, zoneCode);
  await transaction(pool, async (tx) => {
    await run(tx, upsertGrid(id, rule));
    await audit(tx, actor, 'grid set', `${zoneCode}/${rule.kind}`, rule);
  });
}

/** Makes the slots of a zone's grid for Paris dates from..to (what a search would make), for the plan's display. */
export async function makeSlots(pool: Pool, zoneCode: string, kind: AppointmentKind, from: string, to: string): Promise<number> {
  const id = await zoneId(pool, zoneCode);
  const grid = (await run<Parameters<typeof toGridRule>[0]>(pool, gridOfZone(id, kind))).map(toGridRule);
  const closed = new Set((await run<{ day: string }>(pool, closedDays(id, from, to))).map((r) => r.day));
  const planned = planSlots(grid, from, to, closed);
  if (planned.length > 0) await run(pool, insertSlots(id, planned));
  return planned.length;
}

/** Sets the capacity of a zone's slots of one kind on one Paris date (made first); refused below what is booked. */
export async function setDayCapacity(pool: Pool, zoneCode: string, kind: AppointmentKind, date: string, capacity: number, actor: string): Promise<number> {
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1000) throw new AppointmentPlanRefusal('capacity: 0 to 1000 technicians', 'invalid', 'technicians');
  await makeSlots(pool, zoneCode, kind, date, date);
  const id = await zoneId(pool, zoneCode);
  return transaction(pool, async (tx) => {
    const rows = await run<{ over: boolean }>(tx, setDaySlotsCapacity(id, kind, parisInstant(date, 0), parisInstant(nextDay(date), 0), capacity));
    if (rows.some((r) => r.over)) throw new AppointmentPlanRefusal(`some slots of ${date} have more than ${capacity} appointments booked`, 'conflict');
    await audit(tx, actor, 'capacity set', `${zoneCode}/${kind}/${date}`, { capacity, slots: rows.length });
    return rows.length;
  });
}

function nextDay(date: string): string {
  return new Date(new Date(`${date}T12:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
}

/** Closes a day (one zone, or every zone): no more slots made, the made ones take no more bookings. */
export async function closeDay(pool: Pool, zoneCode: string | null, date: string, reason: string, actor: string): Promise<number> {
  const id = zoneCode === null ? null : await zoneId(pool, zoneCode);
  return transaction(pool, async (tx) => {
    if ((await count(tx, addClosure(id, date, reason))) === 0) throw new AppointmentPlanRefusal(`${date} is already closed`, 'conflict');
    const closed = await count(tx, closeSlotsOfDay(id, parisInstant(date, 0), parisInstant(nextDay(date), 0)));
    await audit(tx, actor, 'closure add', `${zoneCode ?? '*'}/${date}`, { reason, slotsClosed: closed });
    return closed;
  });
}

export async function reopenDay(pool: Pool, zoneCode: string | null, date: string, actor: string): Promise<void> {
  const id = zoneCode === null ? null : await zoneId(pool, zoneCode);
  await transaction(pool, async (tx) => {
    if ((await count(tx, deleteClosure(id, date))) === 0) throw new AppointmentPlanRefusal(`${date} is not closed`, 'not-found');
    await run(tx, reopenSlotsOfDay(id, parisInstant(date, 0), parisInstant(nextDay(date), 0)));
    await audit(tx, actor, 'closure remove', `${zoneCode ?? '*'}/${date}`, null);
  });
}

export async function listZones(pool: Pool): Promise<ZoneSummary[]> {
  return (await run<{ code: string; label: string; communes: string[] | null; kinds: string[] | null }>(pool, zoneList()))
    .map((r) => ({ code: r.code, label: r.label, communes: r.communes ?? [], kinds: r.kinds ?? [] }));
}

/** A zone's made slots of a period with their free capacity (made from the grid first). */
export async function slotsOf(pool: Pool, zoneCode: string, kind: AppointmentKind, from: string, to: string): Promise<SlotLine[]> {
  await makeSlots(pool, zoneCode, kind, from, to);
  const rows = await run<{ kind: string; starts_at: Date; ends_at: Date; capacity: number; booked: number; closed: boolean }>(pool,
    slotsOfPeriod(await zoneId(pool, zoneCode), kind, parisInstant(from, 0), parisInstant(nextDay(to), 0)));
  return rows.map((r) => ({ kind: r.kind, start: r.starts_at, end: r.ends_at, capacity: r.capacity, booked: r.booked, closed: r.closed }));
}


/** The plan's store as the domain's ports (src/domain/appointment-plan-actions.ts). */
export function createAppointmentPlanPorts(pool: Pool, contract: NotificationContractFacts | null = null): AppointmentPlanPorts {
  return {
    appointments: createAppointmentStore(pool, contract),
    defineZone: (code, label, communes, actor) => defineZone(pool, code, label, communes, actor),
    setGrid: (zone, rule, actor) => setGrid(pool, zone, rule, actor),
    setDayCapacity: (zone, kind, date, capacity, actor) => setDayCapacity(pool, zone, kind, date, capacity, actor),
    closeDay: (zone, date, reason, actor) => closeDay(pool, zone, date, reason, actor),
    reopenDay: (zone, date, actor) => reopenDay(pool, zone, date, actor),
    listZones: () => listZones(pool),
    slotsOf: (zone, kind, from, to) => slotsOf(pool, zone, kind, from, to)
  };
}
