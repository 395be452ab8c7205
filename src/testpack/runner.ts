/**
 * Runs the operator test pack against an e-SAV endpoint: reads the live versions (GET ?wsdl over mutual TLS), then
 * each scenario's steps in order, with variables, captures and polling. Knows nothing of the gateway's code.
 */
import { Http, type Tls } from './http.js';
import { matchesGlob, type Check, type Scenario, type Step } from './scenario.js';
import { checkAuthentication, classifyExchangeError, type PreflightFailure } from './preflight.js';
import { closedByClock, closedByGateway, SLOT_SEARCH_OPEN, slotSearchVariables } from './slot-search.js';
import { envelope, NS_BASE } from './soap-envelope.js';
import { discoverVersions, type LiveVersion } from './versions.js';
import { describeCheck, faultLines, faultOf, outcomeOf, runCheck, textOf, xmlEscape, type FaultInfo } from './xml-text.js';

export { envelope, NS_BASE };
export type { LiveVersion };

export const INTEGRATION_PLATFORM = 'integration-platform';

export interface Expectation {
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

export interface StepResult {
  readonly name: string;
  readonly operation: string;
  readonly url: string;
  readonly soapAction: string;
  readonly request: string;
  readonly status?: number;
  readonly response?: string;
  readonly durationMs: number;
  readonly attempts: number;
  readonly expectations: readonly Expectation[];
  readonly error?: string;
  /** The SOAP Fault received, when the answer is one. */
  readonly fault?: FaultInfo;
  readonly ok: boolean;
}

export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly service: string;
  readonly version: number;
  readonly file: string;
  readonly status: ScenarioStatus;
  /** Why it failed (the first failed expectation) or was skipped. */
  readonly reason?: string;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
}

