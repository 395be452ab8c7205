import { expect } from 'chai';
import { readIsoDate, readIsoInstant, readIsoMonth } from '../../../src/domain/strict-dates.js';

describe('strict date readers (src/domain/strict-dates.ts)', () => {
  it('reads instants as written, with their offset, to the millisecond', () => {
    const cases: Array<[string, string]> = [
      ['2026-12-02T22:00:00+01:00', '2026-12-02T21:00:00.000Z'], ['2026-12-02T22:00+01:00', '2026-12-02T21:00:00.000Z'],
      ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'], ['2026-07-01T08:30:15.5-02:30', '2026-07-01T11:00:15.500Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'], ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
      ['2026-01-01T00:00:00+14:00', '2025-12-31T10:00:00.000Z']
    ];
    for (const [text, iso] of cases) expect(readIsoInstant(text).value?.toISOString(), text).to.equal(iso);
  });

  it('refuses what new Date() would move or guess, saying the rule', () => {
    const cases: Array<[string, string]> = [
      ['2027-02-30T22:00:00+01:00', '2027-02-30 is not a day of the calendar (February 2027 has 28 days)'],
      ['2026-04-31T00:00:00Z', 'April 2026 has 30 days'],
      ['2027-13-01T00:00:00Z', 'month 13 does not exist'],
      ['+010000-01-01T00:00:00Z', 'years past 9999 are refused'], ['10000-01-01T00:00:00Z', 'years past 9999 are refused'],
      ['9999-12-31T23:00:00-05:00', 'outside the years 0001 to 9999 in UTC'],
      ['2026-12-02T24:00:00Z', 'hour 24 does not exist'], ['2026-12-02T10:60:00Z', 'minute 60 does not exist'],
      ['2026-12-02T10:00:60Z', 'second 60 does not exist'], ['2026-12-02T10:00:00+15:00', 'offset +15:00 does not exist'],
      ['2026-12-02T10:00:00', 'with its offset is expected'], ['2026-12-02 10:00Z', 'with its offset is expected'],
      ['Dec 2 2026 10:00Z', 'with its offset is expected'], ['2026-12-02T10:00:00.1234Z', 'with its offset is expected'],
      ['0000-01-01T00:00:00Z', 'year 0000 does not exist']
    ];
    for (const [text, problem] of cases) expect(readIsoInstant(text).problem, text).to.include(problem);
  });

  it('reads dates and months that exist, and refuses the others', () => {
    expect(readIsoDate('2024-02-29')).to.deep.equal({ value: '2024-02-29' });
    expect(readIsoDate('2027-02-30').problem).to.equal('2027-02-30 is not a day of the calendar (February 2027 has 28 days)');
    expect(readIsoDate('2100-02-29').problem).to.include('February 2100 has 28 days');
    expect(readIsoDate('12026-01-01').problem).to.include('years past 9999');
    expect(readIsoDate('2026-1-5').problem).to.include('a date YYYY-MM-DD is expected');
    expect(readIsoMonth('2026-12')).to.deep.equal({ value: '2026-12' });
    expect(readIsoMonth('2026-13').problem).to.include('month 13 does not exist');
    expect(readIsoMonth('10000-01').problem).to.include('years past 9999');
  });
});
