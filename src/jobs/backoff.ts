/**
 * When a failed notification is tried again: exponential backoff (1 s, 2 s, 4 s … by default), capped (10 min), and
 * never abandoned: after stalledAfterAttempts failures a delivery is "stalled" and retried at the cap interval for as
 * long as it takes, flagged in the delivery log and the worker's log, so that nobody learns of a lost notification
 * from the operator. Pure: the worker passes the clock's instant.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly stalledAfterAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 1000, maxMs: 600_000, stalledAfterAttempts: 10 });

/** After the n-th failed attempt (n ≥ 1), how long until the next one. */
export function retryDelayMs(policy: BackoffPolicy, failedAttempts: number): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  if (n >= policy.stalledAfterAttempts) return policy.maxMs;
  // 2^(n-1) overflows to Infinity long before n gets near Number limits; min() keeps it at the cap.
  return Math.min(policy.baseMs * 2 ** (n - 1), policy.maxMs);
}

export function isStalled(policy: BackoffPolicy, failedAttempts: number): boolean {
  return failedAttempts >= policy.stalledAfterAttempts;
}

export function nextAttemptAt(policy: BackoffPolicy, failedAttempts: number, now: Date): Date {
  return new Date(now.getTime() + retryDelayMs(policy, failedAttempts));
}
