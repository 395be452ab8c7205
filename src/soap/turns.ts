/**
 * Turns at the CPU-bound phases of a call (parse, envelope, dispatch, authorize, validate: synchronous once begun),
 * shared fairly between operators (issue 14: one operator's costly documents must not delay another's calls).
 * Node runs callbacks in arrival order, so without turns every body that arrived before a quiet operator's is read
 * before it. Here every call waits for its turn, and turns are given once per turn of the event loop (setImmediate):
 * while a single operator has calls waiting they all get their turn at once (no cost when nobody competes); while
 * several have, each gets one turn per loop iteration, so a quiet operator's call waits at most one call of each
 * other operator, plus the I/O the loop serves between two rounds.
 */
export interface Turns {
  /** Resolves when the operator's call may run its CPU-bound phases. */
  take(operatorId: string): Promise<void>;
}

export function createTurns(schedule: (fn: () => void) => void = setImmediate): Turns {
  const waiting = new Map<string, Array<() => void>>();
  let scheduled = false;

  function round(): void {
    scheduled = false;
    if (waiting.size === 1) {
      const [[operator, calls]] = [...waiting];
      waiting.delete(operator!);
      for (const go of calls!) go();
      return;
    }
    for (const [operator, calls] of waiting) {
      calls.shift()!();
      if (calls.length === 0) waiting.delete(operator);
    }
    if (waiting.size > 0) later();
  }

  function later(): void {
    if (scheduled) return;
    scheduled = true;
    schedule(round);
  }

  return {
    take(operatorId) {
      return new Promise<void>((resolve) => {
        const calls = waiting.get(operatorId);
        if (calls) calls.push(resolve);
        else waiting.set(operatorId, [resolve]);
        later();
      });
    }
  };
}
