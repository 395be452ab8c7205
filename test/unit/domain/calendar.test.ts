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
