/**
 * The OI's actions on appointments (issue 16 parts 1 and 5): the capacity plan and the outcome of appointments. One
 * use case behind every way in — esav-admin appointments and the internal API — so that the same request gets the
 * same checks and the same refusal (AppointmentPlanRefusal, mapped once by each). Inputs are `unknown` on purpose:
 * what a command line or a JSON body gave is checked here. Pure of I/O: the ports read and write.
 */
import { AppointmentPlanRefusal } from '../errors/appointment-plan-refusal.js';
import { isEsavError } from '../errors/esav-error.js';
import { recordOutcome } from './appointment-service.js';
import type {
  AppointmentFilter, AppointmentRecord, AppointmentStore, AppointmentTransitionRecord, SlotLine, ZoneSummary
} from './appointment-records.js';
import { DEFAULT_GRID, parisInstant, type GridRule } from './appointment-slots.js';
import { APPOINTMENT_KINDS, APPOINTMENT_REFERENCE, isAppointmentKind, isAppointmentState, type AppointmentKind } from './appointments.js';
import { parseIsoDate } from './calendar.js';

export interface AppointmentPlanPorts {
  readonly appointments: AppointmentStore;
  defineZone(code: string, label: string, communes: readonly string[], actor: string): Promise<void>;
  setGrid(zone: string, rule: GridRule, actor: string): Promise<void>;
  setDayCapacity(zone: string, kind: AppointmentKind, date: string, capacity: number, actor: string): Promise<number>;
  closeDay(zone: string | null, date: string, reason: string, actor: string): Promise<number>;
  reopenDay(zone: string | null, date: string, actor: string): Promise<void>;
  listZones(): Promise<ZoneSummary[]>;
  slotsOf(zone: string, kind: AppointmentKind, from: string, to: string): Promise<SlotLine[]>;
}

type Input = Readonly<Record<string, unknown>>;
const invalid = (field: string, why: string): AppointmentPlanRefusal => new AppointmentPlanRefusal(`${field}: ${why}`, 'invalid', field);

function text(v: unknown, field: string, max = 200): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(field, 'required');
  if (v.length > max) throw invalid(field, `${max} characters at most`);
  return v.trim();
}
const optionalText = (v: unknown, field: string, max = 500): string | null => (v === undefined || v === null || v === '' ? null : text(v, field, max));

function whole(v: unknown, field: string, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,5}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw invalid(field, `a whole number from 0 to ${max}`);
  return n;
}

function kind(v: unknown): AppointmentKind {
  const k = typeof v === 'string' ? v.toUpperCase() : v;
  if (!isAppointmentKind(k)) throw invalid('kind', `one of ${APPOINTMENT_KINDS.join(', ')}`);
  return k;
}

function date(v: unknown, field: string): string {
  if (typeof v !== 'string' || !parseIsoDate(v)) throw invalid(field, 'a date YYYY-MM-DD (Paris)');
  return v;
}

/** "1-5", "1,2,3,6" or [1, 2, 3]: ISO weekdays. */
function weekdays(v: unknown): number[] {
  if (Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) return [...new Set(v as number[])];
  const raw = typeof v === 'string' ? v : '';
  const range = /^([1-7])-([1-7])$/.exec(raw);
  if (range && range[1]! <= range[2]!) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  if (/^[1-7](,[1-7])*$/.test(raw)) return [...new Set(raw.split(',').map(Number))];
  throw invalid('days', 'ISO weekdays, e.g. 1-5 or 1,2,3,4,5,6');
}

function minuteOfDay(v: unknown): number {
  const m = typeof v === 'string' ? /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(v) : null;
  if (!m) throw invalid('start', 'HH:MM, Paris time');
  return Number(m[1]) * 60 + Number(m[2]);
}

function communes(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
  if (!list || list.length === 0 || !list.every((c) => typeof c === 'string')) throw invalid('communes', 'INSEE codes');
  return (list as string[]).map((c) => c.trim()).filter(Boolean);
}

const OUTCOME_EVENTS = Object.freeze({ start: 'start', complete: 'complete', missed: 'miss', failed: 'fail' } as const);
export type OutcomeName = keyof typeof OUTCOME_EVENTS;
export const OUTCOME_NAMES = Object.keys(OUTCOME_EVENTS) as OutcomeName[];

export interface AppointmentPlanActions {
  zones(): Promise<ZoneSummary[]>;
  /** Creates a zone or adds communes to it; a new zone gets the default grid of every kind it has none of. */
  defineZone(code: unknown, input: Input, actor: string): Promise<void>;
  setGrid(zone: unknown, input: Input, actor: string): Promise<GridRule>;
  setCapacity(zone: unknown, input: Input, actor: string): Promise<number>;
  closeDay(input: Input, actor: string): Promise<number>;
  reopenDay(input: Input, actor: string): Promise<void>;
  slots(zone: unknown, input: Input): Promise<SlotLine[]>;
  list(input: Input): Promise<AppointmentRecord[]>;
  /** One appointment of any operator (the OI's side) with its transitions. */
  show(reference: unknown): Promise<{ appointment: AppointmentRecord; transitions: AppointmentTransitionRecord[] }>;
  /** start, complete, missed, failed: the appointment's outcome and its effect on the ticket it serves. */
  outcome(reference: unknown, input: Input, actor: string, now: Date): Promise<AppointmentRecord>;
}

