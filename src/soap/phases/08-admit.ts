/**
 * The admit phase: an authenticated, valid call is let in to its operation only if the operator passed its go-live
 * validation where it is required (DOMAIN.md A4) and is under the per-minute limit in force (L2). Both are read from
 * PostgreSQL (shared by every instance) behind these ports; absent in tests that do not need them.
 */
import type { Caller } from '../../domain/identity.js';
import type { CallContext } from '../call-context.js';

export interface GoLiveGate {
  /** Throws the go-live fault when the operator has no validation for the web services. */
  check(operatorId: string): Promise<void>;
}

export interface LoadAdmission {
  /** Throws a fault (limit, window, retry-after) when the operator is over a limit in force. */
  admit(operatorId: string, service: string, operation: string, now: Date): Promise<void>;
}

export async function admit(ctx: CallContext, caller: Caller, service: string, operation: string,
  gates: { readonly goLive?: GoLiveGate | undefined; readonly load?: LoadAdmission | undefined }): Promise<void> {
  await gates.goLive?.check(caller.operator.id);
  await gates.load?.admit(caller.operator.id, service, operation, ctx.now);
}
