/** The form catalogue as loaded at boot (DOMAIN.md S1, V2, D1): forms per offer, their versions, code lists. */
import type { CatalogueVersion } from '../domain/form-version-policy.js';
import type { CompiledSchema } from '../xml/xsd-validator.js';

export type FieldType = 'text' | 'code' | 'date' | 'dateTime' | 'integer' | 'boolean' | 'phone' | 'email';

export interface FieldDefinition {
  /** Child elements from the form's root, e.g. "typeDefaut" or "accesSite/horaires". */
  readonly path: string;
  readonly label: string;
  readonly type: FieldType;
  readonly mandatory: boolean;
  /** "<code-list>/v<N>" for coded fields. */
  readonly codeList?: string;
  readonly help?: string;
  readonly maxLength?: number;
}

/** A rule an XSD cannot say, declared in the form definition: when a field has one of some values, others are required. */
export interface CrossFieldRule {
  readonly id: string;
  readonly when: { readonly field: string; readonly in: readonly string[] };
  readonly require: readonly string[];
  readonly message: string;
}

export interface FormDefinition {
  readonly rootElement: string;
  readonly namespace: string;
  readonly xsd: string;
  readonly fields: readonly FieldDefinition[];
  readonly rules: readonly CrossFieldRule[];
}

export interface Code { readonly code: string; readonly label: string; readonly description?: string }

export interface CodeList extends CatalogueVersion {
  readonly id: string;
  readonly title: string;
  readonly codes: readonly Code[];
}

export interface FormVersion extends CatalogueVersion {
  readonly form: string;
  readonly offer: string;
  readonly title: string;
  readonly definition: FormDefinition;
  readonly dir: string;
  readonly xsdFile: string;
  readonly xsdText: string;
  /** The form's XSD compiled once, for standalone documents (examples, the pack). */
  readonly schema: CompiledSchema;
  /** Example file names under examples/: valid-*.xml and invalid-*.xml. */
  readonly examples: readonly string[];
}

export interface FormContract {
  readonly id: string;
  readonly offer: string;
  readonly title: string;
  readonly versions: readonly FormVersion[];
}

export interface Catalog {
  readonly forms: ReadonlyMap<string, FormContract>;
  /** Keyed "<id>/v<N>". */
  readonly codeLists: ReadonlyMap<string, CodeList>;
  readonly byNamespace: ReadonlyMap<string, FormVersion>;
}

/**
 * Every form version's XSD, for the envelope schemas of the services whose messages carry forms, and the name it is
 * published under beside their WSDL (`?xsd=formulaire-<form>-v<N>.xsd`: what a client generator binds the form with,
 * the WSDL itself typing <formulaire> as xs:any).
 */
export function formSchemaImports(catalog: Catalog): Array<{ namespace: string; file: string; publishedAs: string }> {
  return [...catalog.byNamespace.values()].map((fv) => ({
    namespace: fv.definition.namespace, file: fv.xsdFile, publishedAs: `formulaire-${fv.form}-v${fv.version}.xsd`
  }));
}