export const LIST_LIMIT = 500;

export function appointmentPlanActions(ports: AppointmentPlanPorts): AppointmentPlanActions {
  // Codes are checked before any lookup: what matches no code names nothing (and a NUL would be refused by PostgreSQL).
  const zoneCode = (v: unknown): string => {
    const code = text(v, 'zone', 32);
    if (!/^[A-Z0-9][A-Z0-9_-]{0,31}$/.test(code)) throw invalid('zone', 'capitals, digits, - and _, 32 at most');
    return code;
  };
  const optionalZone = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : zoneCode(v));
  return {
    zones: () => ports.listZones(),

    async defineZone(code, input, actor) {
      const c = zoneCode(code);
      await ports.defineZone(c, text(input.label, 'label'), communes(input.communes), actor);
      const known = (await ports.listZones()).find((z) => z.code === c);
      for (const rule of DEFAULT_GRID) if (!known?.kinds.includes(rule.kind)) await ports.setGrid(c, rule, actor);
    },

    async setGrid(zone, input, actor) {
      const rule: GridRule = {
        kind: kind(input.kind), weekdays: weekdays(input.days ?? '1-5'), firstStartMinute: minuteOfDay(input.start),
        slotMinutes: whole(input.slotMinutes, 'slotMinutes', 720), slotsPerDay: whole(input.slots, 'slots', 48),
        capacity: whole(input.technicians, 'technicians', 1000), onHolidays: input.holidays === true || input.holidays === 'true'
      };
      await ports.setGrid(zoneCode(zone), rule, actor);
      return rule;
    },

    // Every action is async: a refused input rejects its promise, it never throws while the call is made.
    setCapacity: async (zone, input, actor) =>
      ports.setDayCapacity(zoneCode(zone), kind(input.kind), date(input.date, 'date'), whole(input.technicians, 'technicians', 1000), actor),

    closeDay: async (input, actor) => ports.closeDay(optionalZone(input.zone), date(input.date, 'date'), text(input.reason, 'reason'), actor),

    reopenDay: async (input, actor) => ports.reopenDay(optionalZone(input.zone), date(input.date, 'date'), actor),

    async slots(zone, input) {
      const from = date(input.from, 'from');
      const to = input.to === undefined || input.to === null || input.to === '' ? from : date(input.to, 'to');
      if (to < from) throw invalid('to', `before from (${from})`);
      return ports.slotsOf(zoneCode(zone), kind(input.kind), from, to);
    },

    async list(input) {
      const state = optionalText(input.state, 'state', 20);
      if (state !== null && !isAppointmentState(state)) throw invalid('state', 'not an appointment state');
      const from = input.from === undefined || input.from === '' ? null : date(input.from, 'from');
      const to = input.to === undefined || input.to === '' ? null : date(input.to, 'to');
      const operator = optionalText(input.operator, 'operator', 16);
      if (operator !== null && !/^[A-Z0-9]{2,16}$/.test(operator)) throw invalid('operator', 'an operator code');
      const filter: AppointmentFilter = {
        operatorCode: operator, zoneCode: optionalZone(input.zone), state,
        from: from ? parisInstant(from, 0) : null, to: to ? parisInstant(to, 24 * 60) : null
      };
      return ports.appointments.list(filter, LIST_LIMIT);
    },

    async show(reference) {
      const ref = text(reference, 'reference', 64);
      const a = APPOINTMENT_REFERENCE.test(ref) ? await ports.appointments.find(null, ref) : null;
      if (!a) throw new AppointmentPlanRefusal(`no appointment ${ref}`, 'not-found');
      return { appointment: a, transitions: await ports.appointments.history(a.id) };
    },

    async outcome(reference, input, actor, now) {
      const name = input.event;
      if (typeof name !== 'string' || !Object.hasOwn(OUTCOME_EVENTS, name)) throw invalid('event', `one of ${OUTCOME_NAMES.join(', ')}`);
      const note = optionalText(input.note, 'note');
      try {
        return await recordOutcome(ports.appointments, text(reference, 'reference', 64), OUTCOME_EVENTS[name as OutcomeName], actor, note, now);
      } catch (e) {
        // The lifecycle's refusals, under the wire code operators see for them.
        if (isEsavError(e) && e.code !== 'ESAV_SERVICE_UNAVAILABLE') {
          throw new AppointmentPlanRefusal(`${e.definition.wireCode}: ${e.message}`, e.code === 'ESAV_RESOURCE_NOT_FOUND' ? 'not-found' : 'conflict');
        }
        throw e;
      }
    }
  };
}
