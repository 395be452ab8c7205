import { expect } from 'chai';
import { addWorkingDays, easterSunday, frenchPublicHolidays, isWorkingDay } from '../../../src/domain/french-calendar.js';

describe('French working days (DOMAIN.md A3)', () => {
  it('computes Easter Sunday', () => {
    expect(easterSunday(2024)).to.equal('2024-03-31');
    expect(easterSunday(2026)).to.equal('2026-04-05');
    expect(easterSunday(2027)).to.equal('2027-03-28');
    expect(easterSunday(2038)).to.equal('2038-04-25');
  });

  it('lists the eleven public holidays, the movable ones included', () => {
    const h = frenchPublicHolidays(2026);
    expect(h.size).to.equal(11);
    expect([...h]).to.include.members(['2026-04-06', '2026-05-14', '2026-05-25', '2026-07-14', '2026-12-25']);
  });

  it('does not count weekends and holidays as working days', () => {
    expect(isWorkingDay('2026-11-24')).to.equal(true); // Tuesday
    expect(isWorkingDay('2026-11-28')).to.equal(false); // Saturday
    expect(isWorkingDay('2026-11-11')).to.equal(false); // Armistice, a Wednesday
  });

  it('adds 15 working days across a bank holiday', () => {
    // From Monday 2026-11-02: 15 working days skip the weekends and Wednesday 11 November.
    expect(addWorkingDays('2026-11-02', 15)).to.equal('2026-11-24');
    // Across Christmas and New Year's Day.
    expect(addWorkingDays('2026-12-18', 15)).to.equal('2027-01-12');
  });
});
