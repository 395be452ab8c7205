/** SQL of the bench's network seed (src/store/network-seed.ts), as named query functions (pg-boss style). */
import type { Query } from '../database.js';

export interface NetworkSeed {
  /** Upper-case letters and digits, e.g. "BENCH": references are <prefix>-PM-0001, <prefix>-PBO-0001-001, <prefix>-PTO-0001-001-01. */
  readonly prefix: string;
  readonly pms: number;
  readonly pbosPerPm: number;
  readonly prisesPerPbo: number;
  /** One active FTTH service of this operator on every `every`-th prise (service id <prefix>-<n>). */
  readonly services?: { readonly operatorId: string; readonly every: number };
}

/**
 * The statements of a seed, in order: PMs, PBOs and prises from generate_series, then (if asked) the services on
 * every n-th prise and their two ends. Each skips what a run with the same prefix wrote (ON CONFLICT DO NOTHING).
 */
export function seedNetworkQueries(s: NetworkSeed, now: Date): Query[] {
  const like = `${s.prefix}-PBO-%`;
  const queries: Query[] = [
    { text: `INSERT INTO network_element (kind, ref, label, created_at, updated_at)
             SELECT 'PM', $1 || '-PM-' || lpad(g::text, 4, '0'), 'PM de banc ' || g, $3, $3 FROM generate_series(1, $2::int) g ON CONFLICT (ref) DO NOTHING`,
      values: [s.prefix, s.pms, now] },
    { text: `INSERT INTO network_element (kind, ref, pm_id, created_at, updated_at)
             SELECT 'PBO', replace(pm.ref, '-PM-', '-PBO-') || '-' || lpad(b::text, 3, '0'), pm.id, $3, $3
               FROM network_element pm CROSS JOIN generate_series(1, $2::int) b WHERE pm.kind = 'PM' AND pm.ref LIKE $1 || '-PM-%'
             ON CONFLICT (ref) DO NOTHING`,
      values: [s.prefix, s.pbosPerPm, now] },
    { text: `INSERT INTO network_element (kind, ref, pm_id, pbo_id, building_id, created_at, updated_at)
             SELECT 'PTO', replace(b.ref, '-PBO-', '-PTO-') || '-' || lpad(p::text, 2, '0'), b.pm_id, b.id,
                    replace(b.ref, '-PBO-', '-IMB-') || '-' || ((p - 1) / 8), $3, $3
               FROM network_element b CROSS JOIN generate_series(1, $2::int) p WHERE b.kind = 'PBO' AND b.ref LIKE $1 ON CONFLICT (ref) DO NOTHING`,
      values: [like, s.prisesPerPbo, now] }
  ];
  if (s.services) {
    const prises = `SELECT e.ref, row_number() OVER (ORDER BY e.id) AS n FROM network_element e WHERE e.kind = 'PTO' AND e.ref LIKE $1 || '-PTO-%'`;
    queries.push(
      { text: `INSERT INTO service (service_id, operator_id, offer_code, state, activated_on)
               SELECT $1 || '-' || lpad(p.n::text, 7, '0'), $2, 'FTTH', 'active', '2026-01-05' FROM (${prises}) p WHERE p.n % $3 = 0
               ON CONFLICT (service_id) DO NOTHING`,
        values: [s.prefix, s.services.operatorId, s.services.every] },
      { text: `INSERT INTO service_end (service_pk, operator_id, end_code, label, street, postcode, city, pm_ref, pbo_ref, pto_ref)
               SELECT sv.id, sv.operator_id, 'Z', 'PTO du client final', 'rue du Banc', '21000', 'Dijon', pm.ref, pbo.ref, e.ref
                 FROM (${prises}) p JOIN service sv ON sv.service_id = $1 || '-' || lpad(p.n::text, 7, '0')
                 JOIN network_element e ON e.ref = p.ref JOIN network_element pm ON pm.id = e.pm_id JOIN network_element pbo ON pbo.id = e.pbo_id
               ON CONFLICT (service_pk, end_code) DO NOTHING`,
        values: [s.prefix] },
      { text: `INSERT INTO service_end (service_pk, operator_id, end_code, label, street, postcode, city, pm_ref)
               SELECT z.service_pk, z.operator_id, 'A', 'PM ' || z.pm_ref, 'rue du Banc', '21000', 'Dijon', z.pm_ref
                 FROM service_end z JOIN service sv ON sv.id = z.service_pk WHERE z.end_code = 'Z' AND sv.service_id LIKE $1 || '-%'
               ON CONFLICT (service_pk, end_code) DO NOTHING`,
        values: [s.prefix] });
  }
  return queries;
}

/** The prises of a seed's prefix. */
export function countSeededPrises(prefix: string): Query {
  return { text: `SELECT count(*)::int AS n FROM network_element WHERE kind = 'PTO' AND ref LIKE $1 || '-PTO-%'`, values: [prefix] };
}

/**
 * `count` open events on the first `count` PBOs of a seed (by reference): one DERCO in ten (begun an hour before
 * `now`, restoration expected in six hours), the other TPs (every other one in progress, the rest in two days), all
 * commented `marker` so that a second run adds none. Answers the new events' ids.
 */
export function seedNetworkEvents(prefix: string, count: number, now: Date, marker: string): Query {
  return {
    text: `INSERT INTO network_event (reference, category, equipment_kind, element_id, pm_id, state, nature, starts_at, ends_at, curative,
                                      intervention_required, comments, created_at, modified_at)
           SELECT k.c || '-' || lpad(nextval('network_event_number')::text, 7, '0'), k.c, 'PBO', b.id, b.pm_id, 'NOUVEAU',
                  CASE WHEN k.c = 'TP' THEN 'REFE' END, k.s, k.s + CASE WHEN k.c = 'TP' THEN interval '3 hours' ELSE interval '7 hours' END,
                  false, false, $4, $3, $3
             FROM (SELECT e.id, e.pm_id, row_number() OVER (ORDER BY e.ref) AS n FROM network_element e
                    WHERE e.kind = 'PBO' AND e.ref LIKE $1 || '-PBO-%' AND e.retired_at IS NULL ORDER BY e.ref LIMIT $2) b
             CROSS JOIN LATERAL (SELECT CASE WHEN b.n % 10 = 0 THEN 'DERCO' ELSE 'TP' END AS c,
                                        $3::timestamptz - interval '1 hour' + CASE WHEN b.n % 10 <> 0 AND b.n % 2 = 1 THEN interval '2 days' ELSE interval '0' END AS s) k
            WHERE NOT EXISTS (SELECT 1 FROM network_event x WHERE x.comments = $4)
           RETURNING id`,
    values: [prefix, count, now, marker]
  };
}
