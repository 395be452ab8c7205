/** Operators' subscriptions (DOMAIN.md O1): create from an order form, show, list, terminate — each change audited. */
import { terminationEndDate, validateOrderForm, type OrderForm } from '../../domain/operator-subscription.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from './audit.js';
import { run, transaction, type Pool } from '../database.js';

export interface OperatorRecord {
  id: string; code: string; name: string; siren: string; siret: string | null; contract_reference: string | null;
  representative: unknown; contact: unknown; address: unknown; esav_contact: unknown;
  access_online: boolean; access_integrated: boolean; activation_date: string;
  termination_notified_on: string | null; end_date: string | null;
}

const COLUMNS = `id, code, name, siren, siret, contract_reference, representative, contact, address, esav_contact, access_online,
  access_integrated, to_char(activation_date, 'YYYY-MM-DD') AS activation_date,
  to_char(termination_notified_on, 'YYYY-MM-DD') AS termination_notified_on, to_char(end_date, 'YYYY-MM-DD') AS end_date`;

export async function createOperator(pool: Pool, form: OrderForm, actor: string): Promise<OperatorRecord> {
  const problems = validateOrderForm(form);
  if (problems.length > 0) {
    throw new AdminError('ADMIN_INVALID_INPUT', 'the order form is incomplete or invalid:', problems.map((p) => `${p.field}: ${p.message}${p.value !== undefined ? ` (« ${p.value} »)` : ''}`));
  }
  return transaction(pool, async (client) => {
    const clash = await run<{ code: string; contract_reference: string }>(client, {
      text: 'SELECT code, contract_reference FROM operator WHERE code = $1 OR contract_reference = $2', values: [form.code, form.contractReference] });
    if (clash.length > 0) {
      const c = clash[0]!;
      throw new AdminError('ADMIN_CONFLICT', c.code === form.code ? `operator ${form.code} already exists` : `contract ${form.contractReference} is already operator ${c.code}'s`);
    }
    const rows = await run<OperatorRecord>(client, {
      text: `INSERT INTO operator (code, name, siren, siret, contract_reference, representative, contact, address, esav_contact,
                             access_online, access_integrated, activation_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
         values: [form.code, form.companyName, form.siret.slice(0, 9), form.siret, form.contractReference, form.representative, form.contact,
        form.address, form.esavContact, form.access.online, form.access.integrated, form.activationDate] });
    const operator = rows[0]!;
    await run(client, { text: `INSERT INTO profile (operator_id, name, operations, offers) VALUES ($1, 'complet', '{*}', '{*}')`, values: [operator.id] });
    await recordChange(client, { actor, action: 'create', entity: 'operator', entityKey: form.code, operatorId: operator.id, after: operator }, null);
    return operator;
  });
}

export async function findOperator(pool: Pool, code: string): Promise<OperatorRecord> {
  const rows = await run<OperatorRecord>(pool, { text: `SELECT ${COLUMNS} FROM operator WHERE code = $1`, values: [code] });
  if (!rows[0]) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
  return rows[0];
}

export async function listOperators(pool: Pool): Promise<OperatorRecord[]> {
  return (await run<OperatorRecord>(pool, { text: `SELECT ${COLUMNS} FROM operator ORDER BY code`, values: [] }));
}

/** O1: a termination notified on a date ends the service two months later at the earliest. */
export async function terminateOperator(pool: Pool, code: string, notifiedOn: string, requestedEnd: string | null, actor: string): Promise<OperatorRecord> {
  const end = terminationEndDate(notifiedOn, requestedEnd);
  if ('error' in end) throw new AdminError('ADMIN_INVALID_INPUT', end.error);
  return transaction(pool, async (client) => {
    const before = (await run<OperatorRecord>(client, { text: `SELECT ${COLUMNS} FROM operator WHERE code = $1 FOR UPDATE`, values: [code] }))[0];
    if (!before) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${code}`);
    const rows = await run<OperatorRecord>(client, {
      text: `UPDATE operator SET termination_notified_on = $2, end_date = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
      values: [before.id, notifiedOn, end.endDate] });
    await recordChange(client, { actor, action: 'terminate', entity: 'operator', entityKey: code, operatorId: before.id, before, after: rows[0] }, 'certificates');
    return rows[0]!;
  });
}
