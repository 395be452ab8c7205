/**
 * Filing load with retries, as a careful operator's system files: each client files one reference after another,
 * and retries a filing with the SAME operator reference (and the same content) until it gets an answer, moving to
 * the next gateway instance when one does not answer. A filing is idempotent on operator + reference: a retry of a
 * filing that was written answers the same ticket with `dejaDeposee` true (src/domain/ticket-service.ts).
 * Afterwards the database is compared with what the clients were told.
 */
import type { Agent } from 'node:https';
import { textOf } from '../../support/soap-client.js';
import { filing, formExample } from '../../support/tickets.js';
import { post } from './mtls-clients.js';

export interface Target { readonly url: string; readonly agent: Agent }

export interface Acknowledged {
  readonly operatorReference: string;
  /** The ticket reference the answer named. */
  readonly ticket: string;
  readonly replay: boolean;
  readonly attempts: number;
  readonly ackAt: number;
  readonly ms: number;
}

export interface FilingLoad {
  readonly acknowledged: Acknowledged[];
  /** Failed attempts (retried) by code: transport errors and faults. */
  readonly failures: (string | null)[];
  /** Acknowledged since a time (performance.now()). */
  ackedSince(t: number): number;
  /** Stops issuing new references; the ones being retried are retried until answered (or the deadline). */
  stop(deadlineMs?: number): Promise<{ unanswered: string[] }>;
}

const FORM = formExample('ftth', 2, 'valid-minimal.xml');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `workers` clients; worker w starts on targets[w % n]; references are `<prefix>-<w>-<i>`. */
export function filingLoad(prefix: string, targets: () => readonly Target[], workers: number): FilingLoad {
  const acknowledged: Acknowledged[] = [];
  const failures: (string | null)[] = [];
  const unanswered: string[] = [];
  let running = true;
  let deadline = Number.POSITIVE_INFINITY;
  const loops = Array.from({ length: workers }, async (_, w) => {
    let at = w;
    for (let i = 0; running; i++) {
      const operatorReference = `${prefix}-${w}-${i}`;
      const body = filing(2, 'FTTH-21-0000001', operatorReference, FORM);
      let ticket: string | undefined;
      const t0 = performance.now();
      let replay = false;
      let attempts = 0;
      while (ticket === undefined) {
        if (performance.now() > deadline) { unanswered.push(operatorReference); return; }
        const all = targets();
        const target = all[at % all.length]!;
        attempts++;
        const o = await post(target.url, target.agent, '/esav/signalisation/v2', body);
        ticket = o.status === 200 ? textOf(o.body, 'referenceSignalisation') : undefined;
        if (ticket !== undefined) {
          replay = textOf(o.body, 'dejaDeposee') === 'true';
          break;
        }
        failures.push(o.code);
        at++;
        await sleep(50);
      }
      acknowledged.push({ operatorReference, ticket, replay, attempts, ackAt: performance.now(), ms: performance.now() - t0 });
    }
  });
  return {
    acknowledged,
    failures,
    ackedSince: (t) => acknowledged.filter((a) => a.ackAt > t).length,
    async stop(deadlineMs = 60_000) {
      running = false;
      deadline = performance.now() + deadlineMs;
      await Promise.all(loops);
      return { unanswered };
    }
  };
}

/** Polls until the condition holds (a state of the load, not a time: a loaded machine is slower). */
export async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  for (const end = performance.now() + timeoutMs; !condition();) {
    if (performance.now() > end) throw new Error(`not reached within ${timeoutMs / 1000} s: ${what}`);
    await sleep(20);
  }
}

export interface Verdict {
  readonly acknowledged: number;
  readonly lost: string[];
  readonly duplicated: string[];
  readonly replays: number;
  readonly rows: number;
}

/**
 * Acknowledged references against the tickets in the database: lost, an acknowledged reference whose ticket (the one
 * its answer named) is not there; duplicated, a reference with more than one ticket.
 */
export function verdict(acks: readonly Acknowledged[], rows: ReadonlyArray<{ operator_reference: string; reference: string }>): Verdict {
  const inDb = new Map<string, string[]>();
  for (const r of rows) inDb.set(r.operator_reference, [...(inDb.get(r.operator_reference) ?? []), r.reference]);
  const lost = acks.filter((a) => !(inDb.get(a.operatorReference) ?? []).includes(a.ticket)).map((a) => a.operatorReference);
  const duplicated = [...inDb].filter(([, tickets]) => tickets.length > 1).map(([ref]) => ref);
  return { acknowledged: acks.length, lost, duplicated, replays: acks.filter((a) => a.replay).length, rows: rows.length };
}
