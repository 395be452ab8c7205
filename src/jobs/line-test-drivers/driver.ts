/**
 * One interface for every network element driver (issue 17 part 4): a driver is given a claimed test and answers the
 * readings of the line and its topology, or fails with a stable code. ESAV_ELEMENT_NO_ANSWER (the element did not
 * answer, or not in time) is retried by the worker; ESAV_ELEMENT_ERROR (it answered an error) makes the test ECHEC
 * at once. Which driver serves which element is configuration (line-test-router.ts).
 */
import type { LineReadings, LineTopology } from '../../domain/line-test-diagnosis.js';
import { CodedError } from '../../errors/coded-error.js';
import type { ClaimedLineTest } from '../../store/line-test-queue.js';

export interface DriverAnswer {
  readonly readings: LineReadings;
  readonly topology: LineTopology;
}

export interface NetworkDriver {
  readonly name: string;
  /** `signal` aborts when the test's timeout is over: a driver stops waiting and throws. */
  run(test: ClaimedLineTest, signal: AbortSignal): Promise<DriverAnswer>;
  close?(): Promise<void>;
}

/** The element did not answer (or not within the test's timeout); the reason is French, shown in the test's ECHEC. */
export class ElementNoAnswer extends CodedError<'ESAV_ELEMENT_NO_ANSWER'> {
  constructor(readonly reason: string, options?: { cause?: unknown }) { super('ESAV_ELEMENT_NO_ANSWER', reason, options); }
}

/** The element answered an error: retrying will not help. */
export class ElementError extends CodedError<'ESAV_ELEMENT_ERROR'> {
  constructor(readonly reason: string, options?: { cause?: unknown }) { super('ESAV_ELEMENT_ERROR', reason, options); }
}

/** Waits `ms` unless aborted (then throws ElementNoAnswer). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new ElementNoAnswer('délai du test dépassé')); return; }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(new ElementNoAnswer('délai du test dépassé')); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
