/** The L1 volumetry: additive upserts from each instance, and the report over every instance's counts (SQL: queries/volumetry.ts). */
import type { CallCategory } from '../../domain/load-rules.js';
import { run, type Pool } from '../database.js';
import { addVolumes, volumetryTotals, type VolumeDelta } from '../queries/volumetry.js';

export type { VolumeDelta } from '../queries/volumetry.js';

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
  const rows = await run<{ period: string; operator: string; category: CallCategory; ok: string; fault: string }>(pool, volumetryTotals(q.from, q.to, q.operator, q.per));
  return rows.map((r) => ({ ...r, ok: Number(r.ok), fault: Number(r.fault), requests: Number(r.ok) + Number(r.fault) }));
}
