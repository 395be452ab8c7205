/**
 * Strict readers of the dates people type (the admin CLI's options, order forms): what is read is what was written,
 * or it is refused with the rule it breaks. `new Date()` normalises — 2027-02-30 becomes 2 March, +010000 a year
 * 10000 — and a planned window or a termination would silently be recorded on another day than the one typed.
 * - a date is ISO 8601 YYYY-MM-DD, a day of the Gregorian calendar (calendar.ts parseIsoDate);
 * - an instant is YYYY-MM-DDTHH:MM[:SS[.sss]] with its offset (Z or ±HH:MM, at most ±14:00 as in xsd:dateTime):
 *   no hour 24, no leap second (JavaScript cannot hold it), milliseconds at most (more would be rounded);
 * - years run from 0001 to 9999 (four digits, as xsd:dateTime writes them without a sign), the instant in UTC too.
 */
import { parseIsoDate } from './calendar.js';

export type Reading<T> = { readonly value: T; readonly problem?: undefined } | { readonly value?: undefined; readonly problem: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FIVE_DIGIT_YEAR = /^[+-]?\d{5,}-/;
const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_SHAPE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|z|([+-])(\d{2}):(\d{2}))$/;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z. */
const FIRST_INSTANT = -62_135_596_800_000;
const LAST_INSTANT = 253_402_300_799_999;

const refused = <T>(problem: string): Reading<T> => ({ problem });

function daysIn(y: number, m: number): number {
  const d = new Date(0);
  d.setUTCFullYear(y, m, 0);
  return d.getUTCDate();
}

/** A date YYYY-MM-DD that exists, as written. */
export function readIsoDate(text: string): Reading<string> {
  if (FIVE_DIGIT_YEAR.test(text)) return refused('years past 9999 are refused (four-digit years)');
  const shape = DATE_SHAPE.exec(text);
  if (!shape) return refused('a date YYYY-MM-DD is expected, e.g. 2026-12-02');
  const [y, m, d] = [Number(shape[1]), Number(shape[2]), Number(shape[3])];
  if (y < 1) return refused('year 0000 does not exist (years run from 0001 to 9999)');
  if (m < 1 || m > 12) return refused(`month ${shape[2]} does not exist (01 to 12)`);
  if (d < 1 || d > daysIn(y, m) || parseIsoDate(text) === null) {
    return refused(`${text} is not a day of the calendar (${MONTHS[m - 1]} ${shape[1]} has ${daysIn(y, m)} days)`);
  }
  return { value: text };
}

/** A month YYYY-MM. */
export function readIsoMonth(text: string): Reading<string> {
  if (FIVE_DIGIT_YEAR.test(text)) return refused('years past 9999 are refused (four-digit years)');
  const shape = /^(\d{4})-(\d{2})$/.exec(text);
  if (!shape) return refused('a month YYYY-MM is expected, e.g. 2026-12');
  const date = readIsoDate(`${text}-01`);
  return date.problem !== undefined ? refused(date.problem) : { value: text };
}

/** An instant written with its offset, read without any normalisation. */
export function readIsoInstant(text: string): Reading<Date> {
  if (FIVE_DIGIT_YEAR.test(text)) return refused('years past 9999 are refused (four-digit years)');
  const shape = INSTANT_SHAPE.exec(text);
  if (!shape) return refused('an ISO 8601 date-time with its offset is expected, e.g. 2026-12-02T22:00:00+01:00');
  const date = readIsoDate(shape[1]!);
  if (date.problem !== undefined) return refused(date.problem);
  const [hh, mm, ss] = [Number(shape[2]), Number(shape[3]), Number(shape[4] ?? '0')];
  if (hh > 23) return refused(`hour ${shape[2]} does not exist (00 to 23; midnight is 00:00 of the next day)`);
  if (mm > 59) return refused(`minute ${shape[3]} does not exist (00 to 59)`);
  if (ss > 59) return refused(`second ${shape[4]} does not exist (00 to 59, no leap second)`);
  let offsetMinutes = 0;
  if (shape[7] !== undefined) {
    const [oh, om] = [Number(shape[8]), Number(shape[9])];
    if (om > 59 || oh * 60 + om > 14 * 60) return refused(`offset ${shape[6]} does not exist (-14:00 to +14:00)`);
    offsetMinutes = (shape[7] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const [y, m, d] = shape[1]!.split('-').map(Number) as [number, number, number];
  const at = new Date(0);
  at.setUTCFullYear(y, m - 1, d);
  at.setUTCHours(hh, mm, ss, Number((shape[5] ?? '0').padEnd(3, '0')));
  const t = at.getTime() - offsetMinutes * 60_000;
  if (t < FIRST_INSTANT || t > LAST_INSTANT) return refused('the instant falls outside the years 0001 to 9999 in UTC');
  return { value: new Date(t) };
}
