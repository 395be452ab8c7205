/**
 * The receive phase (ARCHITECTURE.md §2), on the request's head only (its body is not read yet): which service
 * version the path names, whether it takes calls now, and whether the request is a call at all: POST only
 * (RFC 9110 §15.5.6: a 405 says what is allowed), a SOAP media type. The transport limits the body's size.
 */
import type { ContractSet } from '../../contracts/service-descriptor.js';
import { closedForMaintenance } from '../../domain/maintenance.js';
import { versionState } from '../../domain/version-policy.js';
import { EsavError } from '../../errors/esav-error.js';
import type { CallContext, CallTarget } from '../call-context.js';
import { parseMediaType, type MediaType } from '../soap-version.js';
import { gateVersion, unavailableVersion } from '../version-gate.js';

/** When the service is interrupted (M1, M2): an in-memory view, never a query on the request path. */
export interface MaintenanceGate {
  current(now: Date): { readonly end: Date; readonly reason: string } | null;
}

// A version is written as published: v2, never v02 (one URL per version, ARCHITECTURE.md §1).
const PATH = /^\/esav\/([a-z][a-z0-9-]*)\/v([1-9]\d{0,2})$/;
const SERVED_CONTRACT = 'un appel de web service est un POST, un contrat se lit par GET ?wsdl ou ?xsd=';
const OPERATOR_CONTRACT = "ce contrat est implémenté par les opérateurs (la passerelle l'appelle, elle n'y répond pas) : " +
  'il se lit seulement par GET ?wsdl ou ?xsd=';

/** The service version of the path; an unknown path or version is refused with what is published. */
export function route(ctx: CallContext, contracts: ContractSet, servicesList: string): CallTarget {
  const { request } = ctx;
  const match = PATH.exec(request.path);
  const contract = match ? contracts.services.get(match[1]!) : undefined;
  if (!match || !contract) throw new EsavError('ESAV_NOT_FOUND_ENDPOINT', { params: { path: request.path, services: servicesList } });
  const descriptor = contract.versions.get(Number(match[2]));
  if (!descriptor) throw unavailableVersion(contract, match[2]!, "n'existe pas", ctx.now, request.baseUrl);
  ctx.log.service = descriptor.service;
  ctx.log.version = `v${descriptor.version}`;
  // A caller of the older live version is told of its retirement on every answer, faults included (V1).
  if (versionState(contract.plan, descriptor.declaration, ctx.now) === 'deprecated') {
    ctx.httpHeaders = gateVersion(contract, descriptor, ctx.now, request.baseUrl).httpHeaders;
  }
  return { contract, descriptor };
}

/** A GET of the contract (?wsdl, ?xsd=): answered by publication, not as a call. */
export function isPublication(ctx: CallContext): boolean {
  const { method, query } = ctx.request;
  return method === 'GET' && (query.wsdl !== undefined || query.xsd !== undefined);
}

/** Refuses what is not a call this version takes now; answers the SOAP media type of the call. */
export function receive(ctx: CallContext, target: CallTarget, maintenance: MaintenanceGate | undefined): MediaType {
  const { request } = ctx;
  const { contract } = target;
  // M1, M2: closed during the nightly window and planned maintenance, except a service whose contract says otherwise.
  const window = request.method === 'POST' && !contract.openDuringMaintenance ? maintenance?.current(ctx.now) : null;
  if (window) throw closedForMaintenance(window, ctx.now);
  // A POST to the contract's URL (?wsdl, ?xsd=) is not a call: it is refused, never run.
  const toContract = request.query.wsdl !== undefined || request.query.xsd !== undefined;
  if (request.method !== 'POST' || contract.implementedBy === 'operator' || toContract) {
    throw new EsavError('ESAV_METHOD_NOT_ALLOWED', {
      params: { method: request.method, allowed: contract.implementedBy === 'operator' ? OPERATOR_CONTRACT : SERVED_CONTRACT }
    });
  }
  const media = parseMediaType(request.contentType);
  if (media.soap === null || media.repeatedParameter) {
    throw new EsavError('ESAV_UNSUPPORTED_MEDIA_TYPE', { params: { contentType: request.contentType ?? '(aucun)' } });
  }
  return media;
}
