/**
 * The sandbox data of the integration platform (loaded in integration mode only, by server.ts): for every
 * registered operator, one service per offer and per scenario (src/domain/sandbox-scenarios.ts), with documented
 * ids such as SBX-FTTH-NOMINAL-OPA, and the filing of every offer open. Idempotent: run at start and again by the
 * back office, so that an operator registered later gets its sandbox services without a restart.
 */
import { SANDBOX_SCENARIOS, sandboxServiceId, type SandboxScenario } from '../domain/sandbox-scenarios.js';
import { run, transaction, type Pool } from './database.js';
import {
  insertGtr, insertSandboxEnds, insertSandboxService, offerCodes, openFilingBy, openSandboxTicketReferences, operatorCodes
} from './queries/seed-data.js';

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
    await run(client, openFilingBy(today));
    const offers = (await run<{ code: string }>(client, offerCodes())).map((r) => r.code);
    const operators = (await run<{ id: string; code: string }>(client, operatorCodes()));
    let created = 0;
    const skipped: string[] = [];
    for (const op of operators) {
      for (const offer of offers) {
        for (const scenario of SANDBOX_SCENARIOS) {
          const id = sandboxServiceId(offer, scenario, op.code);
          if (id === null) { skipped.push(`${offer}/${scenario}/${op.code}`); continue; }
          const rows = await run<{ id: string }>(client, insertSandboxService(id, op.id, offer, INFO[scenario]));
          if (rows.length === 0) continue;
          created++;
          const pk = rows[0]!.id;
          await run(client, insertSandboxEnds(pk, op.id, `SBX-${op.code}`.slice(0, 20)));
          const g = GUARANTEES[offer];
          if (g) {
            await run(client, insertGtr(pk, op.id, g.label, g.hours, g.range));
          }
        }
      }
    }
    return { created, skipped };
  });
}

/** The references of the sandbox tickets the back office may still move (not in a terminal state). */
export async function openSandboxTickets(pool: Pool): Promise<string[]> {
  const rows = await run<{ reference: string }>(pool, openSandboxTicketReferences());
  return rows.map((r) => r.reference);
}
