import { expect } from 'chai';
import { restorationDeadline } from '../../../src/domain/restoration.js';

describe('GTR restoration deadline', () => {
  it('counts every hour for HNO', () => {
    expect(restorationDeadline(new Date('2026-11-27T21:00:00Z'), 4, 'HNO').toISOString()).to.equal('2026-11-28T01:00:00.000Z');
  });

  it('counts working hours for HO: Friday 16:00 Paris + 4 h is Monday 10:00 Paris', () => {
    // 2026-11-27 is a Friday; Paris is UTC+1 in November.
    expect(restorationDeadline(new Date('2026-11-27T15:00:00Z'), 4, 'HO').toISOString()).to.equal('2026-11-30T09:00:00.000Z');
  });

  it('starts HO at 08:00 for a ticket accepted at night, and skips public holidays', () => {
    // Accepted Tuesday 10 November 2026 at 22:00 Paris; Wednesday 11 November is Armistice day.
    expect(restorationDeadline(new Date('2026-11-10T21:00:00Z'), 8, 'HO').toISOString()).to.equal('2026-11-12T15:00:00.000Z');
  });

  it('keeps working hours in local time across the change to summer time', () => {
    // Friday 27 March 2026 17:00 Paris (UTC+1) + 2 h HO = Monday 30 March 09:00 Paris (UTC+2).
    expect(restorationDeadline(new Date('2026-03-27T16:00:00Z'), 2, 'HO').toISOString()).to.equal('2026-03-30T07:00:00.000Z');
  });
});
