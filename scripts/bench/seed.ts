/**
 * The bench's ticket history: a realistic volume for the reads and the search to run against (the demo data has a
 * handful of tickets), inserted in one statement per operator. 90 days of tickets, one in three still open, the
 * others closed; the references SIG-<year>-5xxxxxx cannot collide with those the filings get (ticket_number
 * starts at 1). What the loads need from it is returned: the references of OPA's open tickets, and the days.
 */
import { run, type Pool } from '../../src/store/database.js';

export interface BenchFixtures {
  /** OPA's open tickets: (c) reads the state of one of them, at random, per request. */
  readonly openReferences: readonly string[];
  /** Tickets per operator inserted (besides the demo data). */
  readonly ticketsPerOperator: number;
}

const DAYS = 90;

/** Tickets per operator in the seeded history by default (--smoke seeds fewer): what (c) and (e) run against. */
export const HISTORY_PER_OPERATOR = 20_000;

export async function seedTicketHistory(pool: Pool, ticketsPerOperator: number): Promise<BenchFixtures> {
  const operators = (await run<{ id: string; code: string; service_pk: string; service_id: string; offer_code: string }>(pool, { text: `SELECT DISTINCT ON (o.code) o.id, o.code, s.id AS service_pk, s.service_id, s.offer_code
       FROM operator o JOIN service s ON s.operator_id = o.id AND s.state = 'active' AND s.offer_code = 'FTTH'
      WHERE o.code IN ('OPA', 'OPB') ORDER BY o.code, s.service_id`, values: [] }));
  let base = 5_000_000;
  for (const op of operators) {
    // Ticket i was accepted i × (90 days / n) ago; i % 3 = 0 is still open (EN_COURS), the others were closed a
    // day later (CLOS_TABLEAU_DE_BORD), so that the search's visibility rule has work to do.
    await run(pool, { text: `INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version,
                           form_fields, state, accepted_at, state_changed_at, closed_at)
       SELECT 'SIG-' || to_char(now(), 'YYYY') || '-' || ($6 + i), $1, $2, $3, $4, 'BENCH-HIST-' || i, md5(i::text), 'FTTH', 2,
              jsonb_build_array(jsonb_build_object('path', 'typeDefaut', 'label', 'Type de défaut', 'value', 'PERTE_SIGNAL')),
              CASE WHEN i % 3 = 0 THEN 'EN_COURS' ELSE 'CLOS_TABLEAU_DE_BORD' END,
              a, a + interval '1 day', CASE WHEN i % 3 = 0 THEN NULL ELSE a + interval '1 day' END
         FROM generate_series(1, $5::int) AS i, LATERAL (SELECT now() - (i * interval '${DAYS} days') / $5::int AS a) t`, values: [op.id, op.service_pk, op.service_id, op.offer_code, ticketsPerOperator, base] });
    base += ticketsPerOperator;
  }
  await run(pool, { text: 'ANALYZE ticket', values: [] });
  const open = await run<{ reference: string }>(pool, {
    text: `SELECT t.reference FROM ticket t JOIN operator o ON o.id = t.operator_id
      WHERE o.code = 'OPA' AND t.state = 'EN_COURS' AND t.operator_reference LIKE 'BENCH-HIST-%' ORDER BY t.id LIMIT 2000`, values: [] });
  return { openReferences: open.map((r) => r.reference), ticketsPerOperator };
}
