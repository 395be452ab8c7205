/**
 * From the wire filing message to the domain's filing input, for every version of the service: the form element is
 * checked against the catalogue (version accepted now, code lists, cross-field rules — its XSD was checked with
 * the envelope) by the same function the portal uses (catalog/form-filing.ts).
 */
import type { Catalog } from '../../catalog/catalog-types.js';
import { formFilingInput } from '../../catalog/form-filing.js';
import type { FilingInput } from '../../domain/ticket-service.js';
import { EsavError } from '../../errors/esav-error.js';
import { childElement, childText, type XmlTreeElement } from '../../xml/element-tree.js';

export function filingInput(catalog: Catalog, request: XmlTreeElement, now: Date): FilingInput {
  const serviceId = childText(request, 'identifiantPrestation') ?? '';
  const operatorReference = childText(request, 'referenceOperateur') ?? '';
  const wrapper = childElement(request, 'formulaire');
  const form = wrapper?.children[0];
  if (!form) throw new EsavError('ESAV_SCHEMA_INVALID', { params: { service: 'signalisation', version: '-', count: 1 }, fields: [{ field: 'formulaire', rule: 'obligatoire', message: 'le formulaire est absent' }] });
  return formFilingInput(catalog, form, serviceId, operatorReference, now);
}
