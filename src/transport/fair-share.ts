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
  /**
   * Bytes in flight shared between the operators that have calls in flight, while there are several: each may hold
   * its part (at least one call). Bytes stand for the cost of a call (TLS, decoding, parsing), so an operator sending
   * large documents is held to a few at a time while another operator waits, and not while it is alone.
   */
  readonly contendedBytes?: number;
  /** How long a call over its operator's cap waits for a place before being refused. */
  readonly queueMs: number;
  /** Calls of one operator waiting at most; beyond, refused at once. */
  readonly maxQueued: number;
  /** Timers and the clock, injected by tests. */
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void };
  readonly now?: () => number;
}

export type ShareRefusal =
  | { readonly refused: 'cap'; readonly inFlight: number; readonly limit: number }
  | { readonly refused: 'pressure'; readonly inFlight: number };

export interface ShareSlot {
  /** Gives the place back; idempotent (called when the answer is sent or the connection closes). */
  release(): void;
}

export interface FairShare {
  /**
   * A place for one call of `operator` announcing `bytes`, or why it is refused. `signal` aborts a wait in the queue
   * (the client left): the call is then refused and takes no place.
   */
  acquire(operator: string, bytes: number, underPressure: boolean, signal?: AbortSignal): Promise<ShareSlot | ShareRefusal>;
  /** Calls in flight and waiting per operator (operators with neither are not listed), for the metrics and the tests. */
  state(): ReadonlyMap<string, { readonly inFlight: number; readonly queued: number }>;
}

interface Waiter { readonly bytes: number; admit(slot: ShareSlot): void }
interface Share { inFlight: number; bytes: number; readonly waiting: Waiter[] }

/** How long an operator counts as competing for the instance after its last call. */
export const CONTENTION_WINDOW_MS = 1000;

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

export function createFairShare(o: FairShareOptions): FairShare {
  const shares = new Map<string, Share>();
  const setTimer = o.setTimer ?? realTimer;
  let total = 0;

  let active = 0; // operators with calls in flight
  // Operators that had a call in the last CONTENTION_WINDOW_MS: a quiet operator's calls are short, so "in flight at
  // this instant" would almost never see it; it competes as long as it keeps calling.
  const lastCall = new Map<string, number>();
  const clock = o.now ?? Date.now;
  const competing = (): number => {
    const since = clock() - CONTENTION_WINDOW_MS;
    for (const [operator, at] of lastCall) if (at < since) lastCall.delete(operator);
    return lastCall.size;
  };
  const byteCap = (): number => {
    if (o.contendedBytes === undefined) return o.maxBufferedBytes;
    const n = competing();
    return n > 1 ? Math.min(o.maxBufferedBytes, Math.floor(o.contendedBytes / n)) : o.maxBufferedBytes;
  };
  const fits = (s: Share, bytes: number): boolean =>
    s.inFlight < o.maxInFlight && (s.inFlight === 0 || s.bytes + bytes <= byteCap());

  function take(operator: string, s: Share, bytes: number): ShareSlot {
    if (s.inFlight === 0) active++;
    s.inFlight++;
    s.bytes += bytes;
    total++;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        s.inFlight--;
        if (s.inFlight === 0) active--;
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
    async acquire(operator, bytes, underPressure, signal) {
      lastCall.set(operator, clock());
      const s = shares.get(operator) ?? { inFlight: 0, bytes: 0, waiting: [] };
      const forget = (): void => { if (s.inFlight === 0 && s.waiting.length === 0) shares.delete(operator); };
      // Shed the heavy first: an operator below its fair part of the calls in flight (total ÷ operators with calls in
      // flight) is never refused for pressure; with nothing in flight here, the pressure comes from elsewhere and
      // nobody can be told apart: all are refused.
      if (underPressure) {
        if (s.inFlight * Math.max(active, 1) >= total) {
          forget();
          return { refused: 'pressure', inFlight: s.inFlight };
        }
      }
      shares.set(operator, s);
      if (fits(s, bytes) && s.waiting.length === 0) return take(operator, s, bytes);
      if (s.waiting.length >= o.maxQueued || o.queueMs === 0 || signal?.aborted) {
        forget();
        return { refused: 'cap', inFlight: s.inFlight, limit: o.maxInFlight };
      }
      const slot = await new Promise<ShareSlot | null>((resolve) => {
        const leave = (): void => {
          const i = s.waiting.indexOf(entry);
          if (i !== -1) s.waiting.splice(i, 1);
          signal?.removeEventListener('abort', leave);
          timer.cancel();
          forget();
          resolve(null);
        };
        const entry: Waiter = { bytes, admit: (given) => { timer.cancel(); signal?.removeEventListener('abort', leave); resolve(given); } };
        const timer = setTimer(leave, o.queueMs);
        signal?.addEventListener('abort', leave, { once: true });
        s.waiting.push(entry);
      });
      return slot ?? { refused: 'cap', inFlight: s.inFlight, limit: o.maxInFlight };
    },
    state: () => new Map([...shares].map(([k, v]) => [k, { inFlight: v.inFlight, queued: v.waiting.length }])),
  };
}
