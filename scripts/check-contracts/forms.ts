/**
 * The form catalogue (catalog/README.md): loaded as the gateway loads it at boot, and every example of every form
 * version put to both engines against the version's XSD.
 *  - valid-*.xml: valid for libxml2 and Xerces, and accepted by the gateway (no code-list or cross-field error);
 *  - invalid-*.xml whose .expected.json lists an XSD-level error (a rule other than codeList and obligatoire-si:*):
 *    invalid for both engines;
 *  - invalid-*.xml whose .expected.json lists only code-list / cross-field errors: valid for both engines (those
 *    errors are the gateway's own rules), and validateFormDocument reports exactly the listed errors.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CatalogError, loadCatalog } from '../../src/catalog/catalog-loader.js';
import type { Catalog, FormVersion } from '../../src/catalog/catalog-types.js';
import { validateFormDocument } from '../../src/catalog/form-validator.js';
import type { FieldError } from '../../src/errors/esav-error.js';
import { compileFile, documentTask, filesUnder, parse, rel, root, type Schema } from './engines.js';
import { failed, type Outcome, type Task } from './report.js';

const EXAMPLE = /^(valid|invalid)-[a-z0-9-]+\.xml$/;
const formsDir = path.join(root, 'catalog', 'forms');

interface Expected { readonly field: string; readonly rule: string }
const isGatewayRule = (rule: string): boolean => rule === 'codeList' || rule.startsWith('obligatoire-si:');
const key = (e: Expected): string => `${e.field} ${e.rule}`;

export function loadCatalogue(): { catalog: Catalog | null; outcome: Outcome } {
  try {
    const catalog = loadCatalog(root);
    const forms = [...catalog.forms.values()].map((f) => `${f.id} ${f.versions.map((v) => `v${v.version}`).join(', ')}`);
    return { catalog, outcome: { ok: true, label: `catalogue in catalog/ loads: ${forms.join('; ')}; ${catalog.codeLists.size} code list versions`, reasons: [] } };
  } catch (e) {
    const reasons = e instanceof CatalogError ? e.problems : [(e as Error).message];
    return { catalog: null, outcome: { ok: false, label: 'catalogue in catalog/ loads (form examples not checked)', reasons } };
  }
}

/** Every form XSD, compiled from its file whether or not the catalogue loads: often the better diagnosis. */
export function formSchemas(): Schema[] {
  return existsSync(formsDir) ? filesUnder(formsDir, '.xsd').map(compileFile) : [];
}

/** The gateway's verdict against the listed errors: the same {field, rule} pairs, as many times each. */
function compareWithExpected(actual: readonly FieldError[], expected: readonly Expected[]): string[] {
  const remaining = expected.map(key);
  const unexpected: string[] = [];
  for (const e of actual) {
    const i = remaining.indexOf(key(e));
    if (i >= 0) remaining.splice(i, 1);
    else unexpected.push(`reported but not expected: ${key(e)} — ${e.message}`);
  }
  return [...remaining.map((k) => `expected but not reported: ${k}`), ...unexpected];
}

function gatewayTask(catalog: Catalog, fv: FormVersion, file: string, expected: readonly Expected[]): Task {
  const label = `gateway  ${rel(file)}`;
  return {
    label,
    async run() {
      const errors = validateFormDocument(catalog, fv, parse(readFileSync(file)));
      if (expected.length === 0) {
        return [{ ok: errors.length === 0, label: `${label}: ${errors.length === 0 ? 'accepted' : 'refused'}`, reasons: errors.map((e) => `${e.field} ${e.rule} — ${e.message}`) }];
      }
      const differences = compareWithExpected(errors, expected);
      const verdict = differences.length === 0 ? `reports exactly the ${expected.length} expected error(s)` : 'does not report the expected errors';
      return [{ ok: differences.length === 0, label: `${label}: ${verdict}`, reasons: differences }];
    }
  };
}

function readExpected(file: string): Expected[] {
  const list = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e?.field === 'string' && typeof e?.rule === 'string')) {
    throw new Error(`${rel(file)}: not a non-empty list of { "field", "rule" }`);
  }
  return list as Expected[];
}

function exampleTasks(catalog: Catalog, fv: FormVersion, name: string): Task[] {
  const file = path.join(fv.dir, 'examples', name);
  const label = rel(file);
  const check = (expectValid: boolean, expectation?: string): Task => documentTask({
    label, expectValid, xsdFile: fv.xsdFile, xml: { file }, ...(expectation ? { expectation } : {}),
    libxml: () => fv.schema.validate(parse(readFileSync(file)))
  });
  if (name.startsWith('valid-')) return [check(true), gatewayTask(catalog, fv, file, [])];
  const expectedFile = file.replace(/\.xml$/, '.expected.json');
  if (!existsSync(expectedFile)) return [failed(label, `no ${path.basename(expectedFile)} beside it`)];
  let expected: Expected[];
  try { expected = readExpected(expectedFile); } catch (e) { return [failed(label, (e as Error).message)]; }
  const xsdLevel = expected.filter((e) => !isGatewayRule(e.rule)).length;
  if (xsdLevel > 0) return [check(false, ` (invalid expected: ${xsdLevel} XSD error(s) listed)`)];
  return [check(true, ' (XSD-valid expected: only code-list / cross-field errors listed)'), gatewayTask(catalog, fv, file, expected)];
}

/** The checks of every example of every form version, and warnings for files the loader ignores. */
export function catalogueTasks(catalog: Catalog): { tasks: Task[]; warnings: string[] } {
  const tasks: Task[] = [];
  const warnings: string[] = [];
  for (const form of catalog.forms.values()) {
    for (const fv of form.versions) {
      const dir = path.join(fv.dir, 'examples');
      if (fv.examples.length === 0) warnings.push(`${rel(dir)}: form ${form.id} v${fv.version} has no examples`);
      for (const name of fv.examples) tasks.push(...exampleTasks(catalog, fv, name));
      for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
        const expectedOf = /^(invalid-[a-z0-9-]+)\.expected\.json$/.exec(name);
        if (expectedOf ? !fv.examples.includes(`${expectedOf[1]}.xml`) : !EXAMPLE.test(name)) {
          warnings.push(`${rel(path.join(dir, name))} is ignored by the loader (${expectedOf ? 'no such invalid example' : 'not named (valid|invalid)-<name>.xml'})`);
        }
      }
    }
  }
  return { tasks, warnings };
}
