/**
 * Loads wsdl/<service>/service.json, the WSDLs and the XSDs they import, at boot (ARCHITECTURE.md §1): the
 * version plan is checked against V1 and V3, operations are read from the WSDL (never re-declared in code), the
 * documents are prepared for publishing, and one envelope schema per SOAP version is compiled per service version.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CodedError } from '../errors/coded-error.js';
import { checkVersionPlan, type ServicePlan, type VersionDeclaration } from '../domain/version-policy.js';
import { libxml, type XmlDocument, type XmlElement } from '../xml/libxml.js';
import { compileSchema } from '../xml/xsd-validator.js';
import { envelopeSchemaSource, SOAP11_NS, SOAP12_NS } from './envelope-schema.js';
import {
  BASE_URL_MARK, type ContractSet, type OperationDescriptor, type PublishedDocument, type ServiceContract, type ServiceImplementer,
  type ServiceVersionDescriptor
} from './service-descriptor.js';

export class ContractError extends CodedError<'ESAV_CONTRACT_INVALID'> {
  constructor(readonly problems: readonly string[]) {
    super('ESAV_CONTRACT_INVALID', `The contracts in wsdl/ and xsd/ cannot be served:\n  - ${problems.join('\n  - ')}`);
  }
}

const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  soap: 'http://schemas.xmlsoap.org/wsdl/soap/',
  soap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  xs: 'http://www.w3.org/2001/XMLSchema'
};

interface ServiceFile {
  service: string;
  title: string;
  /** Its messages carry forms of the catalogue (xs:any strict): the form XSDs are compiled into its envelope schema. */
  importsForms?: boolean;
  /** "operator": a contract the operators implement and the gateway calls (notifications); published, never served. */
  implementedBy?: ServiceImplementer;
  /** Stays callable during the nightly window and planned maintenance (M1, M2). */
  openDuringMaintenance?: boolean;
  versions: Array<VersionDeclaration & { wsdl: string }>;
}

function readXml(file: string): XmlDocument {
  return libxml.parseXml(readFileSync(file), { baseUrl: file, flags: [libxml.XMLParseFlags.XML_PARSE_NONET] });
}

function split(doc: XmlDocument): PublishedDocument {
  return Object.freeze({ parts: Object.freeze(doc.toString({ format: false }).split(BASE_URL_MARK)) });
}

/** Resolves a QName attribute value. Walks the ancestors' own declarations: libxmljs' in-scope namespaces() crashes. */
function qname(el: XmlElement, value: string): { ns: string; local: string } {
  const [prefix, local] = value.includes(':') ? value.split(':', 2) as [string, string] : [null, value];
  for (let node: unknown = el; node instanceof Object && 'namespaces' in node && (node as XmlElement).type() === 'element'; node = (node as XmlElement).parent()) {
    const ns = (node as XmlElement).namespaces(true).find((n) => (n.prefix() ?? null) === prefix)?.href();
    if (ns) return { ns, local };
  }
  throw new ContractError([`prefix of ${value} is not declared`]);
}

/**
 * Follows xs:import/xs:include from a document, registering every schema file by its base name and pointing the
 * schemaLocation at the ?xsd= URL the gateway serves it on.
 */
function collectSchemas(
  doc: XmlDocument, file: string, urlPath: string, out: Map<string, { file: string; doc: XmlDocument; namespace: string }>,
  problems: string[]
): void {
  for (const node of doc.find('//xs:import[@schemaLocation] | //xs:include[@schemaLocation]', { xs: NS.xs })) {
    const el = node as XmlElement;
    const location = el.getAttribute('schemaLocation')!.value();
    const target = path.resolve(path.dirname(file), location);
    const name = path.basename(target);
    el.attr({ schemaLocation: `${BASE_URL_MARK}${urlPath}?xsd=${name}` });
    const known = out.get(name);
    if (known) {
      if (known.file !== target) problems.push(`two schemas named ${name}: ${known.file} and ${target}`);
      continue;
    }
    if (!existsSync(target)) {
      problems.push(`${file}: imports ${location}, which does not exist`);
      continue;
    }
    const xsd = readXml(target);
    const namespace = xsd.root()!.getAttribute('targetNamespace')?.value() ?? '';
    out.set(name, { file: target, doc: xsd, namespace });
    collectSchemas(xsd, target, urlPath, out, problems);
  }
}

type QName = { ns: string; local: string };
const key = (q: QName): string => `{${q.ns}}${q.local}`;

