/**
 * The authenticate phase (ARCHITECTURE.md §2, DOMAIN.md A2): the TLS layer verified the chain; the registry says
 * whose certificate it is. The wire never says why a certificate is refused; the log line does. It runs on the
 * request's head, before the body is read: a certificate the registry does not know (or has revoked, or whose
 * operator is not active) costs a cache lookup, never a parse (issue 14).
 */
import type { Authenticator, Caller } from '../../domain/identity.js';
import { EsavError } from '../../errors/esav-error.js';
import type { CallContext } from '../call-context.js';

export async function authenticate(ctx: CallContext, authenticator: Authenticator): Promise<Caller> {
  const peer = ctx.request.peer;
  const auth = peer ? await authenticator.authenticate(peer, ctx.now) : { kind: 'unknown' as const };
  if (auth.kind === 'unknown') {
    throw new EsavError('ESAV_AUTHENTICATION_FAILED', {}, { logReason: 'certificate unregistered, revoked or expired in the registry' });
  }
  if (auth.kind === 'inactive') {
    ctx.log.operator = auth.operatorCode;
    const state = auth.status.state === 'terminated' ? `a pris fin le ${auth.status.endDate}` : `ne commence que le ${auth.status.activationDate}`;
    throw new EsavError('ESAV_OPERATOR_INACTIVE', { params: { operator: auth.operatorCode, state } }, { logReason: `operator ${auth.status.state}` });
  }
  ctx.log.operator = auth.caller.operator.code;
  return auth.caller;
}
