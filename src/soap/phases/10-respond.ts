/**
 * The respond phase: the answer's envelope in the request's SOAP version, with the header blocks the operation
 * returned and the version notice (AvisVersion, V1) when the version is the older live one. Faults are not written
 * here but by the fault writer (ARCHITECTURE.md §4).
 */
import type { CallContext } from '../call-context.js';
import type { SoapVersion } from '../soap-version.js';
import type { OperationResult, SoapResponse } from '../types.js';
import type { VersionNotice } from '../version-gate.js';

export function respond(ctx: CallContext, soap: SoapVersion, result: OperationResult, notice: VersionNotice): SoapResponse {
  const blocks = [...(result.headers ?? []), ...(notice.soapHeader ? [notice.soapHeader] : [])];
  const header = blocks.length > 0 ? `<soap:Header>${blocks.join('')}</soap:Header>` : '';
  return {
    ...ctx.log,
    status: 200,
    headers: { 'content-type': soap.contentType, ...notice.httpHeaders },
    body: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${soap.namespace}">${header}<soap:Body>${result.body}</soap:Body></soap:Envelope>`,
    outcome: 'OK'
  };
}
