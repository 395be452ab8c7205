/**
 * Validation of a form payload beyond its XSD (DOMAIN.md S1): coded fields against their code list version, and
 * the cross-field rules declared in the form definition. Every error is returned, not only the first.
 */
import type { FieldError } from '../errors/esav-error.js';
import type { XmlElement } from '../xml/libxml.js';
import type { Catalog, FormVersion } from './catalog-types.js';

function child(el: XmlElement, ns: string, local: string): XmlElement | null {
  for (const c of el.childNodes()) {
    if (c.type() === 'element' && c.name() === local && c.namespace()?.href() === ns) return c;
  }
  return null;
}

/** The text of a field by its path, or null when the element is absent or empty. */
export function fieldValue(root: XmlElement, fv: FormVersion, fieldPath: string): string | null {
  let el: XmlElement | null = root;
  for (const step of fieldPath.split('/')) {
    el = el ? child(el, fv.definition.namespace, step) : null;
  }
  const text = el?.text().trim() ?? '';
  return text === '' ? null : text;
}

const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,39}$/;

export function checkFormRules(catalog: Catalog, fv: FormVersion, root: XmlElement): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of fv.definition.fields) {
    if (f.type !== 'code' || !f.codeList) continue;
    const value = fieldValue(root, fv, f.path);
    const list = catalog.codeLists.get(f.codeList)!;
    // A value that is not even shaped like a code was already refused by the XSD's pattern: not reported twice.
    if (value !== null && CODE_SHAPE.test(value) && !list.codes.some((c) => c.code === value)) {
      errors.push({ field: f.path, rule: 'codeList', value, message: `« ${value} » n'est pas un code de la liste ${list.title} (${f.codeList}) : ${list.codes.map((c) => c.code).join(', ')}` });
    }
  }
  for (const rule of fv.definition.rules) {
    const trigger = fieldValue(root, fv, rule.when.field);
    if (trigger === null || !rule.when.in.includes(trigger)) continue;
    for (const required of rule.require) {
      if (fieldValue(root, fv, required) === null) {
        errors.push({ field: required, rule: `obligatoire-si:${rule.id}`, message: rule.message });
      }
    }
  }
  return errors;
}

/** A standalone form document (an example, a pack check): XSD, code lists and rules. */
export function validateFormDocument(catalog: Catalog, fv: FormVersion, doc: import('../xml/libxml.js').XmlDocument): FieldError[] {
  const xsdErrors = fv.schema.validate(doc);
  const root = doc.root()!;
  if (root.name() !== fv.definition.rootElement || root.namespace()?.href() !== fv.definition.namespace) return xsdErrors;
  return [...xsdErrors, ...checkFormRules(catalog, fv, root)];
}
