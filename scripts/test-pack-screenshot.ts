/**
 * npm run test-pack:screenshot: looks at the test pack's HTML report the way a person would, in Debian's headless
 * Chromium. Renders --report <report.html> (a report of a real run), or else a sample report of the whole scenario
 * catalogue (one failure, the integration-platform scenarios skipped), screenshots it, checks the PNG is a real
 * picture and that the rendered DOM holds the scenario table with a row per scenario and the failure's details.
 * Exit 1 when Chromium is missing or a check fails, 2 on bad usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChromiumError, DEFAULT_CHROMIUM, dumpDom, requireChromium, screenshot, WINDOW } from './catalog-pack/chromium.js';
import { visibleText } from './catalog-pack/dom-checks.js';
import { checkPng, COLOUR_COUNT_LIMIT } from './catalog-pack/png.js';
import { DEFAULT_SCENARIOS } from '../src/testpack/cli.js';
import { htmlReport } from '../src/testpack/reports.js';
import { envelope, INTEGRATION_PLATFORM, type PackResult, type ScenarioResult } from '../src/testpack/runner.js';
import { loadScenarios } from '../src/testpack/scenario.js';

const USAGE = `npm run test-pack:screenshot [-- --report <report.html>] [--out <dir>] [--chromium <path>]
  Screenshots the test pack's HTML report with headless Chromium into <out>/report.png and checks the PNG
  (signature, ${WINDOW.width}×${WINDOW.height}, more than 10 kB) and the rendered DOM (the scenario table, one row per scenario).
  --report <file>    a report written by npm run test-pack (default: a sample report of the scenario catalogue)
  --out <dir>        where the sample report and the PNG go (default var/test-pack-screenshot)
  --chromium <path>  the browser (default ${DEFAULT_CHROMIUM}; Debian: apt-get install chromium)
  --help             this text
`;

const say = (line: string): void => { process.stderr.write(`test-pack:screenshot ${line}\n`); };

/** A report as a run would write it: every scenario of the catalogue, one of them failed, the sandbox ones skipped. */
function sampleResult(): PackResult {
  const scenarios = loadScenarios(DEFAULT_SCENARIOS);
  const results: ScenarioResult[] = scenarios.map((s, i) => {
    const common = { id: s.id, title: s.title, service: s.service, version: s.version, file: path.relative(process.cwd(), s.file) };
    if (s.requires?.includes(INTEGRATION_PLATFORM)) return { ...common, status: 'skipped', reason: "requiert la plateforme d'intégration : la prestation SBX-FTTH-NOMINAL-OPA n'existe pas sur ce point d'accès (RESSOURCE_INCONNUE)", durationMs: 0, steps: [] };
    const step = s.steps[0]!;
    const failed = s.id === 'signalisation-v2-depot-nominal';
    const request = envelope((Array.isArray(step.body) ? step.body.join('\n') : String(step.body)).replace(/\$\{ns\}/g, `http://esav.bfc-fibre.fr/${s.service}/v${s.version}`), '1.1');
    const response = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><DepotSignalisationReponse xmlns="http://esav.bfc-fibre.fr/signalisation/v2"><referenceSignalisation>SIG-2026-0000042</referenceSignalisation><dateAcceptation>2026-11-24T10:00:00.000Z</dateAcceptation><etat>${failed ? 'EN_COURS' : 'EN_DEPOT'}</etat><dejaDeposee>false</dejaDeposee></DepotSignalisationReponse></soap:Body></soap:Envelope>`;
    const expectations = [
      { expected: 'statut HTTP 200', actual: 'statut HTTP 200', ok: true },
      { expected: 'résultat OK', actual: 'résultat OK', ok: true },
      { expected: '<etat> = « EN_DEPOT »', actual: `« ${failed ? 'EN_COURS' : 'EN_DEPOT'} »`, ok: !failed }
    ];
    return {
      ...common, status: failed ? 'failed' : 'passed', durationMs: 40 + i * 3,
      ...(failed ? { reason: 'depotSignalisation (1) : attendu <etat> = « EN_DEPOT », obtenu « EN_COURS »' } : {}),
      steps: [{ name: `${step.operation} (1)`, operation: step.operation, url: `https://esav-integration.example:8443/esav/${s.service}/v${s.version}`, soapAction: `http://esav.bfc-fibre.fr/${s.service}/v${s.version}/${step.operation}`, request, status: 200, response, durationMs: 40, attempts: 1, expectations, ok: !failed }]
    };
  });
  const count = (st: string): number => results.filter((r) => r.status === st).length;
  return {
    endpoint: 'https://esav-integration.example:8443', startedAt: '2026-11-24T09:00:00.000Z', durationMs: 4200,
    versions: [['prestation', 1], ['catalogue', 1], ['signalisation', 1], ['signalisation', 2], ['exploitation', 1]].map(([service, version]) => ({ service: String(service), version: Number(version), url: `/esav/${service}/v${version}?wsdl`, status: 200, live: true, note: 'WSDL' })),
    scenarios: results, passed: count('passed'), failed: count('failed'), skipped: count('skipped')
  };
}

