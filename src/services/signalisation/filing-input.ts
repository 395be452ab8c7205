/**
 * From the wire filing message to the domain's filing input, for every version of the service: the form element is
 * checked against the catalogue (version accepted now, code lists, cross-field rules — its XSD was checked with
 * the envelope), its fields are read by the form definition, and a content hash is made for idempotency.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '../../catalog/catalog-types.js';
import { acceptedFormVersion, checkFormPayload } from '../../catalog/form-acceptance.js';
import { readFormFields } from '../../catalog/form-validator.js';
import type { FilingInput } from '../../domain/ticket-service.js';
import { EsavError } from '../../errors/esav-error.js';
import { childElement, childText, type XmlTreeElement } from '../../xml/element-tree.js';

export function filingInput(catalog: Catalog, request: XmlTreeElement, now: Date): FilingInput {
  const serviceId = childText(request, 'identifiantPrestation') ?? '';
  const operatorReference = childText(request, 'referenceOperateur') ?? '';
  const wrapper = childElement(request, 'formulaire');
  const form = wrapper?.children[0];
  if (!form) throw new EsavError('ESAV_SCHEMA_INVALID', { params: { service: 'signalisation', version: '-', count: 1 }, fields: [{ field: 'formulaire', rule: 'obligatoire', message: 'le formulaire est absent' }] });
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
