/**
 * The filing form of the portal (DOMAIN.md S1, A1): the offer's form of the catalogue, as the catalogue pack's
 * mock-ups show it, turned into the same form element the web services receive, and checked the same way — the
 * form's XSD, then the catalogue's code lists and cross-field rules (catalog/form-filing.ts). Every error is given
 * back by field path, so that the page shows it beside its field with the catalogue's French label.
 */
import type { Catalog, FieldDefinition, FormVersion } from '../catalog/catalog-types.js';
import { formFilingInput } from '../catalog/form-filing.js';
import { checkFormRules, readFormFields } from '../catalog/form-validator.js';
import { parisOffsetMinutes, parisTimestamp } from '../domain/calendar.js';
import { catalogueVersionState } from '../domain/form-version-policy.js';
import { codePointLength, freeTextProblem } from '../domain/free-text.js';
import type { FilingInput } from '../domain/ticket-service.js';
import { isEsavError, type FieldError } from '../errors/esav-error.js';
import { elementTree } from '../xml/element-tree.js';
import { escapeText } from '../xml/escape.js';
import { parseXmlHardened } from '../xml/hardened-parser.js';

export type FormValues = Readonly<Record<string, string>>;

/** The offer's form version in production now (the newest live one), or null when the catalogue has none. */
export function liveFormFor(catalog: Catalog, offer: string, now: Date): FormVersion | null {
  for (const form of catalog.forms.values()) {
    if (form.offer !== offer) continue;
    const live = [...form.versions].reverse().find((v) => catalogueVersionState(form.versions, v, now).state === 'live');
    if (live) return live;
  }
  return null;
}

const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value (Paris wall-clock time, as the person typed it) as an xs:dateTime with its offset. */
export function parisLocalToDateTime(value: string): string {
  const m = DATETIME_LOCAL.exec(value);
  if (!m) return value;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'));
  if (Number.isNaN(asUtc)) return value;
  const guess = new Date(asUtc - parisOffsetMinutes(new Date(asUtc)) * 60_000);
  const exact = new Date(asUtc - parisOffsetMinutes(guess) * 60_000);
  return parisTimestamp(exact);
}

/** The value a field carries into the XML, from what the browser sent (trimmed; unticked box, empty field: absent). */
function wireValue(f: FieldDefinition, sent: string | undefined): string | null {
  const v = (sent ?? '').trim();
  if (v === '') return null;
  if (f.type === 'dateTime') return parisLocalToDateTime(v);
  // A phone number as people write it (03 80 11 22 33, 03.80.11.22.33) is the same number on the wire.
  if (f.type === 'phone') return v.replace(/[\s.\-()]/g, '');
  return v;
}

interface Node { readonly name: string; value: string | null; readonly children: Node[] }

/** The form element, in the definition's order (the XSD's sequences), with only the fields that have a value. */
function formXml(fv: FormVersion, values: ReadonlyMap<string, string>): string {
  const root: Node = { name: fv.definition.rootElement, value: null, children: [] };
  for (const f of fv.definition.fields) {
    const value = values.get(f.path);
    if (value === undefined) continue;
    let node = root;
    for (const step of f.path.split('/')) {
      let child = node.children.find((c) => c.name === step);
      if (!child) { child = { name: step, value: null, children: [] }; node.children.push(child); }
      node = child;
    }
    node.value = value;
  }
  const write = (n: Node): string => `<${n.name}>${n.value !== null ? escapeText(n.value) : n.children.map(write).join('')}</${n.name}>`;
  const body = root.children.map(write).join('');
  return `<${root.name} xmlns="${fv.definition.namespace}">${body}</${root.name}>`;
}

/**
 * A stand-in for a missing mandatory field, for the XSD check only: without it libxml2 stops checking the sequence
 * at the gap, and the person would learn of the other fields' errors one submission at a time. The gap itself is
 * reported by the mandatory check, and any error on a stand-in is dropped.
 */
function standIn(catalog: Catalog, f: FieldDefinition): string {
  switch (f.type) {
    case 'code': return catalog.codeLists.get(f.codeList ?? '')?.codes[0]?.code ?? 'X';
    case 'date': return '2026-01-01';
    case 'dateTime': return '2026-01-01T00:00:00+01:00';
    case 'integer': return '0';
    case 'boolean': return 'false';
    case 'phone': return '+33100000000';
    case 'email': return 'a@example.fr';
    default: return 'x';
  }
}

/** The definition's field an XSD error names ({ns}a/{ns}b → the field whose path ends with a/b). */
function fieldOfSchemaError(fv: FormVersion, field: string): string {
  const steps = field.replace(/\{[^}]*\}/g, '').replace(/\/@.*$/, '');
  const match = fv.definition.fields.find((f) => f.path === steps || f.path.endsWith(`/${steps}`));
  return match?.path ?? steps;
}

export type FilingCheck = { readonly input: FilingInput } | { readonly errors: readonly FieldError[] };

/**
 * The person's form made into a filing input, or every error by field path. Checked in the order of the web
 * services: field values the XML cannot hold, the XSD of the form, then the catalogue (code lists, rules).
 */
export function checkFiling(catalog: Catalog, fv: FormVersion, serviceId: string, operatorReference: string, sent: FormValues, now: Date): FilingCheck {
  const errors: FieldError[] = [];
  const values = new Map<string, string>();
  for (const f of fv.definition.fields) {
    const value = wireValue(f, sent[f.path]);
    if (value === null) {
      if (f.mandatory) errors.push({ field: f.path, rule: 'obligatoire', message: 'champ obligatoire' });
      continue;
    }
    const problem = freeTextProblem(f.path, value, f.maxLength ?? 4000);
    if (problem?.rule === 'longueur-max') {
      errors.push({ field: f.path, rule: 'maxLength', message: `au plus ${f.maxLength ?? 4000} caractères, ${codePointLength(value)} saisis` });
    } else if (problem?.rule === 'caractere-interdit') {
      errors.push({ field: f.path, rule: 'caractere', message: `caractère interdit ${problem.character} en position ${problem.position}` });
    } else {
      values.set(f.path, value);
    }
  }
  const limits = { maxDepth: 16, maxAttributes: 4, maxElements: 500 };
  const doc = parseXmlHardened(Buffer.from(formXml(fv, values), 'utf8'), limits);
  const missing = fv.definition.fields.filter((f) => f.mandatory && !values.has(f.path) && errors.some((e) => e.field === f.path));
  const checked = missing.length === 0 ? doc
    : parseXmlHardened(Buffer.from(formXml(fv, new Map([...values, ...missing.map((f) => [f.path, standIn(catalog, f)] as const)])), 'utf8'), limits);
  const already = new Set(errors.map((e) => e.field));
  for (const e of fv.schema.validate(checked)) {
    const field = fieldOfSchemaError(fv, e.field);
    // A missing mandatory field is said once, by the check above, in the catalogue's words.
    if (already.has(field)) continue;
    already.add(field);
    errors.push({ ...e, field });
  }
  const form = elementTree(doc);
  for (const e of checkFormRules(catalog, fv, readFormFields(form, fv))) {
    if (!already.has(e.field)) { already.add(e.field); errors.push(e); }
  }
  if (errors.length > 0) return { errors };
  try {
    return { input: formFilingInput(catalog, form, serviceId, operatorReference, now) };
  } catch (e) {
    if (isEsavError(e) && e.detail.fields) return { errors: e.detail.fields };
    throw e;
  }
}
