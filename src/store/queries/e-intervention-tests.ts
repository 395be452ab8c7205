/**
 * SQL of the e-intervention intermediate tests (issue 18, migration 0020): the impacted lines' services and the
 * element that runs their tests, the link of each queued line test to its intervention and test number, and the
 * groups (intervention, test, operator) whose tests all have an outcome and are not relayed yet.
 */
import type { Query } from '../database.js';

/** The active services of the lines to test, with the element that runs their tests (as serviceLineOf says it). */
export function servicesToTest(lines: readonly { operator: string; serviceId: string; refPTO: string }[]): Query {
  return {
    text: `SELECT x.operator, x.ref_pto, o.id AS operator_id, s.id AS service_pk, s.service_id, s.offer_code,
                  coalesce(pm.ref, a.pm_ref, s.service_id) AS element_key
             FROM jsonb_to_recordset($1::jsonb) AS x(operator text, service_id text, ref_pto text)
             JOIN operator o ON o.code = x.operator
             JOIN service s ON s.operator_id = o.id AND s.service_id = x.service_id AND s.state = 'active'
             LEFT JOIN service_attachment sa ON sa.service_pk = s.id
             LEFT JOIN network_element e ON e.id = sa.element_id
             LEFT JOIN network_element pm ON pm.id = CASE WHEN e.kind = 'PM' THEN e.id ELSE e.pm_id END
             LEFT JOIN service_end a ON a.service_pk = s.id AND a.end_code = 'A'
            ORDER BY x.operator, x.ref_pto`,
    values: [JSON.stringify(lines.map((l) => ({ operator: l.operator, service_id: l.serviceId, ref_pto: l.refPTO })))]
  };
}

export function linkLineTest(interventionId: string, testNumber: number, operatorId: string, refPTO: string, reference: string): Query {
  return {
    text: `INSERT INTO e_intervention_line_test (intervention_id, test_number, operator_id, ref_pto, line_test_id)
           SELECT $1, $2, $3, $4, id FROM line_test WHERE reference = $5
           ON CONFLICT DO NOTHING`,
    values: [interventionId, testNumber, operatorId, refPTO, reference]
  };
}

/** Groups whose every line test has its outcome (or was purged), not relayed yet, oldest first. */
export function finishedUnrelayedGroups(limit: number): Query {
  return {
    text: `SELECT i.ref_interv_oi, g.test_number, o.code AS operator
             FROM e_intervention_line_test g
             JOIN e_intervention i ON i.id = g.intervention_id
             JOIN operator o ON o.id = g.operator_id
             LEFT JOIN line_test t ON t.id = g.line_test_id
            WHERE g.relayed_at IS NULL
            GROUP BY i.ref_interv_oi, i.id, g.test_number, o.code
           HAVING bool_and(t.id IS NULL OR t.state IN ('TERMINE', 'ECHEC'))
            ORDER BY i.id, g.test_number
            LIMIT $1`,
    values: [limit]
  };
}

/** One group's outcomes, locked; empty when another instance relayed it meanwhile. */
export function groupOutcomes(interventionId: string, testNumber: number, operator: string): Query {
  return {
    text: `SELECT g.ref_pto, coalesce(t.state, 'ECHEC') AS state, t.diagnosis, coalesce(t.finished_at, now()) AS finished_at
             FROM e_intervention_line_test g
             LEFT JOIN line_test t ON t.id = g.line_test_id
            WHERE g.intervention_id = $1 AND g.test_number = $2 AND g.relayed_at IS NULL
              AND g.operator_id = (SELECT id FROM operator WHERE code = $3)
            ORDER BY g.ref_pto
              FOR UPDATE OF g`,
    values: [interventionId, testNumber, operator]
  };
}

export function markGroupRelayed(interventionId: string, testNumber: number, operator: string, now: Date): Query {
  return {
    text: `UPDATE e_intervention_line_test SET relayed_at = $4
            WHERE intervention_id = $1 AND test_number = $2 AND operator_id = (SELECT id FROM operator WHERE code = $3) AND relayed_at IS NULL`,
    values: [interventionId, testNumber, operator, now]
  };
}
