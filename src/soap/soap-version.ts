/** SOAP 1.1 and 1.2 behind one interface (Apache CXF's SoapVersion): namespaces, media types, fault codes. */
import { SOAP11_NS, SOAP12_NS } from '../contracts/envelope-schema.js';

export interface SoapVersion {
  readonly id: '1.1' | '1.2';
  readonly namespace: string;
  readonly contentType: string;
  readonly clientCode: string;
  readonly serverCode: string;
}

export const SOAP11: SoapVersion = Object.freeze({
  id: '1.1', namespace: SOAP11_NS, contentType: 'text/xml; charset=utf-8', clientCode: 'Client', serverCode: 'Server'
});

export const SOAP12: SoapVersion = Object.freeze({
  id: '1.2', namespace: SOAP12_NS, contentType: 'application/soap+xml; charset=utf-8', clientCode: 'Sender', serverCode: 'Receiver'
});

export function soapVersionOfNamespace(ns: string | null | undefined): SoapVersion | null {
  if (ns === SOAP11_NS) return SOAP11;
  if (ns === SOAP12_NS) return SOAP12;
  return null;
}

export interface MediaType {
  readonly soap: SoapVersion | null;
  /** SOAP 1.2 carries the action as a media-type parameter (RFC 3902). */
  readonly action: string | undefined;
  /** A parameter given twice (RFC 9110 §5.6.6: a parameter name appears once): which one counts is ambiguous. */
  readonly repeatedParameter?: boolean;
}

/** Reads the Content-Type of a request: text/xml → SOAP 1.1, application/soap+xml → SOAP 1.2, else null. */
export function parseMediaType(contentType: string | undefined): MediaType {
  if (!contentType) return { soap: null, action: undefined };
  const [type, ...params] = contentType.split(';');
  const essence = type!.trim().toLowerCase();
  let action: string | undefined;
  const names = new Set<string>();
  let repeatedParameter = false;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    if (names.has(name)) repeatedParameter = true;
    names.add(name);
    if (name === 'action') action = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  const repeated = repeatedParameter ? { repeatedParameter } : {};
  if (essence === 'text/xml') return { soap: SOAP11, action: undefined, ...repeated };
  if (essence === 'application/soap+xml') return { soap: SOAP12, action, ...repeated };
  return { soap: null, action: undefined };
}
