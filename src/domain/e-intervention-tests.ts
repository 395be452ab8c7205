/**
 * Intermediate tests (issue 18; DOMAIN.md E1, E2; the files' M3TX → M4TX → M5TX → M6TX): the DO asks (M3TX), the OI
 * relays the request to every operator told (M4TX, which each answers, or refuses with TEST_NON_REALISE), and the
 * OI also tests its own network at once: a line test through the line-test queue and its drivers on every impacted
 * line still cut. Once every one of an operator's lines has its outcome, the OI relays what it measured to the DO as
 * that operator's M6TX for the test: the lines found sound in `ligneClientRetablie` (and recorded restored), the
 * others in `clientHSOC`. A line whose test could not be realised (ECHEC) is left out; when none was realised no
 * M6TX goes, and the operator's own M5TX is the only answer the DO gets. The technician on site learns within
 * seconds whether his repair worked, without waiting for the operators' reports. An operator that answers M4TX with
 * the file's TEST_NON_REALISE (it cannot test) has closed its report on that test: the DO's next M3TX or its end
 * does not wait for a report that will not come (TEST_PRECEDENT_NON_ACQUITTE), the OI's measure stands for it.
 */
import type { Diagnosis } from './line-test-diagnosis.js';
import type { TestCatalogue, TestDefinition } from './line-test-catalogue.js';
import { testsOfOffer } from './line-test-catalogue.js';
import type { EInterventionPolicy } from './e-intervention-rules.js';
import { lineBody, repairConsent, type Intervention, type Move } from './e-intervention.js';

/** The outcome of the OI's test of one impacted line. */
export interface LineTestResult {
  readonly refPTO: string;
  readonly state: 'TERMINE' | 'ECHEC';
  readonly diagnosis: Diagnosis | null;
  readonly finishedAt: Date;
}

/**
 * The test the OI runs on an impacted line: what it owns and can test on every fibre offer, the passive element
 * (ELEMENT_PASSIF: reflectometry from the PM), as the tests catalogue defines it; null when the catalogue has none.
 */
export function interventionLineTest(catalogue: TestCatalogue, offer: string, now: Date): TestDefinition | null {
  return testsOfOffer(catalogue, offer, now).find((t) => t.kind === 'ELEMENT_PASSIF') ?? null;
}

/** The M6TX that relays the OI's own results on `operator`'s lines for test `n`; null when there is nothing to relay. */
export function relayLineTests(iv: Intervention, operator: string, n: number, results: readonly LineTestResult[], ctx: {
  readonly now: Date; readonly policy: EInterventionPolicy; readonly otherOpenAtPm: boolean;
}): Move | null {
  if (iv.state === 'CLOTUREE' || !iv.recipients.some((r) => r.operator === operator)) return null;
  const realised = results.filter((r) => r.state === 'TERMINE');
  if (realised.length === 0) return null;
  const sound = new Map(realised.filter((r) => r.diagnosis === 'AUCUN_DEFAUT').map((r) => [r.refPTO, r.finishedAt]));
  const lines = iv.lines.map((l) => (l.operator === operator && l.restoredAt === null && sound.has(l.refPTO) ? { ...l, restoredAt: sound.get(l.refPTO)! } : l));
  const mine = lines.filter((l) => l.operator === operator && realised.some((r) => r.refPTO === l.refPTO));
  const next: Intervention = { ...iv, lines };
  const body = {
    refIntervOI: iv.refIntervOI, message: 'M6TX', codeOCImpacte: operator, numeroTest: n, nombreOC: iv.recipients.length,
    multiInterventionOI: ctx.otherOpenAtPm, reparation: repairConsent(next, operator, ctx.now, ctx.policy) === 'ACCORDEE',
    clientHSOC: mine.filter((l) => !sound.has(l.refPTO)).map(lineBody),
    ligneClientRetablie: mine.filter((l) => sound.has(l.refPTO)).map((l) => {
      const { positionCoupleurOC: _p, couleurJarretiere: _c, ...rest } = lineBody(l);
      return rest;
    })
  };
  return { next, messages: [{ to: iv.doOperator, role: 'DO', operation: 'notifierImpacteClientsOIDO', body }] };
}

/** M4TX answered TEST_NON_REALISE by `operator`: its report on test `n` is closed (null: nothing to change). */
export function testNotRealised(iv: Intervention, operator: string, n: number): Move | null {
  const me = iv.recipients.find((r) => r.operator === operator);
  if (!me || iv.test !== n || (me.reportedTest === n && me.closedTest)) return null;
  const recipients = iv.recipients.map((r) => (r.operator === operator ? { ...r, reportedTest: n, closedTest: true } : r));
  return { next: { ...iv, recipients }, messages: [] };
}
