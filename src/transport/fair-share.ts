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
  /**
   * Bytes per second that the operators calling within the last second share while there are several: each may admit
   * its part of the rate (burst: a tenth of a second of it; a larger call waits for a full burst); a call beyond waits with its body unread
   * (TCP back-pressure slows its sender, and its TLS records are not decrypted meanwhile) until the operator's part
   * allows it, at most rateWaitMs, then is refused for that operator only. Alone, an operator is not held to a rate.
   * Issue 14: the flood's reception itself (TLS, decoding) is what the fair turns cannot pre-empt.
   */
  readonly contendedBytesPerSecond?: number;
  readonly rateWaitMs?: number;
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
  | { readonly refused: 'pressure'; readonly inFlight: number }
  | { readonly refused: 'rate'; readonly inFlight: number; readonly bytesPerSecond: number; readonly retryAfterMs: number };

export interface ShareSlot {
  /** Gives the place back; idempotent (called when the answer is sent or the connection closes). */
  release(): void;
}

export interface FairShare {
  /**
   * A place for one call of `operator` announcing `bytes`, or why it is refused. `signal` aborts a wait in the queue
   * (the client left): the call is then refused and takes no place.
   */
  acquire(operator: string, bytes: number, underPressure: boolean, signal?: AbortSignal, lengthKnown?: boolean): Promise<ShareSlot | ShareRefusal>;
  /**
   * The contended rate's account of a call whose length was not announced (chunked): charged once its body is read.
   * Its admission asked only that the operator's allowance be not overdrawn.
   */
  charge(operator: string, bytes: number): void;
  /** Calls in flight and waiting per operator (operators with neither are not listed), for the metrics and the tests. */
  state(): ReadonlyMap<string, { readonly inFlight: number; readonly queued: number }>;
}

interface Waiter { readonly bytes: number; admit(slot: ShareSlot): void }
interface Share { inFlight: number; bytes: number; readonly waiting: Waiter[] }
/** An operator's allowance of the contended rate: bytes it may still admit, as of `at`. */
interface Allowance { tokens: number; at: number }

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
  // The contended rate (contendedBytesPerSecond), per operator: a token bucket refilled at the operator's part of the
  // rate, at most one maxBufferedBytes ahead; spent by every admitted call, enforced only while several compete.
  const allowances = new Map<string, Allowance>();
  // The burst an operator may admit at once: a tenth of a second of its part of the rate (a call larger than that
  // waits for the burst only). A larger burst lets a flood that waited admit many documents at once, which the fair
  // turns cannot pre-empt: measured, a 16 MiB burst gave the quiet operator 500 ms stalls.
  const burstOf = (rate: number): number => Math.max(1, rate / 10);
  const partOfRate = (): number | null => {
    if (o.contendedBytesPerSecond === undefined) return null;
    const n = competing();
    return n > 1 ? o.contendedBytesPerSecond / n : null;
  };
  /** ms until the operator may admit `bytes` at its part of the rate (0: now), refilling its allowance first. */
  const rateWait = (operator: string, bytes: number): { waitMs: number; rate: number } => {
    const now = clock();
    const rate = partOfRate();
    const refill = rate ?? o.contendedBytesPerSecond ?? 0;
    const burst = burstOf(refill);
    const a = allowances.get(operator) ?? { tokens: burst, at: now };
    a.tokens = Math.min(burst, a.tokens + ((now - a.at) * refill) / 1000);
    a.at = now;
    allowances.set(operator, a);
    if (rate === null) return { waitMs: 0, rate: 0 };
    const missing = Math.min(bytes, burst) - a.tokens;
    return { waitMs: missing <= 0 ? 0 : Math.ceil((missing * 1000) / rate), rate };
  };
  /** An admitted call spends its bytes (alone, never below nothing: being alone builds no debt). */
  const spend = (operator: string, bytes: number): void => {
    const a = allowances.get(operator);
    if (!a) return;
    a.tokens = partOfRate() === null ? Math.max(0, a.tokens - bytes) : a.tokens - bytes;
    // An operator that stopped calling is forgotten with its allowance (it would be full again by now).
    if (allowances.size > 1000) for (const [k, v] of allowances) if (clock() - v.at > CONTENTION_WINDOW_MS * 10) allowances.delete(k);
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

  const self: FairShare = {
    async acquire(operator, bytes, underPressure, signal, lengthKnown = true) {
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
      if (o.contendedBytesPerSecond !== undefined) {
        const { waitMs, rate } = rateWait(operator, lengthKnown ? bytes : 1);
        if (waitMs > 0) {
          if (waitMs > (o.rateWaitMs ?? o.queueMs) || signal?.aborted) {
            forget();
            return { refused: 'rate', inFlight: s.inFlight, bytesPerSecond: Math.round(rate), retryAfterMs: waitMs };
          }
          // The body stays unread meanwhile; then the call asks again (the rate and the competition may have changed).
          const waited = await new Promise<boolean>((resolve) => {
            const abort = (): void => { timer.cancel(); resolve(false); };
            const timer = setTimer(() => { signal?.removeEventListener('abort', abort); resolve(true); }, waitMs);
            signal?.addEventListener('abort', abort, { once: true });
          });
          if (!waited) {
            forget();
            return { refused: 'rate', inFlight: s.inFlight, bytesPerSecond: Math.round(rate), retryAfterMs: 0 };
          }
          return self.acquire(operator, bytes, underPressure, signal, lengthKnown);
        }
        if (lengthKnown) spend(operator, bytes);
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
    charge(operator, bytes) {
      if (o.contendedBytesPerSecond === undefined) return;
      rateWait(operator, 0);
      spend(operator, bytes);
    }
  };
  return self;
}
