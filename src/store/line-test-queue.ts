/**
 * The line-test queue on PostgreSQL as the worker sees it (src/jobs/line-test-worker.ts; issue 17 part 3): the tests
 * are their own queue rows. A claim is a short transaction (FOR UPDATE SKIP LOCKED and a lease of the test's timeout
 * plus a grace, never held while the element is asked), serialised by an advisory lock so that the cap of tests in
 * flight per network element holds exactly across instances; a claim whose lease ran out (its worker died) is taken
 * over by the next claim. Outcomes are written only by the claim that is still the test's. A TERMINE test is counted
 * in the L1 volumetry (a test that returned a result) in the same transaction, and every outcome writes its notice
 * to the operator there too (src/store/operator-notices.ts).
 */
import { parisDate } from '../domain/calendar.js';
import type { Diagnosis, Measure } from '../domain/line-test-diagnosis.js';
import type { TestKind, TestThresholds } from '../domain/line-test-catalogue.js';
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import { count, run, transaction, type Executor, type Pool } from './database.js';
import { noticeOfLineTestOutcome } from './operator-notices.js';
import {
  claimDueTests, deleteElementState, finishLineTest, lineChainStates, listElementStates, lockClaims, purgeLineTests, requeueLineTest, upsertElementState
} from './queries/line-tests.js';
import { addVolumes } from './queries/volumetry.js';
import { recordChange } from './registry/audit.js';

export interface ClaimedLineTest {
  readonly id: string;
  readonly reference: string;
  readonly operatorId: string;
  readonly servicePk: string;
  readonly serviceId: string;
  readonly testCode: string;
  readonly kind: TestKind;
  readonly parameters: Readonly<Record<string, string>>;
  readonly thresholds: TestThresholds;
  readonly elementKey: string;
  /** This claim's attempt, from 1. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
}

export interface ClaimOptions {
  readonly now: Date;
  readonly limit: number;
  readonly capPerElement: number;
  readonly worker: string;
  /** The lease lasts the test's timeout plus this. */
  readonly graceMs: number;
}

const CLAIM_LOCK = 0x6c_74_73_74; // "ltst"

export async function claimLineTests(pool: Pool, o: ClaimOptions): Promise<ClaimedLineTest[]> {
  if (o.limit <= 0) return [];
  const rows = await transaction(pool, async (tx) => {
    await run(tx, lockClaims(CLAIM_LOCK));
    return run<{
      id: string; reference: string; operator_id: string; service_pk: string; service_id: string; test_code: string; kind: TestKind;
      parameters: Record<string, string>; thresholds: TestThresholds; element_key: string; attempts: number; max_attempts: number; timeout_ms: number;
    }>(tx, claimDueTests(o.now, o.limit, o.capPerElement, o.worker, o.graceMs));
  });
  return rows.map((r) => ({
    id: String(r.id), reference: r.reference, operatorId: String(r.operator_id), servicePk: String(r.service_pk), serviceId: r.service_id,
    testCode: r.test_code, kind: r.kind, parameters: r.parameters, thresholds: r.thresholds, elementKey: r.element_key, attempt: r.attempts,
    maxAttempts: r.max_attempts, timeoutMs: r.timeout_ms
  })).sort((a, b) => Number(a.id) - Number(b.id));
}

export type LineTestOutcome =
  | { readonly state: 'TERMINE'; readonly measures: readonly Measure[]; readonly diagnosis: Diagnosis }
  | { readonly state: 'ECHEC'; readonly reason: string };

/** Writes the outcome of this claim; false when the test was taken over meanwhile (nothing written). */
export async function finishClaim(pool: Pool, c: ClaimedLineTest, worker: string, outcome: LineTestOutcome, at: Date,
  contract: NotificationContractFacts | null = null): Promise<boolean> {
  return transaction(pool, async (tx) => {
    const rows = outcome.state === 'TERMINE'
      ? await run(tx, finishLineTest(c.id, worker, c.attempt, 'TERMINE', at, outcome.measures, outcome.diagnosis, null))
      : await run(tx, finishLineTest(c.id, worker, c.attempt, 'ECHEC', at, null, null, outcome.reason));
    if (rows.length === 0) return false;
    // L1: "a test that returned a result" is a counted request, on the Paris day it returned it.
    if (outcome.state === 'TERMINE') await run(tx, addVolumes([{ operatorId: c.operatorId, day: parisDate(at), category: 'LINE_TEST', ok: 1, fault: 0 }]));
    // Pushed to the operator (notificationTestLigne) when its endpoint can take it, with the outcome, at once.
    await noticeOfLineTestOutcome(tx, c.id, c.operatorId, at, contract);
    return true;
  });
}

/** Back in the queue for the next attempt; false when the test was taken over meanwhile. */
export async function requeueClaim(pool: Pool, c: ClaimedLineTest, worker: string, next: Date, reason: string): Promise<boolean> {
  return (await count(pool, requeueLineTest(c.id, worker, c.attempt, next, reason))) > 0;
}

/** One element of a line's chain and the state the OI gave it (null: sound). */
export interface ChainElement {
  readonly kind: 'PM' | 'PMT' | 'PBO' | 'PTO';
  readonly ref: string;
  readonly fault: SimulatedFault | null;
  readonly value: number | null;
}

export const SIMULATED_FAULTS = ['HORS_LIGNE', 'NIVEAU_BAS', 'COUPURE', 'PORT_PM_HS', 'PON_HS', 'SANS_REPONSE', 'LENT'] as const;
export type SimulatedFault = (typeof SIMULATED_FAULTS)[number];

export function lineChain(pool: Pool, servicePk: string): Promise<ChainElement[]> {
  return run<ChainElement>(pool, lineChainStates(servicePk));
}

/** The OI sets an element's simulated state (audited); false when no live element has that reference. */
export async function setElementState(pool: Pool, ref: string, fault: SimulatedFault, value: number | null, actor: string, at: Date): Promise<boolean> {
  return transaction(pool, async (tx) => {
    const rows = await run(tx, upsertElementState(ref, fault, value, at, actor));
    if (rows.length > 0) await recordChange(tx, { actor, action: 'set', entity: 'network_element_state', entityKey: ref, after: { fault, value } }, null);
    return rows.length > 0;
  });
}

export async function clearElementState(pool: Pool, ref: string, actor: string): Promise<boolean> {
  return transaction(pool, async (tx) => {
    const rows = await run<{ fault: string }>(tx, deleteElementState(ref));
    if (rows.length > 0) await recordChange(tx, { actor, action: 'clear', entity: 'network_element_state', entityKey: ref, before: { fault: rows[0]!.fault } }, null);
    return rows.length > 0;
  });
}

export function elementStates(pool: Pool): Promise<Array<{ kind: string; ref: string; fault: SimulatedFault; value: number | null; set_at: Date; set_by: string }>> {
  return run(pool, listElementStates());
}

export const LINE_TEST_RETENTION_DAYS = 90;

/** The nightly purge: tests (and their results) launched more than 90 days ago. */
export function purgeExpiredLineTests(on: Executor, now: Date): Promise<number> {
  return count(on, purgeLineTests(new Date(now.getTime() - LINE_TEST_RETENTION_DAYS * 86_400_000)));
}
