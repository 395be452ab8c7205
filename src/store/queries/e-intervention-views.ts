/**
 * SQL of the e-intervention hub's views (issue 18 part 4): the OI's filtered, paged list (esav-admin interventions
 * list, the internal API) and an operator's own impacts over a period (E3, the "Lot 1" alerting: its lines only).
 */
import type { Query } from '../database.js';

export interface InterventionSearch {
  readonly state: string | null;
  readonly refPM: string | null;
  readonly doOperator: string | null;
  /** The DO or an operator told of it. */
  readonly operator: string | null;
  /** Started at or after / before (timestamps). */
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface InterventionSummaryRow {
  ref_interv_oi: string; do_operator: string; ref_interv_do: string; ref_pm: string; ref_pbo: string; nature: string; state: string; test_number: number;
  started_at: Date; ended_at: Date | null; declared_at: Date; closed_at: Date | null; operators: number; lines_cut: number; lines_restored: number;
  messages_pending: number; total: number;
}

/** One page of interventions, newest declared first; `total` (every row) counts the rows matching the filter. */
export function searchInterventions(f: InterventionSearch, limit: number, offset: number): Query {
  return {
    text: `SELECT i.ref_interv_oi, d.code AS do_operator, i.ref_interv_do, i.ref_pm, i.ref_pbo, i.nature, i.state, i.test_number, i.started_at,
                  i.ended_at, i.declared_at, i.closed_at,
                  (SELECT count(*)::int FROM e_intervention_recipient r WHERE r.intervention_id = i.id) AS operators,
                  (SELECT count(*)::int FROM e_intervention_line l WHERE l.intervention_id = i.id) AS lines_cut,
                  (SELECT count(*)::int FROM e_intervention_line l WHERE l.intervention_id = i.id AND l.restored_at IS NOT NULL) AS lines_restored,
                  (SELECT count(*)::int FROM e_intervention_message m WHERE m.intervention_id = i.id AND m.state = 'pending') AS messages_pending,
                  count(*) OVER ()::int AS total
             FROM e_intervention i JOIN operator d ON d.id = i.do_operator_id
            WHERE ($1::text IS NULL OR i.state = $1) AND ($2::text IS NULL OR i.ref_pm = $2) AND ($3::text IS NULL OR d.code = $3)
              AND ($4::text IS NULL OR d.code = $4 OR EXISTS (SELECT 1 FROM e_intervention_recipient r JOIN operator o ON o.id = r.operator_id
                                                              WHERE r.intervention_id = i.id AND o.code = $4))
              AND ($5::timestamptz IS NULL OR i.started_at >= $5) AND ($6::timestamptz IS NULL OR i.started_at < $6)
            ORDER BY i.declared_at DESC, i.id DESC LIMIT $7 OFFSET $8`,
    values: [f.state, f.refPM, f.doOperator, f.operator, f.from, f.to, limit, offset]
  };
}

export function operatorExists(code: string): Query {
  return { text: 'SELECT 1 FROM operator WHERE code = $1', values: [code] };
}

export interface ImpactRow {
  ref_interv_oi: string; ref_pm: string; ref_pm_technique: string; nature: string; state: string; started_at: Date; ended_at: Date | null;
  closed_at: Date | null;
  lines: { refPTO: string; refPBO: string; serviceId: string | null; cutAt: string; restoredAt: string | null; restoredByDo: boolean }[];
}

/**
 * E3: the interventions that cut one of the operator's lines in [from, to), with those lines only (every clause on
 * the operator's own rows: another operator's impacts are never read).
 */
export function impactsOfOperator(operator: string, from: Date, to: Date, limit: number): Query {
  return {
    text: `SELECT i.ref_interv_oi, i.ref_pm, i.ref_pm_technique, i.nature, i.state, i.started_at, i.ended_at, i.closed_at,
                  json_agg(json_build_object('refPTO', l.ref_pto, 'refPBO', l.ref_pbo, 'serviceId', l.service_id,
                    'cutAt', to_char(l.cut_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'restoredAt', to_char(l.restored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'restoredByDo', l.restored_by_do)
                    ORDER BY l.cut_at, l.ref_pto) AS lines
             FROM e_intervention_line l JOIN operator o ON o.id = l.operator_id AND o.code = $1
             JOIN e_intervention i ON i.id = l.intervention_id
            WHERE l.cut_at >= $2 AND l.cut_at < $3
            GROUP BY i.id ORDER BY min(l.cut_at), i.id LIMIT $4`,
    values: [operator, from, to, limit]
  };
}

/** The tickets linked to an intervention at filing, oldest first. */
export function ticketsOfIntervention(refIntervOI: string): Query {
  return {
    text: `SELECT t.reference, o.code AS operator, t.state FROM ticket_e_intervention l JOIN ticket t ON t.id = l.ticket_id
             JOIN operator o ON o.id = t.operator_id WHERE l.ref_interv_oi = $1 ORDER BY t.id`,
    values: [refIntervOI]
  };
}
