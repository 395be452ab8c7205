/**
 * L2 per-minute limits: declared by the people who run the gateway (esav-admin load limit …), each change audited,
 * read by every instance (polled), and the shared per-minute counters that enforce them across instances.
 */
import { limitDeclarationProblem, type LimitScope, type LoadLimit } from '../../domain/load-rules.js';
import { AdminError } from '../../errors/admin-error.js';
import { run, transaction, type Pool, type Query } from '../database.js';
import { recordChange } from '../registry/audit.js';

interface LimitRow {
  id: string; operator_id: string; operator_code: string; scope: LimitScope; per_minute: number;
  starts_at: Date; ends_at: Date | null; declared_at: Date; declared_by: string; removed_at: Date | null; removed_by: string | null;
}

const COLUMNS = `l.id, l.operator_id, o.code AS operator_code, l.scope, l.per_minute, l.starts_at, l.ends_at, l.declared_at,
  l.declared_by, l.removed_at, l.removed_by`;

const toLimit = (r: LimitRow): LoadLimit => ({
  id: String(r.id), operatorId: String(r.operator_id), operatorCode: r.operator_code, scope: r.scope, perMinute: r.per_minute, start: r.starts_at, end: r.ends_at
});

export interface DeclaredLimit {
  readonly limit: LoadLimit;
  /** The operator's notification endpoint, when it has one: the limit is to be announced there. */
  readonly endpoint: string | null;
}

export interface LimitDeclaration {
  readonly operator: string;
  readonly scope: LimitScope;
  readonly perMinute: number;
  readonly start: Date;
  readonly end: Date | null;
}

/**
 * Declares a limit, refused at short notice (L2). When the operator has a notification endpoint, the trail also
 * says that the limit must be announced there: sending that announcement is not built yet (no contract for it).
 */
export async function declareLimit(pool: Pool, d: LimitDeclaration, actor: string, now: Date): Promise<DeclaredLimit> {
  const problem = limitDeclarationProblem(d.perMinute, d.start, d.end, now);
  if (problem) throw new AdminError('ADMIN_INVALID_INPUT', problem);
  return transaction(pool, async (client) => {
    const op = (await client.query<{ id: string; url: string | null }>(
      `SELECT o.id, n.url FROM operator o LEFT JOIN notification_endpoint n ON n.operator_id = o.id AND n.enabled WHERE o.code = $1`, [d.operator])).rows[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${d.operator}`);
    const { rows } = await client.query<LimitRow>(
      `WITH l AS (INSERT INTO load_limit (operator_id, scope, per_minute, starts_at, ends_at, declared_at, declared_by)
                  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)
       SELECT ${COLUMNS} FROM l JOIN operator o ON o.id = l.operator_id`,
      [op.id, d.scope, d.perMinute, d.start, d.end, now, actor]);
    const limit = toLimit(rows[0]!);
    const after = { scope: limit.scope, perMinute: limit.perMinute, start: limit.start, end: limit.end };
    await recordChange(client, { actor, action: 'declare', entity: 'load_limit', entityKey: limit.id, operatorId: op.id, after }, null);
    if (op.url !== null) {
      await recordChange(client, {
        actor, action: 'announcement-required', entity: 'load_limit', entityKey: limit.id, operatorId: op.id,
        after: { ...after, endpoint: op.url, announceBefore: new Date(limit.start.getTime() - 24 * 3600_000), sent: false }
      }, null);
    }
    return { limit, endpoint: op.url };
  });
}

/** Lifts a limit (or cancels one not started yet): no notice is needed to relieve an operator. */
export async function removeLimit(pool: Pool, id: string, actor: string, now: Date): Promise<LoadLimit> {
  if (!/^\d{1,18}$/.test(id)) throw new AdminError('ADMIN_INVALID_INPUT', `${id} is not a limit id (see esav-admin load limit list)`);
  return transaction(pool, async (client) => {
    const { rows } = await client.query<LimitRow>(
      `WITH l AS (UPDATE load_limit SET removed_at = $2, removed_by = $3 WHERE id = $1 AND removed_at IS NULL RETURNING *)
       SELECT ${COLUMNS} FROM l JOIN operator o ON o.id = l.operator_id`, [id, now, actor]);
    if (!rows[0]) throw new AdminError('ADMIN_NOT_FOUND', `no limit ${id} in force or announced (see esav-admin load limit list)`);
    const limit = toLimit(rows[0]);
    await recordChange(client, { actor, action: 'remove', entity: 'load_limit', entityKey: id, operatorId: limit.operatorId,
      before: { scope: limit.scope, perMinute: limit.perMinute, start: limit.start, end: limit.end } }, null);
    return limit;
  });
}

export interface LimitListing extends LoadLimit {
  readonly declaredAt: Date;
  readonly declaredBy: string;
  readonly removedAt: Date | null;
}

/** Limits announced or in force (all of them, removed and ended ones included, with `all`). */
export async function listLimits(pool: Pool, filter: { operator: string | null; all: boolean }, now: Date): Promise<LimitListing[]> {
  const { rows } = await pool.query<LimitRow>(
    `SELECT ${COLUMNS} FROM load_limit l JOIN operator o ON o.id = l.operator_id
      WHERE ($1::text IS NULL OR o.code = $1) AND ($2 OR (l.removed_at IS NULL AND (l.ends_at IS NULL OR l.ends_at > $3)))
      ORDER BY o.code, l.starts_at, l.id`, [filter.operator, filter.all, now]);
  return rows.map((r) => ({ ...toLimit(r), declaredAt: r.declared_at, declaredBy: r.declared_by, removedAt: r.removed_at }));
}

/** What an instance keeps in memory: the limits not removed and not over. */
export async function currentLimits(pool: Pool, now: Date): Promise<LoadLimit[]> {
  const rows = await run<LimitRow>(pool, {
    name: 'load-limit-current',
    text: `SELECT ${COLUMNS} FROM load_limit l JOIN operator o ON o.id = l.operator_id
            WHERE l.removed_at IS NULL AND (l.ends_at IS NULL OR l.ends_at > $1)`,
    values: [now]
  });
  return rows.map(toLimit);
}

/**
 * Counts one call in the operator's counters of this minute, one per scope, and returns the new counts: the same
 * row is incremented by every instance, so the limit holds whichever instance answers. Scopes sorted: rows are
 * locked in the same order by concurrent calls.
 */
export function countInMinute(operatorId: string, scopes: readonly LimitScope[], minute: Date): Query {
  return {
    name: 'load-minute-count',
    text: `INSERT INTO load_minute (operator_id, scope, minute, count)
           SELECT $1, s, $3, 1 FROM unnest($2::text[]) AS s
           ON CONFLICT (operator_id, scope, minute) DO UPDATE SET count = load_minute.count + 1
           RETURNING scope, count`,
    values: [operatorId, [...new Set(scopes)].sort(), minute]
  };
}

/** Minute counters older than `before` serve no limit any more. */
export function purgeMinutes(before: Date): Query {
  return { name: 'load-minute-purge', text: 'DELETE FROM load_minute WHERE minute < $1', values: [before] };
}
