/** Operators' subscriptions (DOMAIN.md O1): create from an order form, show, list, terminate — each change audited. */
import { terminationEndDate, validateOrderForm, type OrderForm } from '../../domain/operator-subscription.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from './audit.js';
import { run, transaction, type Pool } from '../database.js';
import {
  allOperators, insertFullProfile, insertOperator, operatorByCode, operatorsClashingWith, recordTermination
} from '../queries/operators.js';

export interface OperatorRecord {
  id: string; code: string; name: string; siren: string; siret: string | null; contract_reference: string | null;
  representative: unknown; contact: unknown; address: unknown; esav_contact: unknown;
  access_online: boolean; access_integrated: boolean; activation_date: string;
  termination_notified_on: string | null; end_date: string | null;
}

export async function createOperator(pool: Pool, form: OrderForm, actor: string): Promise<OperatorRecord> {
  const problems = validateOrderForm(form);
  if (problems.length > 0) {
    throw new AdminError('ADMIN_INVALID_INPUT', 'the order form is incomplete or invalid:', problems.map((p) => `${p.field}: ${p.message}${p.value !== undefined ? ` (« ${p.value} »)` : ''}`));
  }
  return transaction(pool, async (client) => {
    const clash = await run<{ code: string; contract_reference: string }>(client, operatorsClashingWith(form.code, form.contractReference));
    if (clash.length > 0) {
      const c = clash[0]!;
      throw new AdminError('ADMIN_CONFLICT', c.code === form.code ? `operator ${form.code} already exists` : `contract ${form.contractReference} is already operator ${c.code}'s`);
    }
    const rows = await run<OperatorRecord>(client, insertOperator(form));
    const operator = rows[0]!;
    await run(client, insertFullProfile(operator.id));
    await recordChange(client, { actor, action: 'create', entity: 'operator', entityKey: form.code, operatorId: operator.id, after: operator }, null);
    return operator;
  });
}

export async function findOperator(pool: Pool, code: string): Promise<OperatorRecord> {
  const rows = await run<OperatorRecord>(pool, operatorByCode(code, false));
  if (!rows[0]) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
  return rows[0];
}

export async function listOperators(pool: Pool): Promise<OperatorRecord[]> {
  return (await run<OperatorRecord>(pool, allOperators()));
}

/** O1: a termination notified on a date ends the service two months later at the earliest. */
export async function terminateOperator(pool: Pool, code: string, notifiedOn: string, requestedEnd: string | null, actor: string): Promise<OperatorRecord> {
  const end = terminationEndDate(notifiedOn, requestedEnd);
  if ('error' in end) throw new AdminError('ADMIN_INVALID_INPUT', end.error);
  return transaction(pool, async (client) => {
    const before = (await run<OperatorRecord>(client, operatorByCode(code, true)))[0];
    if (!before) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
    const rows = await run<OperatorRecord>(client, recordTermination(before.id, notifiedOn, end.endDate));
    await recordChange(client, { actor, action: 'terminate', entity: 'operator', entityKey: code, operatorId: before.id, before, after: rows[0] }, 'certificates');
    return rows[0]!;
  });
}
