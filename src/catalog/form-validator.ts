/**
 * Validation of a form payload beyond its XSD (DOMAIN.md S1): coded fields against their code list version, and
 * the cross-field rules declared in the form definition. Every error is returned, not only the first.
 */
import type { FieldError } from '../errors/esav-error.js';
import { childElement, elementTree, type XmlTreeElement } from '../xml/element-tree.js';
import type { Catalog, FormVersion } from './catalog-types.js';

/** The text of a field of a form by its path (a/b/c), or null when the element is absent or empty. */
export type FormFields = (fieldPath: string) => string | null;

/**
 * Reads a form element's fields: every path of elements of the form's namespace, the first element of each path
 * as the field (so a path whose first step has no such child is absent, as in the XSD's sequences).
 */
export function readFormFields(root: XmlTreeElement, fv: FormVersion): FormFields {
  const ns = fv.definition.namespace;
  return (fieldPath) => {
    let el: XmlTreeElement | null = root;
    for (const step of fieldPath.split('/')) {
      el = el ? childElement(el, step, ns) : null;
      if (el === null) return null;
    }
    const text = el.text.trim();
    return text === '' ? null : text;
  };
}

const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,39}$/;

export function checkFormRules(catalog: Catalog, fv: FormVersion, fields: FormFields): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of fv.definition.fields) {
    if (f.type !== 'code' || !f.codeList) continue;
    const value = fields(f.path);
    const list = catalog.codeLists.get(f.codeList)!;
    // A value that is not even shaped like a code was already refused by the XSD's pattern: not reported twice.
    if (value !== null && CODE_SHAPE.test(value) && !list.codes.some((c) => c.code === value)) {
      errors.push({ field: f.path, rule: 'codeList', value, message: `« ${value} » n'est pas un code de la liste ${list.title} (${f.codeList}) : ${list.codes.map((c) => c.code).join(', ')}` });
    }
  }
  for (const rule of fv.definition.rules) {
    const trigger = fields(rule.when.field);
    if (trigger === null || !rule.when.in.includes(trigger)) continue;
    for (const required of rule.require) {
      if (fields(required) === null) {
        errors.push({ field: required, rule: `obligatoire-si:${rule.id}`, message: rule.message });
      }
    }
  }
  return errors;
}

/** A standalone form document (an example, a pack check): XSD, code lists and rules. */
export function validateFormDocument(catalog: Catalog, fv: FormVersion, doc: import('../xml/libxml.js').XmlDocument): FieldError[] {
  const xsdErrors = fv.schema.validate(doc);
  const root = elementTree(doc);
  if (root.name !== fv.definition.rootElement || root.namespace !== fv.definition.namespace) return xsdErrors;
  return [...xsdErrors, ...checkFormRules(catalog, fv, readFormFields(root, fv))];
}
