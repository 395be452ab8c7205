/**
 * What one call carries from phase to phase (ARCHITECTURE.md §2): the request, the instant it arrived (read once:
 * every rule of the call sees the same `now`), and what the phases learnt so far, for the log line and for faults
 * (which contract's fault shape, which headers the request had, which deprecation headers every answer gets).
 */
import type { ServiceContract, ServiceVersionDescriptor } from '../contracts/service-descriptor.js';
import type { XmlTreeElement } from '../xml/element-tree.js';
import { parseMediaType, SOAP11, type SoapVersion } from './soap-version.js';
import type { FaultDialect, SoapRequestHead } from './types.js';

/** The service version a request is addressed to. */
export interface CallTarget {
  readonly contract: ServiceContract;
  readonly descriptor: ServiceVersionDescriptor;
}

export interface CallContext {
  /** The request line, headers and TLS facts; the body is handed to the parse phase only. */
  readonly request: SoapRequestHead;
  readonly now: Date;
  /** The SOAP version faults are written in: the media type's (an envelope of another version is a VersionMismatch). */
  readonly soap: SoapVersion;
  /** What the request log line says of the call, filled in as the phases learn it. */
  readonly log: { service?: string; version?: string; operation?: string; operator?: string };
  /** HTTP headers every answer of this call carries, faults included (Deprecation/Sunset/Link, V1). */
  httpHeaders: Record<string, string>;
  /** The called version's fault shape, once the call is known to address it. */
  faultDialect?: FaultDialect;
  /** The request's header blocks, once the envelope was read (a contract may echo them in its faults). */
  requestHeaders: readonly XmlTreeElement[];
}

export function newCallContext(request: SoapRequestHead, now: Date): CallContext {
  return { request, now, soap: parseMediaType(request.contentType).soap ?? SOAP11, log: {}, httpHeaders: {}, requestHeaders: [] };
}
