/**
 * Offline contract check (npm run check:contracts): no gateway, no database.
 *  1. wsdl/<service>/service.json and the WSDLs (prestation, catalogue…) load as the gateway loads them at boot
 *     (version rules, schemas); catalog/ loads as at boot too (form and code list plans V2/V3, definitions, XSDs).
 *  2. Every XSD under xsd/ and every form XSD under catalog/forms/ compiles with libxml2 (the gateway's validator) and
 *     with Xerces (Java), so a contract that only one engine accepts is caught before operators, whose stacks are
 *     mostly Java, meet it.
 *  3. Every golden sample under test/samples/ (scripts/check-contracts/samples.ts) and every example of every form
 *     version (scripts/check-contracts/forms.ts) is validated by both engines; a valid document either rejects, an
 *     invalid one either accepts, or the two engines answering differently, fails the check.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ContractError, loadContracts } from '../src/contracts/contract-loader.js';
import type { ContractSet } from '../src/contracts/service-descriptor.js';
import { compileFile, filesUnder, root, schemaTask, stats, type Schema } from './check-contracts/engines.js';
import { catalogueTasks, formSchemas, loadCatalogue } from './check-contracts/forms.js';
import { print, runAll, type Outcome, type Task } from './check-contracts/report.js';
import { importsForms, samplesDir, sampleTasks, schemasWithForms, subdirectories } from './check-contracts/samples.js';

const USAGE = `Usage: npm run check:contracts [-- --help]

Checks offline that the contracts in wsdl/ and xsd/ and the form catalogue in catalog/ load, that every XSD (xsd/,
catalog/forms/) compiles with libxml2 and Xerces, and that both validators agree with the expected verdict of
  - every golden sample in test/samples/<service>/v<N>/ (valid; requests of schema-invalide* samples invalid);
  - every form example in catalog/forms/<form>/v<N>/examples/: valid-*.xml valid (and accepted by the gateway);
    invalid-*.xml invalid when its .expected.json lists an XSD error, else valid for the XSD and refused by the
    gateway with exactly the listed code-list / cross-field errors.
One line per document and validator; a disagreement between libxml2 and Xerces is a failure of its own.
Needs java on the PATH or in JAVA_HOME (one JVM per Xerces call, ${concurrency()} at a time).
Exits 0 when everything passes, 1 on any failure or disagreement, 2 on a usage error.`;

function concurrency(): number {
  return Math.max(2, Math.min(4, availableParallelism()));
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (argv.length > 0) { process.stderr.write(`unknown argument ${argv[0]}\n${USAGE}\n`); return 2; }
  const started = performance.now();

  // A contract that does not load still gets its XSDs compiled by both engines: that is often the better diagnosis.
  let contracts: ContractSet | null = null;
  let contractsLoaded: Outcome;
  try {
    contracts = loadContracts(root);
    const versions = [...contracts.services.values()].flatMap((c) => [...c.versions.values()].map((d) => `${d.service} v${d.version}`));
    contractsLoaded = { ok: true, label: `contracts in wsdl/ and xsd/ load: ${versions.join(', ')}`, reasons: [] };
  } catch (e) {
    contractsLoaded = { ok: false, label: 'contracts in wsdl/ and xsd/ load (samples not checked)', reasons: e instanceof ContractError ? e.problems : [(e as Error).message] };
  }
  const { catalog, outcome: catalogueLoaded } = loadCatalogue();

  // The XSDs under xsd/ by target namespace: a sample's payload is validated against the one declaring its namespace.
  const xsds = filesUnder(path.join(root, 'xsd'), '.xsd').map(compileFile);
  const schemas = new Map<string, Schema[]>();
  for (const s of xsds) schemas.set(s.namespace, [...(schemas.get(s.namespace) ?? []), s]);

  const forms = formSchemas();
  const tasks: Task[] = [...xsds, ...forms].map(schemaTask);
  const warnings: string[] = [];
  // The e-intervention exchanges are JSON (OpenAPI), checked against their files by test/integration/e-intervention-samples.test.ts.
  for (const service of contracts ? subdirectories(samplesDir).filter((s) => s !== 'e-intervention') : []) {
    const declaring = importsForms(service) ? schemasWithForms(schemas, forms) : schemas;
    for (const version of subdirectories(path.join(samplesDir, service))) tasks.push(...sampleTasks(contracts!, service, version, declaring));
  }
  for (const [service, contract] of contracts?.services ?? []) {
    for (const version of contract.versions.keys()) {
      if (subdirectories(path.join(samplesDir, service, `v${version}`)).length === 0) warnings.push(`${service} v${version} has no golden samples in test/samples/${service}/v${version}/`);
    }
  }
  if (catalog) {
    const examples = catalogueTasks(catalog);
    tasks.push(...examples.tasks);
    warnings.push(...examples.warnings);
  }

  print(contractsLoaded);
  print(catalogueLoaded);
  const outcomes = [contractsLoaded, catalogueLoaded, ...await runAll(tasks, concurrency())];
  for (const w of warnings) process.stdout.write(`⚠ ${w}\n`);

  const failures = outcomes.filter((o) => !o.ok).length;
  const disagreements = outcomes.flatMap((o) => (o.disagreement ? [o.disagreement] : []));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\n${stats.schemas} schemas and ${stats.documents} documents checked by libxml2 and Xerces (${stats.jvmRuns} JVM runs, ${concurrency()} at a time) in ${seconds} s\n`);
  process.stdout.write(`libxml2 and Xerces disagree on ${disagreements.length === 0 ? 'nothing' : `${disagreements.length}: ${disagreements.join(', ')}`}\n`);
  process.stdout.write(`${outcomes.length - failures} passed, ${failures} failed, ${warnings.length} warning(s)\n`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
