/**
 * SQL of the e-intervention hub (issue 18, migration 0017) as named query functions: the inventory facts of a
 * declaration, an intervention's snapshot (locked for a move), its writes, and the per-operator views.
 */
import type { CutLine, Intervention, Recipient } from '../../domain/e-intervention.js';
import type { Query } from '../database.js';

/** The PM (not retired), whether the PBO hangs from it, and every operator with a service attached at it. */
export function declarationFacts(refPM: string, refPBO: string | null): Query {
  return {
    text: `SELECT pm.id AS pm_id,
             EXISTS (SELECT 1 FROM network_element b WHERE b.kind = 'PBO' AND b.ref = $2 AND b.pm_id = pm.id AND b.retired_at IS NULL) AS pbo_at_pm,
             COALESCE((SELECT json_agg(json_build_object('operator', o.code, 'standing', COALESCE(c.standing, 'A_DEMANDER')) ORDER BY o.code)
                FROM operator o LEFT JOIN e_intervention_consent c ON c.operator_id = o.id
               WHERE o.id IN (SELECT a.operator_id FROM service_attachment a JOIN network_element x ON x.id = a.element_id
                               JOIN service s ON s.id = a.service_pk AND s.state = 'active'
                              WHERE x.id = pm.id OR (x.pm_id = pm.id AND x.retired_at IS NULL))), '[]'::json) AS present
           FROM network_element pm WHERE pm.kind = 'PM' AND pm.ref = $1 AND pm.retired_at IS NULL`,
    values: [refPM, refPBO]
  };
}

export function interventionByDoReference(doOperator: string, refIntervDO: string): Query {
  return {
    text: `SELECT i.ref_interv_oi FROM e_intervention i JOIN operator o ON o.id = i.do_operator_id WHERE o.code = $1 AND i.ref_interv_do = $2`,
    values: [doOperator, refIntervDO]
  };
}

export function nextInterventionNumber(): Query {
  return { text: `SELECT nextval('e_intervention_number')::text AS n`, values: [] };
}

export interface InterventionRow {
  id: string; ref_interv_oi: string; do_operator: string; ref_interv_do: string; ref_pm: string; ref_pm_technique: string; ref_pbo: string;
  ref_pto: string | null; nature: string; element_reseau: string | null; description: string | null; started_at: Date; ended_at: Date | null;
  state: Intervention['state']; test_number: number; test_opened_at: Date; declared_at: Date; closed_at: Date | null; pm_id: string;
  recipients: { operator: string; standing: Recipient['standing']; answer: boolean | null; reported_test: number; closed_test: boolean }[];
  lines: (Record<string, unknown> & { operator: string })[];
}

/**
 * One intervention with its recipients and lines, by the OI's reference or the DO's; `lock`: FOR UPDATE of the
 * intervention row (every move on one intervention is serialised, whichever instance takes it).
 */
export function loadIntervention(key: { refIntervOI: string } | { doOperator: string; refIntervDO: string }, lock: boolean): Query {
  const where = 'refIntervOI' in key ? 'i.ref_interv_oi = $1' : 'd.code = $1 AND i.ref_interv_do = $2';
  const values = 'refIntervOI' in key ? [key.refIntervOI] : [key.doOperator, key.refIntervDO];
  return {
    text: `WITH i AS (SELECT i.* FROM e_intervention i JOIN operator d ON d.id = i.do_operator_id WHERE ${where} ${lock ? 'FOR UPDATE OF i' : ''})
           SELECT i.id, i.ref_interv_oi, d.code AS do_operator, i.ref_interv_do, i.ref_pm, i.ref_pm_technique, i.ref_pbo, i.ref_pto, i.nature,
                  i.element_reseau, i.description, i.started_at, i.ended_at, i.state, i.test_number, i.test_opened_at, i.declared_at, i.closed_at, i.pm_id,
                  COALESCE((SELECT json_agg(json_build_object('operator', o.code, 'standing', r.standing, 'answer', r.answer,
                      'reported_test', r.reported_test, 'closed_test', r.closed_test) ORDER BY o.code)
                    FROM e_intervention_recipient r JOIN operator o ON o.id = r.operator_id WHERE r.intervention_id = i.id), '[]'::json) AS recipients,
                  COALESCE((SELECT json_agg(to_jsonb(l) || jsonb_build_object('operator', o.code) ORDER BY o.code, l.ref_pto)
                    FROM e_intervention_line l JOIN operator o ON o.id = l.operator_id WHERE l.intervention_id = i.id), '[]'::json) AS lines
           FROM i JOIN operator d ON d.id = i.do_operator_id`,
    values
  };
}