export interface PackResult {
  readonly endpoint: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly versions: readonly LiveVersion[];
  /** The first check (reachable, certificate accepted, operator code): when it failed, no scenario ran. */
  readonly preflight?: PreflightFailure;
  readonly scenarios: readonly ScenarioResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RunOptions {
  readonly endpoint: string;
  readonly tls: Tls;
  readonly scenarios: readonly Scenario[];
  readonly only?: string;
  /** Parameters given on the command line: serviceId, operator, … */
  readonly variables?: Readonly<Record<string, string>>;
  /** One line per scenario as it ends. */
  readonly progress?: (line: string) => void;
  /** Multiplies poll timeouts (tests shorten them). */
  readonly pollScale?: number;
  readonly requestTimeoutMs?: number;
  /** The pack's clock (tests inject one): the variables' dates and the slot search's window. */
  readonly clock?: () => Date;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class MissingVariable extends Error {
  readonly code = 'TESTPACK_VARIABLE_UNDEFINED';
  constructor(readonly variable: string) { super(`variable \${${variable}} non définie`); }
}

function substitute(template: string, vars: Readonly<Record<string, string>>, escape: boolean): string {
  return template.replace(/\$\{([A-Za-z_][\w]*)\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new MissingVariable(name);
    return escape ? xmlEscape(v) : v;
  });
}

function defaultStatus(outcome: string, soapVersion: '1.1' | '1.2'): number {
  if (outcome === 'OK') return 200;
  return soapVersion === '1.2' ? 400 : 500;
}

async function runStep(http: Http, scenario: Scenario, step: Step, index: number, vars: Record<string, string>, pollScale: number): Promise<StepResult> {
  const service = step.service ?? scenario.service;
  const version = step.version ?? scenario.version;
  const soapVersion = step.soapVersion ?? '1.1';
  const stepVars = { ...vars, ns: `${NS_BASE}/${service}/v${version}`, service, version: String(version) };
  const name = step.name ?? `${step.operation} (${index + 1})`;
  const path = substitute(step.path ?? `/esav/${service}/v${version}`, stepVars, false);
  const soapAction = substitute(step.soapAction ?? `${NS_BASE}/${service}/v${version}/${step.operation}`, stepVars, false);
  const lines = (v: string | readonly string[]): string => (Array.isArray(v) ? (v as string[]).join('\n') : v as string);
  const body = substitute(lines(step.body), stepVars, true);
  const request = envelope(body, soapVersion, step.header === undefined ? undefined : substitute(lines(step.header), stepVars, true));
  const headers: Record<string, string> = soapVersion === '1.2'
    ? { 'content-type': `application/soap+xml; charset=utf-8; action="${soapAction}"` }
    : { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction}"` };
  const url = `${http.endpoint.replace(/\/$/, '')}${path}`;
  const resolve = (s: string): string => substitute(s, stepVars, false);
  const deadline = Date.now() + (step.poll ? (step.poll.timeoutSeconds ?? 120) * 1000 * pollScale : 0);
  const interval = (step.poll?.intervalSeconds ?? 2) * 1000 * pollScale;
  let attempts = 0;
  const started = performance.now();
  for (;;) {
    attempts++;
    let status: number | undefined; let response: string | undefined;
    try {
      const r = await http.send('POST', path, request, headers);
      status = r.status; response = r.body;
    } catch (e) {
      const error = `échec de l'échange : ${classifyExchangeError(e, http.endpoint).message}`;
      const durationMs = performance.now() - started;
      return { name, operation: step.operation, url, soapAction, request, durationMs, attempts, expectations: [], error, ok: false };
    }
    const expectations: Expectation[] = [];
    const expectedStatus = step.expect.status ?? defaultStatus(step.expect.outcome, soapVersion);
    expectations.push({ expected: `statut HTTP ${expectedStatus}`, actual: `statut HTTP ${status}`, ok: status === expectedStatus });
    const outcome = outcomeOf(response);
    const expectedOutcome = resolve(step.expect.outcome);
    expectations.push({ expected: `résultat ${expectedOutcome}`, actual: `résultat ${outcome}${outcome !== 'OK' && textOf(response, 'message') ? ` (${textOf(response, 'message')})` : ''}`, ok: outcome === expectedOutcome });
    for (const c of step.expect.checks ?? []) {
      const r = runCheck(response, c, resolve);
      expectations.push({ expected: r.expected, actual: r.actual === undefined ? `<${c.element}> absent de la réponse` : `« ${r.actual} »`, ok: r.ok });
    }
    let pollPending = false;
    if (step.poll) {
      const untils = step.poll.until.map((c: Check) => runCheck(response!, c, resolve));
      pollPending = untils.some((u) => !u.ok);
      if (pollPending && Date.now() + interval <= deadline && expectations.every((e) => e.ok)) { await sleep(interval); continue; }
      for (const u of untils) expectations.push({ expected: `${u.expected} (attendu en ${step.poll.timeoutSeconds ?? 120} s, ${attempts} essai(s))`, actual: u.actual === undefined ? `<${u.check.element}> absent` : `« ${u.actual} »`, ok: u.ok });
    }
    const ok = expectations.every((e) => e.ok);
    if (ok) for (const [variable, element] of Object.entries(step.capture ?? {})) {
      const v = textOf(response, element);
      if (v === undefined) {
        expectations.push({ expected: `<${element}> à capturer dans \${${variable}}`, actual: 'absent de la réponse', ok: false });
      } else vars[variable] = v;
    }
    const fault = faultOf(response);
    return {
      name, operation: step.operation, url, soapAction, request, status, response, durationMs: performance.now() - started, attempts, expectations,
      ...(fault ? { fault } : {}), ok: expectations.every((e) => e.ok)
    };
  }
}

/** The failed expectations of a step, the result (OK or fault code) first: the HTTP status alone says little. */
function failedExpectations(s: StepResult): Expectation[] {
  const failed = s.expectations.filter((x) => !x.ok);
  return [...failed.filter((x) => x.expected.startsWith('résultat ')), ...failed.filter((x) => !x.expected.startsWith('résultat '))];
}

function firstFailure(steps: readonly StepResult[]): string | undefined {
  for (const s of steps) {
    if (s.error) return `${s.name} : ${s.error}`;
    const e = failedExpectations(s)[0];
    if (e) return `${s.name} : attendu ${e.expected}, obtenu ${e.actual}`;
  }
  return undefined;
}

/** What the console shows under a failed scenario: every failed expectation and the fault received, fields included. */
export function failureDetails(steps: readonly StepResult[]): string[] {
  const s = steps.find((x) => !x.ok);
  if (!s || s.error) return [];
  const lines = failedExpectations(s).slice(1).map((e) => `aussi : attendu ${e.expected}, obtenu ${e.actual}`);
  if (s.fault) lines.push(...faultLines(s.fault));
  return lines;
}

/** Is the sandbox back office there? The integration platform's nominal FTTH service answers for this operator. */
async function probeIntegrationPlatform(http: Http, vars: Readonly<Record<string, string>>): Promise<string | null> {
  if (!vars.sandboxNominal) return `requiert la plateforme d'intégration : --operator n'est pas donné (services SBX-…-<OPERATEUR>)`;
  const body = `<p:ConsultationPrestationRequete xmlns:p="${NS_BASE}/prestation/v1"><p:identifiantPrestation>${xmlEscape(vars.sandboxNominal)}</p:identifiantPrestation></p:ConsultationPrestationRequete>`;
  try {
    const r = await http.send('POST', '/esav/prestation/v1', envelope(body, '1.1'), { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS_BASE}/prestation/v1/consultationPrestation"` });
    const outcome = outcomeOf(r.body);
    return outcome === 'OK' ? null : `requiert la plateforme d'intégration : la prestation ${vars.sandboxNominal} n'existe pas sur ce point d'accès (${outcome})`;
  } catch (e) {
    return `requiert la plateforme d'intégration : ${(e as Error).message}`;
  }
}

/** The day in Paris (the gateway's business days), YYYY-MM-DD. */
export function parisDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export async function runPack(o: RunOptions): Promise<PackResult> {
  const clock = o.clock ?? ((): Date => new Date());
  const startedAt = clock();
  const t0 = performance.now();
  const http = new Http(o.endpoint, o.tls, o.requestTimeoutMs);
  const progress = o.progress ?? ((): void => undefined);
  const runId = Date.now().toString(36).toUpperCase();
  const base: Record<string, string> = { runId, ...o.variables };
  if (base.operator) {
    base.sandboxNominal ??= `SBX-FTTH-NOMINAL-${base.operator}`;
  }
  try {
    const selected = o.scenarios.filter((s) => !o.only || matchesGlob(s.id, o.only));
    const stop = (failure: PreflightFailure, versions: readonly LiveVersion[]): PackResult => {
      // One clear failure rather than a page of failed or skipped scenarios.
      progress(`✘ contrôle préalable : ${failure.message}`);
      const failed: ScenarioResult = {
        id: 'connexion', title: 'Contrôle préalable : connexion, certificat et code opérateur (TLS mutuel)', service: 'esav', version: 0, file: '(intégré)',
        status: 'failed', reason: failure.message, durationMs: performance.now() - t0, steps: []
      };
      return {
        endpoint: o.endpoint, startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, versions, preflight: failure,
        scenarios: [failed], passed: 0, failed: 1, skipped: 0
      };
    };
    let servicesAnswer: string;
    try {
      servicesAnswer = (await http.send('GET', '/esav/')).body;
    } catch (e) {
      return stop(classifyExchangeError(e, o.endpoint), []);
    }
    const versions = await discoverVersions(http, selected, servicesAnswer);
    const live = versions.filter((v) => v.live);
    progress(`Versions en production le ${parisDay(clock())} (liste publiée par le point d'accès) :`);
    for (const v of live) progress(`  v ${v.service} v${v.version} — ${v.note}`);
    if (live.length === 0) progress('  (aucune)');
    const others = versions.filter((v) => !v.live);
    if (others.length > 0) progress('Autres versions (pas en production ce jour) :');
    for (const v of others) progress(`  · ${v.service} v${v.version} — ${v.note}`);
    const liveSet = new Set(live.map((v) => `${v.service}/v${v.version}`));
    if (liveSet.size === 0) {
      const message = `aucun WSDL lu sur ${o.endpoint} : ${versions[0]?.note ?? 'aucune version'} — vérifiez l'adresse, le certificat client et l'AC`;
      return stop({ problem: 'unreachable', message }, versions);
    }
    if (liveSet.has('prestation/v1')) {
      const refused = await checkAuthentication(http, base.serviceId, base.operator);
      if (refused) return stop(refused, versions);
      const service = base.serviceId ? `, prestation ${base.serviceId} de l'opérateur${base.operator ? ` ${base.operator}` : ''}` : '';
      progress(`✔ contrôle préalable : certificat accepté${service}`);
    }
    let platformMissing: string | null | undefined;
    const results: ScenarioResult[] = [];
    let counter = 0;
    for (const s of selected) {
      const t = performance.now();
      const common = { id: s.id, title: s.title, service: s.service, version: s.version, file: s.file };
      let skip: string | null = null;
      if (s.requires?.includes(INTEGRATION_PLATFORM)) {
        if (platformMissing === undefined) platformMissing = await probeIntegrationPlatform(http, base);
        skip = platformMissing;
      }
      if (!skip && s.requires?.includes(SLOT_SEARCH_OPEN)) skip = closedByClock(clock());
      const unpublished = s.steps[0]!.expect.outcome !== 'VERSION_INDISPONIBLE' && !s.steps[0]!.path && !liveSet.has(`${s.steps[0]!.service ?? s.service}/v${s.steps[0]!.version ?? s.version}`);
      if (!skip && unpublished) skip = `${s.service} v${s.version} n'est pas en service sur ce point d'accès`;
      if (skip) {
        results.push({ ...common, status: 'skipped', reason: skip, durationMs: 0, steps: [] });
        progress(`- ${s.id} ignoré : ${skip}`);
        continue;
      }
      counter++;
      const at = clock();
      const vars: Record<string, string> = { ...slotSearchVariables(at), ...base, uniqueRef: `${base.operator ?? 'OP'}-TP-${runId}-${String(counter).padStart(3, '0')}`, now: at.toISOString(), dateConstat: new Date(at.getTime() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z') };
      const steps: StepResult[] = [];
      let missing: string | undefined;
      for (const [i, step] of s.steps.entries()) {
        try {
          const r = await runStep(http, s, step, i, vars, o.pollScale ?? 1);
          steps.push(r);
          if (!r.ok) break;
        } catch (e) {
          if (e instanceof MissingVariable) { missing = e.variable; break; }
          throw e;
        }
      }
      const durationMs = performance.now() - t;
      if (missing !== undefined && steps.length === 0) {
        const reason = `paramètre manquant : \${${missing}} (voir --service-id, --operator, --var)`;
        results.push({ ...common, status: 'skipped', reason, durationMs, steps });
        progress(`- ${s.id} ignoré : ${reason}`);
        continue;
      }
      const last = steps.at(-1);
      const closed = s.requires?.includes(SLOT_SEARCH_OPEN) && last && !last.ok ? closedByGateway(last.fault, s.steps[steps.length - 1]!.expect.outcome) : null;
      // The slot search was closed after all (the gateway's clock): skipped with the reason, as by the pack's clock.
      if (closed) { results.push({ ...common, status: 'skipped', reason: closed, durationMs, steps }); progress(`- ${s.id} ignoré : ${closed}`); continue; }
      const failure = missing !== undefined ? `variable \${${missing}} non définie à l'étape ${steps.length + 1}` : firstFailure(steps);
      const status: ScenarioStatus = failure ? 'failed' : 'passed';
      results.push({ ...common, status, ...(failure ? { reason: failure } : {}), durationMs, steps });
      const details = failure ? [failure, ...failureDetails(steps)].map((l) => `\n    ${l}`).join('') : '';
      progress(`${status === 'passed' ? '✔' : '✘'} ${s.id} (${Math.round(durationMs)} ms)${details}`);
    }
    const count = (st: ScenarioStatus): number => results.filter((r) => r.status === st).length;
    return { endpoint: o.endpoint, startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, versions, scenarios: results, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  } finally {
    http.close();
  }
}

export { describeCheck };