function run(argv: readonly string[]): number {
  const args = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { help: { type: 'boolean', short: 'h' }, report: { type: 'string' }, out: { type: 'string' }, chromium: { type: 'string' } } }).values;
  if (args.help) { process.stdout.write(USAGE); return 0; }
  const chromium = args.chromium ?? DEFAULT_CHROMIUM;
  requireChromium(chromium);
  const out = path.resolve(args.out ?? path.join('var', 'test-pack-screenshot'));
  mkdirSync(out, { recursive: true });
  let report: string;
  if (args.report) report = path.resolve(args.report);
  else {
    report = path.join(out, 'report.html');
    writeFileSync(report, htmlReport(sampleResult()));
    say(`sample report of the scenario catalogue: ${report}`);
  }
  const ids = [...readFileSync(report, 'utf8').matchAll(/<tr class="(?:passed|failed|skipped)" data-scenario="([^"]+)"/g)].map((m) => m[1]!);
  const png = path.join(out, 'report.png');
  screenshot(chromium, report, png);
  const { info, problems } = checkPng(png, WINDOW);
  say(`${png}: ${info ? `${info.width}×${info.height}, ${info.bytes} bytes, ${info.colours === COLOUR_COUNT_LIMIT ? `${COLOUR_COUNT_LIMIT}+` : info.colours ?? '?'} colours` : 'unreadable'}`);
  const dom = dumpDom(chromium, report);
  if (!/<table id="scenarios">/.test(dom)) problems.push('the rendered DOM has no scenario table (table#scenarios)');
  if (ids.length === 0) problems.push(`${report} lists no scenario: is it a test pack report?`);
  for (const id of ids) if (!dom.includes(`data-scenario="${id}"`)) problems.push(`the rendered scenario table has no row for ${id}`);
  const text = visibleText(dom);
  if (!/Jeu de test e-SAV/.test(text)) problems.push('the page does not show its title "Jeu de test e-SAV"');
  if (dom.includes('<tr class="failed"') && !/Attendu/.test(text)) problems.push('a failed scenario is shown without its expectations');
  say(`DOM: scenario table with ${ids.length} row(s) ${problems.length === 0 ? 'found' : 'checked'}`);
  if (problems.length > 0) {
    process.stderr.write(`test-pack:screenshot: ${problems.length} check(s) failed:\n  - ${problems.join('\n  - ')}\n`);
    return 1;
  }
  process.stdout.write(`Screenshot of the test pack report in ${png}; all checks passed\n`);
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (e) {
  const known = e instanceof ChromiumError;
  if (!known && !(e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) throw e;
  process.stderr.write(`test-pack:screenshot: ${(e as Error).message}\n${known ? '' : `\n${USAGE}`}`);
  process.exitCode = known ? 1 : 2;
}
