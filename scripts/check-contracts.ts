/**
 * Offline contract check (npm run check:contracts): no gateway, no database.
 *  1. wsdl/<service>/service.json and the WSDLs load as the gateway loads them at boot (version rules, schemas).
 *  2. Every XSD under xsd/ compiles with libxml2 (the gateway's validator) and with Xerces (Java), so a contract
 *     that only one engine accepts is caught before operators, whose stacks are mostly Java, meet it.
 *  3. Every golden sample under test/samples/<service>/v<N>/<operation>__<behaviour>/ : the request payload, the
 *     response payload (the DetailErreur of a fault) and any response header block are cut out of the envelope
 *     and validated by both engines against the XSD that declares their namespace. Requests of a behaviour named
 *     schema-invalide* must be invalid for both; everything else valid for both.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { validateXML } from 'xsd-schema-validator';
import { findRootDir } from '../src/config/config.js';
import { ContractError, loadContracts } from '../src/contracts/contract-loader.js';
import type { ContractSet } from '../src/contracts/service-descriptor.js';
import { libxml, type XmlDocument, type XmlElement } from '../src/xml/libxml.js';
import { compileSchema, SchemaCompileError, type CompiledSchema } from '../src/xml/xsd-validator.js';

const USAGE = `Usage: npm run check:contracts [-- --help]

Checks offline that the contracts in wsdl/ and xsd/ load, that every XSD compiles with libxml2 and Xerces, and that
every golden sample in test/samples/ is valid (or, for schema-invalide requests, invalid) for both validators.
Needs java on the PATH or in JAVA_HOME. Exits 1 on any failure or disagreement, 2 on a usage error.`;

const ENVELOPE_NS = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
const COMMON_NS = 'http://esav.bfc-fibre.fr/commun/v1';
/** A well-formed document no schema declares: Xerces reports it invalid once the schema compiled, fatal otherwise. */
const PROBE = '<probe xmlns="urn:esav:check-contracts:probe"/>';

interface Outcome { readonly ok: boolean; readonly label: string; readonly reasons: readonly string[] }
interface Verdict { readonly ok: boolean; readonly verdict?: string; readonly reasons: readonly string[] }
/** One line of the report; its verdict (valid, invalid…) is appended to the label. */
interface Check { readonly label: string; run(): Promise<Verdict> }
interface Schema { readonly file: string; readonly libxml: CompiledSchema | null; readonly compileErrors: readonly string[] }
/** One element cut out of a sample, as a standalone document. */
interface Extract { readonly label: string; readonly namespace: string; readonly xml: string; readonly expectValid: boolean }

const root = findRootDir();
const rel = (file: string): string => path.relative(root, file);
const parse = (source: string | Buffer): XmlDocument => libxml.parseXml(source, { flags: [libxml.XMLParseFlags.XML_PARSE_NONET] });
const elementChildren = (el: XmlElement): XmlElement[] => el.childNodes().filter((n) => n.type() === 'element') as XmlElement[];
const namespaceOf = (el: XmlElement): string => el.namespace()?.href() ?? '';
const subdirectories = (dir: string): string[] => existsSync(dir)
  ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => path.join(e.parentPath, e.name)).sort();
}

/** Xerces through xsd-schema-validator, which rejects on an invalid document: both outcomes become a result. */
async function xerces(xml: string, xsdFile: string): Promise<{ valid: boolean; fatal: boolean; messages: string[] }> {
  try {
    const r = await validateXML(xml, xsdFile);
    return { valid: r.valid, fatal: false, messages: r.messages };
  } catch (e) {
    if (!(e instanceof Error && 'result' in e && 'messages' in e && Array.isArray(e.messages))) throw e; // no java
    // The package joins the lines of one stderr chunk: split them again, one reason per line.
    const messages = (e.messages as string[]).flatMap((m) => m.split(/(?=\[(?:warning|error|fatal)\] )/));
    return { valid: false, fatal: e.result === 'FATAL_ERROR', messages };
  }
}

