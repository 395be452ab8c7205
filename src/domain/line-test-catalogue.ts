/**
 * The line tests each offer offers (DOMAIN.md S5, issue 17 part 2), as catalogue data (catalog/tests/, versioned like
 * the forms, V2/V3): the five kinds of S5 plus one action on active equipment, their parameters and thresholds, and
 * which of them an offer requires before a ticket may be filed. Pure: the loader (src/catalog/) reads the files.
 */
import { catalogueVersionState, checkCataloguePlan, type CatalogueVersion } from './form-version-policy.js';

/** S5's kinds: equipment state, service activation, active element, passive element, connection state, an action. */
export const TEST_KINDS = ['ETAT_EQUIPEMENT', 'ACTIVATION_SERVICE', 'ELEMENT_ACTIF', 'ELEMENT_PASSIF', 'ETAT_CONNEXION', 'ACTION'] as const;
export type TestKind = (typeof TEST_KINDS)[number];

export interface TestParameter {
  readonly name: string;
  readonly label: string;
  readonly values: readonly string[];
  readonly default: string;
}

/** Thresholds of the measures (dBm, dB); absent ones take the defaults of line-test-diagnosis.ts. */
export interface TestThresholds {
  readonly oltTxMinDbm?: number;
  readonly ontRxMinDbm?: number;
  readonly oltRxMinDbm?: number;
  readonly maxLossDb?: number;
}

export interface TestDefinition {
  readonly code: string;
  readonly kind: TestKind;
  readonly label: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  /** Attempts when the element does not answer (1: no retry). */
  readonly maxAttempts: number;
  readonly parameters: readonly TestParameter[];
  readonly thresholds?: TestThresholds;
  /** An action: at most this many per service in any hour. */
  readonly actionsPerHour?: number;
}

export interface OfferTests {
  readonly offer: string;
  readonly tests: readonly string[];
  /** S5: a TERMINE test of one of these, on the service, by the operator, within delayHours, before any filing. */
  readonly prerequisiteToFile?: { readonly tests: readonly string[]; readonly delayHours: number };
}

export interface TestCatalogueVersion extends CatalogueVersion {
  readonly tests: readonly TestDefinition[];
  readonly offers: readonly OfferTests[];
  /** How old a test named by a form's testPrealable may be. */
  readonly priorTestMaxAgeHours: number;
}

export interface TestCatalogue {
  readonly versions: readonly TestCatalogueVersion[];
}

const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/** What is wrong with a catalogue (empty when nothing): the plan's V2/V3 rules, and every name resolved. */
export function testCatalogueProblems(c: TestCatalogue): string[] {
  const problems = checkCataloguePlan('tests catalogue', c.versions);
  for (const v of c.versions) {
    const at = `tests v${v.version}`;
    const codes = new Set<string>();
    for (const t of v.tests) {
      if (!CODE.test(t.code)) problems.push(`${at}: test code "${t.code}" is not A-Z0-9_`);
      if (codes.has(t.code)) problems.push(`${at}: test ${t.code} declared twice`);
      codes.add(t.code);
      if (!(TEST_KINDS as readonly string[]).includes(t.kind)) problems.push(`${at}: test ${t.code} has unknown kind ${t.kind}`);
      if (!(t.timeoutSeconds > 0) || !Number.isInteger(t.maxAttempts) || t.maxAttempts < 1) problems.push(`${at}: test ${t.code} needs timeoutSeconds > 0 and maxAttempts ≥ 1`);
      if (t.kind === 'ACTION' && !(Number.isInteger(t.actionsPerHour) && t.actionsPerHour! > 0)) problems.push(`${at}: action ${t.code} needs actionsPerHour`);
      for (const p of t.parameters) if (!p.values.includes(p.default)) problems.push(`${at}: test ${t.code} parameter ${p.name}: default not among its values`);
    }
    for (const o of v.offers) {
      for (const code of [...o.tests, ...(o.prerequisiteToFile?.tests ?? [])]) {
        if (!codes.has(code)) problems.push(`${at}: offer ${o.offer} names unknown test ${code}`);
      }
      for (const code of o.prerequisiteToFile?.tests ?? []) if (!o.tests.includes(code)) problems.push(`${at}: offer ${o.offer} requires ${code}, which it does not offer`);
      if (o.prerequisiteToFile && !(o.prerequisiteToFile.delayHours > 0)) problems.push(`${at}: offer ${o.offer}: delayHours > 0`);
    }
    for (const kind of TEST_KINDS) if (!v.tests.some((t) => t.kind === kind)) problems.push(`${at}: no test of kind ${kind} (S5)`);
  }
  return problems;
}

/** The version in force at `now`: the newest live one (a test is launched under the catalogue of its day). */
export function testCatalogueAt(c: TestCatalogue, now: Date): TestCatalogueVersion | null {
  const live = c.versions.filter((v) => catalogueVersionState(c.versions, v, now).state === 'live');
  return [...live].sort((a, b) => b.version - a.version)[0] ?? null;
}

/** The tests an offer offers at `now`, in the catalogue's order (none for an offer the catalogue does not list). */
export function testsOfOffer(c: TestCatalogue, offer: string, now: Date): TestDefinition[] {
  const v = testCatalogueAt(c, now);
  const o = v?.offers.find((x) => x.offer === offer);
  if (!v || !o) return [];
  return v.tests.filter((t) => o.tests.includes(t.code));
}

export function testDefinition(c: TestCatalogue, code: string, now: Date): TestDefinition | null {
  return testCatalogueAt(c, now)?.tests.find((t) => t.code === code) ?? null;
}

/** S5: what an offer requires before a filing, or null. */
export function filingPrerequisite(c: TestCatalogue, offer: string, now: Date): OfferTests['prerequisiteToFile'] | null {
  return testCatalogueAt(c, now)?.offers.find((o) => o.offer === offer)?.prerequisiteToFile ?? null;
}

export function priorTestMaxAgeHours(c: TestCatalogue, now: Date): number {
  return testCatalogueAt(c, now)?.priorTestMaxAgeHours ?? 72;
}

/** The parameters of a launch with the defaults filled in, or the first problem (a field, its rule and value). */
export function resolveParameters(t: TestDefinition, given: ReadonlyMap<string, string>):
  { readonly values: Record<string, string> } | { readonly problem: { field: string; rule: string; value: string; message: string } } {
  for (const [name, value] of given) {
    const p = t.parameters.find((x) => x.name === name);
    if (!p) return { problem: { field: 'parametre/nom', rule: 'inconnu', value: name, message: `le test ${t.code} n'a pas de paramètre ${name}` } };
    if (!p.values.includes(value)) {
      return { problem: { field: 'parametre/valeur', rule: 'enumeration', value, message: `${name} : une valeur parmi ${p.values.join(', ')}` } };
    }
  }
  return { values: Object.fromEntries(t.parameters.map((p) => [p.name, given.get(p.name) ?? p.default])) };
}