export function insertIntervention(iv: Intervention, pmId: string): Query {
  return {
    text: `INSERT INTO e_intervention (ref_interv_oi, do_operator_id, ref_interv_do, pm_id, ref_pm, ref_pm_technique, ref_pbo, ref_pto, nature,
             element_reseau, description, started_at, state, test_number, test_opened_at, declared_at)
           SELECT $1, o.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM operator o WHERE o.code = $2
           RETURNING id`,
    values: [iv.refIntervOI, iv.doOperator, iv.refIntervDO, pmId, iv.refPM, iv.refPMTechnique, iv.refPBO, iv.refPTO, iv.nature, iv.elementReseau,
      iv.description, iv.startedAt, iv.state, iv.test, iv.testOpenedAt, iv.declaredAt]
  };
}

export function updateIntervention(id: string, iv: Intervention): Query {
  return {
    text: `UPDATE e_intervention SET state = $2, ended_at = $3, test_number = $4, test_opened_at = $5, closed_at = $6 WHERE id = $1`,
    values: [id, iv.state, iv.endedAt, iv.test, iv.testOpenedAt, iv.closedAt]
  };
}

/** Every recipient of the snapshot, inserted or updated in one statement. */
export function upsertRecipients(id: string, recipients: readonly Recipient[]): Query {
  return {
    text: `INSERT INTO e_intervention_recipient (intervention_id, operator_id, standing, answer, reported_test, closed_test)
           SELECT $1, o.id, x.standing, x.answer, x.reported_test, x.closed_test
             FROM jsonb_to_recordset($2::jsonb) AS x(operator text, standing text, answer boolean, reported_test int, closed_test boolean)
             JOIN operator o ON o.code = x.operator
           ON CONFLICT (intervention_id, operator_id) DO UPDATE SET answer = EXCLUDED.answer, reported_test = EXCLUDED.reported_test,
             closed_test = EXCLUDED.closed_test`,
    values: [id, JSON.stringify(recipients.map((r) => ({
      operator: r.operator, standing: r.standing, answer: r.answer, reported_test: r.reportedTest, closed_test: r.closedTest
    })))]
  };
}

export function upsertLines(id: string, lines: readonly CutLine[]): Query {
  const rows = lines.map((l) => ({
    operator: l.operator, ref_pto: l.refPTO, ref_pbo: l.refPBO, nom_module_pm: l.nomModulePM, position_module_pm: l.positionModulePM,
    position_coupleur_oc: l.positionCoupleurOC, fibre: l.fibre, tube: l.tube, couleur_jarretiere: l.couleurJarretiere, numero_serie_ont: l.numeroSerieONT,
    service_id: l.serviceId, cut_at: l.cutAt.toISOString(), restored_at: l.restoredAt?.toISOString() ?? null, restored_by_do: l.restoredByDo,
    reported_in_test: l.reportedInTest
  }));
  return {
    text: `INSERT INTO e_intervention_line (intervention_id, operator_id, ref_pto, ref_pbo, nom_module_pm, position_module_pm, position_coupleur_oc, fibre,
             tube, couleur_jarretiere, numero_serie_ont, service_id, cut_at, restored_at, restored_by_do, reported_in_test)
           SELECT $1, o.id, x.ref_pto, x.ref_pbo, x.nom_module_pm, x.position_module_pm, x.position_coupleur_oc, x.fibre, x.tube, x.couleur_jarretiere,
                  x.numero_serie_ont, x.service_id, x.cut_at, x.restored_at, x.restored_by_do, x.reported_in_test
             FROM jsonb_to_recordset($2::jsonb) AS x(operator text, ref_pto text, ref_pbo text, nom_module_pm text, position_module_pm text,
                  position_coupleur_oc text, fibre text, tube text, couleur_jarretiere text, numero_serie_ont text, service_id text, cut_at timestamptz,
                  restored_at timestamptz, restored_by_do boolean, reported_in_test int)
             JOIN operator o ON o.code = x.operator
           ON CONFLICT (intervention_id, operator_id, ref_pto) DO UPDATE SET ref_pbo = EXCLUDED.ref_pbo, nom_module_pm = EXCLUDED.nom_module_pm,
             position_module_pm = EXCLUDED.position_module_pm, position_coupleur_oc = EXCLUDED.position_coupleur_oc, fibre = EXCLUDED.fibre,
             tube = EXCLUDED.tube, couleur_jarretiere = EXCLUDED.couleur_jarretiere, numero_serie_ont = EXCLUDED.numero_serie_ont,
             service_id = EXCLUDED.service_id, cut_at = EXCLUDED.cut_at, restored_at = EXCLUDED.restored_at, restored_by_do = EXCLUDED.restored_by_do,
             reported_in_test = EXCLUDED.reported_in_test`,
    values: [id, JSON.stringify(rows)]
  };
}

