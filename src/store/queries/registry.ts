/**
 * SQL of the registry's trail (audit_log), of its change log (registry_change, NOTIFY) and of the recognised CAs
 * (trusted_ca), as named query functions (pg-boss style).
 */
import type { Query } from '../database.js';

export interface AuditValues {
  readonly actor: string; readonly action: string; readonly entity: string; readonly entityKey: string; readonly operatorId: string | null;
  /** JSON, or null. */
  readonly before: string | null;
  readonly after: string | null;
}

export function insertAuditEntry(e: AuditValues): Query {
  return {
    text: 'INSERT INTO audit_log (actor, action, entity, entity_key, operator_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    values: [e.actor, e.action, e.entity, e.entityKey, e.operatorId, e.before, e.after]
  };
}

export function insertRegistryChange(kind: string): Query {
  return { text: 'INSERT INTO registry_change (kind) VALUES ($1)', values: [kind] };
}

/** Delivered to the listeners when the transaction commits. */
export function notifyChannel(channel: string, payload: string): Query {
  return { text: 'SELECT pg_notify($1, $2)', values: [channel, payload] };
}

/** The trail, newest first, of an entity kind and key (null: all of them). */
export function auditEntries(entity: string | null, key: string | null, limit: number): Query {
  return {
    text: `SELECT at, actor, action, entity, entity_key, before, after FROM audit_log
      WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_key = $2) ORDER BY id DESC LIMIT $3`,
    values: [entity, key, limit]
  };
}

export function lastRegistryChange(): Query {
  return { text: 'SELECT max(id) AS id FROM registry_change', values: [] };
}

export function registryChangesAfter(id: number): Query {
  return { text: 'SELECT id, kind FROM registry_change WHERE id > $1 ORDER BY id', values: [id] };
}

/** Trusts the CA, or trusts a removed one again; no row when it is trusted already. */
export function insertTrustedCa(fingerprint256: string, subject: string, notAfter: Date, pem: string): Query {
  return {
    text: `INSERT INTO trusted_ca (fingerprint_sha256, subject, not_after, pem) VALUES ($1, $2, $3, $4)
       ON CONFLICT (fingerprint_sha256) DO UPDATE SET removed_at = NULL, added_at = now()
       WHERE trusted_ca.removed_at IS NOT NULL
       RETURNING fingerprint_sha256, subject, not_after, added_at, removed_at`,
    values: [fingerprint256, subject, notAfter, pem]
  };
}

export function removeTrustedCaRow(fingerprint256: string): Query {
  return {
    text: `UPDATE trusted_ca SET removed_at = now() WHERE fingerprint_sha256 = $1 AND removed_at IS NULL
       RETURNING fingerprint_sha256, subject, not_after, added_at, removed_at`,
    values: [fingerprint256]
  };
}

/** The trusted CAs (not removed) whose fingerprint starts with this prefix (the list shows 16 hex digits). */
export function trustedCasByPrefix(prefix: string): Query {
  return {
    text: `SELECT fingerprint_sha256 FROM trusted_ca WHERE removed_at IS NULL AND fingerprint_sha256 LIKE $1 || '%' ORDER BY fingerprint_sha256`,
    values: [prefix]
  };
}

export function allTrustedCas(): Query {
  return { text: 'SELECT fingerprint_sha256, subject, not_after, added_at, removed_at FROM trusted_ca ORDER BY added_at', values: [] };
}

export function trustedCaPems(): Query {
  return { text: 'SELECT pem FROM trusted_ca WHERE removed_at IS NULL ORDER BY id', values: [] };
}
