/**
 * Fair shares of one instance's work between operators (issue 14, item 2; DOMAIN.md A6 in spirit: one operator's
 * traffic must not degrade another's). Each operator has a cap on its calls in flight and on the bytes its calls
 * announce (Content-Length, buffered before parsing). A call over its operator's cap waits briefly in that
 * operator's queue for one of its own calls to finish, then is refused for that operator only, with a retry-after.
 * Under pressure (event loop lag, database pool saturated) the heaviest operators are shed first: a call is refused
 * only when its operator has at least its fair part of the calls in flight, so a quiet operator is never refused.
 * In memory, per instance: with N instances behind a balancer an operator may hold N shares.
 */
export interface FairShareOptions {
  readonly maxInFlight: number;
  readonly maxBufferedBytes: number;
  /** How long a call over its operator's cap waits for a place before being refused. */
  readonly queueMs: number;
  /** Calls of one operator waiting at most; beyond, refused at once. */
  readonly maxQueued: number;
  /** Timers, injected by tests. */
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export type ShareRefusal = { readonly refused: 'cap'; readonly inFlight: number; readonly limit: number } | { readonly refused: 'pressure'; readonly inFlight: number };

export interface ShareSlot {
  /** Gives the place back; idempotent (called when the answer is sent or the connection closes). */
  release(): void;
}

export interface FairShare {
  /** A place for one call of `operator` announcing `bytes`, or why it is refused. */
  acquire(operator: string, bytes: number, underPressure: boolean): Promise<ShareSlot | ShareRefusal>;
  /** Calls in flight per operator, for the metrics and the tests. */
  inFlight(): ReadonlyMap<string, number>;
}

interface Waiter { readonly bytes: number; admit(slot: ShareSlot): void }
interface Share { inFlight: number; bytes: number; readonly waiting: Waiter[] }

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

export function createFairShare(o: FairShareOptions): FairShare {
  const shares = new Map<string, Share>();
  const setTimer = o.setTimer ?? realTimer;
  let total = 0;

  const fits = (s: Share, bytes: number): boolean =>
    s.inFlight < o.maxInFlight && (s.inFlight === 0 || s.bytes + bytes <= o.maxBufferedBytes);

  function take(operator: string, s: Share, bytes: number): ShareSlot {
    s.inFlight++;
    s.bytes += bytes;
    total++;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        s.inFlight--;
        s.bytes -= bytes;
        total--;
        // The oldest waiting calls of the same operator take the places they fit in, at once (no other call can
        // take a place between the release and the waiter's admission).
        while (s.waiting.length > 0 && fits(s, s.waiting[0]!.bytes)) {
          const next = s.waiting.shift()!;
          next.admit(take(operator, s, next.bytes));
        }
        if (s.inFlight === 0 && s.waiting.length === 0) shares.delete(operator);
      }
    };
  }

  return {
    async acquire(operator, bytes, underPressure) {
      let s = shares.get(operator);
      if (!s) {
        s = { inFlight: 0, bytes: 0, waiting: [] };
        shares.set(operator, s);
      }
      // Shed the heavy first: an operator below its fair part of the calls in flight is never refused for pressure
      // (with nothing in flight here, the pressure comes from elsewhere and nobody can be told apart: all are refused).
      if (underPressure && s.inFlight * shares.size >= total) return { refused: 'pressure', inFlight: s.inFlight };
      if (fits(s, bytes) && s.waiting.length === 0) return take(operator, s, bytes);
      if (s.waiting.length >= o.maxQueued || o.queueMs === 0) return { refused: 'cap', inFlight: s.inFlight, limit: o.maxInFlight };
      const share = s;
      const slot = await new Promise<ShareSlot | null>((resolve) => {
        const entry: Waiter = { bytes, admit: (given) => { timer.cancel(); resolve(given); } };
        const timer = setTimer(() => {
          const i = share.waiting.indexOf(entry);
          if (i !== -1) share.waiting.splice(i, 1);
          resolve(null);
        }, o.queueMs);
        share.waiting.push(entry);
      });
      return slot ?? { refused: 'cap', inFlight: share.inFlight, limit: o.maxInFlight };
    },
    inFlight: () => new Map([...shares].map(([k, v]) => [k, v.inFlight])),
  };
}
