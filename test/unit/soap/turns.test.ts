import { expect } from 'chai';
import { createTurns } from '../../../src/soap/turns.js';

/** Rounds run when the test says (a stand-in for setImmediate). */
function manualRounds() {
  const queued: Array<() => void> = [];
  return { schedule: (fn: () => void) => { queued.push(fn); }, run: async () => { queued.shift()?.(); await Promise.resolve(); await Promise.resolve(); } };
}

describe('fair turns between operators at the CPU-bound phases', () => {
  it('gives every waiting call of a lone operator its turn in one round', async () => {
    const rounds = manualRounds();
    const turns = createTurns(rounds.schedule);
    const order: string[] = [];
    for (const i of [1, 2, 3]) void turns.take('FLOOD').then(() => order.push(`FLOOD${i}`));
    await rounds.run();
    expect(order).to.deep.equal(['FLOOD1', 'FLOOD2', 'FLOOD3']);
  });

  it('gives each operator one turn per round while several wait, so a quiet call waits one call of the other at most', async () => {
    const rounds = manualRounds();
    const turns = createTurns(rounds.schedule);
    const order: string[] = [];
    for (const i of [1, 2, 3, 4]) void turns.take('FLOOD').then(() => order.push(`FLOOD${i}`));
    void turns.take('QUIET').then(() => order.push('QUIET'));
    await rounds.run();
    expect(order).to.deep.equal(['FLOOD1', 'QUIET']);
    await rounds.run();
    expect(order).to.deep.equal(['FLOOD1', 'QUIET', 'FLOOD2', 'FLOOD3', 'FLOOD4']);
  });
});