/** Every wsdl:message part that names an element, by message name then part name. */
function messageParts(wsdl: XmlDocument): Map<string, Map<string, QName>> {
  const out = new Map<string, Map<string, QName>>();
  for (const node of wsdl.find('/wsdl:definitions/wsdl:message', NS)) {
    const msg = node as XmlElement;
    const byPart = new Map<string, QName>();
    for (const p of msg.find('wsdl:part', NS)) {
      const part = p as XmlElement;
      const element = part.getAttribute('element')?.value();
      if (element) byPart.set(part.getAttribute('name')?.value() ?? '', qname(part, element));
    }
    out.set(msg.getAttribute('name')!.value(), byPart);
  }
  return out;
}

/** Per binding operation: its soapAction and the elements of its input's and output's soap:header parts. */
function bindingFacts(wsdl: XmlDocument, parts: Map<string, Map<string, QName>>, problems: string[]):
  Map<string, { soapAction: string | undefined; input: string[]; output: string[] }> {
  const out = new Map<string, { soapAction: string | undefined; input: string[]; output: string[] }>();
  const headers = (el: XmlElement | null, operation: string): string[] => (el?.find('soap:header | soap12:header', NS) ?? []).flatMap((h) => {
    const header = h as XmlElement;
    const message = header.getAttribute('message')?.value() ?? '';
    const part = header.getAttribute('part')?.value() ?? '';
    const element = parts.get(message.split(':').pop()!)?.get(part);
    if (!element) problems.push(`operation ${operation}: soap:header ${message}/${part} names no element part`);
    return element ? [key(element)] : [];
  });
  for (const node of wsdl.find('//wsdl:binding/wsdl:operation', NS)) {
    const op = node as XmlElement;
    const name = op.getAttribute('name')!.value();
    const soapAction = (op.get('soap:operation | soap12:operation', NS) as XmlElement | null)?.getAttribute('soapAction')?.value();
    const known = out.get(name);
    // A WSDL may bind an operation twice (SOAP 1.1 and 1.2): the headers are the union, the first soapAction wins.
    out.set(name, {
      soapAction: known?.soapAction ?? soapAction,
      input: [...new Set([...(known?.input ?? []), ...headers(op.get('wsdl:input', NS) as XmlElement | null, name)])],
      output: [...new Set([...(known?.output ?? []), ...headers(op.get('wsdl:output', NS) as XmlElement | null, name)])]
    });
  }
  return out;
}

