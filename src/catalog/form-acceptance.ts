/**
 * Which form versions a filing may use now (DOMAIN.md V2): the namespace of the form element picks the form and its
 * version; a version not yet in production or past its one-month coexistence window is refused with a fault that
 * names the version to use. Then the payload's code lists and cross-field rules are checked (its XSD is checked
 * with the rest of the message).
 */
import { catalogueVersionState } from '../domain/form-version-policy.js';
import { EsavError } from '../errors/esav-error.js';
import { displayName, type XmlTreeElement } from '../xml/element-tree.js';
import type { Catalog, FormVersion } from './catalog-types.js';
import { checkFormRules, type FormFields } from './form-validator.js';

function newestLive(catalog: Catalog, fv: FormVersion, now: Date): FormVersion {
  const versions = catalog.forms.get(fv.form)!.versions;
  return [...versions].reverse().find((v) => catalogueVersionState(versions, v, now).state === 'live') ?? fv;
}

/** The form version a payload element names, if it is accepted now; a typed fault otherwise. */
export function acceptedFormVersion(catalog: Catalog, element: XmlTreeElement, now: Date): FormVersion {
  const fv = catalog.byNamespace.get(element.namespace);
  if (!fv || element.name !== fv.definition.rootElement) {
    const forms = [...catalog.forms.values()].flatMap((f) => f.versions.filter((v) => catalogueVersionState(f.versions, v, now).state === 'live')
      .map((v) => `${v.definition.rootElement} (${v.definition.namespace})`));
    throw new EsavError('ESAV_FORM_UNKNOWN', { params: { element: displayName(element), forms: forms.join(', ') || 'aucun' } });
  }
  const versions = catalog.forms.get(fv.form)!.versions;
  const state = catalogueVersionState(versions, fv, now);
  if (state.state === 'live') return fv;
  const use = newestLive(catalog, fv, now);
  const params = { form: fv.form, version: fv.version, use: use.version, namespace: use.definition.namespace };
  if (state.state === 'announced') throw new EsavError('ESAV_FORM_NOT_YET_LIVE', { params: { ...params, production: fv.production } });
  throw new EsavError('ESAV_FORM_RETIRED', { params: { ...params, since: state.since } });
}

/** S1: the payload's code lists and cross-field rules, every error listed in one fault. */
export function checkFormPayload(catalog: Catalog, fv: FormVersion, fields: FormFields): void {
  const errors = checkFormRules(catalog, fv, fields);
  if (errors.length > 0) {
    throw new EsavError('ESAV_FORM_INVALID', { params: { form: fv.form, version: fv.version, count: errors.length }, fields: errors });
  }
}
