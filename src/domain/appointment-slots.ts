/**
 * The OI's capacity plan (issue 16 part 1), pure: a slot grid per zone and appointment kind, public holidays (the
 * French calendar) and closures make the slots of a period; slot search closes from 01:00 to 04:00 Paris time
 * (DOMAIN.md S4, contract 10.1), daylight saving included; a search period is bounded.
 */
import { EsavError } from '../errors/esav-error.js';
import { parisDate, parisMidnight, parisOffsetMinutes, parisTimestamp } from './calendar.js';
import { frenchPublicHolidays } from './french-calendar.js';
import type { AppointmentKind } from './appointments.js';

/** One row of a zone's grid for one kind: which days, from when, how many slots of what length, how many technicians. */
export interface GridRule {
  readonly kind: AppointmentKind;
  /** ISO weekdays: 1 Monday … 7 Sunday. */
  readonly weekdays: readonly number[];
  /** Minutes after Paris midnight of the first slot's start. */
  readonly firstStartMinute: number;
  readonly slotMinutes: number;
  readonly slotsPerDay: number;
  /** Technicians per slot: the slot's capacity. */
  readonly capacity: number;
  /** Whether the grid also opens on French public holidays (SAV+ does). */
  readonly onHolidays: boolean;
}

/** The default grid of a new zone (data): SAV office hours, SAV+ extended hours with Saturdays, expertise half-days. */
export const DEFAULT_GRID: readonly GridRule[] = Object.freeze([
  { kind: 'SAV', weekdays: [1, 2, 3, 4, 5], firstStartMinute: 8 * 60, slotMinutes: 120, slotsPerDay: 5, capacity: 3, onHolidays: false },
  { kind: 'SAV_PLUS', weekdays: [1, 2, 3, 4, 5, 6], firstStartMinute: 7 * 60, slotMinutes: 120, slotsPerDay: 7, capacity: 2, onHolidays: true },
  { kind: 'EXPERTISE', weekdays: [1, 2, 3, 4, 5], firstStartMinute: 9 * 60, slotMinutes: 240, slotsPerDay: 2, capacity: 1, onHolidays: false }
]);

