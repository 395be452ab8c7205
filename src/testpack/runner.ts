/**
 * Runs the operator test pack against an e-SAV endpoint: reads the live versions (GET ?wsdl over mutual TLS), then
 * each scenario's steps in order, with variables, captures and polling. Knows nothing of the gateway's code.
 */
import { Http, type Tls } from './http.js';
import { matchesGlob, type Check, type Scenario, type Step } from './scenario.js';
import { describeCheck, outcomeOf, runCheck, textOf, xmlEscape } from './xml-text.js';

export const INTEGRATION_PLATFORM = 'integration-platform';
const ENV11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const ENV12 = 'http://www.w3.org/2003/05/soap-envelope';
export const NS_BASE = 'http://esav.bfc-fibre.fr';

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

export interface LiveVersion {
  readonly service: string;
  readonly version: number;
  readonly url: string;
  readonly status: number;
  readonly live: boolean;
  readonly note: string;
}

export interface PackResult {
  readonly endpoint: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly versions: readonly LiveVersion[];
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

export function envelope(body: string, soapVersion: '1.1' | '1.2'): string {
  const ns = soapVersion === '1.2' ? ENV12 : ENV11;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${ns}">\n  <soapenv:Header/>\n  <soapenv:Body>\n${body.replace(/^/gm, '    ')}\n  </soapenv:Body>\n</soapenv:Envelope>\n`;
}

/** The versions the endpoint publishes: the paths its SERVICE_INCONNU fault lists, plus those the scenarios name. */
async function discoverVersions(http: Http, scenarios: readonly Scenario[]): Promise<LiveVersion[]> {
  const candidates = new Map<string, { service: string; version: number }>();
  try {
    const probe = await http.send('GET', '/esav/');
    for (const m of probe.body.matchAll(/\/esav\/([a-z]+)\/v(\d+)/g)) candidates.set(`${m[1]}/v${m[2]}`, { service: m[1]!, version: Number(m[2]) });
  } catch { /* reported below through each version */ }
  for (const s of scenarios) for (const st of s.steps) {
    const service = st.service ?? s.service; const version = st.version ?? s.version;
    if (!candidates.has(`${service}/v${version}`) && !st.path) candidates.set(`${service}/v${version}`, { service, version });
  }
  const out: LiveVersion[] = [];
  for (const { service, version } of [...candidates.values()].sort((a, b) => a.service.localeCompare(b.service) || a.version - b.version)) {
    const url = `/esav/${service}/v${version}?wsdl`;
    try {
      const r = await http.send('GET', url);
      const isWsdl = r.status === 200 && /<(?:\w+:)?definitions[\s>]/.test(r.body);
      const note = isWsdl
        ? (/<(?:\w+:)?service\s+name="([^"]+)"/.exec(r.body)?.[1] ?? 'WSDL')
        : `${outcomeOf(r.body)}${textOf(r.body, 'message') ? ` — ${textOf(r.body, 'message')}` : ''}`;
      out.push({ service, version, url, status: r.status, live: isWsdl, note });
    } catch (e) {
      out.push({ service, version, url, status: 0, live: false, note: (e as Error).message });
    }
  }
  return out;
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
  const body = substitute(Array.isArray(step.body) ? (step.body as string[]).join('\n') : step.body as string, stepVars, true);
  const request = envelope(body, soapVersion);
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
      return { name, operation: step.operation, url, soapAction, request, durationMs: performance.now() - started, attempts, expectations: [], error: `échec de l'échange : ${(e as Error).message}`, ok: false };
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
    return { name, operation: step.operation, url, soapAction, request, status, response, durationMs: performance.now() - started, attempts, expectations, ok: expectations.every((e) => e.ok) };
  }
}

function firstFailure(steps: readonly StepResult[]): string | undefined {
  for (const s of steps) {
    if (s.error) return `${s.name} : ${s.error}`;
    const e = s.expectations.find((x) => !x.ok);
    if (e) return `${s.name} : attendu ${e.expected}, obtenu ${e.actual}`;
  }
  return undefined;
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

export async function runPack(o: RunOptions): Promise<PackResult> {
  const startedAt = new Date();
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
    const versions = await discoverVersions(http, selected);
    for (const v of versions) progress(`${v.live ? 'v' : '·'} ${v.service} v${v.version} ${v.live ? 'en service' : 'indisponible'} — ${v.note}`);
    const liveSet = new Set(versions.filter((v) => v.live).map((v) => `${v.service}/v${v.version}`));
    if (liveSet.size === 0) {
      // Nothing answered a WSDL: a wrong address, certificate or CA. One clear failure rather than a page of skips.
      const reason = `aucun WSDL lu sur ${o.endpoint} : ${versions[0]?.note ?? 'aucune version'} — vérifiez l'adresse, le certificat client et l'AC`;
      progress(`✘ connexion : ${reason}`);
      const failed: ScenarioResult = { id: 'connexion', title: 'Connexion au point d’accès et lecture des WSDL (TLS mutuel)', service: 'esav', version: 0, file: '(intégré)', status: 'failed', reason, durationMs: performance.now() - t0, steps: [] };
      return { endpoint: o.endpoint, startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, versions, scenarios: [failed], passed: 0, failed: 1, skipped: 0 };
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
      const unpublished = s.steps[0]!.expect.outcome !== 'VERSION_INDISPONIBLE' && !s.steps[0]!.path && !liveSet.has(`${s.steps[0]!.service ?? s.service}/v${s.steps[0]!.version ?? s.version}`);
      if (!skip && unpublished) skip = `${s.service} v${s.version} n'est pas en service sur ce point d'accès`;
      if (skip) {
        results.push({ ...common, status: 'skipped', reason: skip, durationMs: 0, steps: [] });
        progress(`- ${s.id} ignoré : ${skip}`);
        continue;
      }
      counter++;
      const vars: Record<string, string> = { ...base, uniqueRef: `${base.operator ?? 'OP'}-TP-${runId}-${String(counter).padStart(3, '0')}`, now: new Date().toISOString(), dateConstat: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z') };
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
      const failure = missing !== undefined ? `variable \${${missing}} non définie à l'étape ${steps.length + 1}` : firstFailure(steps);
      const status: ScenarioStatus = failure ? 'failed' : 'passed';
      results.push({ ...common, status, ...(failure ? { reason: failure } : {}), durationMs, steps });
      progress(`${status === 'passed' ? '✔' : '✘'} ${s.id} (${Math.round(durationMs)} ms)${failure ? `\n    ${failure}` : ''}`);
    }
    const count = (st: ScenarioStatus): number => results.filter((r) => r.status === st).length;
    return { endpoint: o.endpoint, startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, versions, scenarios: results, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  } finally {
    http.close();
  }
}

export { describeCheck };
