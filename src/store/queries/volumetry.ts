/** SQL of the L1 volumetry (src/store/load/volumetry-store.ts): additive upserts from each instance, and the report. */
import { CALL_CATEGORIES, type CallCategory } from '../../domain/load-rules.js';
import type { Query } from '../database.js';

export interface VolumeDelta {
  readonly operatorId: string;
  readonly day: string;
  readonly category: CallCategory;
  readonly ok: number;
  readonly fault: number;
}

/**
 * Adds one instance's counts in one statement. The batch has one row per key (ON CONFLICT may touch a row once per
 * statement) and is sorted, so that two instances flushing the same rows lock them in the same order (no deadlock).
 */
export function addVolumes(deltas: readonly VolumeDelta[]): Query {
  const rows = [...deltas].sort((a, b) => a.operatorId.localeCompare(b.operatorId) || a.day.localeCompare(b.day) || a.category.localeCompare(b.category));
  return {
    name: 'call-volume-add',
    text: `INSERT INTO call_volume (operator_id, day, category, ok, fault)
           SELECT * FROM unnest($1::bigint[], $2::date[], $3::text[], $4::bigint[], $5::bigint[])
           ON CONFLICT (operator_id, day, category) DO UPDATE SET ok = call_volume.ok + EXCLUDED.ok, fault = call_volume.fault + EXCLUDED.fault`,
    values: [rows.map((r) => r.operatorId), rows.map((r) => r.day), rows.map((r) => r.category), rows.map((r) => r.ok), rows.map((r) => r.fault)]
  };
}

/** Totals per period (day or month) and operator (null: every one) and category, categories in the contract's order (OTHER last). */
export function volumetryTotals(from: string, to: string, operator: string | null, per: 'day' | 'month'): Query {
  return {
    text: `SELECT to_char(v.day, $4) AS period, o.code AS operator, v.category, sum(v.ok) AS ok, sum(v.fault) AS fault
             FROM call_volume v JOIN operator o ON o.id = v.operator_id
            WHERE v.day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR o.code = $3)
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, array_position($5::text[], v.category)`,
    values: [from, to, operator, per === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM', CALL_CATEGORIES]
  };
}
