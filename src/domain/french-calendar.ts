/**
 * French public holidays and working days (DOMAIN.md A3: a new certificate is delivered 15 working days before the
 * old one expires). Working days are Monday to Friday outside the eleven national public holidays (Code du travail,
 * art. L3133-1); Alsace-Moselle's two extra days are not counted.
 */
import { parseIsoDate } from './calendar.js';

/** Easter Sunday of a Gregorian year (the anonymous Gregorian computus, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function plusDays(isoDate: string, days: number): string {
  const p = parseIsoDate(isoDate);
  if (!p) throw new RangeError(`not an ISO date: ${isoDate}`);
  return new Date(Date.UTC(p.y, p.m - 1, p.d + days)).toISOString().slice(0, 10);
}

const cache = new Map<number, ReadonlySet<string>>();

/** The eleven national public holidays of a year, as ISO dates. */
export function frenchPublicHolidays(year: number): ReadonlySet<string> {
  let set = cache.get(year);
  if (!set) {
    const easter = easterSunday(year);
    const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map((md) => `${year}-${md}`);
    set = new Set([...fixed, plusDays(easter, 1) /* lundi de Pâques */, plusDays(easter, 39) /* Ascension */, plusDays(easter, 50) /* lundi de Pentecôte */]);
    cache.set(year, set);
  }
  return set;
}

export function isWorkingDay(isoDate: string): boolean {
  const p = parseIsoDate(isoDate);
  if (!p) throw new RangeError(`not an ISO date: ${isoDate}`);
  const weekday = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !frenchPublicHolidays(p.y).has(isoDate);
}

/** The date that is `count` working days after `isoDate` (the start date itself is not counted). */
export function addWorkingDays(isoDate: string, count: number): string {
  let date = isoDate;
  for (let left = count; left > 0;) {
    date = plusDays(date, 1);
    if (isWorkingDay(date)) left--;
  }
  return date;
}
