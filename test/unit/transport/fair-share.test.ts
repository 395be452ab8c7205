import { expect } from 'chai';
import { createFairShare, type FairShareOptions, type ShareSlot } from '../../../src/transport/fair-share.js';

/** Timers fired by the test, never by the wall clock. */
function manualTimers() {
  const pending: Array<{ fn: () => void; cancelled: boolean }> = [];
  return {
    setTimer: (fn: () => void) => { const t = { fn, cancelled: false }; pending.push(t); return { cancel: () => { t.cancelled = true; } }; },
    fireAll: () => { for (const t of pending.splice(0)) if (!t.cancelled) t.fn(); }
  };
}

const slot = (r: unknown): ShareSlot => {
  expect(r).to.have.property('release');
  return r as ShareSlot;
};

describe('fair shares between operators', () => {
  const options = (timers: ReturnType<typeof manualTimers>, more: Partial<FairShareOptions> = {}): FairShareOptions =>
    ({ maxInFlight: 2, maxBufferedBytes: 1000, queueMs: 100, maxQueued: 1, setTimer: timers.setTimer, ...more });

  it('admits an operator’s calls up to its cap, then queues one and gives it the first place freed', async () => {
    const timers = manualTimers();
    const shares = createFairShare(options(timers));
    const a = slot(await shares.acquire('OPA', 10, false));
    slot(await shares.acquire('OPA', 10, false));
    const waiting = shares.acquire('OPA', 10, false);
    a.release();
    slot(await waiting);
    expect(shares.state().get('OPA')).to.deep.equal({ inFlight: 2, queued: 0 });
  });

  it('refuses a call over the cap once its wait is over, and one beyond the queue at once, for that operator only', async () => {
    const timers = manualTimers();
    const shares = createFairShare(options(timers));
    await shares.acquire('OPA', 10, false);
    await shares.acquire('OPA', 10, false);
    const waiting = shares.acquire('OPA', 10, false);
    expect(await shares.acquire('OPA', 10, false)).to.deep.equal({ refused: 'cap', inFlight: 2, limit: 2 });
    slot(await shares.acquire('OPB', 10, false));
    timers.fireAll();
    expect(await waiting).to.deep.equal({ refused: 'cap', inFlight: 2, limit: 2 });
  });

  it('counts the bytes a call announces, but always admits an operator’s first call', async () => {
    const timers = manualTimers();
    const shares = createFairShare(options(timers, { maxInFlight: 10, queueMs: 0 }));
    const big = slot(await shares.acquire('OPA', 5000, false));
    expect(await shares.acquire('OPA', 10, false)).to.have.property('refused', 'cap');
    big.release();
    slot(await shares.acquire('OPA', 900, false));
    expect(await shares.acquire('OPA', 200, false)).to.have.property('refused', 'cap');
  });

  it('under pressure sheds the heaviest operator and lets the quiet one through', async () => {
    const timers = manualTimers();
    const shares = createFairShare(options(timers, { maxInFlight: 100 }));
    for (let i = 0; i < 5; i++) slot(await shares.acquire('FLOOD', 10, false));
    slot(await shares.acquire('QUIET', 10, false));
    expect(await shares.acquire('FLOOD', 10, true)).to.deep.equal({ refused: 'pressure', inFlight: 5 });
    slot(await shares.acquire('QUIET', 10, true));
    slot(await shares.acquire('NEW', 10, true));
  });

  it('under pressure with nothing in flight on this instance, refuses every call (nobody to tell apart)', async () => {
    const shares = createFairShare(options(manualTimers()));
    expect(await shares.acquire('OPA', 10, true)).to.deep.equal({ refused: 'pressure', inFlight: 0 });
  });

  it('forgets a waiting call whose client left, and an operator refused with nothing in flight', async () => {
    const timers = manualTimers();
    const shares = createFairShare(options(timers));
    const a = slot(await shares.acquire('OPA', 10, false));
    slot(await shares.acquire('OPA', 10, false));
    const left = new AbortController();
    const waiting = shares.acquire('OPA', 10, false, left.signal);
    expect(shares.state().get('OPA')).to.deep.equal({ inFlight: 2, queued: 1 });
    left.abort();
    expect(await waiting).to.have.property('refused', 'cap');
    expect(shares.state().get('OPA')).to.deep.equal({ inFlight: 2, queued: 0 });
    a.release();
    expect(shares.state().get('OPA')).to.deep.equal({ inFlight: 1, queued: 0 });
    // Refused for pressure with nothing in flight anywhere: no empty share stays behind to weigh on the fair part.
    const idle = createFairShare(options(timers, { maxInFlight: 100 }));
    for (const op of ['A', 'B', 'C']) expect(await idle.acquire(op, 10, true)).to.have.property('refused', 'pressure');
    expect(idle.state().size).to.equal(0);
    for (let i = 0; i < 6; i++) slot(await idle.acquire('A', 10, false));
    slot(await idle.acquire('B', 10, false));
    slot(await idle.acquire('B', 10, true));
  });

  it('while several operators call, holds each to its part of the contended bytes (at least one call), not when alone', async () => {
    let now = 0;
    const timers = manualTimers();
    const shares = createFairShare(options(timers, { maxInFlight: 100, maxBufferedBytes: 100_000, queueMs: 0, contendedBytes: 1000, now: () => now }));
    for (let i = 0; i < 4; i++) slot(await shares.acquire('FLOOD', 400, false));
    slot(await shares.acquire('QUIET', 1, false)).release();
    expect(await shares.acquire('FLOOD', 400, false)).to.have.property('refused', 'cap');
    now += 1500; // the quiet operator stopped calling a while ago: FLOOD is alone again
    slot(await shares.acquire('FLOOD', 400, false));
  });

  it('gives the places back once, however often release is called', async () => {
    const shares = createFairShare(options(manualTimers()));
    const a = slot(await shares.acquire('OPA', 10, false));
    a.release();
    a.release();
    expect(shares.state().has('OPA')).to.equal(false);
    slot(await shares.acquire('OPA', 10, false));
    slot(await shares.acquire('OPA', 10, false));
  });
  describe('the contended rate (issue 14: the flood’s reception)', () => {
    /** A clock and timers the test moves: a timer fires when the clock passes its instant. */
    function timeline() {
      let now = 0;
      const due: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
      return {
        now: () => now,
        setTimer: (fn: () => void, ms: number) => { const t = { at: now + ms, fn, cancelled: false }; due.push(t); return { cancel: () => { t.cancelled = true; } }; },
        pending: () => due.filter((t) => !t.cancelled).length,
        async advance(ms: number) {
          now += ms;
          for (const t of due.splice(0).filter((x) => !x.cancelled)) {
            if (t.at <= now) t.fn(); else due.push(t);
          }
          await new Promise((r) => setImmediate(r));
        }
      };
    }
    const rated = (t: ReturnType<typeof timeline>, more: Partial<FairShareOptions> = {}): FairShareOptions => ({
      maxInFlight: 100, maxBufferedBytes: 1_000_000, queueMs: 100, maxQueued: 10, contendedBytesPerSecond: 20_000, rateWaitMs: 2000,
      setTimer: t.setTimer, now: t.now, ...more
    });
    const settled = async <T>(p: Promise<T>): Promise<T | 'waiting'> => Promise.race([p, new Promise<'waiting'>((r) => setImmediate(() => r('waiting')))]);

    it('holds no operator to a rate while it calls alone', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t));
      for (let i = 0; i < 20; i++) slot(await shares.acquire('FLOOD', 1000, false)).release();
    });

    it('while two operators call, holds each to half the rate: the heavy one waits with its body unread, the quiet one does not', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t));
      slot(await shares.acquire('QUIET', 10, false)).release();
      slot(await shares.acquire('FLOOD', 1000, false)).release(); // its burst: a tenth of a second of 10,000 B/s
      const waiting = shares.acquire('FLOOD', 500, false);
      expect(await settled(waiting)).to.equal('waiting');
      expect(t.pending()).to.equal(1);
      // Meanwhile the quiet operator is served at once.
      slot(await shares.acquire('QUIET', 10, false)).release();
      await t.advance(49);
      expect(await settled(waiting)).to.equal('waiting');
      await t.advance(1); // 500 bytes at 10,000 B/s: 50 ms
      slot(await waiting);
    });

    it('admits a call larger than the burst on a full burst, and counts its whole size against what follows', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t));
      slot(await shares.acquire('QUIET', 10, false)).release();
      slot(await shares.acquire('FLOOD', 240_000, false)).release();
      // 240,000 bytes at 10,000 B/s: 24 s before a burst is there again, beyond the rate wait.
      expect(await shares.acquire('FLOOD', 240_000, false)).to.deep.equal({ refused: 'rate', inFlight: 0, bytesPerSecond: 10_000, retryAfterMs: 24_000 });
    });

    it('refuses, with when to retry, a call that would wait longer than the rate wait, for that operator only', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t, { rateWaitMs: 50 }));
      slot(await shares.acquire('QUIET', 10, false)).release();
      slot(await shares.acquire('FLOOD', 1000, false)).release();
      expect(await shares.acquire('FLOOD', 1000, false)).to.deep.equal({ refused: 'rate', inFlight: 0, bytesPerSecond: 10_000, retryAfterMs: 100 });
      slot(await shares.acquire('QUIET', 10, false));
    });

    it('gives up a rate wait whose client left, taking no place', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t));
      slot(await shares.acquire('QUIET', 10, false)).release();
      slot(await shares.acquire('FLOOD', 1000, false)).release();
      const left = new AbortController();
      const waiting = shares.acquire('FLOOD', 500, false, left.signal);
      left.abort();
      expect(await waiting).to.have.property('refused', 'rate');
      expect(shares.state().has('FLOOD')).to.equal(false);
    });

    it('admits a chunked call while its operator is not overdrawn, and charges its bytes once they are read', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t));
      slot(await shares.acquire('QUIET', 10, false)).release();
      // Announced as the body limit (unknown length): admitted on an allowance that is not overdrawn, charged nothing yet.
      slot(await shares.acquire('QUIET', 1_000_000, false, undefined, false)).release();
      slot(await shares.acquire('QUIET', 1_000_000, false, undefined, false)).release();
      slot(await shares.acquire('FLOOD', 10, false)).release();
      shares.charge('FLOOD', 2000); // its chunked body was 2,000 bytes: 1,010 beyond its burst
      const waiting = shares.acquire('FLOOD', 1_000_000, false, undefined, false);
      await t.advance(100);
      expect(await settled(waiting)).to.equal('waiting');
      await t.advance(2); // back to one byte: 1,011 bytes at 10,000 B/s
      slot(await waiting);
    });

    it('builds no debt while alone: once another operator calls, the heavy one waits only for its part to refill', async () => {
      const t = timeline();
      const shares = createFairShare(rated(t));
      for (let i = 0; i < 50; i++) slot(await shares.acquire('FLOOD', 1000, false)).release(); // 50 kB at once, alone
      slot(await shares.acquire('QUIET', 10, false)).release();
      // 1000 bytes at 10,000 B/s from an empty allowance: 100 ms, within the rate wait (5 s if the 50 kB counted).
      const waiting = shares.acquire('FLOOD', 1000, false);
      expect(await settled(waiting)).to.equal('waiting');
      await t.advance(100);
      slot(await waiting);
  });
  });
});
