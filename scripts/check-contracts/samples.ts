/**
 * The golden samples under test/samples/<service>/v<N>/<operation>__<behaviour>/: the request payload, the response
 * payload (a fault's DetailErreur, or the detail element its wsdl:fault names) and any response header block are cut
 * out of the envelope and validated by both engines against the XSD under xsd/ that declares their namespace. Requests of a behaviour named
 * schema-invalide* must be invalid for both; everything else valid for both.
 * A service whose messages carry a form of the catalogue (service.json "importsForms": an xs:any strict) is checked
 * as the gateway checks it: its XSD together with every form XSD (schemasWithForms).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContractSet } from '../../src/contracts/service-descriptor.js';
import type { XmlElement } from '../../src/xml/libxml.js';
import { compileFile, documentTask, parse, rel, root, type Schema } from './engines.js';
import { failed, type Task } from './report.js';

const ENVELOPE_NS = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
const COMMON_NS = 'http://esav.bfc-fibre.fr/commun/v1';

export const samplesDir = path.join(root, 'test', 'samples');

/** One element cut out of a sample, as a standalone document. */
interface Extract { readonly label: string; readonly namespace: string; readonly xml: string; readonly expectValid: boolean }

const elementChildren = (el: XmlElement): XmlElement[] => el.childNodes().filter((n) => n.type() === 'element') as XmlElement[];
const namespaceOf = (el: XmlElement): string => el.namespace()?.href() ?? '';
export const subdirectories = (dir: string): string[] => existsSync(dir)
  ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];

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

const DETAIL_ERREUR = `{${COMMON_NS}}DetailErreur`;

/**
 * A fault is checked through its detail: our DetailErreur (ARCHITECTURE.md §4), or the element the operation's
 * wsdl:fault names when the contract has its own (an industry contract's FaultDialect, e.g. infoFtthError).
 */
function responseDocuments(sample: string, file: string, faults: readonly string[]): Extract[] {
  const { headers, payload } = envelopeParts(file);
  const out = headers.map((h) => ({ label: `${sample} response header ${h.name()}`, namespace: namespaceOf(h), xml: standalone(h), expectValid: true }));
  if (payload.name() === 'Fault' && ENVELOPE_NS.has(namespaceOf(payload))) {
    const allowed = new Set([DETAIL_ERREUR, ...faults]);
    const detailHolder = elementChildren(payload).find((c) => c.name() === 'detail' || c.name() === 'Detail');
    const detail = (detailHolder ? elementChildren(detailHolder) : []).find((d) => allowed.has(`{${namespaceOf(d)}}${d.name()}`));
    if (!detail) throw new Error(`${rel(file)}: a SOAP Fault without DetailErreur nor a detail element its wsdl:fault names`);
    out.push({ label: `${sample} response fault ${detail.name()}`, namespace: namespaceOf(detail), xml: standalone(detail), expectValid: true });
  } else {
    out.push({ label: `${sample} response ${payload.name()}`, namespace: namespaceOf(payload), xml: standalone(payload), expectValid: true });
  }
  return out;
}

/** wsdl/<service>/service.json says that its messages carry forms of the catalogue. */
export function importsForms(service: string): boolean {
  const file = path.join(root, 'wsdl', service, 'service.json');
  return existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { importsForms?: boolean }).importsForms === true;
}

let wrapperDir: string | null = null;

/**
 * The schemas by namespace, each one replaced by a wrapper importing it and every form XSD, so that the strict
 * wildcard of a filing's form element finds the form's declaration (the gateway compiles its envelope schema the
 * same way, contract-loader.ts). Xerces validates against a file: the wrappers are written to a temporary folder,
 * removed when the check exits.
 */
export function schemasWithForms(schemas: ReadonlyMap<string, Schema[]>, forms: readonly Schema[]): Map<string, Schema[]> {
  if (wrapperDir === null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'esav-check-contracts-'));
    wrapperDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const out = new Map<string, Schema[]>();
  for (const [namespace, declaring] of schemas) {
    out.set(namespace, declaring.map((s) => {
      const imports = [s, ...forms.filter((f) => f.namespace !== namespace)]
        .map((i) => `  <xs:import namespace="${i.namespace}" schemaLocation="${pathToFileURL(i.file).href}"/>`).join('\n');
      const file = path.join(wrapperDir!, `${rel(s.file).replace(/\.xsd$/, '').replace(/[^A-Za-z0-9-]+/g, '_')}-with-forms.xsd`);
      writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${rel(s.file)} and every form XSD of catalog/forms/ -->\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n${imports}\n</xs:schema>\n`);
      return { ...compileFile(file), namespace };
    }));
  }
  return out;
}

/** Checks of every sample of one service version; folders are <operation>__<behaviour>. */
export function sampleTasks(contracts: ContractSet, service: string, version: string, schemas: ReadonlyMap<string, Schema[]>): Task[] {
  const descriptor = contracts.services.get(service)?.versions.get(Number(version.slice(1)));
  const dir = path.join(samplesDir, service, version);
  if (!descriptor) return [failed(rel(dir), `no contract for ${service} ${version} in wsdl/`)];
  const tasks: Task[] = [];
  for (const folder of subdirectories(dir)) {
    const sample = `${service}/${version}/${folder}`;
    const [operationName, behaviour = ''] = folder.split('__');
    const operation = [...descriptor.operations.values()].find((o) => o.name === operationName);
    if (!operation) { tasks.push(failed(sample, `the WSDL of ${service} ${version} has no operation ${operationName}`)); continue; }
    let docs: Extract[];
    try {
      const request = envelopeParts(path.join(dir, folder, 'request.xml')).payload;
      if (namespaceOf(request) !== operation.requestNamespace || request.name() !== operation.requestElement) {
        throw new Error(`request.xml carries {${namespaceOf(request)}}${request.name()}, not the input of ${operationName}`);
      }
      const expectValid = !behaviour.startsWith('schema-invalide');
      docs = [{ label: `${sample} request ${request.name()}`, namespace: namespaceOf(request), xml: standalone(request), expectValid },
        ...responseDocuments(sample, path.join(dir, folder, 'response.xml'), operation.faults)];
    } catch (e) {
      tasks.push(failed(sample, (e as Error).message));
      continue;
    }
    for (const doc of docs) {
      const declaring = schemas.get(doc.namespace) ?? [];
      if (declaring.length !== 1) {
        tasks.push(failed(doc.label, declaring.length === 0 ? `no XSD under xsd/ declares {${doc.namespace}}` : `{${doc.namespace}} is declared by ${declaring.map((s) => rel(s.file)).join(', ')}`));
        continue;
      }
      const schema = declaring[0]!;
      tasks.push(documentTask({
        label: doc.label, expectValid: doc.expectValid, xsdFile: schema.file, xml: doc.xml,
        libxml: () => schema.libxml?.validate(parse(doc.xml)) ?? null
      }));
    }
  }
  return tasks;
}
