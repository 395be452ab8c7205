/**
 * The restoration deadline of a service guarantee (GTR) for a ticket accepted at an instant (S3 "les garanties de
 * service"): HNO counts every hour; HO counts working hours only — Monday to Friday, 08:00 to 18:00 Paris time,
 * French public holidays excluded.
 */
import { parisDate, parisMidnight } from './calendar.js';
import { isWorkingDay } from './french-calendar.js';

const HOUR = 3_600_000;
export const WORKING_HOURS = Object.freeze({ start: 8, end: 18 });

function nextDate(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The Paris instant of an hour of a Paris date (exact across DST changes: hours are added to local midnight). */
function parisAt(isoDate: string, hour: number): Date {
  const midnight = parisMidnight(isoDate);
  // Between 08:00 and 18:00 there is no DST change in France (changes happen at 02:00/03:00): offset is stable.
  const noonOffsetFix = parisMidnight(nextDate(isoDate)).getTime() - midnight.getTime() - 24 * HOUR;
  return new Date(midnight.getTime() + hour * HOUR + (hour >= 3 ? noonOffsetFix : 0));
}

export function restorationDeadline(acceptedAt: Date, hours: number, range: 'HO' | 'HNO'): Date {
  if (range === 'HNO') return new Date(acceptedAt.getTime() + hours * HOUR);
  let remaining = hours * HOUR;
  let day = parisDate(acceptedAt);
  let cursor = acceptedAt.getTime();
  for (let guard = 0; guard < 3660; guard++) {
    if (isWorkingDay(day)) {
      const open = parisAt(day, WORKING_HOURS.start).getTime();
      const close = parisAt(day, WORKING_HOURS.end).getTime();
      const from = Math.max(cursor, open);
      if (from < close) {
        if (from + remaining <= close) return new Date(from + remaining);
        remaining -= close - from;
      }
    }
    day = nextDate(day);
    cursor = parisMidnight(day).getTime();
  }
  throw new RangeError('restoration deadline beyond ten years');
}
