/**
 * The dispatch phase (ARCHITECTURE.md §2): the version must be in force (V1: not announced, not retired), the
 * operation is the body element's {namespace}localName, and a SOAPAction (SOAP 1.1 header, SOAP 1.2 `action`
 * media-type parameter, RFC 3902) must agree with it when present (WS-I BP R2744 allows an empty one).
 */
import type { OperationDescriptor } from '../../contracts/service-descriptor.js';
import { EsavError } from '../../errors/esav-error.js';
import { displayName, qualifiedName } from '../../xml/element-tree.js';
import type { CallContext, CallTarget } from '../call-context.js';
import type { MediaType } from '../soap-version.js';
import { gateVersion, type VersionNotice } from '../version-gate.js';
import type { Envelope } from './04-envelope.js';

export interface Dispatched {
  readonly operation: OperationDescriptor;
  /** The AvisVersion header block and version HTTP headers of the answer. */
  readonly notice: VersionNotice;
}

export function dispatch(ctx: CallContext, target: CallTarget, envelope: Envelope, media: MediaType): Dispatched {
  const { contract, descriptor: d } = target;
  const notice = gateVersion(contract, d, ctx.now, ctx.request.baseUrl);
  const key = qualifiedName(envelope.payload);
  const operation = d.operations.get(key);
  if (!operation) {
    throw new EsavError('ESAV_UNKNOWN_OPERATION', {
      params: { element: displayName(envelope.payload), service: d.service, version: d.version, operations: [...d.operations.values()].map((o) => o.name).join(', ') }
    });
  }
  ctx.log.operation = operation.name;
  const action = envelope.soap.id === '1.1' ? ctx.request.soapAction?.trim().replace(/^"(.*)"$/, '$1') : media.action;
  if (action !== undefined && action !== '' && action !== operation.soapAction) {
    throw new EsavError('ESAV_SOAPACTION_MISMATCH', { params: { soapAction: action, operation: operation.name, expected: operation.soapAction } });
  }
  return { operation, notice };
}
