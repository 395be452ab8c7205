/**
 * esav-test-pack: the operator test pack's command line. Exit 0 when every scenario run passed, 1 on a failure (or,
 * with --strict, a skipped scenario), 2 on a usage error (bad option, unreadable file, bad scenario), 3 when the first
 * check failed (endpoint unreachable, certificate refused, operator code not the certificate's).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startReceiver, type Receiver } from './notifications.js';
import { htmlReport, junitXml } from './reports.js';
import { runPack, type PackResult, type ScenarioResult } from './runner.js';
import { loadScenarios, ScenarioError, type Scenario } from './scenario.js';
import { textsOf } from './xml-text.js';

export const PACKAGE_NAME = 'esav-test-pack';

/** The folder of the installed package (its package.json is esav-test-pack's), when this file runs from one. */
function installedPackage(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try { if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir; } catch { /* not ours */ }
  }
  return undefined;
}

/**
 * The scenarios: those of the installed package (scenarios/ next to its package.json), else the gateway checkout's
 * test-pack/scenarios, found upwards from this file (src/testpack/ or dist/src/testpack/).
 */
function defaultScenarios(): string {
  const pkg = installedPackage();
  if (pkg) return path.join(pkg, 'scenarios');
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test-pack', 'scenarios');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve('test-pack', 'scenarios');
}
export const DEFAULT_SCENARIOS = defaultScenarios();

function packVersion(): string {
  const pkg = installedPackage();
  const file = pkg ? path.join(pkg, 'package.json') : path.join(path.dirname(DEFAULT_SCENARIOS), '..', 'packages', PACKAGE_NAME, 'package.json');
  try { return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version; } catch { return '(checkout)'; }
}

export const USAGE = `esav-test-pack --endpoint https://host:port --cert client.crt --key client.key --ca ca.crt [options]
  Le jeu de test e-SAV de l'opérateur : lit les versions publiées (GET ?wsdl), rejoue les scénarios de
  test-pack/scenarios/ (un fichier JSON par scénario) et écrit un rapport JUnit XML et un rapport HTML.
  --endpoint <url>          the e-SAV endpoint (integration platform or gateway), e.g. https://esav-integration.example:8443
  --cert <file>             the operator's client certificate (PEM)
  --key <file>              its private key (PEM)
  --ca <file>               the CA that signed the endpoint's server certificate (PEM)
  --out <dir>               where the reports go (default ./test-pack-report): junit.xml, report.html
  --only <glob[,glob]>      run only the scenarios whose id matches (* and ?), e.g. 'signalisation-v2-*'
  --operator <code>         the operator code of the certificate (integration platform services SBX-…-<code>)
  --service-id <id>         one of the operator's services for nominal scenarios (default SBX-FTTH-NOMINAL-<operator>)
  --var name=value          any other scenario variable (repeatable)
  --scenarios <dir>         another scenario folder (default: the pack's test-pack/scenarios)
  --notifications-port <n>  also listen for notifications over mutual TLS on this port and check one arrives
  --server-cert <file>      the notification receiver's certificate (PEM; with --notifications-port)
  --server-key <file>       its private key (PEM)
  --notifications-wait <s>  how long to wait for a notification after the scenarios (default 60)
  --poll-scale <x>          multiplies the lifecycle scenarios' polling timeouts (default 1)
  --strict                  a skipped scenario fails the run (exit 1): for a CI that must run the whole pack
  --version                 the pack's version
  --help                    this text
  Before the scenarios, a first check stops the run when the endpoint cannot be reached, the certificate is refused
  (TLS handshake or AUTHENTIFICATION_REFUSEE) or the operator's service is unknown to this certificate.
  Exit status: 0 all passed (skipped scenarios say why), 1 a scenario failed (with --strict: or was skipped),
  2 usage error, 3 the first check failed (endpoint, certificate, operator code).
`;

export const EXIT = { passed: 0, failed: 1, usage: 2, preflight: 3 } as const;

/** The test pack imports nothing of the gateway (it is the operators' client), so its few codes live here. */
export class UsageError extends Error {
  readonly code = 'TESTPACK_USAGE';
  override readonly name = 'UsageError';
}

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface CliOutcome {
  readonly code: number;
  readonly result?: PackResult;
  readonly htmlFile?: string;
  readonly junitFile?: string;
}

function readPem(file: string | undefined, option: string): string {
  if (!file) throw new UsageError(`--${option} is required`);
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new UsageError(`--${option} ${file}: ${(e as Error).message}`); }
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw new UsageError(`--${option} ${file}: not a PEM file (-----BEGIN …-----)`);
  return text;
}

async function notificationResult(receiver: Receiver, result: PackResult, waitMs: number): Promise<ScenarioResult> {
  const refs = new Set<string>();
  for (const s of result.scenarios) for (const st of s.steps) if (st.ok && st.operation === 'depotSignalisation' && st.response) for (const r of textsOf(st.response, 'referenceSignalisation')) refs.add(r);
  const t = performance.now();
  const common = { id: 'notifications-reception', title: 'Réception des notifications poussées par l’OI', service: 'notification', version: 1, file: '(intégré)' };
  if (refs.size === 0) return { ...common, status: 'skipped', reason: 'aucune signalisation déposée pendant ce passage', durationMs: 0, steps: [] };
  const hit = await receiver.waitFor((n) => n.referenceSignalisation !== undefined && refs.has(n.referenceSignalisation), waitMs);
  const durationMs = performance.now() - t;
  if (hit) return { ...common, status: 'passed', durationMs, steps: [] };
  return { ...common, status: 'failed', reason: `aucune notification reçue sur le port ${receiver.port} en ${Math.round(waitMs / 1000)} s pour ${[...refs].join(', ')} (${receiver.received.length} notification(s) reçue(s) en tout) — l'adresse de notification est-elle déclarée auprès de l'OI ?`, durationMs, steps: [] };
}

