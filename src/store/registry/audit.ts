/**
 * The audit trail of administrative changes (who, when, what, before/after) and the change log that makes every
 * gateway instance refresh its certificate cache or trust store (NOTIFY at commit, plus a poll as a safety net).
 */
import { run, type Pool, type Transaction } from '../database.js';

export type ChangeKind = 'certificates' | 'trust' | 'maintenance';

export const REGISTRY_CHANNEL = 'esav_registry';

export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly entity: 'operator' | 'certificate' | 'profile' | 'trusted_ca' | 'notification_endpoint' | 'maintenance' | 'load_limit' | 'golive'
    | 'network_inventory' | 'network_event';
  readonly entityKey: string;
  readonly operatorId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Records the change in the caller's transaction; the notification is delivered when it commits. */
export async function recordChange(client: Transaction, entry: AuditEntry, kind: ChangeKind | null): Promise<void> {
  await run(client, {
    text: 'INSERT INTO audit_log (actor, action, entity, entity_key, operator_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    values: [entry.actor, entry.action, entry.entity, entry.entityKey, entry.operatorId ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before), entry.after === undefined ? null : JSON.stringify(entry.after)] });
  if (kind !== null) {
    await run(client, { text: 'INSERT INTO registry_change (kind) VALUES ($1)', values: [kind] });
    await run(client, { text: 'SELECT pg_notify($1, $2)', values: [REGISTRY_CHANNEL, kind] });
  }
}

export interface AuditRow { at: Date; actor: string; action: string; entity: string; entity_key: string; before: unknown; after: unknown }

export async function auditTrail(client: Pool, entity: string | null, key: string | null, limit = 50): Promise<AuditRow[]> {
  const rows = await run<AuditRow>(client, { text: `SELECT at, actor, action, entity, entity_key, before, after FROM audit_log
      WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_key = $2) ORDER BY id DESC LIMIT $3`, values: [entity, key, limit] });
  return rows;
}
