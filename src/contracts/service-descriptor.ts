/** Immutable descriptions of the released contracts, built once at boot from wsdl/ and xsd/. */
import type { ServicePlan, VersionDeclaration } from '../domain/version-policy.js';
import type { CompiledSchema } from '../xml/xsd-validator.js';

/** An element named by the contract, as `{namespace}localName` (the key the envelope and dispatch phases use). */
export type QualifiedName = string;

export interface OperationDescriptor {
  readonly name: string;
  readonly soapAction: string;
  readonly requestNamespace: string;
  readonly requestElement: string;
  readonly responseElement: string;
  /** The soap:header blocks of the binding's input and output (WSDL 1.1 §3.7). */
  readonly inputHeaders: readonly QualifiedName[];
  readonly outputHeaders: readonly QualifiedName[];
  /** The detail elements of the portType's wsdl:fault messages. */
  readonly faults: readonly QualifiedName[];
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
  readonly operations: ReadonlyMap<QualifiedName, OperationDescriptor>;
  /**
   * The header blocks this version understands: every soap:header of an operation's input. Any other block marked
   * mustUnderstand gets the MustUnderstand fault (SOAP 1.1 §4.2.3, SOAP 1.2 part 1 §5.2.3).
   */
  readonly understoodHeaders: ReadonlySet<QualifiedName>;
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
  /** Callable during the nightly window and planned maintenance (M1, M2): the service that tells when they are. */
  readonly openDuringMaintenance: boolean;
  readonly versions: ReadonlyMap<number, ServiceVersionDescriptor>;
}

export interface ContractSet {
  readonly services: ReadonlyMap<string, ServiceContract>;
}

export const BASE_URL_MARK = '__ESAV_BASE_URL__';

export function renderDocument(doc: PublishedDocument, baseUrl: string): string {
  return doc.parts.join(baseUrl);
}
