import type { Caller, PeerCertificateFacts } from '../domain/identity.js';
import type { EsavError } from '../errors/esav-error.js';
import type { XmlTreeElement } from '../xml/element-tree.js';

/** What the transport hands to the SOAP layer: bytes and facts, no sockets. */
export interface SoapRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly contentType: string | undefined;
  readonly soapAction: string | undefined;
  readonly body: Buffer | undefined;
  readonly peer: PeerCertificateFacts | null;
  readonly requestId: string;
  /** scheme://host[:port] the caller used, for WSDL addresses and version URLs. */
  readonly baseUrl: string;
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
  readonly now: Date;
}

/** A service version adapter's operation: wire request element in, wire response payload (XML string) out. */
export type OperationHandler = (request: XmlTreeElement, ctx: OperationContext) => Promise<string>;

export interface ServiceAdapter {
  readonly service: string;
  readonly version: number;
  /** Handlers by WSDL operation name. */
  readonly operations: Readonly<Record<string, OperationHandler>>;
}