export async function runTestPackCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  let scenarios: Scenario[];
  let values;
  try {
    values = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' }, endpoint: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, ca: { type: 'string' },
        out: { type: 'string' }, only: { type: 'string' }, operator: { type: 'string' }, 'service-id': { type: 'string' }, var: { type: 'string', multiple: true },
        scenarios: { type: 'string' }, 'notifications-port': { type: 'string' }, 'server-cert': { type: 'string' }, 'server-key': { type: 'string' },
        'notifications-wait': { type: 'string' }, 'poll-scale': { type: 'string' }, strict: { type: 'boolean' }, version: { type: 'boolean' }
      }
    }).values;
  } catch (e) {
    io.err(`esav-test-pack: ${(e as Error).message}\n\n${USAGE}`);
    return { code: 2 };
  }
  if (values.help) { io.out(USAGE); return { code: 0 }; }
  if (values.version) { io.out(`${PACKAGE_NAME} ${packVersion()}\n`); return { code: 0 }; }
  let receiver: Receiver | undefined;
  try {
    if (!values.endpoint) throw new UsageError('--endpoint is required');
    let endpoint: URL;
    try { endpoint = new URL(values.endpoint); } catch { throw new UsageError(`--endpoint ${values.endpoint} is not a URL`); }
    if (endpoint.protocol !== 'https:') throw new UsageError('--endpoint must be an https:// URL (mutual TLS)');
    const tls = { cert: readPem(values.cert, 'cert'), key: readPem(values.key, 'key'), ca: readPem(values.ca, 'ca') };
    const variables: Record<string, string> = {};
    for (const v of values.var ?? []) {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--var ${v}: expected name=value`);
      variables[v.slice(0, eq)] = v.slice(eq + 1);
    }
    if (values.operator) {
      if (!/^[A-Z0-9]{2,16}$/.test(values.operator)) throw new UsageError(`--operator ${values.operator}: an operator code is upper-case letters and digits`);
      variables.operator = values.operator;
    }
    const serviceId = values['service-id'] ?? (values.operator ? `SBX-FTTH-NOMINAL-${values.operator}` : undefined);
    if (serviceId) variables.serviceId = serviceId;
    const pollScale = values['poll-scale'] !== undefined ? Number(values['poll-scale']) : 1;
    if (!(pollScale > 0)) throw new UsageError('--poll-scale must be a positive number');
    try { scenarios = loadScenarios(values.scenarios ? path.resolve(values.scenarios) : DEFAULT_SCENARIOS); } catch (e) {
      if (e instanceof ScenarioError) throw new UsageError(`scenario: ${e.message}`);
      throw new UsageError(`--scenarios: ${(e as Error).message}`);
    }
    if (values['notifications-port'] !== undefined) {
      const port = Number(values['notifications-port']);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--notifications-port must be a port number');
      const serverTls = { cert: readPem(values['server-cert'], 'server-cert'), key: readPem(values['server-key'], 'server-key'), ca: tls.ca };
      receiver = await startReceiver(port, serverTls);
      io.out(`notifications : écoute en HTTPS (TLS mutuel) sur le port ${receiver.port}\n`);
    }
    const out = path.resolve(values.out ?? 'test-pack-report');
    io.out(`esav-test-pack → ${endpoint.origin}\n`);
    let result = await runPack({
      endpoint: endpoint.origin, tls, scenarios, variables, pollScale,
      ...(values.only ? { only: values.only } : {}),
      progress: (line) => io.out(`${line}\n`)
    });
    if (result.scenarios.length === 0) throw new UsageError(`--only ${values.only}: no scenario id matches`);
    if (receiver && !result.preflight) {
      const wait = values['notifications-wait'] !== undefined ? Number(values['notifications-wait']) : 60;
      const n = await notificationResult(receiver, result, wait * 1000);
      io.out(`${n.status === 'passed' ? '✔' : n.status === 'failed' ? '✘' : '-'} ${n.id}${n.reason ? ` : ${n.reason}` : ''}\n`);
      result = { ...result, scenarios: [...result.scenarios, n], [n.status]: result[n.status] + 1 };
    }
    mkdirSync(out, { recursive: true });
    const junitFile = path.join(out, 'junit.xml');
    const htmlFile = path.join(out, 'report.html');
    writeFileSync(junitFile, junitXml(result));
    writeFileSync(htmlFile, htmlReport(result));
    io.out(`\n${result.passed} réussi(s), ${result.failed} échoué(s), ${result.skipped} ignoré(s) en ${(result.durationMs / 1000).toFixed(1)} s\nrapports : ${htmlFile}\n          ${junitFile}\n`);
    if (result.preflight) {
      io.out(`arrêt après le contrôle préalable (code de sortie ${EXIT.preflight}) : aucun scénario rejoué\n`);
      return { code: EXIT.preflight, result, htmlFile, junitFile };
    }
    const strictFailure = values.strict === true && result.skipped > 0;
    if (strictFailure) io.out(`--strict : ${result.skipped} scénario(s) ignoré(s), le passage est en échec\n`);
    return { code: result.failed > 0 || strictFailure ? EXIT.failed : EXIT.passed, result, htmlFile, junitFile };
  } catch (e) {
    if (e instanceof UsageError) { io.err(`esav-test-pack: ${e.message}\n(--help for the options)\n`); return { code: EXIT.usage }; }
    throw e;
  } finally {
    await receiver?.close();
  }
}
