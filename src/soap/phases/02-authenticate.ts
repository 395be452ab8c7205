/**
 * The authenticate phase (ARCHITECTURE.md §2, DOMAIN.md A2): the TLS layer verified the chain; the registry says
 * whose certificate it is. The wire never says why a certificate is refused; the log line does. It runs on the
 * request's head, before the body is read: a certificate the registry does not know (or has revoked, or whose
 * operator is not active) costs a cache lookup, never a parse (issue 14).
 */
import type { Authentication, Authenticator, Caller } from '../../domain/identity.js';
import { EsavError } from '../../errors/esav-error.js';
import type { CallContext } from '../call-context.js';

/**
 * @param underPressure the gateway is overloaded (event loop, database pool): the registry is not asked, only its
 * cached answers are used; a certificate with none gets SERVICE_INDISPONIBLE at once rather than a wait in the pool.
 */
export async function authenticate(ctx: CallContext, authenticator: Authenticator, underPressure = false): Promise<Caller> {
  const peer = ctx.request.peer;
  let auth: Authentication = { kind: 'unknown' };
  if (peer && underPressure && authenticator.cached) {
    const known = authenticator.cached(peer, ctx.now);
    if (known === undefined) {
      throw new EsavError('ESAV_SERVICE_UNAVAILABLE', { params: { reason: 'surcharge de la passerelle', retryAfter: 5 }, retryAfterSeconds: 5 },
        { logReason: 'overload: certificate not in the authentication cache' });
    }
    auth = known;
  } else if (peer) {
    auth = await authenticator.authenticate(peer, ctx.now);
  }
  if (auth.kind === 'unknown') {
    throw new EsavError('ESAV_AUTHENTICATION_FAILED', {}, { logReason: 'certificate unregistered, revoked or expired in the registry' });
  }
  if (auth.kind === 'inactive') {
    ctx.log.operator = auth.operatorCode;
    const state = auth.status.state === 'terminated' ? `a pris fin le ${auth.status.endDate}` : `ne commence que le ${auth.status.activationDate}`;
    throw new EsavError('ESAV_OPERATOR_INACTIVE', { params: { operator: auth.operatorCode, state } }, { logReason: `operator ${auth.status.state}` });
  }
  if (auth.kind === 'online-only') {
    ctx.log.operator = auth.operatorCode;
    throw new EsavError('ESAV_INTEGRATED_ACCESS_NOT_SUBSCRIBED', { params: { operator: auth.operatorCode } }, { logReason: 'order form: online access only' });
  }
  ctx.log.operator = auth.caller.operator.code;
  return auth.caller;
}
