/**
 * The sandbox data of the integration platform (loaded in integration mode only, by server.ts): for every
 * registered operator, one service per offer and per scenario (src/domain/sandbox-scenarios.ts), with documented
 * ids such as SBX-FTTH-NOMINAL-OPA, and the filing of every offer open. Idempotent: run at start and again by the
 * back office, so that an operator registered later gets its sandbox services without a restart.
 */
import type { InventoryElement } from '../domain/network-inventory.js';
import {
  SANDBOX_LINE_SCENARIOS, SANDBOX_LINE_STATES, SANDBOX_SCENARIOS, sandboxLineServiceId, sandboxServiceId, type SandboxScenario
} from '../domain/sandbox-scenarios.js';
import { run, transaction, type Transaction, type Pool } from './database.js';
import { DEFAULT_GRID } from '../domain/appointment-slots.js';
import { writeInventory } from './network-inventory-store.js';
import { setCommuneZone, upsertGrid, upsertZone } from './queries/appointment-plan.js';
import { zoneOfCommune } from './queries/appointments.js';
import {
  insertGtr, insertSandboxElementState, insertSandboxEnds, insertSandboxLineEnds, insertSandboxService, offerCodes, openFilingBy,
  openSandboxTicketReferences, operatorCodes
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
  ANNULATION: 'Bac à sable, scénario ANNULATION : reste en dépôt, à annuler (signalisation v2)',
  RENDEZ_VOUS: 'Bac à sable, scénario RENDEZ_VOUS : gel RENDEZ_VOUS, levé par votre prise de rendez-vous (rendezvous v1), puis clôture'
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
    if (offers.includes(LINE_TEST_OFFER)) created += await loadSandboxLineTests(client, operators, skipped);
    await ensureSandboxPlan(client);
    return { created, skipped };
  });
}

/** The commune of every sandbox service (queries/seed-data.ts), Dijon: the sandbox's appointments are booked there. */
const SANDBOX_COMMUNE = '21231';

/**
 * The RENDEZ_VOUS scenario books appointments in the sandbox services' commune: when the OI's plan (or the demo data)
 * has no zone for it, the sandbox gets one, with the default grid of each kind. An existing zone is left as it is.
 */
async function ensureSandboxPlan(client: Transaction): Promise<void> {
  if ((await run(client, zoneOfCommune(SANDBOX_COMMUNE))).length > 0) return;
  const [zone] = await run<{ id: string }>(client, upsertZone('BAC-A-SABLE', 'Bac à sable (Dijon)'));
  await run(client, setCommuneZone(String(zone!.id), [SANDBOX_COMMUNE]));
  for (const rule of DEFAULT_GRID) await run(client, upsertGrid(String(zone!.id), rule));
}

const LINE_TEST_OFFER = 'FTTHA';
const SANDBOX_PM = 'SBX-PM-TESTS';
/** Fixed, so that a second load finds nothing to update in the sandbox's network. */
const SANDBOX_INVENTORY_AT = new Date('2026-01-05T00:00:00Z');
const pboOf = (scenario: string): string => `SBX-PBO-TESTS-${scenario}`;
const ptoOf = (scenario: string, operator: string): string => `SBX-PTO-${scenario}-${operator}`;

/**
 * The line-test scenarios (src/domain/sandbox-scenarios.ts): a PM of the sandbox, one PBO per scenario, one prise
 * per scenario and operator with the scenario's service on it, and the scenario's state on its element.
 */
async function loadSandboxLineTests(client: Transaction, operators: readonly { id: string; code: string }[], skipped: string[]): Promise<number> {
  const el = (e: Pick<InventoryElement, 'kind' | 'ref' | 'pmRef'> & Partial<InventoryElement>): InventoryElement =>
    ({ line: 0, pmtRef: null, pboRef: null, buildingId: null, label: null, inseeCode: '21231', ...e });
  const elements: InventoryElement[] = [el({ kind: 'PM', ref: SANDBOX_PM, pmRef: null, label: 'PM des tests de ligne du bac à sable' })];
  let created = 0;
  for (const scenario of SANDBOX_LINE_SCENARIOS) {
    elements.push(el({ kind: 'PBO', ref: pboOf(scenario), pmRef: SANDBOX_PM }));
    for (const op of operators) {
      const id = sandboxLineServiceId(scenario, op.code);
      if (id === null) { skipped.push(`${LINE_TEST_OFFER}/TEST_${scenario}/${op.code}`); continue; }
      elements.push(el({ kind: 'PTO', ref: ptoOf(scenario, op.code), pmRef: SANDBOX_PM, pboRef: pboOf(scenario), buildingId: `SBX-IMB-${scenario}` }));
      const rows = await run<{ id: string }>(client, insertSandboxService(id, op.id, LINE_TEST_OFFER, `Bac à sable, scénario de test de ligne ${scenario}`));
      if (rows.length === 0) continue;
      created++;
      await run(client, insertSandboxLineEnds(rows[0]!.id, op.id, SANDBOX_PM, pboOf(scenario), ptoOf(scenario, op.code)));
    }
  }
  // The services first: writing the network attaches them to their prises.
  await writeInventory(client, elements, SANDBOX_INVENTORY_AT);
  for (const scenario of SANDBOX_LINE_SCENARIOS) {
    const state = SANDBOX_LINE_STATES[scenario];
    if (!state) continue;
    const refs = state.on === 'PBO' ? [pboOf(scenario)] : operators.map((op) => ptoOf(scenario, op.code));
    for (const ref of refs) await run(client, insertSandboxElementState(ref, state.fault, state.value));
  }
  return created;
}

/** The references of the sandbox tickets the back office may still move (not in a terminal state). */
export async function openSandboxTickets(pool: Pool): Promise<string[]> {
  const rows = await run<{ reference: string }>(pool, openSandboxTicketReferences());
  return rows.map((r) => r.reference);
}