/** Copies the namespace declarations in scope from the ancestors onto el, so it serialises as a standalone document. */
function standalone(el: XmlElement): string {
  const declared = new Set(el.namespaces(true).map((n) => n.prefix() ?? ''));
  for (let node = el.parent(); node !== null && node.type() === 'element'; node = (node as XmlElement).parent()) {
    // Own declarations only, nearest ancestor first: libxmljs' in-scope namespaces() crashes (contract-loader.ts).
    for (const ns of (node as XmlElement).namespaces(true)) {
      const prefix = ns.prefix() ?? '';
      if (declared.has(prefix)) continue; // the nearest declaration wins, as in the envelope
      declared.add(prefix);
      el.defineNamespace(prefix === '' ? null : prefix, ns.href());
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el.toString({ format: false })}`;
}

/** The SOAP Body's single element (and the Header blocks) of an envelope file. */
function envelopeParts(file: string): { headers: XmlElement[]; payload: XmlElement } {
  const envelope = parse(readFileSync(file)).root()!;
  if (envelope.name() !== 'Envelope' || !ENVELOPE_NS.has(namespaceOf(envelope))) throw new Error(`${rel(file)}: not a SOAP envelope`);
  const parts = elementChildren(envelope);
  const header = parts.find((p) => p.name() === 'Header');
  const body = parts.find((p) => p.name() === 'Body');
  const payloads = body ? elementChildren(body) : [];
  if (payloads.length !== 1) throw new Error(`${rel(file)}: the Body holds ${payloads.length} elements, not one`);
  return { headers: header ? elementChildren(header) : [], payload: payloads[0]! };
}

/** A fault is checked through its DetailErreur (ARCHITECTURE.md §4: every fault of every service carries one). */
function responseDocuments(sample: string, file: string): Extract[] {
  const { headers, payload } = envelopeParts(file);
  const out = headers.map((h) => ({ label: `${sample} response header ${h.name()}`, namespace: namespaceOf(h), xml: standalone(h), expectValid: true }));
  if (payload.name() === 'Fault' && ENVELOPE_NS.has(namespaceOf(payload))) {
    const detail = payload.get('.//c:DetailErreur', { c: COMMON_NS }) as XmlElement | null;
    if (!detail) throw new Error(`${rel(file)}: a SOAP Fault without DetailErreur`);
    out.push({ label: `${sample} response fault DetailErreur`, namespace: COMMON_NS, xml: standalone(detail), expectValid: true });
  } else {
    out.push({ label: `${sample} response ${payload.name()}`, namespace: namespaceOf(payload), xml: standalone(payload), expectValid: true });
  }
  return out;
}

/** The verdict of one validator against the expectation: only a reasoned valid/invalid agreeing with it passes. */
function judged(doc: Extract, verdict: 'valid' | 'invalid' | 'could not validate', reasons: readonly string[]): Verdict {
  const ok = verdict === (doc.expectValid ? 'valid' : 'invalid');
  return { ok, verdict: `${verdict}${doc.expectValid ? '' : ' (invalid expected)'}`, reasons };
}

function libxmlCheck(doc: Extract, schema: Schema): Check {
  return {
    label: `libxml2  ${doc.label}`,
    async run() {
      if (!schema.libxml) return judged(doc, 'could not validate', [`${rel(schema.file)} does not compile`]);
      const errors = schema.libxml.validate(parse(doc.xml));
      return judged(doc, errors.length === 0 ? 'valid' : 'invalid', errors.map((e) => `${e.message} (${e.field}${e.line ? `, ligne ${e.line}` : ''})`));
    }
  };
}

function xercesCheck(doc: Extract, schema: Schema): Check {
  return {
    label: `Xerces   ${doc.label}`,
    async run() {
      const r = await xerces(doc.xml, schema.file);
      return judged(doc, r.fatal ? 'could not validate' : r.valid ? 'valid' : 'invalid', r.messages);
    }
  };
}

function schemaChecks(schemas: Map<string, Schema[]>): Check[] {
  return [...schemas.values()].flat().flatMap((s): Check[] => [
    { label: `libxml2  ${rel(s.file)} compiles`, run: async () => ({ ok: s.libxml !== null, reasons: s.compileErrors }) },
    {
      label: `Xerces   ${rel(s.file)} compiles`,
      async run() {
        const r = await xerces(PROBE, s.file);
        return { ok: !r.fatal, reasons: r.fatal ? r.messages : [] };
      }
    }
  ]);
}

/** Checks of every sample of one service version; folders are <operation>__<behaviour>. */
function sampleChecks(contracts: ContractSet, service: string, version: string, schemas: Map<string, Schema[]>): Check[] {
  const descriptor = contracts.services.get(service)?.versions.get(Number(version.slice(1)));
  const dir = path.join(root, 'test', 'samples', service, version);
  const fail = (label: string, reason: string): Check => ({ label, run: async () => ({ ok: false, reasons: [reason] }) });
  if (!descriptor) return [fail(rel(dir), `no contract for ${service} ${version} in wsdl/`)];
  const checks: Check[] = [];
  for (const folder of subdirectories(dir)) {
    const sample = `${service}/${version}/${folder}`;
    const [operationName, behaviour = ''] = folder.split('__');
    const operation = [...descriptor.operations.values()].find((o) => o.name === operationName);
    if (!operation) { checks.push(fail(sample, `the WSDL of ${service} ${version} has no operation ${operationName}`)); continue; }
    let docs: Extract[];
    try {
      const request = envelopeParts(path.join(dir, folder, 'request.xml')).payload;
      if (namespaceOf(request) !== operation.requestNamespace || request.name() !== operation.requestElement) {
        throw new Error(`request.xml carries {${namespaceOf(request)}}${request.name()}, not the input of ${operationName}`);
      }
      const expectValid = !behaviour.startsWith('schema-invalide');
      docs = [{ label: `${sample} request ${request.name()}`, namespace: namespaceOf(request), xml: standalone(request), expectValid },
        ...responseDocuments(sample, path.join(dir, folder, 'response.xml'))];
    } catch (e) {
      checks.push(fail(sample, (e as Error).message));
      continue;
    }
    for (const doc of docs) {
      const declaring = schemas.get(doc.namespace) ?? [];
      if (declaring.length !== 1) {
        checks.push(fail(doc.label, declaring.length === 0 ? `no XSD under xsd/ declares {${doc.namespace}}` : `{${doc.namespace}} is declared by ${declaring.map((s) => rel(s.file)).join(', ')}`));
        continue;
      }
      checks.push(libxmlCheck(doc, declaring[0]!), xercesCheck(doc, declaring[0]!));
    }
  }
  return checks;
}

/** Runs checks a few at a time (each Xerces call starts a JVM) and returns their outcomes in order. */
async function runAll(checks: readonly Check[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(checks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < checks.length) {
      const i = next++;
      const check = checks[i]!;
      const r = await check.run().catch((e: unknown): Verdict => ({ ok: false, verdict: 'failed', reasons: [(e as Error).message] }));
      outcomes[i] = { ok: r.ok, label: r.verdict ? `${check.label}: ${r.verdict}` : check.label, reasons: r.reasons };
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, worker));
  return outcomes;
}

function print(o: Outcome): void {
  process.stdout.write(`${o.ok ? '✔' : '✘'} ${o.label}\n`);
  for (const reason of o.reasons) process.stdout.write(`    ${reason}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (argv.length > 0) { process.stderr.write(`unknown argument ${argv[0]}\n${USAGE}\n`); return 2; }

  // A contract that does not load still gets its XSDs compiled by both engines: that is often the better diagnosis.
  let contracts: ContractSet | null = null;
  let loaded: Outcome;
  try {
    contracts = loadContracts(root);
    const versions = [...contracts.services.values()].flatMap((c) => [...c.versions.values()].map((d) => `${d.service} v${d.version}`));
    loaded = { ok: true, label: `contracts in wsdl/ and xsd/ load: ${versions.join(', ')}`, reasons: [] };
  } catch (e) {
    loaded = { ok: false, label: 'contracts in wsdl/ and xsd/ load (samples not checked)', reasons: e instanceof ContractError ? e.problems : [(e as Error).message] };
  }

  // The XSDs by target namespace; each is compiled from its own file so relative imports resolve as they are.
  const schemas = new Map<string, Schema[]>();
  for (const file of filesUnder(path.join(root, 'xsd'), '.xsd')) {
    const source = readFileSync(file, 'utf8');
    let namespace = '';
    let schema: Schema;
    try {
      namespace = parse(source).root()!.getAttribute('targetNamespace')?.value() ?? '';
      schema = { file, libxml: compileSchema(source, file), compileErrors: [] };
    } catch (e) { // not well-formed, or not a schema libxml2 accepts: reported by the "compiles" line
      schema = { file, libxml: null, compileErrors: e instanceof SchemaCompileError ? e.reasons : [(e as Error).message] };
    }
    schemas.set(namespace, [...(schemas.get(namespace) ?? []), schema]);
  }

  const checks = schemaChecks(schemas);
  const warnings: string[] = [];
  const samplesDir = path.join(root, 'test', 'samples');
  for (const service of subdirectories(samplesDir)) {
    for (const version of contracts ? subdirectories(path.join(samplesDir, service)) : []) {
      checks.push(...sampleChecks(contracts!, service, version, schemas));
    }
  }
  for (const [service, contract] of contracts?.services ?? []) {
    for (const version of contract.versions.keys()) {
      if (subdirectories(path.join(samplesDir, service, `v${version}`)).length === 0) warnings.push(`${service} v${version} has no golden samples in test/samples/`);
    }
  }

  const outcomes = [loaded, ...await runAll(checks)];
  outcomes.forEach(print);
  for (const w of warnings) process.stdout.write(`⚠ ${w}\n`);
  const failed = outcomes.filter((o) => !o.ok).length;
  process.stdout.write(`\n${outcomes.length - failed} passed, ${failed} failed, ${warnings.length} warning(s)\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
