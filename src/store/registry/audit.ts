/**
 * The audit trail of administrative changes (who, when, what, before/after) and the change log that makes every
 * gateway instance refresh its certificate cache or trust store (NOTIFY at commit, plus a poll as a safety net).
 */
import { run, type Pool, type Transaction } from '../database.js';
import { auditEntries, insertAuditEntry, insertRegistryChange, notifyChannel } from '../queries/registry.js';

export type ChangeKind = 'certificates' | 'trust' | 'maintenance';

export const REGISTRY_CHANNEL = 'esav_registry';

/** Every kind of thing the audit trail records a change of (`audit list --entity`; README, "Operating the gateway"). */
export const AUDIT_ENTITIES = Object.freeze(['operator', 'certificate', 'profile', 'trusted_ca', 'notification_endpoint', 'maintenance',
  'load_limit', 'golive', 'network_inventory', 'network_event', 'ticket', 'portal_user', 'appointment_plan', 'service',
  'network_element_state', 'e_intervention_consent', 'e_intervention_endpoint'] as const);
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly entity: AuditEntity;
  readonly entityKey: string;
  readonly operatorId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Records the change in the caller's transaction; the notification is delivered when it commits. */
export async function recordChange(client: Transaction, entry: AuditEntry, kind: ChangeKind | null): Promise<void> {
  await run(client, insertAuditEntry({ ...entry, operatorId: entry.operatorId ?? null,
    before: entry.before === undefined ? null : JSON.stringify(entry.before), after: entry.after === undefined ? null : JSON.stringify(entry.after) }));
  if (kind !== null) {
    await run(client, insertRegistryChange(kind));
    await run(client, notifyChannel(REGISTRY_CHANNEL, kind));
  }
}

export interface AuditRow { at: Date; actor: string; action: string; entity: string; entity_key: string; before: unknown; after: unknown }

export async function auditTrail(client: Pool, entity: string | null, key: string | null, limit = 50): Promise<AuditRow[]> {
  const rows = await run<AuditRow>(client, auditEntries(entity, key, limit));
  return rows;
}
