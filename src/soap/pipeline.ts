/**
 * One request, phase by phase (ARCHITECTURE.md §2):
 * receive → parse → envelope → dispatch → authenticate → authorize → validate → invoke → respond.
 * The transport gives bytes and facts; this module never touches a socket or SQL.
 */
import { ContractError } from '../contracts/contract-loader.js';
import { renderDocument, type ContractSet, type OperationDescriptor, type ServiceContract, type ServiceVersionDescriptor } from '../contracts/service-descriptor.js';
import type { Clock } from '../domain/clock.js';
import type { Authentication, Authenticator } from '../domain/identity.js';
import { allowsOperation } from '../domain/profile.js';
import { versionState } from '../domain/version-policy.js';
import { EsavError } from '../errors/esav-error.js';
import { qualifiedName } from '../xml/element-tree.js';
import { readRequest } from '../xml/request-reader.js';
import type { XmlLimits } from '../xml/prescan.js';
import { readEnvelope } from './envelope.js';
import { writeFault } from './fault-writer.js';
import { parseMediaType, SOAP11, type SoapVersion } from './soap-version.js';
import type { OperationHandler, ServiceAdapter, SoapRequest, SoapResponse } from './types.js';
import { gateVersion, unavailableVersion, type VersionNotice } from './version-gate.js';

/**
 * The load rules of the contract around each authenticated call (DOMAIN.md L1, L2): admission against a per-minute
 * limit in force, and the count of the call in the contract's categories. Implemented on PostgreSQL (shared by
 * every instance); absent in tests that do not need it.
 */
export interface CallAccounting {
  /** Throws a fault (limit, window, retry-after) when the operator is over a limit in force. */
  admit(operatorId: string, service: string, operation: string, now: Date): Promise<void>;
  /** Counts a call that reached its operation (never throws, never waits on the database). */
  count(operatorId: string, operatorCode: string, service: string, operation: string, outcome: 'ok' | 'fault', now: Date): void;
}

/** When the service is interrupted (M1, M2): an in-memory view, never a query on the request path. */
export interface MaintenanceGate {
  current(now: Date): { readonly end: Date; readonly reason: string } | null;
}

/** Services that stay callable during maintenance: the one that tells operators when the windows are. */
const ALWAYS_OPEN = new Set(['exploitation']);

export interface PipelineDeps {
  readonly contracts: ContractSet;
  readonly adapters: readonly ServiceAdapter[];
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  readonly xmlLimits: XmlLimits;
  readonly accounting?: CallAccounting;
  readonly maintenance?: MaintenanceGate;
}

export interface SoapPipeline {
  handle(request: SoapRequest): Promise<SoapResponse>;
  /** Every published service version path, for the transport's routes and the documentation. */
  readonly paths: readonly string[];
}

const PATH = /^\/esav\/([a-z][a-z0-9-]*)\/v(\d{1,3})$/;
/** What the request log line says of a call, filled in as the phases learn it. */
interface CallLog { service?: string; version?: string; operation?: string; operator?: string }

const NO_HEADERS_UNDERSTOOD: ReadonlySet<string> = new Set();
// RFC 9110 §15.5.6: 405 names what the resource does allow. An operator-implemented contract (notifications) is
// only read here; the operators' endpoints answer it.
const SERVED_CONTRACT = 'un appel de web service est un POST, un contrat se lit par GET ?wsdl ou ?xsd=';
const OPERATOR_CONTRACT = "ce contrat est implémenté par les opérateurs (la passerelle l'appelle, elle n'y répond pas) : il se lit seulement par GET ?wsdl ou ?xsd=";

/** The Deprecation/Sunset/Link headers of the older live version; none for a current, retired or unknown one. */
function deprecationHeaders(contract: ServiceContract, d: ServiceVersionDescriptor, now: Date, baseUrl: string): Record<string, string> {
  return versionState(contract.plan, d.declaration, now) === 'deprecated' ? gateVersion(contract, d, now, baseUrl).httpHeaders : {};
}

/** Checks at boot that every WSDL operation has a handler and every handler an operation. */
function bindHandlers(contracts: ContractSet, adapters: readonly ServiceAdapter[]): Map<string, OperationHandler> {
  const problems: string[] = [];
  const handlers = new Map<string, OperationHandler>();
  const byKey = new Map(adapters.map((a) => [`${a.service}/v${a.version}`, a]));
  for (const [, contract] of contracts.services) {
    // A contract the operators implement (notifications) is published, never answered: no adapter binds to it.
    if (contract.implementedBy === 'operator') continue;
    for (const [, d] of contract.versions) {
      const adapter = byKey.get(`${d.service}/v${d.version}`);
      byKey.delete(`${d.service}/v${d.version}`);
      const declared = new Set([...d.operations.values()].map((o) => o.name));
      for (const op of declared) {
        const handler = adapter?.operations[op];
        if (handler) handlers.set(`${d.service}/v${d.version}/${op}`, handler);
        else problems.push(`${d.service} v${d.version}: no adapter handles operation ${op} of the WSDL`);
      }
      for (const op of Object.keys(adapter?.operations ?? {})) {
        if (!declared.has(op)) problems.push(`${d.service} v${d.version}: the adapter handles ${op}, which the WSDL does not declare`);
      }
    }
  }
  for (const key of byKey.keys()) problems.push(`adapter ${key} has no contract in wsdl/`);
  if (problems.length > 0) throw new ContractError(problems);
  return handlers;
}

