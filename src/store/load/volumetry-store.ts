/** SQL of the L1 volumetry: additive upserts from each instance, and the report over every instance's counts. */
import { CALL_CATEGORIES, type CallCategory } from '../../domain/load-rules.js';
import { run, type Pool, type Query } from '../database.js';

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

export async function saveVolumes(pool: Pool, deltas: readonly VolumeDelta[]): Promise<void> {
  if (deltas.length > 0) await run(pool, addVolumes(deltas));
}

export interface VolumetryQuery {
  /** Paris dates, both included. */
  readonly from: string;
  readonly to: string;
  readonly per: 'day' | 'month';
  readonly operator: string | null;
}

export interface VolumetryRow {
  period: string; operator: string; category: CallCategory; requests: number; ok: number; fault: number;
}

/** Totals per period, operator and category, categories in the contract's order (OTHER last). */
export async function volumetry(pool: Pool, q: VolumetryQuery): Promise<VolumetryRow[]> {
  const rows = await run<{ period: string; operator: string; category: CallCategory; ok: string; fault: string }>(pool, {
    text: `SELECT to_char(v.day, $4) AS period, o.code AS operator, v.category, sum(v.ok) AS ok, sum(v.fault) AS fault
             FROM call_volume v JOIN operator o ON o.id = v.operator_id
            WHERE v.day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR o.code = $3)
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, array_position($5::text[], v.category)`,
    values: [q.from, q.to, q.operator, q.per === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM', CALL_CATEGORIES]
  });
  return rows.map((r) => ({ ...r, ok: Number(r.ok), fault: Number(r.fault), requests: Number(r.ok) + Number(r.fault) }));
}
