/**
 * When the service is interrupted (DOMAIN.md M1, M2): every night around 04:00 Paris time for about 15 minutes
 * (database updates), and during planned maintenance announced at least 2 working days before. Times are Paris
 * wall-clock times, daylight saving included.
 */
import { parisDate, parisMidnight } from './calendar.js';
import { addWorkingDays } from './french-calendar.js';
import { EsavError } from '../errors/esav-error.js';

export interface NightlyWindow {
  /** Paris wall-clock start, minutes after midnight (04:00 = 240). */
  readonly startMinute: number;
  readonly durationMinutes: number;
}

export const DEFAULT_NIGHTLY_WINDOW: NightlyWindow = Object.freeze({ startMinute: 4 * 60, durationMinutes: 15 });

export interface PlannedWindow {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
  readonly reason: string;
  readonly announcedAt: Date;
}

export interface ActiveWindow {
  readonly kind: 'nightly' | 'planned';
  readonly start: Date;
  readonly end: Date;
  readonly reason: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The instant of a Paris wall-clock time on a Paris date. 04:00 exists on both daylight-saving days (the changes
 * happen at 02:00 and 03:00), so the offset after the change applies.
 */
export function parisWallClock(isoDate: string, minuteOfDay: number): Date {
  const midnight = parisMidnight(isoDate).getTime();
  const next = new Date(`${isoDate}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const dayLength = parisMidnight(next.toISOString().slice(0, 10)).getTime() - midnight;
  // On the day of a change, hours after 03:00 are shifted by the change (23 h or 25 h days).
  const shift = minuteOfDay >= 3 * 60 ? dayLength - 24 * HOUR : 0;
  return new Date(midnight + minuteOfDay * MINUTE + shift);
}

export function nightlyWindowOf(isoDate: string, w: NightlyWindow = DEFAULT_NIGHTLY_WINDOW): ActiveWindow {
  const start = parisWallClock(isoDate, w.startMinute);
  return { kind: 'nightly', start, end: new Date(start.getTime() + w.durationMinutes * MINUTE), reason: 'mise à jour quotidienne des bases de données (M1)' };
}

/** The window in force at an instant, if any (planned maintenance first: it may be longer). */
export function activeWindow(now: Date, planned: readonly PlannedWindow[], w: NightlyWindow = DEFAULT_NIGHTLY_WINDOW): ActiveWindow | null {
  const t = now.getTime();
  const p = planned.find((x) => x.start.getTime() <= t && t < x.end.getTime());
  if (p) return { kind: 'planned', start: p.start, end: p.end, reason: p.reason };
  const nightly = nightlyWindowOf(parisDate(now), w);
  return nightly.start.getTime() <= t && t < nightly.end.getTime() ? nightly : null;
}

/**
 * The window in force at an instant and until when that answer holds (the next start or end of a window, or the
 * next Paris midnight, whichever comes first): every call asks, and the answer changes a few times a day.
 */
export function activeWindowUntil(now: Date, planned: readonly PlannedWindow[], w: NightlyWindow = DEFAULT_NIGHTLY_WINDOW): { window: ActiveWindow | null; until: Date } {
  const t = now.getTime();
  const today = parisDate(now);
  const tomorrow = new Date(`${today}T00:00:00Z`);
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
  const nextDay = tomorrow.toISOString().slice(0, 10);
  const boundaries = [parisMidnight(nextDay).getTime(), ...planned.flatMap((p) => [p.start.getTime(), p.end.getTime()])];
  if (w.durationMinutes > 0) {
    const n = nightlyWindowOf(today, w);
    boundaries.push(n.start.getTime(), n.end.getTime(), nightlyWindowOf(nextDay, w).start.getTime());
  }
  const until = Math.min(...boundaries.filter((b) => b > t));
  return { window: activeWindow(now, planned, w), until: new Date(until) };
}

/** The windows to come within a horizon, in order (for the operation that lists them). */
export function comingWindows(now: Date, planned: readonly PlannedWindow[], days: number, w: NightlyWindow = DEFAULT_NIGHTLY_WINDOW): ActiveWindow[] {
  const out: ActiveWindow[] = [];
  let date = parisDate(now);
  for (let i = 0; i <= days && w.durationMinutes > 0; i++) {
    const n = nightlyWindowOf(date, w);
    if (n.end.getTime() > now.getTime()) out.push(n);
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    date = d.toISOString().slice(0, 10);
  }
  const horizon = now.getTime() + days * 24 * HOUR;
  for (const p of planned) if (p.end.getTime() > now.getTime() && p.start.getTime() <= horizon) out.push({ kind: 'planned', start: p.start, end: p.end, reason: p.reason });
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * The longest planned maintenance: every web service is closed during it (M2), so a window of a hundred years typed by
 * mistake would close the gateway for good. A longer work is planned as several windows, each announced (M2).
 */
export const MAX_PLANNED_MAINTENANCE_DAYS = 7;

/** M2: a planned maintenance must be announced at least 2 working days before it starts, and lasts 7 days at most. */
export function plannedWindowProblem(start: Date, end: Date, announcedAt: Date): string | null {
  if (end.getTime() <= start.getTime()) return 'la fin doit suivre le début';
  const days = (end.getTime() - start.getTime()) / 86_400_000;
  if (days > MAX_PLANNED_MAINTENANCE_DAYS) {
    return `durée : une maintenance planifiée dure au plus ${MAX_PLANNED_MAINTENANCE_DAYS} jours, pas ${Math.ceil(days)} jours`;
  }
  const earliest = parisMidnight(addWorkingDays(parisDate(announcedAt), 2));
  if (start.getTime() < earliest.getTime()) {
    return `préavis de 2 jours ouvrés (M2) : annoncée le ${parisDate(announcedAt)}, une maintenance peut commencer au plus tôt le ${parisDate(earliest)} à 00:00 (Paris)`;
  }
  return null;
}

const PARIS_SHORT = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

/** The refusal of a call during a window (M1, M2): when it ends, in Paris time, and the seconds until then. */
export function closedForMaintenance(window: { readonly end: Date; readonly reason: string }, now: Date): EsavError {
  const retryAfter = Math.max(1, Math.ceil((window.end.getTime() - now.getTime()) / 1000));
  return new EsavError('ESAV_MAINTENANCE', {
    params: { reason: window.reason, until: PARIS_SHORT.format(window.end) }, retryAfterSeconds: retryAfter, nextWindow: window.end
  });
}
