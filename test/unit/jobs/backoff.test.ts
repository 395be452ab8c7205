import { expect } from 'chai';
import { DEFAULT_BACKOFF, isStalled, nextAttemptAt, retryDelayMs } from '../../../src/jobs/backoff.js';

describe('jobs/backoff', () => {
  it('doubles from 1 s after each failure and caps at 10 min by default', () => {
    const delays = Array.from({ length: 12 }, (_, i) => retryDelayMs(DEFAULT_BACKOFF, i + 1) / 1000);
    expect(delays).to.deep.equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 600, 600, 600]);
  });

  it('never gives up: a stalled delivery is retried at the cap interval forever, and says it is stalled', () => {
    const policy = { baseMs: 1000, maxMs: 600_000, stalledAfterAttempts: 5 };
    expect(retryDelayMs(policy, 4)).to.equal(8000);
    expect(isStalled(policy, 4)).to.equal(false);
    expect(retryDelayMs(policy, 5)).to.equal(600_000);
    expect(isStalled(policy, 5)).to.equal(true);
    expect(retryDelayMs(policy, 10_000)).to.equal(600_000);
    expect(Number.isFinite(retryDelayMs({ ...policy, stalledAfterAttempts: 100_000 }, 5000))).to.equal(true);
  });

  it('is configurable down to milliseconds for tests, and schedules from the given instant', () => {
    const tiny = { baseMs: 10, maxMs: 80, stalledAfterAttempts: 100 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(tiny, n))).to.deep.equal([10, 20, 40, 80, 80, 80]);
    expect(nextAttemptAt(tiny, 3, new Date('2026-11-24T10:00:00Z')).toISOString()).to.equal('2026-11-24T10:00:00.040Z');
  });

  it('treats a nonsensical attempt count as the first failure', () => {
    expect(retryDelayMs(DEFAULT_BACKOFF, 0)).to.equal(1000);
    expect(retryDelayMs(DEFAULT_BACKOFF, -3)).to.equal(1000);
  });
});
