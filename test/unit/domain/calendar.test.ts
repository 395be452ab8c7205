import { expect } from 'chai';
import { addMonths, parisDate, parisMidnight, parisOffsetMinutes } from '../../../src/domain/calendar.js';

describe('calendar (Paris time, daylight saving included)', () => {
  it('adds calendar months and clamps to the end of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonths('2024-01-31', 1)).to.equal('2024-02-29');
    expect(addMonths('2026-08-15', 6)).to.equal('2027-02-15');
    expect(addMonths('2026-03-31', -1)).to.equal('2026-02-28');
  });

  it('knows the Paris offset in winter and in summer', () => {
    expect(parisOffsetMinutes(new Date('2026-01-15T12:00:00Z'))).to.equal(60);
    expect(parisOffsetMinutes(new Date('2026-07-15T12:00:00Z'))).to.equal(120);
  });

  it('changes the offset at the exact instant of both changes of hour (the offset is remembered per UTC hour)', () => {
    // Asked first inside the hour, then at its edges: a remembered value must not leak across a change.
    expect(parisOffsetMinutes(new Date('2026-03-29T00:30:00Z'))).to.equal(60);
    expect(parisOffsetMinutes(new Date('2026-03-29T00:59:59.999Z'))).to.equal(60);
    expect(parisOffsetMinutes(new Date('2026-03-29T01:00:00.000Z'))).to.equal(120);
    expect(parisOffsetMinutes(new Date('2026-10-25T00:59:59.999Z'))).to.equal(120);
    expect(parisOffsetMinutes(new Date('2026-10-25T01:00:00.000Z'))).to.equal(60);
    expect(parisOffsetMinutes(new Date('2026-10-25T01:30:00Z'))).to.equal(60);
  });

  it('agrees with the time-zone database at every minute around the changes and every hour of two years', () => {
    const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });
    const reference = (t: number): number => {
      const name = intl.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value; // "GMT+01:00"
      const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)!;
      return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    };
    const instants: number[] = [];
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2028-01-01T00:00:00Z'); t += 3_600_000) instants.push(t + 1_234_567);
    for (const change of ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2027-03-28T01:00:00Z', '2027-10-31T01:00:00Z']) {
      for (let m = -90; m <= 90; m++) instants.push(Date.parse(change) + m * 60_000);
    }
    const wrong = instants.filter((t) => parisOffsetMinutes(new Date(t)) !== reference(t));
    expect(wrong.map((t) => new Date(t).toISOString())).to.deep.equal([]);
  });

  it('places Paris midnight on both daylight-saving days of 2026', () => {
    // Clocks go forward on Sunday 29 March 2026 at 02:00 and back on Sunday 25 October 2026 at 03:00.
    expect(parisMidnight('2026-03-29').toISOString()).to.equal('2026-03-28T23:00:00.000Z');
    expect(parisMidnight('2026-03-30').toISOString()).to.equal('2026-03-29T22:00:00.000Z');
    expect(parisMidnight('2026-10-25').toISOString()).to.equal('2026-10-24T22:00:00.000Z');
    expect(parisMidnight('2026-10-26').toISOString()).to.equal('2026-10-25T23:00:00.000Z');
  });

  it('gives the Paris date of an instant', () => {
    expect(parisDate(new Date('2026-06-30T22:30:00Z'))).to.equal('2026-07-01');
    expect(parisDate(new Date('2026-12-31T22:59:59Z'))).to.equal('2026-12-31');
  });
});
