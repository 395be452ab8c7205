/**
 * Line tests as the operators see them (DOMAIN.md S5, A5, A6; issue 17): the tests a service offers, a launch that
 * answers at once (asynchronous: the queue runs it, src/jobs/line-test-worker.ts), a consultation, the search over
 * 90 days, the action's limit per service, and the rule "a test before filing". Pure of I/O: a store port reads and
 * writes; every read is scoped to the calling operator, and another operator's test is a missing one.
 */
import { EsavError } from '../errors/esav-error.js';
import { parisDate } from './calendar.js';
import { callerActorName, type Caller } from './identity.js';
import type { Diagnosis, Measure } from './line-test-diagnosis.js';
import {
  filingPrerequisite, priorTestMaxAgeHours, resolveParameters, testsOfOffer, type TestCatalogue, type TestDefinition, type TestKind
} from './line-test-catalogue.js';
import { allowsOffer } from './profile.js';

/** On the wire: EN_COURS while queued or running, then TERMINE (a result) or ECHEC (no result, with a reason). */
export type LineTestState = 'EN_COURS' | 'TERMINE' | 'ECHEC';
/** Tests and their results are kept, and searchable, this long. */
export const LINE_TEST_RETENTION_DAYS = 90;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** TST-AAAAMMJJ-NNNNNN (the FTTH form v2's ReferenceTestType): the Paris day of the launch and a number. */
export const TEST_REFERENCE = /^TST-[0-9]{8}-[0-9]{6}$/;
export function testReference(launchedAt: Date, n: number): string {
  return `TST-${parisDate(launchedAt).replaceAll('-', '')}-${String(n % 1_000_000).padStart(6, '0')}`;
}

/** The line under a service, as the store reads it for its own operator. */
export interface ServiceLine {
  readonly servicePk: string;
  readonly serviceId: string;
  readonly offerCode: string;
  readonly state: 'active' | 'terminated' | 'archived';
  /** The network element whose equipment runs the tests: the PM's OLT port, or the service itself off the inventory. */
  readonly elementKey: string;
}

export interface LineTestRecord {
  readonly reference: string;
  readonly serviceId: string;
  readonly testCode: string;
  readonly kind: TestKind;
  readonly state: LineTestState;
  readonly parameters: Readonly<Record<string, string>>;
  readonly launchedAt: Date;
  readonly finishedAt: Date | null;
  readonly measures: readonly Measure[];
  readonly diagnosis: Diagnosis | null;
  readonly failureReason: string | null;
}

export interface LaunchRequest {
  readonly operatorId: string;
  readonly line: ServiceLine;
  readonly test: TestDefinition;
  readonly parameters: Readonly<Record<string, string>>;
  readonly actor: string;
  readonly at: Date;
}

export interface LineTestStore {
  lineOf(operatorId: string, serviceId: string): Promise<ServiceLine | null>;
  /**
   * Writes the test and queues it, in one transaction; for an action, refuses (writes nothing) when `perHour`
   * actions of the same test already ran on the service in the hour before `at`, answering the oldest of them.
   */
  launch(r: LaunchRequest, perHour: number | null): Promise<{ readonly reference: string } | { readonly limitedSince: Date }>;
  find(operatorId: string, reference: string): Promise<LineTestRecord | null>;
  search(operatorId: string, serviceId: string, since: Date, limit: number): Promise<{ rows: LineTestRecord[]; total: number }>;
  /** The newest TERMINE test among `codes` on the service by the operator, finished at or after `since`. */
  latestResult(operatorId: string, serviceId: string, codes: readonly string[], since: Date): Promise<LineTestRecord | null>;
  /** Records the test a filing relied on (issue 17 part 5), for the OI's view of the ticket. */
}

const serviceNotFound = (id: string): EsavError => new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'prestation', id } });
const testNotFound = (ref: string): EsavError => new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'test', id: ref } });

/** A5, A6: the caller's active service on an offer of its profile; anything else is "not found". */
async function ownLine(store: LineTestStore, caller: Caller, serviceId: string): Promise<ServiceLine> {
  const line = await store.lineOf(caller.operator.id, serviceId);
  if (!line || line.state !== 'active') throw serviceNotFound(serviceId);
  if (!allowsOffer(caller.profile, line.offerCode)) {
    throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'prestation', id: serviceId } },
      { logReason: `profile ${caller.profile.name} does not allow offer ${line.offerCode}` });
  }
  return line;
}

/** listeTests: the tests of the service's offer (none on an offer the catalogue does not list). */
export async function listTests(store: LineTestStore, catalogue: TestCatalogue, caller: Caller, serviceId: string, now: Date):
  Promise<{ line: ServiceLine; tests: TestDefinition[]; prerequisite: ReturnType<typeof filingPrerequisite> }> {
  const line = await ownLine(store, caller, serviceId);
  return { line, tests: testsOfOffer(catalogue, line.offerCode, now), prerequisite: filingPrerequisite(catalogue, line.offerCode, now) };
}

