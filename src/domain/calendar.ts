/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) and Paris wall-clock time. Business dates of the contract are
 * Paris dates (ARCHITECTURE.md §5): a version that goes live "on 2026-07-06" goes live at 00:00 Europe/Paris,
 * daylight saving included.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(value: string): { y: number; m: number; d: number } | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0 to 99 as 1900 to 1999.
  const probe = new Date(0);
  probe.setUTCFullYear(y, m - 1, d);
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return { y, m, d };
}

/** Adds calendar months; the day is clamped to the last day of the target month (2026-01-31 + 1 = 2026-02-28). */
export function addMonths(isoDate: string, months: number): string {
  const p = parseIsoDate(isoDate);
  if (!p) throw new RangeError(`not an ISO date: ${isoDate}`);
  const target = new Date(Date.UTC(p.y, p.m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(p.d, lastDay));
  return target.toISOString().slice(0, 10);
}

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris', hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'
});

function computeParisOffsetMinutes(at: Date): number {
  const parts: Record<string, number> = {};
  for (const p of parisParts.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

const HOUR_MS = 3_600_000;
const offsets = new Map<number, number>();

/**
 * Offset of Paris from UTC at an instant, in minutes (+60 in winter, +120 in summer). Paris changes its offset at
 * 01:00 UTC, on a whole UTC hour, so the offset is constant within a UTC hour: it is computed (Intl, a few
 * microseconds) once per hour and remembered (every request asks it, for the maintenance window and the dates).
 */
export function parisOffsetMinutes(at: Date): number {
  const hour = Math.floor(at.getTime() / HOUR_MS);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    offset = computeParisOffsetMinutes(at);
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

const midnights = new Map<string, Date>();

/** The instant at which a Paris date begins (00:00 Europe/Paris). Memoised: rules ask it of a few constant dates. */
export function parisMidnight(isoDate: string): Date {
  let at = midnights.get(isoDate);
  if (at === undefined) {
    at = computeParisMidnight(isoDate);
    if (midnights.size < 10_000) midnights.set(isoDate, at);
  }
  return new Date(at.getTime());
}

function computeParisMidnight(isoDate: string): Date {
  const p = parseIsoDate(isoDate);
  if (!p) throw new RangeError(`not an ISO date: ${isoDate}`);
  const utcMidnight = Date.UTC(p.y, p.m - 1, p.d);
  // Midnight never falls in a DST gap in Paris (changes happen at 02:00/03:00), so one correction is exact.
  const offset = parisOffsetMinutes(new Date(utcMidnight - 60 * 60000));
  const guess = new Date(utcMidnight - offset * 60000);
  const check = parisOffsetMinutes(guess);
  return check === offset ? guess : new Date(utcMidnight - check * 60000);
}

/** The Paris calendar date of an instant. */
export function parisDate(at: Date): string {
  return new Date(at.getTime() + parisOffsetMinutes(at) * 60000).toISOString().slice(0, 10);
}

/** An instant as Paris wall-clock time with its offset, to the second: 2026-12-02T10:45:00+01:00 (what the OI's staff read). */
export function parisTimestamp(at: Date): string {
  const offset = parisOffsetMinutes(at);
  const local = new Date(at.getTime() + offset * 60000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