function loadVersion(
  rootDir: string, plan: ServicePlan, decl: VersionDeclaration & { wsdl: string }, extraImports: readonly SchemaImport[], implementedBy: ServiceImplementer,
  problems: string[]
): ServiceVersionDescriptor | null {
  const service = plan.service;
  const urlPath = `/esav/${service}/v${decl.version}`;
  const wsdlFile = path.join(rootDir, 'wsdl', service, decl.wsdl);
  if (!existsSync(wsdlFile)) {
    problems.push(`${service} v${decl.version}: ${wsdlFile} does not exist`);
    return null;
  }
  const wsdl = readXml(wsdlFile);
  const root = wsdl.root()!;
  const targetNamespace = root.getAttribute('targetNamespace')?.value() ?? '';

  const schemas = new Map<string, { file: string; doc: XmlDocument; namespace: string }>();
  collectSchemas(wsdl, wsdlFile, urlPath, schemas, problems);

  // An operator-implemented contract keeps its placeholder address: the gateway is its client, not its endpoint.
  if (implementedBy === 'gateway') {
    for (const node of wsdl.find('//soap:address | //soap12:address', NS)) {
      (node as XmlElement).attr({ location: `${BASE_URL_MARK}${urlPath}` });
    }
  }

  // Operations: portType messages → elements; binding soapAction and soap:header parts (ARCHITECTURE.md §1: read,
  // never re-declared).
  const parts = messageParts(wsdl);
  const firstPart = (message: string | undefined): QName | undefined =>
    message === undefined ? undefined : parts.get(message.split(':').pop()!)?.values().next().value;
  const bindings = bindingFacts(wsdl, parts, problems);
  const operations = new Map<string, OperationDescriptor>();
  for (const node of wsdl.find('/wsdl:definitions/wsdl:portType/wsdl:operation', NS)) {
    const op = node as XmlElement;
    const name = op.getAttribute('name')!.value();
    const request = firstPart((op.get('wsdl:input', NS) as XmlElement | null)?.getAttribute('message')?.value());
    const response = firstPart((op.get('wsdl:output', NS) as XmlElement | null)?.getAttribute('message')?.value());
    if (!request || !response) {
      problems.push(`${service} v${decl.version}: operation ${name} has no document/literal input or output element`);
      continue;
    }
    const faults = op.find('wsdl:fault', NS).map((f) => firstPart((f as XmlElement).getAttribute('message')?.value()))
      .filter((q): q is QName => q !== undefined).map(key);
    const binding = bindings.get(name);
    operations.set(key(request), Object.freeze({
      name, soapAction: binding?.soapAction ?? '', requestNamespace: request.ns, requestElement: request.local,
      responseElement: response.local, inputHeaders: Object.freeze(binding?.input ?? []),
      outputHeaders: Object.freeze(binding?.output ?? []), faults: Object.freeze(faults)
    }));
  }
  const understoodHeaders: ReadonlySet<string> = new Set([...operations.values()].flatMap((o) => o.inputHeaders));
  if (operations.size === 0) problems.push(`${service} v${decl.version}: the WSDL declares no operation`);

  const imports = [...[...schemas.values()].map((s) => ({ namespace: s.namespace, file: s.file })), ...extraImports];
  let envelopeSchemas: ServiceVersionDescriptor['envelopeSchemas'];
  try {
    envelopeSchemas = Object.freeze({
      soap11: compileSchema(envelopeSchemaSource(SOAP11_NS, imports), wsdlFile),
      soap12: compileSchema(envelopeSchemaSource(SOAP12_NS, imports), wsdlFile)
    });
  } catch (e) {
    problems.push(`${service} v${decl.version}: ${(e as Error).message}`);
    return null;
  }

  const xsds = new Map<string, PublishedDocument>();
  for (const [name, s] of schemas) xsds.set(name, split(s.doc));
  for (const extra of extraImports) {
    if (extra.publishedAs === undefined) continue;
    if (xsds.has(extra.publishedAs)) problems.push(`${service} v${decl.version}: two schemas published as ${extra.publishedAs}`);
    else xsds.set(extra.publishedAs, split(readXml(extra.file)));
  }

  return Object.freeze({
    service, version: decl.version, declaration: Object.freeze({ ...decl }), targetNamespace, path: urlPath,
    operations, understoodHeaders, wsdl: split(wsdl), xsds, envelopeSchemas
  });
}

export interface SchemaImport {
  readonly namespace: string;
  readonly file: string;
  /** Served as ?xsd=<publishedAs> beside the WSDL when given (the catalogue's form XSDs). */
  readonly publishedAs?: string;
}

/** @param formSchemas the catalogue's form XSDs, for services whose messages carry forms (service.json importsForms). */
export function loadContracts(rootDir: string, formSchemas: readonly SchemaImport[] = []): ContractSet {
  const problems: string[] = [];
  const services = new Map<string, ServiceContract>();
  const wsdlDir = path.join(rootDir, 'wsdl');
  for (const entry of readdirSync(wsdlDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const planFile = path.join(wsdlDir, entry.name, 'service.json');
    if (!existsSync(planFile)) {
      problems.push(`wsdl/${entry.name}: no service.json declaring its versions`);
      continue;
    }
    const file = JSON.parse(readFileSync(planFile, 'utf8')) as ServiceFile;
    if (file.service !== entry.name) problems.push(`${planFile}: "service" must be "${entry.name}"`);
    const plan: ServicePlan = Object.freeze({ service: entry.name, versions: Object.freeze(file.versions.map((v) => Object.freeze({ ...v }))) });
    const implementedBy = file.implementedBy ?? 'gateway';
    if (implementedBy !== 'gateway' && implementedBy !== 'operator') problems.push(`${planFile}: "implementedBy" must be "gateway" or "operator"`);
    const planProblems = checkVersionPlan(plan);
    if (planProblems.length > 0) {
      problems.push(...planProblems);
      continue;
    }
    const versions = new Map<number, ServiceVersionDescriptor>();
    for (const decl of file.versions) {
      const d = loadVersion(rootDir, plan, decl, file.importsForms ? formSchemas : [], implementedBy, problems);
      if (d) versions.set(d.version, d);
    }
    if (file.openDuringMaintenance !== undefined && typeof file.openDuringMaintenance !== 'boolean') {
      problems.push(`${planFile}: "openDuringMaintenance" must be true or false`);
    }
    const openDuringMaintenance = file.openDuringMaintenance === true;
    services.set(entry.name, Object.freeze({ plan, title: file.title, implementedBy, openDuringMaintenance, versions }));
  }
  if (problems.length > 0) throw new ContractError(problems);
  return Object.freeze({ services });
}
