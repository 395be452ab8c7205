import { expect } from 'chai';
import { createBatchedLookup } from '../../../src/store/batched-lookup.js';

describe('batched lookups (one query per turn of the event loop)', () => {
  function recorder(fail?: (keys: readonly string[]) => boolean) {
    const calls: string[][] = [];
    const lookup = createBatchedLookup<string, string>({
      maxBatch: 3,
      async load(keys) {
        calls.push([...keys]);
        if (fail?.(keys)) throw new Error(`database down for ${keys.join(',')}`);
        return keys.map((k) => (k.startsWith('x') ? null : k.toUpperCase()));
      }
    });
    return { calls, lookup };
  }

  it('answers the keys asked in one turn with one load, each its own answer, null when absent', async () => {
    const { calls, lookup } = recorder();
    const answers = await Promise.all(['a', 'xb', 'c'].map((k) => lookup.get(k)));
    expect(answers).to.deep.equal(['A', null, 'C']);
    expect(calls).to.deep.equal([['a', 'xb', 'c']]);
  });

  it('splits a large turn into loads of at most maxBatch keys, and starts a new batch on a later turn', async () => {
    const { calls, lookup } = recorder();
    const first = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => lookup.get(k)));
    const later = await lookup.get('f');
    expect(first).to.deep.equal(['A', 'B', 'C', 'D', 'E']);
    expect(later).to.equal('F');
    expect(calls).to.deep.equal([['a', 'b', 'c'], ['d', 'e'], ['f']]);
  });

  it('fails the waiters of a failed load only, with its error', async () => {
    const { lookup } = recorder((keys) => keys.includes('d'));
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((k) => lookup.get(k)));
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((results[3] as PromiseRejectedResult).reason.message).to.equal('database down for d');
  });
});
