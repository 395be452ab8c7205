/**
 * Publication of a contract (ARCHITECTURE.md §1): `GET …?wsdl` answers the version's WSDL with its address set to
 * the URL it was asked on, `GET …?xsd=<name>` an XSD it imports. A contract stays readable while announced
 * (operators build against it before go-live), not once retired.
 */
import { renderDocument } from '../contracts/service-descriptor.js';
import { versionState } from '../domain/version-policy.js';
import { EsavError } from '../errors/esav-error.js';
import type { CallContext, CallTarget } from './call-context.js';
import type { SoapResponse } from './types.js';
import { gateVersion } from './version-gate.js';

const XML = { 'content-type': 'text/xml; charset=utf-8' };

export function publish(ctx: CallContext, { contract, descriptor: d }: CallTarget): SoapResponse {
  const { request } = ctx;
  if (versionState(contract.plan, d.declaration, ctx.now) === 'retired') gateVersion(contract, d, ctx.now, request.baseUrl);
  const answer = (body: string, operation: 'wsdl' | 'xsd'): SoapResponse =>
    ({ status: 200, headers: XML, body, outcome: 'OK', service: d.service, version: `v${d.version}`, operation });
  const xsdName = request.query.xsd;
  if (xsdName === undefined) return answer(renderDocument(d.wsdl, request.baseUrl), 'wsdl');
  const xsd = d.xsds.get(xsdName);
  if (!xsd) {
    throw new EsavError('ESAV_NOT_FOUND_ENDPOINT', {
      params: { path: `${request.path}?xsd=${xsdName}`, services: [...d.xsds.keys()].map((n) => `?xsd=${n}`).join(', ') }
    });
  }
  return answer(renderDocument(xsd, request.baseUrl), 'xsd');
}
