/** SQL of the L2 per-minute limits (src/store/load/limit-store.ts) and of the shared per-minute counters. */
import type { LimitScope } from '../../domain/load-rules.js';
import type { Query } from '../database.js';

const LIMIT_COLUMNS = `l.id, l.operator_id, o.code AS operator_code, l.scope, l.per_minute, l.starts_at, l.ends_at, l.declared_at,
  l.declared_by, l.removed_at, l.removed_by, l.reason, l.removal_reason`;

/** The ANNONCEE (a_…) and LEVEE (v_…) of each limit, with their deliveries when pushed. */
const ANNOUNCEMENT_COLUMNS = `an.channel AS a_channel, an.note AS a_note, ad.state AS a_state, ad.attempts AS a_attempts, ad.last_error AS a_error,
  ad.delivered_at AS a_delivered, lv.channel AS v_channel, lv.note AS v_note, vd.state AS v_state, vd.attempts AS v_attempts,
  vd.last_error AS v_error, vd.delivered_at AS v_delivered`;
const ANNOUNCEMENT_JOINS = `LEFT JOIN limit_announcement an ON an.limit_id = l.id AND an.status = 'ANNONCEE'
  LEFT JOIN notification_delivery ad ON ad.announcement_pk = an.id
  LEFT JOIN limit_announcement lv ON lv.limit_id = l.id AND lv.status = 'LEVEE'
  LEFT JOIN notification_delivery vd ON vd.announcement_pk = lv.id`;

/** The operator's endpoint, locked against a concurrent change (set-endpoint) until the announcement is recorded. */
export function lockEndpointOf(operatorId: string): Query {
  return { text: 'SELECT url, enabled, contract_version FROM notification_endpoint WHERE operator_id = $1 FOR SHARE', values: [operatorId] };
}

/** d: a LimitDeclaration (src/store/load/limit-store.ts), its operator resolved to operatorId. */
export function insertLimit(operatorId: string, d: {
  readonly scope: LimitScope; readonly perMinute: number; readonly start: Date; readonly end: Date | null; readonly reason: string | null;
}, now: Date, actor: string): Query {
  return {
    text: `WITH l AS (INSERT INTO load_limit (operator_id, scope, per_minute, starts_at, ends_at, declared_at, declared_by, reason)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
       SELECT ${LIMIT_COLUMNS} FROM l JOIN operator o ON o.id = l.operator_id`,
    values: [operatorId, d.scope, d.perMinute, d.start, d.end, now, actor, d.reason]
  };
}

/** Marks a limit in force or announced removed; no row when there is none. */
export function markLimitRemoved(id: string, now: Date, actor: string, reason: string | null): Query {
  return {
    text: `WITH l AS (UPDATE load_limit SET removed_at = $2, removed_by = $3, removal_reason = $4 WHERE id = $1 AND removed_at IS NULL RETURNING *)
       SELECT ${LIMIT_COLUMNS} FROM l JOIN operator o ON o.id = l.operator_id`,
    values: [id, now, actor, reason]
  };
}

/** How the limit's ANNONCEE was told, and its delivery when pushed. */
export function announcementOfLimit(limitId: string): Query {
  return {
    text: `SELECT a.channel, d.id AS delivery_id FROM limit_announcement a LEFT JOIN notification_delivery d ON d.announcement_pk = a.id
        WHERE a.limit_id = $1 AND a.status = 'ANNONCEE'`,
    values: [limitId]
  };
}

/** Withdraws a delivery never tried (no attempt, not leased): waits for a claim in progress and re-checks the row. */
export function withdrawUntriedDelivery(deliveryId: string): Query {
  return {
    text: `UPDATE notification_delivery SET state = 'withdrawn' WHERE id = $1 AND state = 'pending' AND attempts = 0 AND lease_until IS NULL`,
    values: [deliveryId]
  };
}

/** Limits announced or in force (all of them with `all`), with their announcements. */
export function limitsListing(operator: string | null, all: boolean, now: Date): Query {
  return {
    text: `SELECT ${LIMIT_COLUMNS}, ${ANNOUNCEMENT_COLUMNS} FROM load_limit l JOIN operator o ON o.id = l.operator_id ${ANNOUNCEMENT_JOINS}
      WHERE ($1::text IS NULL OR o.code = $1) AND ($2 OR (l.removed_at IS NULL AND (l.ends_at IS NULL OR l.ends_at > $3)))
      ORDER BY o.code, l.starts_at, l.id`,
    values: [operator, all, now]
  };
}

/** The limits not removed and not over, with their announcements. */
export function limitsNotOver(now: Date): Query {
  return {
    name: 'load-limit-current',
    text: `SELECT ${LIMIT_COLUMNS}, ${ANNOUNCEMENT_COLUMNS} FROM load_limit l JOIN operator o ON o.id = l.operator_id ${ANNOUNCEMENT_JOINS}
            WHERE l.removed_at IS NULL AND (l.ends_at IS NULL OR l.ends_at > $1)`,
    values: [now]
  };
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
