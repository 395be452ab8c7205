/**
 * Admission of a JSON call (the e-intervention routes, issue 18) on its head alone, as the SOAP routes admit theirs
 * (issue 14: authenticate first, fair shares): the peer certificate is decided by the registry (a cache lookup;
 * under pressure an uncached certificate is not looked up, the call is refused at once), then the operator's fair
 * share (fair-share.ts, the same shares as its SOAP calls: one operator's work on this instance) is asked for a
 * place, charged with the bytes the head announces. Nothing here reads or parses the body.
 */
import type { Clock } from '../domain/clock.js';
import type { Authentication, Authenticator, PeerCertificateFacts } from '../domain/identity.js';
import { EsavError } from '../errors/esav-error.js';
import type { FairShare, ShareRefusal, ShareSlot } from './fair-share.js';

export interface JsonRefusal {
  readonly status: number;
  /** OAuth2's error shape (RFC 6749 §5.2), the files' 400 shape: `error` is our registry's wire code or OAuth2's. */
  readonly body: { readonly error: string; readonly error_description: string };
  readonly retryAfterSeconds: number | null;
  /** For the log line only. */
  readonly why: string;
}

export type Admission = { readonly auth: Extract<Authentication, { kind: 'caller' }>; readonly slot: ShareSlot | null } | JsonRefusal;

/** A coded error in the JSON routes' shape (their own refusals, and the drain's: http-edges.ts). */
export const jsonErrorBody = (e: EsavError): JsonRefusal['body'] => ({ error: e.definition.wireCode, error_description: e.message });

const refusal = (e: EsavError, why: string, retryAfterSeconds: number): JsonRefusal =>
  ({ status: e.definition.httpStatus, body: jsonErrorBody(e), retryAfterSeconds, why });

/** What an operator over its share is told: its own calls must finish first, retry after a second or so. */
export function shareRefusal(r: ShareRefusal, pressure: string | null): JsonRefusal {
  if (r.refused === 'pressure') {
    const reason = pressure ?? 'surcharge de la passerelle';
    return refusal(new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason, retryAfter: 5 }, retryAfterSeconds: 5 }),
      `overload: shed, ${r.inFlight} calls of this operator in flight`, 5);
  }
  const retryAfter = r.refused === 'rate' ? Math.max(1, Math.ceil(r.retryAfterMs / 1000)) : 1;
  const limit = r.refused === 'rate' ? `débit partagé ${Math.round(r.bytesPerSecond / 1000)} ko/s` : `limite ${r.limit}`;
  return refusal(new EsavError('ESAV_OPERATOR_SHARE_EXCEEDED', { params: { inFlight: r.inFlight, limit, retryAfter }, retryAfterSeconds: retryAfter }),
    `fair share: ${r.refused}, ${r.inFlight} calls in flight`, retryAfter);
}

export interface JsonAdmissionOptions {
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  readonly shares: FairShare | null;
  readonly bodyLimit: number;
}

export interface JsonHead {
  readonly peer: PeerCertificateFacts | null;
  readonly contentLength: string | undefined;
  /** Why the instance is under pressure (overload.ts), null when it is not. */
  readonly pressure: string | null;
  /** Aborts when the client leaves: a wait in the queue ends and takes no place. */
  readonly signal: AbortSignal;
}

const INVALID_CLIENT = { error: 'invalid_client', error_description: 'certificat client non reconnu' } as const;

export async function admitJson(o: JsonAdmissionOptions, head: JsonHead): Promise<Admission> {
  const now = o.clock.now();
  if (head.peer === null) return { status: 401, body: INVALID_CLIENT, retryAfterSeconds: null, why: 'no client certificate' };
  // Under pressure a certificate whose answer is not cached is not looked up: the registry query would queue behind
  // the saturated pool (the SOAP pipeline does the same).
  const cached = o.authenticator.cached?.(head.peer, now);
  if (cached === undefined && head.pressure !== null) {
    return shareRefusal({ refused: 'pressure', inFlight: 0 }, head.pressure);
  }
  const auth = cached ?? await o.authenticator.authenticate(head.peer, now);
  if (auth.kind !== 'caller') {
    return { status: 401, body: INVALID_CLIENT, retryAfterSeconds: null, why: auth.kind === 'unknown' ? 'certificate unknown' : 'operator inactive' };
  }
  if (o.shares === null) return { auth, slot: null };
  // A body without Content-Length (chunked) may be as large as the body limit: it counts as such.
  const announced = head.contentLength === undefined ? o.bodyLimit : Number(head.contentLength);
  const known = head.contentLength !== undefined && Number.isFinite(announced);
  const got = await o.shares.acquire(auth.caller.operator.id, known ? Math.min(announced, o.bodyLimit) : o.bodyLimit, head.pressure !== null, head.signal, known);
  if ('refused' in got) return shareRefusal(got, head.pressure);
  if (head.signal.aborted) { got.release(); return { status: 499, body: INVALID_CLIENT, retryAfterSeconds: null, why: 'client left' }; }
  return { auth, slot: got };
}
