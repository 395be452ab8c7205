/**
 * Loads catalog/ at boot: code lists and forms with their version plans (V2, V3), definitions, XSDs (compiled once)
 * and examples. Every inconsistency is reported at once and the gateway does not start.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CodedError } from '../errors/coded-error.js';
import { checkCataloguePlan, type CatalogueVersion } from '../domain/form-version-policy.js';
import { compileSchema } from '../xml/xsd-validator.js';
import type { Catalog, CodeList, FormContract, FormDefinition, FormVersion } from './catalog-types.js';

export class CatalogError extends CodedError<'ESAV_CATALOG_INVALID'> {
  constructor(readonly problems: readonly string[]) {
    super('ESAV_CATALOG_INVALID', `The form catalogue in catalog/ cannot be served:\n  - ${problems.join('\n  - ')}`);
  }
}

const dirs = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []);
const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function loadCodeLists(root: string, problems: string[]): Map<string, CodeList> {
  const lists = new Map<string, CodeList>();
  for (const id of dirs(path.join(root, 'code-lists'))) {
    const versions: CodeList[] = [];
    for (const v of dirs(path.join(root, 'code-lists', id))) {
      const file = path.join(root, 'code-lists', id, v, 'code-list.json');
      if (!existsSync(file)) { problems.push(`code list ${id}/${v}: no code-list.json`); continue; }
      const list = json<CodeList>(file);
      if (list.id !== id || `v${list.version}` !== v) problems.push(`${file}: id/version must be ${id} and ${v.slice(1)}`);
      const codes = list.codes.map((c) => c.code);
      const dup = codes.filter((c, i) => codes.indexOf(c) !== i);
      if (dup.length > 0) problems.push(`code list ${id}/${v}: duplicate codes ${dup.join(', ')}`);
      versions.push(Object.freeze(list));
      lists.set(`${id}/${v}`, list);
    }
    problems.push(...checkCataloguePlan(`code list ${id}`, versions));
  }
  return lists;
}

function loadFormVersion(root: string, id: string, plan: { offer: string; title: string }, v: CatalogueVersion, codeLists: ReadonlyMap<string, CodeList>, problems: string[]): FormVersion | null {
  const dir = path.join(root, 'forms', id, `v${v.version}`);
  const defFile = path.join(dir, 'definition.json');
  if (!existsSync(defFile)) { problems.push(`form ${id} v${v.version}: no ${defFile}`); return null; }
  const definition = json<FormDefinition>(defFile);
  const xsdFile = path.join(dir, definition.xsd);
  if (!existsSync(xsdFile)) { problems.push(`form ${id} v${v.version}: no XSD ${xsdFile}`); return null; }
  const xsdText = readFileSync(xsdFile, 'utf8');
  const target = /targetNamespace="([^"]+)"/.exec(xsdText)?.[1];
  if (target !== definition.namespace) problems.push(`form ${id} v${v.version}: definition namespace ${definition.namespace} is not the XSD's (${target})`);
  if (!definition.namespace.endsWith(`/v${v.version}`)) problems.push(`form ${id} v${v.version}: the namespace must name the version (…/v${v.version})`);
  if (!new RegExp(`<xs:element\\s+name="${definition.rootElement}"`).test(xsdText)) problems.push(`form ${id} v${v.version}: the XSD declares no element ${definition.rootElement}`);
  const paths = new Set(definition.fields.map((f) => f.path));
  for (const f of definition.fields) {
    if (f.type === 'code' && (!f.codeList || !codeLists.has(f.codeList))) problems.push(`form ${id} v${v.version}: field ${f.path} names unknown code list ${f.codeList ?? '(none)'}`);
  }
  for (const r of definition.rules) {
    for (const p of [r.when.field, ...r.require]) if (!paths.has(p)) problems.push(`form ${id} v${v.version}: rule ${r.id} names unknown field ${p}`);
  }
  let schema;
  try {
    schema = compileSchema(xsdText, xsdFile);
  } catch (e) {
    problems.push(`form ${id} v${v.version}: ${(e as Error).message}`);
    return null;
  }
  const exampleDir = path.join(dir, 'examples');
  const examples = existsSync(exampleDir) ? readdirSync(exampleDir).filter((f) => /^(valid|invalid)-[a-z0-9-]+\.xml$/.test(f)).sort() : [];
  return Object.freeze({ ...v, form: id, offer: plan.offer, title: plan.title, definition, dir, xsdFile, xsdText, schema, examples });
}

export function loadCatalog(rootDir: string): Catalog {
  const root = path.join(rootDir, 'catalog');
  const problems: string[] = [];
  const codeLists = loadCodeLists(root, problems);
  const forms = new Map<string, FormContract>();
  const byNamespace = new Map<string, FormVersion>();
  for (const id of dirs(path.join(root, 'forms'))) {
    const planFile = path.join(root, 'forms', id, 'form.json');
    if (!existsSync(planFile)) { problems.push(`form ${id}: no form.json`); continue; }
    const plan = json<{ id: string; offer: string; title: string; versions: CatalogueVersion[] }>(planFile);
    const planProblems = checkCataloguePlan(`form ${id}`, plan.versions);
    if (planProblems.length > 0) { problems.push(...planProblems); continue; }
    const versions = plan.versions.map((v) => loadFormVersion(root, id, plan, v, codeLists, problems)).filter((v): v is FormVersion => v !== null);
    for (const fv of versions) {
      if (byNamespace.has(fv.definition.namespace)) problems.push(`two form versions use the namespace ${fv.definition.namespace}`);
      byNamespace.set(fv.definition.namespace, fv);
    }
    forms.set(id, Object.freeze({ id, offer: plan.offer, title: plan.title, versions: Object.freeze(versions.sort((a, b) => a.version - b.version)) }));
  }
  if (problems.length > 0) throw new CatalogError(problems);
  return Object.freeze({ forms, codeLists, byNamespace });
}
