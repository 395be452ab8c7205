/** Immutable descriptions of the released contracts, built once at boot from wsdl/ and xsd/. */
import type { ServicePlan, VersionDeclaration } from '../domain/version-policy.js';
import type { CompiledSchema } from '../xml/xsd-validator.js';

export interface OperationDescriptor {
  readonly name: string;
  readonly soapAction: string;
  readonly requestNamespace: string;
  readonly requestElement: string;
  readonly responseElement: string;
}

/** A published document (WSDL or XSD) split around the base URL it must name: join with the base to serve it. */
export interface PublishedDocument {
  readonly parts: readonly string[];
}

export interface ServiceVersionDescriptor {
  readonly service: string;
  readonly version: number;
  readonly declaration: VersionDeclaration;
  readonly targetNamespace: string;
  readonly path: string; // /esav/<service>/v<N>
  /** Operations keyed by `{namespace}localName` of their request element. */
  readonly operations: ReadonlyMap<string, OperationDescriptor>;
  readonly wsdl: PublishedDocument;
  readonly xsds: ReadonlyMap<string, PublishedDocument>;
  /** The envelope schemas (SOAP 1.1, SOAP 1.2) that validate a whole request of this version in one pass. */
  readonly envelopeSchemas: { readonly soap11: CompiledSchema; readonly soap12: CompiledSchema };
}

/**
 * Who implements a contract: the gateway (it answers calls), or the operators (the gateway calls them, e.g. push
 * notifications; it only publishes the WSDL and XSDs so that operators can build their endpoint).
 */
export type ServiceImplementer = 'gateway' | 'operator';

export interface ServiceContract {
  readonly plan: ServicePlan;
  readonly title: string;
  readonly implementedBy: ServiceImplementer;
  readonly versions: ReadonlyMap<number, ServiceVersionDescriptor>;
}

export interface ContractSet {
  readonly services: ReadonlyMap<string, ServiceContract>;
}

export const BASE_URL_MARK = '__ESAV_BASE_URL__';

export function renderDocument(doc: PublishedDocument, baseUrl: string): string {
  return doc.parts.join(baseUrl);
}
