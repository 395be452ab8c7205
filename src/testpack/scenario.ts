/**
 * Scenarios as data: one JSON file per scenario in test-pack/scenarios/. Adding a scenario needs no code.
 * A file holds one step (operation, body, expect… at top level) or a sequence (`steps`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Check {
  /** Local name of the response element (first occurrence unless `all`). */
  readonly element: string;
  readonly equals?: string;
  readonly matches?: string;
  readonly exists?: boolean;
  readonly contains?: string;
  /** Every occurrence's text, joined with "|", is compared (e.g. the list of champEnErreur/champ). */
  readonly all?: boolean;
}

export interface Expect {
  /** HTTP status; default 200 for OK, 500 for a SOAP 1.1 fault. */
  readonly status?: number;
  /** "OK" or a fault code of docs/faults.md (DetailErreur/code). */
  readonly outcome: string;
  readonly checks?: readonly Check[];
}

export interface Poll {
  /** Checks that must all hold; the step is repeated until they do or the timeout ends. */
  readonly until: readonly Check[];
  readonly timeoutSeconds?: number;
  readonly intervalSeconds?: number;
}

export interface Step {
  readonly name?: string;
  readonly service?: string;
  readonly version?: number;
  readonly operation: string;
  /** The request element (inside the SOAP Body): a string or lines; ${variables} are replaced (XML-escaped). */
  readonly body: string | readonly string[];
  /** SOAP header blocks (Interop'Fibre's EnteteType), as the body: a string or lines, with ${variables}. */
  readonly header?: string | readonly string[];
  /** Default: http://esav.bfc-fibre.fr/<service>/v<version>/<operation>. */
  readonly soapAction?: string;
  readonly soapVersion?: '1.1' | '1.2';
  /** Default: /esav/<service>/v<version>. */
  readonly path?: string;
  readonly expect: Expect;
  /** variable name → element local name whose text is captured for later steps. */
  readonly capture?: Readonly<Record<string, string>>;
  readonly poll?: Poll;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly service: string;
  readonly version: number;
  readonly description?: string;
  /**
   * "integration-platform": needs the sandbox back office (SBX-… services); skipped with a reason elsewhere.
   * "slot-search-open": searches slots; skipped with the reason from 01:00 to 04:00 Paris time (slot-search.ts).
   */
  readonly requires?: readonly string[];
  readonly steps: readonly Step[];
  readonly file: string;
}

export class ScenarioError extends Error {
  readonly code = 'TESTPACK_SCENARIO_INVALID';
  override readonly name = 'ScenarioError';
}

const STEP_KEYS = ['name', 'service', 'version', 'operation', 'body', 'header', 'soapAction', 'soapVersion', 'path', 'expect', 'capture', 'poll'];
const SCENARIO_KEYS = ['id', 'title', 'service', 'version', 'description', 'requires', 'steps', ...STEP_KEYS];

function checkCheck(c: unknown, where: string): Check {
  if (!c || typeof c !== 'object') throw new ScenarioError(`${where}: a check is an object`);
  const o = c as Record<string, unknown>;
  if (typeof o.element !== 'string') throw new ScenarioError(`${where}: a check needs "element"`);
  if (o.equals === undefined && o.matches === undefined && o.exists === undefined && o.contains === undefined) {
    throw new ScenarioError(`${where}: check on ${o.element} needs equals, matches, contains or exists`);
  }
  if (typeof o.matches === 'string') {
    try { new RegExp(o.matches); } catch (e) { throw new ScenarioError(`${where}: bad regular expression ${o.matches}: ${(e as Error).message}`); }
  }
  return o as unknown as Check;
}

function checkStep(raw: Record<string, unknown>, where: string): Step {
  if (typeof raw.operation !== 'string') throw new ScenarioError(`${where}: "operation" is required`);
  if (typeof raw.body !== 'string' && !Array.isArray(raw.body)) throw new ScenarioError(`${where}: "body" is a string or an array of lines`);
  if (raw.header !== undefined && typeof raw.header !== 'string' && !Array.isArray(raw.header)) {
    throw new ScenarioError(`${where}: "header" is a string or an array of lines`);
  }
  const expect = raw.expect as Record<string, unknown> | undefined;
  if (!expect || typeof expect.outcome !== 'string') throw new ScenarioError(`${where}: "expect.outcome" is required (OK or a fault code)`);
  for (const k of Object.keys(raw)) if (!STEP_KEYS.includes(k)) throw new ScenarioError(`${where}: unknown key "${k}"`);
  ((expect.checks as unknown[] | undefined) ?? []).forEach((c, i) => checkCheck(c, `${where} expect.checks[${i}]`));
  const poll = raw.poll as Record<string, unknown> | undefined;
  if (poll) {
    if (!Array.isArray(poll.until)) throw new ScenarioError(`${where}: poll.until is a list of checks`);
    poll.until.forEach((c, i) => checkCheck(c, `${where} poll.until[${i}]`));
  }
  return raw as unknown as Step;
}

export function parseScenario(text: string, file: string): Scenario {
  let raw: Record<string, unknown>;
  try { raw = JSON.parse(text) as Record<string, unknown>; } catch (e) { throw new ScenarioError(`${file}: not JSON: ${(e as Error).message}`); }
  for (const k of ['id', 'title', 'service'] as const) if (typeof raw[k] !== 'string') throw new ScenarioError(`${file}: "${k}" is required`);
  if (typeof raw.version !== 'number') throw new ScenarioError(`${file}: "version" (a number) is required`);
  for (const k of Object.keys(raw)) if (!SCENARIO_KEYS.includes(k)) throw new ScenarioError(`${file}: unknown key "${k}"`);
  let steps: Step[];
  if (Array.isArray(raw.steps)) {
    steps = raw.steps.map((s, i) => checkStep(s as Record<string, unknown>, `${file} steps[${i}]`));
  } else {
    const single: Record<string, unknown> = {};
    for (const k of STEP_KEYS) if (raw[k] !== undefined && k !== 'service' && k !== 'version') single[k] = raw[k];
    steps = [checkStep(single, file)];
  }
  if (steps.length === 0) throw new ScenarioError(`${file}: no step`);
  return {
    id: raw.id as string, title: raw.title as string, service: raw.service as string, version: raw.version as number,
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    ...(Array.isArray(raw.requires) ? { requires: raw.requires as string[] } : {}),
    steps, file
  };
}

export function loadScenarios(dir: string): Scenario[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const scenarios = files.map((f) => parseScenario(readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f)));
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.id)) throw new ScenarioError(`${s.file}: duplicate scenario id ${s.id}`);
    seen.add(s.id);
  }
  return scenarios;
}

/** A glob on scenario ids: * and ? ; several globs separated by commas. */
export function matchesGlob(id: string, globs: string): boolean {
  return globs.split(',').map((g) => g.trim()).filter(Boolean).some((g) => {
    const re = new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(id);
  });
}
