/**
 * Appointments on PostgreSQL (implements the domain's AppointmentStore, src/domain/appointment-records.ts). Every
 * operator-side read is scoped by operator_id; a change runs in one transaction that locks the appointment, the
 * slots it takes or gives back and the ticket it serves; each change writes its notice to the operator in it
 * (src/store/operator-notices.ts).
 */
import type {
  AppointmentRecord, AppointmentStore, AppointmentTransaction, AppointmentTransitionRecord, SlotView
} from '../domain/appointment-records.js';
import type { AppointmentKind, AppointmentState } from '../domain/appointments.js';
import type { GridRule } from '../domain/appointment-slots.js';
import { parisDate } from '../domain/calendar.js';
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import { invariantViolated } from '../errors/coded-error.js';
import { run, transaction, type Executor, type Pool } from './database.js';
import {
  appointmentByReference, appointmentHistory, closedDays, freeSlots, gridOfZone, insertAppointment, insertAppointmentTransition, insertSlots,
  listAppointments, releaseSlot, slotInZone, slotSecret, takeSlot, ticketIdOfAppointment, updateAppointment, zoneOfCommune
} from './queries/appointments.js';
import { noticeOfAppointmentChange } from './operator-notices.js';
import { lockedTicket } from './ticket-store.js';

interface SlotRow { id: string; zone_id: string; kind: AppointmentKind; starts_at: Date; ends_at: Date; capacity: number; booked: number; closed: boolean }
const toSlot = (r: SlotRow): SlotView => ({
  id: String(r.id), zoneId: String(r.zone_id), kind: r.kind, start: r.starts_at, end: r.ends_at, capacity: r.capacity, booked: r.booked, closed: r.closed
});

interface AppointmentRow {
  id: string; reference: string; operator_id: string; operator_code: string; kind: AppointmentKind; insee_code: string; market_segment: string | null;
  state: AppointmentState; slot_id: string; zone_code: string; starts_at: Date; ends_at: Date; ticket_reference: string | null; outcome_note: string | null;
  created_at: Date; state_changed_at: Date;
}
const toAppointment = (r: AppointmentRow): AppointmentRecord => ({
  id: String(r.id), reference: r.reference, operatorId: String(r.operator_id), operatorCode: r.operator_code, kind: r.kind, inseeCode: r.insee_code,
  marketSegment: r.market_segment, state: r.state, slotId: String(r.slot_id), zoneCode: r.zone_code, slotStart: r.starts_at, slotEnd: r.ends_at,
  ticketReference: r.ticket_reference, outcomeNote: r.outcome_note, createdAt: r.created_at, stateChangedAt: r.state_changed_at
});

interface GridRow {
  kind: AppointmentKind; weekdays: number[]; first_start_minute: number; slot_minutes: number; slots_per_day: number; capacity: number; on_holidays: boolean;
}
export const toGridRule = (r: GridRow): GridRule => ({
  kind: r.kind, weekdays: r.weekdays.map(Number), firstStartMinute: r.first_start_minute, slotMinutes: r.slot_minutes, slotsPerDay: r.slots_per_day,
  capacity: r.capacity, onHolidays: r.on_holidays
});

async function findOn(on: Executor, operatorId: string | null, reference: string, lock: boolean): Promise<AppointmentRecord | null> {
  const [row] = await run<AppointmentRow>(on, appointmentByReference(operatorId, reference, lock));
  return row ? toAppointment(row) : null;
}

