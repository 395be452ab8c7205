/**
 * A form element of the catalogue made into the domain's filing input (DOMAIN.md S1, V2): the version accepted now,
 * its fields read by the definition, code lists and cross-field rules checked, a content hash for idempotency.
 * Both access modes (A1) come through here: the web services with the form element of their message, the portal with
 * the element it built from the person's form (its XSD checked first, as the envelope's is on the web services).
 */
import { createHash } from 'node:crypto';
import type { FilingInput } from '../domain/ticket-service.js';
import type { XmlTreeElement } from '../xml/element-tree.js';
import type { Catalog } from './catalog-types.js';
import { acceptedFormVersion, checkFormPayload } from './form-acceptance.js';
import { readFormFields } from './form-validator.js';

export function formFilingInput(catalog: Catalog, form: XmlTreeElement, serviceId: string, operatorReference: string, now: Date): FilingInput {
  const fv = acceptedFormVersion(catalog, form, now);
  const fields = readFormFields(form, fv);
  checkFormPayload(catalog, fv, fields);
  const formFields = fv.definition.fields.flatMap((f) => {
    const value = fields(f.path);
    return value === null ? [] : [{ path: f.path, label: f.label, value }];
  });
  // Semantic content: the service, the form version and every field's value (prefixes and whitespace do not count).
  const contentHash = createHash('sha256')
    .update(JSON.stringify([serviceId, fv.definition.namespace, formFields.map((f) => [f.path, f.value])]))
    .digest('hex');
  return { serviceId, operatorReference, formId: fv.form, formVersion: fv.version, formOffer: fv.offer, formFields, contentHash };
}
