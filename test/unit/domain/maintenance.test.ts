import { expect } from 'chai';
import { activeWindow, activeWindowUntil, comingWindows, nightlyWindowOf, plannedWindowProblem } from '../../../src/domain/maintenance.js';

describe('maintenance windows (DOMAIN.md M1, M2)', () => {
  it('opens the nightly window at 04:00 Paris for 15 minutes on an ordinary day', () => {
    const w = nightlyWindowOf('2026-11-24');
    expect(w.start.toISOString()).to.equal('2026-11-24T03:00:00.000Z');
    expect(w.end.toISOString()).to.equal('2026-11-24T03:15:00.000Z');
    expect(activeWindow(new Date('2026-11-24T02:59:59Z'), [])).to.equal(null);
    expect(activeWindow(new Date('2026-11-24T03:00:00Z'), [])?.kind).to.equal('nightly');
    expect(activeWindow(new Date('2026-11-24T03:14:59Z'), [])?.end.toISOString()).to.equal('2026-11-24T03:15:00.000Z');
    expect(activeWindow(new Date('2026-11-24T03:15:00Z'), [])).to.equal(null);
  });

  it('keeps 04:00 Paris on the day clocks go forward (29 March 2026: 02:00 → 03:00)', () => {
    expect(nightlyWindowOf('2026-03-29').start.toISOString()).to.equal('2026-03-29T02:00:00.000Z');
    expect(activeWindow(new Date('2026-03-29T02:05:00Z'), [])?.kind).to.equal('nightly');
    expect(activeWindow(new Date('2026-03-29T03:05:00Z'), [])).to.equal(null);
  });

  it('keeps 04:00 Paris on the day clocks go back (25 October 2026: 03:00 → 02:00)', () => {
    expect(nightlyWindowOf('2026-10-25').start.toISOString()).to.equal('2026-10-25T03:00:00.000Z');
    expect(activeWindow(new Date('2026-10-25T02:05:00Z'), [])).to.equal(null);
    expect(activeWindow(new Date('2026-10-25T03:05:00Z'), [])?.kind).to.equal('nightly');
  });

  it('refuses a planned maintenance announced less than 2 working days ahead', () => {
    // Announced Friday 27 November: two working days later is Tuesday 1 December.
    const announced = new Date('2026-11-27T15:00:00Z');
    expect(plannedWindowProblem(new Date('2026-11-30T21:00:00Z'), new Date('2026-11-30T23:00:00Z'), announced)).to.include('au plus tôt le 2026-12-01');
    expect(plannedWindowProblem(new Date('2026-11-30T23:00:00Z'), new Date('2026-12-01T01:00:00Z'), announced)).to.equal(null);
  });

  it('applies a planned window when due and lists the coming windows in order', () => {
    const p = { id: '1', start: new Date('2026-12-02T21:00:00Z'), end: new Date('2026-12-02T23:30:00Z'), reason: 'montée de version', announcedAt: new Date('2026-11-24T10:00:00Z') };
    expect(activeWindow(new Date('2026-12-02T22:00:00Z'), [p])).to.deep.include({ kind: 'planned', reason: 'montée de version' });
    const coming = comingWindows(new Date('2026-12-01T12:00:00Z'), [p], 2);
    expect(coming.map((w) => `${w.kind}@${w.start.toISOString()}`)).to.deep.equal([
      'nightly@2026-12-02T03:00:00.000Z', 'planned@2026-12-02T21:00:00.000Z', 'nightly@2026-12-03T03:00:00.000Z'
    ]);
  });

  describe('how long the answer holds (remembered by each instance between boundaries)', () => {
    const at = (iso: string) => new Date(iso);
    const planned = [{ id: '1', start: at('2026-11-24T09:00:00Z'), end: at('2026-11-24T10:30:00Z'), reason: 'montée de version', announcedAt: at('2026-11-19T10:00:00Z') }];

    it('holds until the nightly window, through it, then until the next boundary', () => {
      // 24 November 2026, Paris is UTC+1: the nightly window is 03:00–03:15 UTC.
      expect(activeWindowUntil(at('2026-11-24T01:00:00Z'), planned)).to.deep.equal({ window: null, until: at('2026-11-24T03:00:00Z') });
      const inside = activeWindowUntil(at('2026-11-24T03:05:00Z'), planned);
      expect(inside.window?.kind).to.equal('nightly');
      expect(inside.until).to.deep.equal(at('2026-11-24T03:15:00Z'));
      expect(activeWindowUntil(at('2026-11-24T03:15:00Z'), planned)).to.deep.equal({ window: null, until: at('2026-11-24T09:00:00Z') });
      const maintenance = activeWindowUntil(at('2026-11-24T09:30:00Z'), planned);
      expect(maintenance.window?.kind).to.equal('planned');
      expect(maintenance.until).to.deep.equal(at('2026-11-24T10:30:00Z'));
      // After the last window of the day: until Paris midnight, when the next day's window is computed.
      expect(activeWindowUntil(at('2026-11-24T12:00:00Z'), planned)).to.deep.equal({ window: null, until: at('2026-11-24T23:00:00Z') });
    });

    it('places the boundaries right on the day clocks go back', () => {
      // 25 October 2026: 04:00 Paris is 03:00 UTC (UTC+1 after 03:00 summer time).
      expect(activeWindowUntil(at('2026-10-24T23:30:00Z'), [])).to.deep.equal({ window: null, until: at('2026-10-25T03:00:00Z') });
      expect(activeWindowUntil(at('2026-10-25T03:00:00Z'), []).until).to.deep.equal(at('2026-10-25T03:15:00Z'));
    });

    it('agrees with activeWindow at every minute of a day with a planned window', () => {
      for (let t = at('2026-11-24T00:00:00Z').getTime(); t < at('2026-11-25T00:00:00Z').getTime(); t += 60_000) {
        const now = new Date(t);
        const { window, until } = activeWindowUntil(now, planned);
        expect(window).to.deep.equal(activeWindow(now, planned));
        // Just before the boundary the answer is still the same.
        expect(activeWindow(new Date(until.getTime() - 1), planned)).to.deep.equal(window);
      }
    });
  });
});
