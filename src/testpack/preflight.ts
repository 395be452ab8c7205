/**
 * The first check of a run (« contrôle préalable »), before any scenario: can the endpoint be reached, does it accept
 * the certificate (TLS handshake, then authentication), is the operator code the certificate's? A failure stops the
 * run with one clear message instead of a page of failed or skipped scenarios.
 */
import type { Http } from './http.js';
import { NS_BASE, envelope } from './soap-envelope.js';
import { faultOf, xmlEscape } from './xml-text.js';

export type PreflightProblem = 'unreachable' | 'server-certificate' | 'client-certificate' | 'local-key' | 'authentication' | 'operator';

export interface PreflightFailure {
  readonly problem: PreflightProblem;
  readonly message: string;
}

/** Server certificate refused by the pack (the endpoint's chain does not lead to --ca, or its name does not match). */
const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED', 'CERT_REJECTED'
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/** What a failed exchange means for the operator, in its words. */
export function classifyExchangeError(e: unknown, endpoint: string): PreflightFailure {
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? '';
  const detail = `${err.message}${code && !err.message.includes(code) ? ` [${code}]` : ''}`;
  if (UNREACHABLE_CODES.has(code)) {
    return { problem: 'unreachable', message: `le point d'accès ${endpoint} ne répond pas (${detail}) — vérifiez l'adresse, le port et le filtrage réseau` };
  }
  if (SERVER_CERT_CODES.has(code)) {
    return {
      problem: 'server-certificate',
      message: `le certificat serveur de ${endpoint} n'est pas reconnu (${detail}) — --ca doit être le certificat de l'AC de l'OI, `
        + `et l'adresse le nom du serveur`
    };
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch|bad decrypt|PEM_read_bio|DECODER routines/i.test(`${code} ${err.message}`)) {
    return { problem: 'local-key', message: `la clé privée --key ne correspond pas au certificat --cert, ou n'est pas lisible (${detail})` };
  }
  // The server refuses a client certificate during the handshake (TLS 1.2) or just after it (TLS 1.3: an alert, or the
  // connection closed before any HTTP answer).
  if (/ALERT|ECONNRESET|EPIPE|socket hang up|disconnected before secure TLS/i.test(`${code} ${err.message}`)) {
    return {
      problem: 'client-certificate',
      message: `certificat client refusé par ${endpoint} lors de la poignée de main TLS (${detail}) — il doit être émis par l'AC de l'OI `
        + `ou une autorité reconnue, en cours de validité et non révoqué`
    };
  }
  return { problem: 'unreachable', message: `échange impossible avec ${endpoint} : ${detail}` };
}

const AUTH_REFUSALS = new Set(['AUTHENTIFICATION_REFUSEE', 'OPERATEUR_INACTIF', 'ACCES_INTEGRE_NON_SOUSCRIT', 'INTEGRATION_NON_VALIDEE']);
/** An identifier that exists nowhere: a call for it answers RESSOURCE_INCONNUE once the caller is authenticated. */
export const PROBE_SERVICE_ID = 'FTTH-00-9999999';

/**
 * One authenticated call (prestation v1 consultationPrestation): of the service the nominal scenarios use when there
 * is one, so that an operator code that is not the certificate's (or a service of another operator) stops the run.
 */
export async function checkAuthentication(http: Http, serviceId: string | undefined, operator: string | undefined): Promise<PreflightFailure | null> {
  const id = serviceId ?? PROBE_SERVICE_ID;
  const body = `<p:ConsultationPrestationRequete xmlns:p="${NS_BASE}/prestation/v1">`
    + `<p:identifiantPrestation>${xmlEscape(id)}</p:identifiantPrestation></p:ConsultationPrestationRequete>`;
  const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS_BASE}/prestation/v1/consultationPrestation"` };
  let answer: string;
  try {
    answer = (await http.send('POST', '/esav/prestation/v1', envelope(body, '1.1'), headers)).body;
  } catch (e) {
    return classifyExchangeError(e, http.endpoint);
  }
  const fault = faultOf(answer);
  if (!fault) return null;
  const said = `${fault.code}${fault.message ? ` — ${fault.message}` : ''}`;
  if (AUTH_REFUSALS.has(fault.code)) {
    return { problem: 'authentication', message: `la passerelle refuse ce certificat : ${said}` };
  }
  if (fault.code === 'RESSOURCE_INCONNUE' && serviceId !== undefined) {
    const op = operator !== undefined ? `le code opérateur --operator ${operator} n'est pas celui du certificat, ou ` : '';
    return {
      problem: 'operator',
      message: `la prestation ${serviceId} est inconnue pour ce certificat (${fault.code}) : ${op}cette prestation n'est pas à votre opérateur `
        + `— sur la plateforme d'intégration, vos prestations de test sont SBX-<OFFRE>-<SCENARIO>-<code opérateur> ; ailleurs, donnez --service-id`
    };
  }
  return null;
}
