/**
 * SQL of the network inventory (issue 15 part 1), as named query functions. The inventory is the OI's own, not a
 * tenant's: it has no operator_id; what sits on it (service_attachment) does, and every read of it for an
 * operator filters by it (A6).
 */
import type { ElementKind } from '../../domain/network-inventory.js';
import type { InventoryElement } from '../../domain/network-inventory.js';
import type { Query } from '../database.js';

/** The elements of these references, not retired, with their PM and PMT references (parents of a file's rows). */
export function knownElements(refs: readonly string[]): Query {
  return {
    text: `SELECT e.kind, e.ref, pm.ref AS pm_ref, pmt.ref AS pmt_ref
             FROM network_element e LEFT JOIN network_element pm ON pm.id = e.pm_id LEFT JOIN network_element pmt ON pmt.id = e.pmt_id
            WHERE e.ref = ANY($1::text[]) AND e.retired_at IS NULL`,
    values: [refs]
  };
}

/** The staging table of one import; dropped at commit. */
export function createImportStaging(): Query {
  return {
    text: `CREATE TEMP TABLE network_import_row (ref text PRIMARY KEY, kind text NOT NULL, pm_ref text, pmt_ref text, pbo_ref text,
             building_id text, label text, insee_code text) ON COMMIT DROP`,
    values: []
  };
}

/** The staging table dropped before commit (demo data imports twice in one transaction). */
export function dropImportStaging(): Query {
  return { text: 'DROP TABLE network_import_row', values: [] };
}

/** One batch of checked elements into the staging table (one JSON parameter, not eight arrays). */
export function stageElements(elements: readonly InventoryElement[]): Query {
  return {
    text: `INSERT INTO network_import_row (ref, kind, pm_ref, pmt_ref, pbo_ref, building_id, label, insee_code)
           SELECT ref, kind, "pmRef", "pmtRef", "pboRef", "buildingId", label, "inseeCode"
             FROM jsonb_to_recordset($1::jsonb)
                  AS r(ref text, kind text, "pmRef" text, "pmtRef" text, "pboRef" text, "buildingId" text, label text, "inseeCode" text)`,
    values: [JSON.stringify(elements.map(({ line: _line, ...e }) => e))]
  };
}

/**
 * Creates or updates the staged elements of one kind (parents are written before children). A row that differs
 * in nothing is not touched, so re-importing a file changes nothing; a retired element present again comes back.
 */
export function upsertStagedKind(kind: ElementKind, now: Date): Query {
  return {
    text: `INSERT INTO network_element AS e (kind, ref, pm_id, pmt_id, pbo_id, building_id, label, insee_code, created_at, updated_at)
           SELECT r.kind, r.ref, pm.id, pmt.id, pbo.id, r.building_id, r.label, r.insee_code, $2, $2
             FROM network_import_row r
             LEFT JOIN network_element pm ON pm.ref = r.pm_ref
             LEFT JOIN network_element pmt ON pmt.ref = r.pmt_ref
             LEFT JOIN network_element pbo ON pbo.ref = r.pbo_ref
            WHERE r.kind = $1
           ON CONFLICT (ref) DO UPDATE SET kind = EXCLUDED.kind, pm_id = EXCLUDED.pm_id, pmt_id = EXCLUDED.pmt_id, pbo_id = EXCLUDED.pbo_id,
                  building_id = EXCLUDED.building_id, label = EXCLUDED.label, insee_code = EXCLUDED.insee_code, updated_at = $2, retired_at = NULL
            WHERE (e.kind, e.pm_id, e.pmt_id, e.pbo_id, e.building_id, e.label, e.insee_code, e.retired_at IS NULL)
                  IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.pm_id, EXCLUDED.pmt_id, EXCLUDED.pbo_id, EXCLUDED.building_id, EXCLUDED.label,
                                    EXCLUDED.insee_code, true)
           RETURNING (xmax = 0) AS created`,
    values: [kind, now]
  };
}

/** The scope rule: under the file's PMs, what the database holds and the file lacks is retired (PMs themselves never are). */
export function retireOutsideFile(scopePms: readonly string[], now: Date): Query {
  return {
    text: `UPDATE network_element e SET retired_at = $2, updated_at = $2
            WHERE e.retired_at IS NULL AND e.kind <> 'PM'
              AND e.pm_id IN (SELECT id FROM network_element WHERE kind = 'PM' AND ref = ANY($1::text[]))
              AND NOT EXISTS (SELECT 1 FROM network_import_row r WHERE r.ref = e.ref)
           RETURNING e.kind`,
    values: [scopePms, now]
  };
}

