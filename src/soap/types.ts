import type { Caller, PeerCertificateFacts } from '../domain/identity.js';
import type { EsavError } from '../errors/esav-error.js';
import type { XmlTreeElement } from '../xml/element-tree.js';

/**
 * What the transport knows of a request before reading its body: the request line, headers and TLS facts. The
 * caller is decided on this alone (issue 14: a certificate the registry refuses costs a cache lookup, not a parse).
 */
export interface SoapRequestHead {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly contentType: string | undefined;
  readonly soapAction: string | undefined;
  readonly peer: PeerCertificateFacts | null;
  readonly requestId: string;
  /** scheme://host[:port] the caller used, for WSDL addresses and version URLs. */
  readonly baseUrl: string;
}

/** What the transport hands to the SOAP layer: bytes and facts, no sockets. */
export interface SoapRequest extends SoapRequestHead {
  readonly body: Buffer | undefined;
}

export interface SoapResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** OK or the wire code of the fault, for the request log line. */
  readonly outcome: string;
  readonly error?: EsavError;
  readonly service?: string;
  readonly version?: string;
  readonly operation?: string;
  readonly operator?: string;
}

/** What an operation handler receives besides its request element. */
export interface OperationContext {
  readonly caller: Caller;
  readonly requestId: string;
  /** The instant of the call, read once when the request arrived: every rule of the call sees the same time. */
  readonly now: Date;
  /** The request's SOAP header blocks (those the contract declares were validated with the body). */
  readonly headers: readonly XmlTreeElement[];
}

/** What an operation answers: its body element and, for contracts that declare one, response header blocks. */
export interface OperationResult {
  readonly body: string;
  readonly headers?: readonly string[];
}

/** A service version adapter's operation: wire request element in, wire response out. */
export type OperationHandler = (request: XmlTreeElement, ctx: OperationContext) => Promise<OperationResult>;

/** What a contract's fault writer is given beyond the error: the request's headers once they were read. */
export interface FaultContext {
  readonly requestId: string;
  readonly now: Date;
  /** Empty when the call failed before its envelope was read. */
  readonly requestHeaders: readonly XmlTreeElement[];
}

/**
 * How a contract writes its faults' detail when it is not our DetailErreur (an industry contract, e.g.
 * Interop'Fibre's InfoErreurType or infoFtthError): the element its WSDL names in wsdl:fault, with a code and a
 * message child. The fault writer still writes every fault; this is data (ARCHITECTURE.md §4).
 */
export interface FaultDialect {
  /** The detail element, checked at boot against the wsdl:fault of every operation of the version. */
  readonly element: { readonly namespace: string; readonly name: string };
  /** Children written without a namespace (the contract's elementFormDefault="unqualified"). */
  readonly unqualifiedChildren: boolean;
  readonly codeElement: string;
  readonly messageElement: string;
  /** Our wire codes (DetailErreur/code) to this contract's codes; `default` for every code not listed. */
  readonly codes: Readonly<Record<string, string | number>> & { readonly default: string | number };
  /** Header blocks every answer of the contract carries, faults included (e.g. Interop'Fibre's EnteteType). */
  faultHeaders?(ctx: FaultContext): readonly string[];
}

export interface ServiceAdapter {
  readonly service: string;
  readonly version: number;
  /** Handlers by WSDL operation name. */
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** How this version writes its faults: our DetailErreur when absent. */
  readonly faults?: FaultDialect;
}
