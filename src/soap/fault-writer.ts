/**
 * The single place where an error becomes a SOAP Fault (ARCHITECTURE.md §4). SOAP 1.1 faults go out with HTTP 500
 * (WS-I Basic Profile R1126); SOAP 1.2 faults with 400 for Sender, 500 for Receiver (SOAP 1.2 part 2, §7.5.1), 503 for
 * a Receiver fault that asks to come back later (maintenance, unavailable).
 * Transport refusals (405, 413, 415, 404) keep their own status. An unknown error becomes ERREUR_INTERNE: no stack,
 * no message, no internals reach the wire.
 */
import { EsavError, isEsavError } from '../errors/esav-error.js';
import { escapeText, optionalElement } from '../xml/escape.js';
import { SOAP11, type SoapVersion } from './soap-version.js';
import type { FaultContext, FaultDialect, SoapResponse } from './types.js';

export const COMMON_NS = 'http://esav.bfc-fibre.fr/commun/v1';

export function toEsavError(error: unknown, requestId: string): EsavError {
  if (isEsavError(error)) return error;
  return new EsavError('ESAV_INTERNAL', { params: { requestId } }, { cause: error });
}

function detailXml(err: EsavError, requestId: string): string {
  const d = err.detail;
  let xml = `<DetailErreur xmlns="${COMMON_NS}"><code>${err.definition.wireCode}</code><message>${escapeText(err.message)}</message><idRequete>${escapeText(requestId)}</idRequete>`;
  for (const f of d.fields ?? []) {
    xml += `<champEnErreur><champ>${escapeText(f.field)}</champ><regle>${escapeText(f.rule)}</regle>${optionalElement('valeur', f.value)}<message>${escapeText(f.message)}</message>${optionalElement('ligne', f.line)}</champEnErreur>`;
  }
  xml += optionalElement('reessayerApres', d.retryAfterSeconds);
  for (const v of d.liveVersions ?? []) {
    xml += `<versionEnService><version>${escapeText(v.version)}</version><url>${escapeText(v.url)}</url><dateMiseEnProduction>${v.production}</dateMiseEnProduction>${optionalElement('dateRetrait', v.sunset)}</versionEnService>`;
  }
  if (d.nextWindow) xml += `<prochaineFenetre>${d.nextWindow.toISOString()}</prochaineFenetre>`;
  return `${xml}</DetailErreur>`;
}

/**
 * The detail of a contract that has its own fault element (FaultDialect): its code for our wire code, our message.
 * The fault string, the HTTP status and Retry-After stay ours, so a machine still gets the retry information.
 */
function dialectXml(err: EsavError, dialect: FaultDialect): string {
  const { namespace, name } = dialect.element;
  const child = (local: string, value: string): string =>
    dialect.unqualifiedChildren ? `<${local}>${value}</${local}>` : `<d:${local}>${value}</d:${local}>`;
  const code = dialect.codes[err.definition.wireCode] ?? dialect.codes.default;
  // Such a detail has no list of fields: the fields in error are named in its message.
  const fields = err.detail.fields ?? [];
  const message = fields.length === 0 ? err.message : `${err.message} ${fields.map((f) => `${f.field} : ${f.message}`).join(' ; ')}`;
  const children = child(dialect.codeElement, escapeText(String(code))) + child(dialect.messageElement, escapeText(message));
  return `<d:${name} xmlns:d="${namespace}">${children}</d:${name}>`;
}

/** What the contract of the called version adds to its faults, once the call reached it. */
export interface FaultShape {
  readonly dialect?: FaultDialect;
  readonly context?: FaultContext;
  readonly httpHeaders?: Readonly<Record<string, string>>;
}

export function writeFault(error: unknown, requestId: string, soap: SoapVersion = SOAP11, shape: FaultShape = {}): SoapResponse {
  const err = toEsavError(error, requestId);
  const def = err.definition;
  const code = def.soapCode ?? (def.role === 'Client' ? soap.clientCode : soap.serverCode);
  const dialect = shape.dialect;
  const detail = dialect ? dialectXml(err, dialect) : detailXml(err, requestId);
  const headerBlocks = dialect?.faultHeaders && shape.context ? dialect.faultHeaders(shape.context) : [];
  const header = headerBlocks.length > 0 ? `<soap:Header>${headerBlocks.join('')}</soap:Header>` : '';
  const reason = escapeText(err.message);
  let fault: string;
  if (soap.id === '1.1') {
    fault = `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring xml:lang="fr">${reason}</faultstring><detail>${detail}</detail></soap:Fault>`;
  } else {
    fault = `<soap:Fault><soap:Code><soap:Value>soap:${code}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="fr">${reason}</soap:Text></soap:Reason><soap:Detail>${detail}</soap:Detail></soap:Fault>`;
  }
  // SOAP 1.2: a Receiver fault that means "not now" (maintenance, unavailable: 503 with Retry-After) keeps its 503, which
  // HTTP clients and load balancers understand; SOAP 1.1 stays 500 (WS-I BP R1126), Retry-After in both.
  const status = def.transport ? def.httpStatus : soap.id === '1.1' ? 500 : def.soapCode ? 500 : def.role === 'Client' || def.httpStatus === 503 ? def.httpStatus : 500;
  const headers: Record<string, string> = { 'content-type': soap.contentType, ...shape.httpHeaders };
  if (err.detail.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.detail.retryAfterSeconds);
  return {
    status,
    headers,
    body: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${soap.namespace}">${header}<soap:Body>${fault}</soap:Body></soap:Envelope>`,
    outcome: def.wireCode,
    error: err
  };
}