export function createSoapPipeline(deps: PipelineDeps): SoapPipeline {
  const handlers = bindHandlers(deps.contracts, deps.adapters);
  const paths = [...deps.contracts.services.values()].flatMap((c) => [...c.versions.values()].map((d) => d.path));
  const servicesList = paths.join(', ');

  function route(req: SoapRequest): { contract: ServiceContract; descriptor: ServiceVersionDescriptor } {
    const match = PATH.exec(req.path);
    const contract = match ? deps.contracts.services.get(match[1]!) : undefined;
    if (!match || !contract) throw new EsavError('ESAV_NOT_FOUND_ENDPOINT', { params: { path: req.path, services: servicesList } });
    const descriptor = contract.versions.get(Number(match[2]));
    if (!descriptor) throw unavailableVersion(contract, match[2]!, "n'existe pas", deps.clock.now(), req.baseUrl);
    return { contract, descriptor };
  }

  function publish(req: SoapRequest, contract: ServiceContract, d: ServiceVersionDescriptor): SoapResponse {
    // A contract stays readable while announced (operators build against it before go-live), not once retired.
    const now = deps.clock.now();
    if (versionState(contract.plan, d.declaration, now) === 'retired') gateVersion(contract, d, now, req.baseUrl);
    const xsdName = req.query.xsd;
    if (xsdName !== undefined) {
      const xsd = d.xsds.get(xsdName);
      if (!xsd) throw new EsavError('ESAV_NOT_FOUND_ENDPOINT', { params: { path: `${req.path}?xsd=${xsdName}`, services: [...d.xsds.keys()].map((n) => `?xsd=${n}`).join(', ') } });
      return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: renderDocument(xsd, req.baseUrl), outcome: 'OK', service: d.service, version: `v${d.version}`, operation: 'xsd' };
    }
    return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: renderDocument(d.wsdl, req.baseUrl), outcome: 'OK', service: d.service, version: `v${d.version}`, operation: 'wsdl' };
  }


  async function call(req: SoapRequest, contract: ServiceContract, d: ServiceVersionDescriptor, log: CallLog): Promise<SoapResponse> {
    // receive: the media type names the SOAP version (the body size was limited before buffering by the transport)
    const media = parseMediaType(req.contentType);
    if (media.soap === null) {
      throw new EsavError('ESAV_UNSUPPORTED_MEDIA_TYPE', { params: { contentType: req.contentType ?? '(aucun)' } });
    }
    if (!req.body || req.body.length === 0) {
      throw new EsavError('ESAV_XML_MALFORMED', { params: { line: 0, column: 0, reason: 'le message est vide' } });
    }
    // parse
    const request = readRequest(req.body, deps.xmlLimits);
    // envelope
    const envelope = readEnvelope(request.tree, media.soap, req.contentType!, NO_HEADERS_UNDERSTOOD);
    // dispatch: version in force, then operation from the body element; SOAPAction must agree when present
    const now = deps.clock.now();
    const notice = gateVersion(contract, d, now, req.baseUrl);
    const el = envelope.payload;
    const key = qualifiedName(el);
    const operation: OperationDescriptor | undefined = d.operations.get(key);
    if (!operation) {
      throw new EsavError('ESAV_UNKNOWN_OPERATION', {
        params: { element: key, service: d.service, version: d.version, operations: [...d.operations.values()].map((o) => o.name).join(', ') }
      });
    }
    log.operation = operation.name;
    const action = envelope.soap.id === '1.1' ? req.soapAction?.trim().replace(/^"(.*)"$/, '$1') : media.action;
    if (action !== undefined && action !== '' && action !== operation.soapAction) {
      throw new EsavError('ESAV_SOAPACTION_MISMATCH', { params: { soapAction: action, operation: operation.name, expected: operation.soapAction } });
    }
    // authenticate: the TLS layer verified the chain; the registry says whose certificate it is
    const auth: Authentication = req.peer ? await deps.authenticator.authenticate(req.peer, now) : { kind: 'unknown' };
    if (auth.kind === 'unknown') {
      throw new EsavError('ESAV_AUTHENTICATION_FAILED', {}, { logReason: 'certificate unregistered, revoked or expired in the registry' });
    }
    if (auth.kind === 'inactive') {
      log.operator = auth.operatorCode;
      const state = auth.status.state === 'terminated' ? `a pris fin le ${auth.status.endDate}` : `ne commence que le ${auth.status.activationDate}`;
      throw new EsavError('ESAV_OPERATOR_INACTIVE', { params: { operator: auth.operatorCode, state } }, { logReason: `operator ${auth.status.state}` });
    }
    const caller = auth.caller;
    log.operator = caller.operator.code;
    // authorize (A5, A6): the profile allows the operation; reads are scoped to caller.operator and its offers.
    // Outside the profile is answered like an unknown resource, and logged as refused.
    if (!allowsOperation(caller.profile, d.service, operation.name)) {
      throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'opération', id: operation.name } },
        { logReason: `profile ${caller.profile.name} does not allow ${d.service}.${operation.name}` });
    }
    // validate: the whole envelope against the version's compiled schema, every error listed
    const fields = request.validate(d.envelopeSchemas[envelope.soap.id === '1.1' ? 'soap11' : 'soap12']);
    if (fields.length > 0) {
      throw new EsavError('ESAV_SCHEMA_INVALID', { params: { service: d.service, version: d.version, count: fields.length }, fields });
    }
    // admit (L2), then invoke; the call is counted (L1) whatever its outcome once it reached its operation
    await deps.accounting?.admit(caller.operator.id, d.service, operation.name, now);
    const handler = handlers.get(`${d.service}/v${d.version}/${operation.name}`)!;
    let payload: string;
    try {
      payload = await handler(el, { caller, requestId: req.requestId, now });
    } catch (e) {
      deps.accounting?.count(caller.operator.id, caller.operator.code, d.service, operation.name, 'fault', now);
      throw e;
    }
    deps.accounting?.count(caller.operator.id, caller.operator.code, d.service, operation.name, 'ok', now);
    // respond
    return respond(envelope.soap, payload, notice, log);
  }

  function respond(soap: SoapVersion, payload: string, notice: VersionNotice, log: CallLog): SoapResponse {
    const header = notice.soapHeader ? `<soap:Header>${notice.soapHeader}</soap:Header>` : '';
    return {
      ...log,
      status: 200,
      headers: { 'content-type': soap.contentType, ...notice.httpHeaders },
      body: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${soap.namespace}">${header}<soap:Body>${payload}</soap:Body></soap:Envelope>`,
      outcome: 'OK'
    };
  }

  return {
    paths,
    async handle(req: SoapRequest): Promise<SoapResponse> {
      const log: CallLog = {};
      const soap: SoapVersion = parseMediaType(req.contentType).soap ?? SOAP11;
      // A caller of the older live version is told of its retirement on every answer, faults included (V1).
      let deprecation: Record<string, string> = {};
      try {
        const { contract, descriptor } = route(req);
        deprecation = deprecationHeaders(contract, descriptor, deps.clock.now(), req.baseUrl);
        log.service = descriptor.service;
        log.version = `v${descriptor.version}`;
        if (req.method === 'GET' && (req.query.wsdl !== undefined || req.query.xsd !== undefined)) {
          return publish(req, contract, descriptor);
        }
        const window = req.method === 'POST' && !ALWAYS_OPEN.has(descriptor.service) ? deps.maintenance?.current(deps.clock.now()) : null;
        if (window) {
          const now = deps.clock.now();
          const retryAfter = Math.max(1, Math.ceil((window.end.getTime() - now.getTime()) / 1000));
          const until = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(window.end);
          throw new EsavError('ESAV_MAINTENANCE', { params: { reason: window.reason, until }, retryAfterSeconds: retryAfter, nextWindow: window.end });
        }
        if (req.method !== 'POST' || contract.implementedBy === 'operator') {
          throw new EsavError('ESAV_METHOD_NOT_ALLOWED', { params: { method: req.method, allowed: contract.implementedBy === 'operator' ? OPERATOR_CONTRACT : SERVED_CONTRACT } });
        }
        return await call(req, contract, descriptor, log);
      } catch (error) {
        // The envelope's SOAP version equals the media type's (else VersionMismatch), so faults are written in it.
        const response = writeFault(error, req.requestId, soap);
        const operatorContract = deps.contracts.services.get(log.service ?? '')?.implementedBy === 'operator';
        const extra: Record<string, string> = response.error?.code === 'ESAV_METHOD_NOT_ALLOWED' ? { allow: operatorContract ? 'GET' : 'POST, GET' } : {};
        return { ...log, ...response, headers: { ...response.headers, ...deprecation, ...extra } };
      }
    }
  };
}