/** The Paris dates from..to, inclusive. */
function parisDates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = new Date(new Date(`${d}T12:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10)) out.push(d);
  return out;
}

/**
 * `contract`: the notification contract's versions and operations, to decide whether each change is pushed to the
 * operator (notificationRendezVous); null: recorded as not pushed.
 */
export function createAppointmentStore(pool: Pool, contract: NotificationContractFacts | null = null): AppointmentStore {
  // The key never changes once the migration made it: read once per process.
  let secret: Promise<Buffer> | null = null;
  // The dates whose slots this process made (or found made) from a grid, by zone, kind and the grid itself: a later
  // search of them skips the closures' read and the insert (made slots are never deleted; a changed grid is another
  // key; a date closed when it was made is not remembered, so that reopening it makes its slots).
  const made = new Set<string>();
  return {
    slotSecret() {
      secret ??= run<{ hmac_key: Buffer }>(pool, slotSecret()).then(([r]) => {
        if (!r) throw invariantViolated('appointment_secret has no row (migration 0012 makes it)');
        return r.hmac_key;
      });
      secret.catch(() => { secret = null; });
      return secret;
    },

    async zoneOfCommune(inseeCode) {
      const [row] = await run<{ id: string; code: string }>(pool, zoneOfCommune(inseeCode));
      return row ? { id: String(row.id), code: row.code } : null;
    },

    async freeSlots(zoneId, kind, from, to, plan) {
      const grid = (await run<GridRow>(pool, gridOfZone(zoneId, kind))).map(toGridRule);
      const dates = parisDates(parisDate(from), parisDate(to));
      const key = (date: string): string => `${zoneId}/${kind}/${JSON.stringify(grid)}/${date}`;
      if (grid.length > 0 && !dates.every((d) => made.has(key(d)))) {
        const closed = new Set((await run<{ day: string }>(pool, closedDays(zoneId, dates[0]!, dates.at(-1)!))).map((r) => r.day));
        const planned = plan(grid, closed);
        if (planned.length > 0) await run(pool, insertSlots(zoneId, planned));
        if (made.size > 100_000) made.clear();
        for (const d of dates) if (!closed.has(d)) made.add(key(d));
      }
      return (await run<SlotRow>(pool, freeSlots(zoneId, kind, from, to))).map(toSlot);
    },

    inTransaction(fn) {
      return transaction(pool, (client) => {
        const tx: AppointmentTransaction = {
          lockAppointment: (operatorId, reference) => findOn(client, operatorId, reference, true),
          async takeSlot(slotId, zoneId, kind, now) {
            const [taken] = await run<SlotRow>(client, takeSlot(slotId, zoneId, kind, now));
            if (taken) return { taken: true, slot: toSlot(taken) };
            const [seen] = await run<SlotRow>(client, slotInZone(slotId, zoneId, kind));
            return { taken: false, slot: seen ? toSlot(seen) : null };
          },
          async releaseSlot(slotId) { await run(client, releaseSlot(slotId)); },
          async insertAppointment(a) {
            const [row] = await run<{ id: string; reference: string }>(client, insertAppointment(a));
            return { id: String(row!.id), reference: row!.reference };
          },
          async record(appointmentId, operatorId, change) {
            if (change.from !== null) await run(client, updateAppointment(appointmentId, change));
            await run(client, insertAppointmentTransition(appointmentId, operatorId, change));
            await noticeOfAppointmentChange(client, appointmentId, operatorId, change, contract);
          },
          ticket: (operatorId, reference) => lockedTicket(client, operatorId, reference),
          async ticketOf(appointmentId) {
            const [row] = await run<{ reference: string; operator_id: string }>(client, ticketIdOfAppointment(appointmentId));
            return row ? lockedTicket(client, String(row.operator_id), row.reference) : null;
          }
        };
        return fn(tx);
      });
    },

    find: (operatorId, reference) => findOn(pool, operatorId, reference, false),

    async history(appointmentId) {
      type Row = { event: string; from_state: AppointmentState | null; to_state: AppointmentState; from_start: Date | null; to_start: Date | null;
        at: Date; actor_kind: string; actor: string; reason: string | null };
      return (await run<Row>(pool, appointmentHistory(appointmentId))).map((r): AppointmentTransitionRecord => ({
        event: r.event, from: r.from_state, to: r.to_state, fromSlotStart: r.from_start, toSlotStart: r.to_start, at: r.at, actorKind: r.actor_kind,
        actor: r.actor, reason: r.reason
      }));
    },

    async list(filter, limit) {
      return (await run<AppointmentRow>(pool, listAppointments(filter, limit))).map(toAppointment);
    }
  };
}
