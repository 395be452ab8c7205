/**
 * The invoke phase: the version's adapter runs the operation (wire ⇄ domain), and the call is counted (DOMAIN.md
 * L1) whatever its outcome once it reached its operation.
 */
import type { Caller } from '../../domain/identity.js';
import type { XmlTreeElement } from '../../xml/element-tree.js';
import type { CallContext } from '../call-context.js';
import type { OperationHandler, OperationResult } from '../types.js';

export interface CallCounter {
  /** Counts a call that reached its operation (never throws, never waits on the database). */
  count(operatorId: string, operatorCode: string, service: string, operation: string, outcome: 'ok' | 'fault', now: Date): void;
}

export async function invoke(ctx: CallContext, handler: OperationHandler, payload: XmlTreeElement, caller: Caller,
  service: string, operation: string, counter: CallCounter | undefined): Promise<OperationResult> {
  const count = (outcome: 'ok' | 'fault'): void => counter?.count(caller.operator.id, caller.operator.code, service, operation, outcome, ctx.now);
  let result: OperationResult;
  try {
    result = await handler(payload, { caller, requestId: ctx.request.requestId, now: ctx.now, headers: ctx.requestHeaders });
  } catch (e) {
    count('fault');
    throw e;
  }
  count('ok');
  return result;
}