/** Why a grid rule cannot be used, or null. */
export function gridRuleProblem(r: GridRule): string | null {
  if (r.weekdays.length === 0 || r.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return 'weekdays: 1 (Monday) to 7 (Sunday)';
  if (!Number.isInteger(r.slotMinutes) || r.slotMinutes < 30 || r.slotMinutes > 720) return 'slot length: 30 to 720 minutes';
  if (!Number.isInteger(r.slotsPerDay) || r.slotsPerDay < 1) return 'slots per day: at least 1';
  if (!Number.isInteger(r.firstStartMinute) || r.firstStartMinute < 0) return 'first start: a time of day';
  // Slots stay within one Paris day and outside 00:00–05:00 (no slot in a daylight-saving gap or fold).
  if (r.firstStartMinute < 5 * 60 || r.firstStartMinute + r.slotMinutes * r.slotsPerDay > 24 * 60) return 'slots must lie between 05:00 and 24:00';
  if (!Number.isInteger(r.capacity) || r.capacity < 0 || r.capacity > 1000) return 'capacity: 0 to 1000 technicians';
  return null;
}

/** A Paris wall-clock time of a date as an instant (only for times outside 00:00–05:00: no DST gap or fold there). */
export function parisInstant(isoDate: string, minuteOfDay: number): Date {
  const midnight = parisMidnight(isoDate);
  const guess = new Date(midnight.getTime() + minuteOfDay * 60_000);
  const shift = parisOffsetMinutes(guess) - parisOffsetMinutes(midnight);
  return new Date(guess.getTime() - shift * 60_000);
}

/** Minutes since Paris midnight of an instant, as the wall clock reads it. */
export function parisMinuteOfDay(at: Date): number {
  const wall = new Date(at.getTime() + parisOffsetMinutes(at) * 60_000);
  return wall.getUTCHours() * 60 + wall.getUTCMinutes();
}

function isoWeekday(isoDate: string): number {
  const d = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function nextDate(isoDate: string): string {
  return new Date(new Date(`${isoDate}T12:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
}

export interface PlannedSlot {
  readonly kind: AppointmentKind;
  readonly start: Date;
  readonly end: Date;
  readonly capacity: number;
}

/**
 * The slots a grid makes on the Paris dates from..to (inclusive), skipping closed dates and, unless the rule opens
 * on them, public holidays.
 */
export function planSlots(rules: readonly GridRule[], from: string, to: string, closedDates: ReadonlySet<string>): PlannedSlot[] {
  const out: PlannedSlot[] = [];
  for (let date = from; date <= to; date = nextDate(date)) {
    if (closedDates.has(date)) continue;
    const holiday = frenchPublicHolidays(Number(date.slice(0, 4))).has(date);
    const weekday = isoWeekday(date);
    for (const r of rules) {
      if (!r.weekdays.includes(weekday) || (holiday && !r.onHolidays)) continue;
      for (let i = 0; i < r.slotsPerDay; i++) {
        const startMinute = r.firstStartMinute + i * r.slotMinutes;
        out.push({ kind: r.kind, start: parisInstant(date, startMinute), end: parisInstant(date, startMinute + r.slotMinutes), capacity: r.capacity });
      }
    }
  }
  return out;
}

// ---- S4: slot search closes from 01:00 to 04:00 Paris time --------------------------------------------------------

export const SEARCH_CLOSED_FROM_MINUTE = 60;
export const SEARCH_CLOSED_UNTIL_MINUTE = 240;

/**
 * When slot search opens again if it is closed at `now`, else null. Read on the Paris wall clock, so that the window
 * is two real hours on the spring-forward Sunday (02:00 does not exist) and four on the fall-back Sunday (02:00–03:00
 * happens twice); 04:00 is after both changes, a plain wall-clock time.
 */
export function slotSearchReopensAt(now: Date): Date | null {
  const minute = parisMinuteOfDay(now);
  if (minute < SEARCH_CLOSED_FROM_MINUTE || minute >= SEARCH_CLOSED_UNTIL_MINUTE) return null;
  return parisInstant(parisDate(now), SEARCH_CLOSED_UNTIL_MINUTE);
}

export function assertSlotSearchOpen(now: Date): void {
  const reopens = slotSearchReopensAt(now);
  if (reopens === null) return;
  const retryAfterSeconds = Math.max(1, Math.ceil((reopens.getTime() - now.getTime()) / 1000));
  throw new EsavError('ESAV_SLOT_SEARCH_CLOSED', { params: { retryAt: parisTimestamp(reopens) }, retryAfterSeconds, nextWindow: reopens });
}

/** The longest period one search covers (a month of a zone's slots), and how far ahead slots are offered. */
export const MAX_SEARCH_DAYS = 31;
export const BOOKING_HORIZON_DAYS = 90;
const DAY = 86_400_000;

/** Checks a search period; answers it clipped to [now, now + horizon]. */
export function searchPeriod(from: Date, to: Date, now: Date): { from: Date; to: Date } {
  const refuse = (why: string): never => {
    throw new EsavError('ESAV_SLOT_PERIOD_INVALID', { params: { from: parisTimestamp(from), to: parisTimestamp(to), why } });
  };
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return refuse('dates illisibles');
  if (to.getTime() <= from.getTime()) return refuse('la fin doit suivre le début');
  if (to.getTime() - from.getTime() > MAX_SEARCH_DAYS * DAY) return refuse(`une recherche couvre au plus ${MAX_SEARCH_DAYS} jours`);
  const horizon = new Date(now.getTime() + BOOKING_HORIZON_DAYS * DAY);
  if (to.getTime() <= now.getTime()) return refuse('la période est passée');
  if (from.getTime() >= horizon.getTime()) return refuse(`les créneaux sont ouverts ${BOOKING_HORIZON_DAYS} jours à l'avance au plus`);
  return { from: from.getTime() < now.getTime() ? now : from, to: to.getTime() > horizon.getTime() ? horizon : to };
}
