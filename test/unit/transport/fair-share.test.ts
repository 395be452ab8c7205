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
});
