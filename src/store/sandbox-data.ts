/**
 * The sandbox data of the integration platform (loaded in integration mode only, by server.ts): for every
 * registered operator, one service per offer and per scenario (src/domain/sandbox-scenarios.ts), with documented
 * ids such as SBX-FTTH-NOMINAL-OPA, and the filing of every offer open. Idempotent: run at start and again by the
 * back office, so that an operator registered later gets its sandbox services without a restart.
 */
import { SANDBOX_SCENARIOS, sandboxServiceId, type SandboxScenario } from '../domain/sandbox-scenarios.js';
import { run, transaction, type Pool } from './database.js';

const GUARANTEES: Readonly<Record<string, { hours: number; range: 'HO' | 'HNO'; label: string }>> = {
  FTTE: { hours: 4, range: 'HNO', label: 'GTR 4 heures, 24 h sur 24, 7 jours sur 7' },
  LFO: { hours: 8, range: 'HO', label: 'GTR 8 heures ouvrées' }
};

const INFO: Readonly<Record<SandboxScenario, string>> = {
  NOMINAL: 'Bac à sable, scénario NOMINAL : prise en compte, traitement, commentaire, clôture, avis de clôture',
  REJET: 'Bac à sable, scénario REJET : la signalisation est rejetée avec un motif',
  GEL: 'Bac à sable, scénario GEL : gel INFORMATION_COMPLEMENTAIRE, levé par votre réponse au gel, puis clôture',
  CLOTURE_REFUSEE: 'Bac à sable, scénario CLOTURE_REFUSEE : clôture, votre refus rouvre, nouvelle clôture',
  ANNULATION: 'Bac à sable, scénario ANNULATION : reste en dépôt, à annuler (signalisation v2)'
};

export interface SandboxLoad { readonly created: number; readonly skipped: readonly string[] }

/** today: the Paris date (YYYY-MM-DD) from which the offers' filing is open at the latest. */
export async function loadSandboxData(pool: Pool, today: string): Promise<SandboxLoad> {
  return transaction(pool, async (client) => {
    await run(client, { text: 'UPDATE offer SET filing_opens_on = $1 WHERE filing_opens_on > $1', values: [today] });
    const offers = (await run<{ code: string }>(client, { text: 'SELECT code FROM offer ORDER BY code', values: [] })).map((r) => r.code);
    const operators = (await run<{ id: string; code: string }>(client, { text: 'SELECT id, code FROM operator ORDER BY code', values: [] }));
    let created = 0;
    const skipped: string[] = [];
    for (const op of operators) {
      for (const offer of offers) {
        for (const scenario of SANDBOX_SCENARIOS) {
          const id = sandboxServiceId(offer, scenario, op.code);
          if (id === null) { skipped.push(`${offer}/${scenario}/${op.code}`); continue; }
          const rows = await run<{ id: string }>(client, {
            text: `INSERT INTO service (service_id, operator_id, offer_code, state, activated_on, complementary_info)
             VALUES ($1, $2, $3, 'active', '2026-01-05', $4) ON CONFLICT (service_id) DO NOTHING RETURNING id`, values: [id, op.id, offer, INFO[scenario]] });
          if (rows.length === 0) continue;
          created++;
          const pk = rows[0]!.id;
          await run(client, {
            text: `INSERT INTO service_end (service_pk, operator_id, end_code, label, street_number, street, postcode, city, insee_code, pm_ref, pbo_ref, pto_ref) VALUES
             ($1, $2, 'A', 'PM de test 21231-PM-9000 (bac à sable)', '1', 'rue du Bac à Sable', '21000', 'Dijon', '21231', '21231-PM-9000', NULL, NULL),
             ($1, $2, 'Z', 'Extrémité client de test (bac à sable)', '2', 'rue du Bac à Sable', '21000', 'Dijon', '21231', NULL, '21231-PBO-9000-001', $3)`,
               values: [pk, op.id, `SBX-${op.code}`.slice(0, 20)] });
          const g = GUARANTEES[offer];
          if (g) {
            await run(client, {
              text: `INSERT INTO service_guarantee (service_pk, operator_id, kind, label, restoration_hours, hours) VALUES ($1, $2, 'GTR', $3, $4, $5)`,
              values: [pk, op.id, g.label, g.hours, g.range] });
          }
        }
      }
    }
    return { created, skipped };
  });
}

/** The references of the sandbox tickets the back office may still move (not in a terminal state). */
export async function openSandboxTickets(pool: Pool): Promise<string[]> {
  const rows = await run<{ reference: string }>(pool, {
    text: `SELECT reference FROM ticket WHERE service_id LIKE 'SBX-%' AND state NOT IN ('EN_REJET', 'ANNULE', 'CLOS_TABLEAU_DE_BORD', 'VALIDE', 'GELE') ORDER BY id`,
    values: [] });
  return rows.map((r) => r.reference);
}