/** lancementTest: checks, then queues; answers the reference at once (S5: asynchronous). */
export async function launchTest(store: LineTestStore, catalogue: TestCatalogue, caller: Caller,
  req: { serviceId: string; testCode: string; parameters: ReadonlyMap<string, string> }, now: Date): Promise<string> {
  const line = await ownLine(store, caller, req.serviceId);
  const offered = testsOfOffer(catalogue, line.offerCode, now);
  const test = offered.find((t) => t.code === req.testCode);
  if (!test) {
    const codes = offered.map((t) => t.code).join(', ') || 'aucun';
    throw new EsavError('ESAV_LINE_TEST_NOT_OFFERED', {
      params: { test: req.testCode, serviceId: line.serviceId, offer: line.offerCode, offered: codes },
      fields: [{ field: 'codeTest', rule: 'test-de-l-offre', value: req.testCode, message: `tests de l'offre ${line.offerCode} : ${codes}` }]
    });
  }
  const params = resolveParameters(test, req.parameters);
  if ('problem' in params) {
    throw new EsavError('ESAV_LINE_TEST_PARAMETER', { params: { test: test.code, message: params.problem.message }, fields: [params.problem] });
  }
  const perHour = test.kind === 'ACTION' ? test.actionsPerHour ?? 1 : null;
  const actor = callerActorName(caller);
  const out = await store.launch({ operatorId: caller.operator.id, line, test, parameters: params.values, actor, at: now }, perHour);
  if ('limitedSince' in out) {
    const next = new Date(out.limitedSince.getTime() + HOUR);
    const retryAfter = Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
    throw new EsavError('ESAV_LINE_TEST_ACTION_LIMIT', {
      params: { test: test.code, limit: perHour!, serviceId: line.serviceId, retryAfter }, retryAfterSeconds: retryAfter, nextWindow: next
    });
  }
  return out.reference;
}

/** consultationTest: the caller's own test, while kept. */
export async function consultTest(store: LineTestStore, caller: Caller, reference: string, now: Date): Promise<LineTestRecord> {
  const t = TEST_REFERENCE.test(reference) ? await store.find(caller.operator.id, reference) : null;
  if (!t || t.launchedAt.getTime() < now.getTime() - LINE_TEST_RETENTION_DAYS * DAY) throw testNotFound(reference);
  return t;
}

/** rechercheTests: the caller's tests on its service, newest first, over the last 90 days. */
export async function searchTests(store: LineTestStore, caller: Caller, serviceId: string, limit: number, now: Date): Promise<{ rows: LineTestRecord[]; total: number }> {
  await ownLine(store, caller, serviceId);
  return store.search(caller.operator.id, serviceId, new Date(now.getTime() - LINE_TEST_RETENTION_DAYS * DAY), limit);
}

/**
 * S5, test before filing (issue 17 part 5), checked before a ticket is written: (a) the offer's prerequisite — a
 * TERMINE test of a required kind on this service by this operator within the delay; (b) a form's testPrealable
 * must name such a test of this operator on this service (TERMINE, not older than the catalogue's bound). An
 * unknown, inactive or other operator's service is left to the filing itself (it answers "not found"). Answers the
 * test the filing relies on (the form's, else the prerequisite's), or null.
 */
export async function checkFilingTests(store: LineTestStore, catalogue: TestCatalogue, caller: Caller, serviceId: string, priorTest: string | null, now: Date):
  Promise<LineTestRecord | null> {
  const line = await store.lineOf(caller.operator.id, serviceId);
  if (!line || line.state !== 'active' || !allowsOffer(caller.profile, line.offerCode)) return null;
  const required = filingPrerequisite(catalogue, line.offerCode, now);
  let relied: LineTestRecord | null = null;
  if (required) {
    const since = new Date(now.getTime() - required.delayHours * HOUR);
    const found = await store.latestResult(caller.operator.id, serviceId, required.tests, since);
    if (!found) {
      throw new EsavError('ESAV_LINE_TEST_REQUIRED', {
        params: { offer: line.offerCode, tests: required.tests.join(' ou '), delay: `${required.delayHours} heures`, serviceId },
        fields: [{ field: 'identifiantPrestation', rule: 'test-prealable-offre', value: serviceId,
          message: `lancez ${required.tests.join(' ou ')} (lancementTest) et déposez dans les ${required.delayHours} heures qui suivent son résultat` }]
      });
    }
    relied = found;
  }
  if (priorTest !== null) {
    const maxAge = priorTestMaxAgeHours(catalogue, now);
    const t = TEST_REFERENCE.test(priorTest) ? await store.find(caller.operator.id, priorTest) : null;
    const why = !t || t.serviceId !== serviceId ? `aucun test ${priorTest} de votre opérateur sur la prestation ${serviceId}`
      : t.state !== 'TERMINE' ? `le test ${priorTest} est à l'état ${t.state}, pas TERMINE`
      : t.finishedAt!.getTime() < now.getTime() - maxAge * HOUR ? `le test ${priorTest} a plus de ${maxAge} heures`
      : null;
    if (why) {
      throw new EsavError('ESAV_LINE_TEST_PRIOR_INVALID', { params: { reference: priorTest, why },
        fields: [{ field: 'testPrealable', rule: 'test-prealable', value: priorTest, message: why }] }, { logReason: why });
    }
    // The test the operator named is the one the filing relies on.
    relied = t;
  }
  return relied;
}