/** The outbox rows of one move, in the order the domain gave them (the id orders them per recipient). */
export function insertMessages(id: string, messages: readonly { to: string; role: string; operation: string; body: unknown }[], now: Date): Query {
  return {
    text: `INSERT INTO e_intervention_message (intervention_id, operator_id, role, operation, body, created_at, next_attempt_at)
           SELECT $1, o.id, x.role, x.operation, x.body, $3, $3
             FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS m(v, n)
             CROSS JOIN LATERAL jsonb_to_record(m.v) AS x("to" text, role text, operation text, body jsonb)
             JOIN operator o ON o.code = x."to"
            ORDER BY m.n`,
    values: [id, JSON.stringify(messages), now]
  };
}

/**
 * The prises under a PM among `refs` that the operator may report, with its service on each (null: none): those
 * carrying one of its services, or no active service at all (the inventory may lag an activation). A prise with only
 * another operator's active service is left out, so the report is refused exactly as for a prise that does not exist
 * (A6; E2: another operator's line is relayed to the DO only under that operator's own consent).
 */
export function prisesAtPm(pmId: string, operator: string, refs: readonly string[]): Query {
  return {
    text: `SELECT x.ref, (SELECT s.service_id FROM service_attachment a JOIN service s ON s.id = a.service_pk JOIN operator o ON o.id = a.operator_id
                          WHERE a.element_id = x.id AND o.code = $2 ORDER BY s.state = 'active' DESC LIMIT 1) AS service_id
             FROM network_element x WHERE x.kind = 'PTO' AND x.pm_id = $1 AND x.ref = ANY($3::text[]) AND x.retired_at IS NULL
              AND (EXISTS (SELECT 1 FROM service_attachment a JOIN operator o ON o.id = a.operator_id WHERE a.element_id = x.id AND o.code = $2)
                   OR NOT EXISTS (SELECT 1 FROM service_attachment a JOIN service s ON s.id = a.service_pk
                                   WHERE a.element_id = x.id AND s.state = 'active'))`,
    values: [pmId, operator, refs]
  };
}

export function otherOpenAtPm(pmId: string, refIntervOI: string): Query {
  return { text: `SELECT 1 FROM e_intervention WHERE pm_id = $1 AND state <> 'CLOTUREE' AND ref_interv_oi <> $2 LIMIT 1`, values: [pmId, refIntervOI] };
}

export function setConsent(operator: string, standing: string, now: Date): Query {
  return {
    text: `INSERT INTO e_intervention_consent (operator_id, standing, updated_at) SELECT id, $2, $3 FROM operator WHERE code = $1
           ON CONFLICT (operator_id) DO UPDATE SET standing = EXCLUDED.standing, updated_at = EXCLUDED.updated_at RETURNING operator_id`,
    values: [operator, standing, now]
  };
}

export function setEndpoint(operator: string, role: string, baseUrl: string, now: Date): Query {
  return {
    text: `INSERT INTO e_intervention_endpoint (operator_id, role, base_url, updated_at) SELECT id, $2, $3, $4 FROM operator WHERE code = $1
           ON CONFLICT (operator_id, role) DO UPDATE SET base_url = EXCLUDED.base_url, enabled = true, consecutive_failures = 0, retry_at = NULL,
             updated_at = EXCLUDED.updated_at RETURNING operator_id`,
    values: [operator, role, baseUrl, now]
  };
}

/** The OI's list: every intervention (or those an operator sees: its own as DO, those it was told of), newest first. */
export function listInterventions(operator: string | null, limit: number): Query {
  return {
    text: `SELECT i.ref_interv_oi, d.code AS do_operator, i.ref_interv_do, i.ref_pm, i.state, i.test_number, i.started_at, i.ended_at, i.closed_at,
                  (SELECT count(*)::int FROM e_intervention_line l WHERE l.intervention_id = i.id) AS lines_cut,
                  (SELECT count(*)::int FROM e_intervention_line l WHERE l.intervention_id = i.id AND l.restored_at IS NOT NULL) AS lines_restored,
                  (SELECT count(*)::int FROM e_intervention_message m WHERE m.intervention_id = i.id AND m.state = 'pending') AS messages_pending
             FROM e_intervention i JOIN operator d ON d.id = i.do_operator_id
            WHERE $1::text IS NULL OR d.code = $1
               OR EXISTS (SELECT 1 FROM e_intervention_recipient r JOIN operator o ON o.id = r.operator_id WHERE r.intervention_id = i.id AND o.code = $1)
            ORDER BY i.declared_at DESC, i.id DESC LIMIT $2`,
    values: [operator, limit]
  };
}