/** Attachments to retired elements go (the service stays; it sits on nothing known). */
export function detachRetired(): Query {
  return {
    text: `DELETE FROM service_attachment a USING network_element e WHERE a.element_id = e.id AND e.retired_at IS NOT NULL RETURNING a.service_pk`,
    values: []
  };
}

/**
 * Which service sits on which element, from the services' end references: the Z end's PTO (prestation prise), or
 * for a service with no PTO, the A end's PM (prestation PM). Two branches so that each one probes an index.
 */
export function refreshAttachments(): Query {
  return {
    text: `INSERT INTO service_attachment AS a (service_pk, operator_id, role, element_id)
           SELECT z.service_pk, z.operator_id, 'prise', e.id
             FROM service_end z JOIN network_element e ON e.ref = z.pto_ref AND e.kind = 'PTO' AND e.retired_at IS NULL
            WHERE z.end_code = 'Z' AND z.pto_ref IS NOT NULL
           UNION ALL
           SELECT a.service_pk, a.operator_id, 'pm', e.id
             FROM service_end a JOIN network_element e ON e.ref = a.pm_ref AND e.kind = 'PM' AND e.retired_at IS NULL
            WHERE a.end_code = 'A' AND a.pm_ref IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM service_end z WHERE z.service_pk = a.service_pk AND z.end_code = 'Z' AND z.pto_ref IS NOT NULL)
           ON CONFLICT (service_pk) DO UPDATE SET role = EXCLUDED.role, element_id = EXCLUDED.element_id
            WHERE (a.role, a.element_id) IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.element_id)
           RETURNING a.service_pk`,
    values: []
  };
}

export interface ElementRow { id: string; kind: ElementKind; ref: string; pm_ref: string | null; pmt_ref: string | null; pbo_ref: string | null;
  building_id: string | null; label: string | null; insee_code: string | null; retired_at: Date | null; updated_at: Date }

export function elementByRef(ref: string): Query {
  return {
    text: `SELECT e.id, e.kind, e.ref, pm.ref AS pm_ref, pmt.ref AS pmt_ref, pbo.ref AS pbo_ref,
                  e.building_id, e.label, e.insee_code, e.retired_at, e.updated_at
             FROM network_element e LEFT JOIN network_element pm ON pm.id = e.pm_id
             LEFT JOIN network_element pmt ON pmt.id = e.pmt_id LEFT JOIN network_element pbo ON pbo.id = e.pbo_id
            WHERE e.ref = $1`,
    values: [ref]
  };
}

/** The column that points at an element of each kind from below (a PTO has nothing below it). */
export const DOWNSTREAM_COLUMN: Readonly<Record<ElementKind, 'pm_id' | 'pmt_id' | 'pbo_id' | null>> =
  Object.freeze({ PM: 'pm_id', PMT: 'pmt_id', PBO: 'pbo_id', PTO: null });

/** What is below an element, by kind: how many, and the first `first` references. */
export function downstreamSummary(kind: ElementKind, id: string, first: number): Query {
  const column = DOWNSTREAM_COLUMN[kind];
  return {
    text: `SELECT kind, count(*)::int AS count, (array_agg(ref ORDER BY ref))[1:$2] AS refs
             FROM network_element WHERE ${column ?? 'NULL'} = $1 AND retired_at IS NULL
            GROUP BY kind ORDER BY min(CASE kind WHEN 'PMT' THEN 1 WHEN 'PBO' THEN 2 ELSE 3 END)`,
    values: [id, first]
  };
}

/** The services on the element and everything below it, per operator and role (the OI's view: every operator). */
export function servicesCarried(kind: ElementKind, id: string, first: number): Query {
  const column = DOWNSTREAM_COLUMN[kind];
  const below = column ? `OR a.element_id IN (SELECT id FROM network_element WHERE ${column} = $1 AND retired_at IS NULL)` : '';
  return {
    text: `SELECT o.code AS operator, a.role, count(*)::int AS count, (array_agg(s.service_id ORDER BY s.service_id))[1:$2] AS services
             FROM service_attachment a JOIN service s ON s.id = a.service_pk JOIN operator o ON o.id = a.operator_id
            WHERE a.element_id = $1 ${below}
            GROUP BY o.code, a.role ORDER BY o.code, a.role`,
    values: [id, first]
  };
}

