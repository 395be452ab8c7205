/**
 * The network inventory in PostgreSQL (issue 15 part 1): an import written in one transaction (nothing
 * half-imported), the scope rule's retirements, the services' attachments refreshed, the impacts of open events
 * recomputed; and the OI's view of one element.
 */
import type { ElementKind, InventoryElement, KnownElement } from '../domain/network-inventory.js';
import { importScope } from '../domain/network-inventory.js';
import { run, transaction, type Pool, type Transaction } from './database.js';
import { clearImpacts, computeImpacts } from './queries/network-events.js';
import {
  createImportStaging, detachRetired, dropImportStaging, downstreamSummary, elementByRef, knownElements, refreshAttachments, retireOutsideFile,
  servicesCarried, stageElements, upsertStagedKind, type ElementRow
} from './queries/network.js';
import { recordChange } from './registry/audit.js';

export interface InventoryChanges {
  readonly created: number;
  readonly updated: number;
  readonly retired: number;
  /** Services newly attached, moved or detached. */
  readonly attachments: number;
  readonly scope: readonly string[];
}

const STAGE_BATCH = 5000;

/** The database's elements among these references (parents named by a file but not in it). */
export async function findKnownElements(pool: Pool, refs: readonly string[]): Promise<Map<string, KnownElement>> {
  const rows = await run<{ kind: ElementKind; ref: string; pm_ref: string | null; pmt_ref: string | null }>(pool, knownElements(refs));
  return new Map(rows.map((r) => [r.ref, { kind: r.kind, ref: r.ref, pmRef: r.pm_ref, pmtRef: r.pmt_ref }]));
}

/**
 * Writes checked elements inside the caller's transaction (the import, the demo data). Elements under the scope's
 * PMs that are not given are retired; open events are recomputed when anything changed.
 */
export async function writeInventory(client: Transaction, elements: readonly InventoryElement[], now: Date): Promise<InventoryChanges> {
  await run(client, createImportStaging());
  for (let i = 0; i < elements.length; i += STAGE_BATCH) await run(client, stageElements(elements.slice(i, i + STAGE_BATCH)));
  let created = 0;
  let updated = 0;
  for (const kind of ['PM', 'PMT', 'PBO', 'PTO'] as const) {
    const rows = await run<{ created: boolean }>(client, upsertStagedKind(kind, now));
    for (const r of rows) { if (r.created) created++; else updated++; }
  }
  const scope = importScope(elements);
  const retired = (await run(client, retireOutsideFile(scope, now))).length;
  const detached = (await run(client, detachRetired())).length;
  const attached = (await run(client, refreshAttachments())).length;
  const changes: InventoryChanges = { created, updated, retired, attachments: detached + attached, scope };
  if (created + updated + retired + changes.attachments > 0) {
    await run(client, clearImpacts(null));
    await run(client, computeImpacts(null));
  }
  await run(client, dropImportStaging());
  return changes;
}

/** One import, one transaction, one audit entry naming the file and what changed. */
export async function importInventory(pool: Pool, elements: readonly InventoryElement[], source: string, actor: string, now: Date): Promise<InventoryChanges> {
  return transaction(pool, async (client) => {
    const changes = await writeInventory(client, elements, now);
    await recordChange(client, { actor, action: 'import', entity: 'network_inventory', entityKey: source, after: { ...changes, rows: elements.length } }, null);
    return changes;
  });
}

export interface ElementView {
  readonly element: ElementRow;
  readonly downstream: readonly { kind: ElementKind; count: number; refs: string[] }[];
  readonly services: readonly { operator: string; role: 'prise' | 'pm'; count: number; services: string[] }[];
}

/** An element, what is upstream (its references) and downstream (counts and the first `first`), and what it carries. */
export async function viewElement(pool: Pool, ref: string, first: number): Promise<ElementView | null> {
  const [element] = await run<ElementRow>(pool, elementByRef(ref));
  if (!element) return null;
  const downstream = element.kind === 'PTO' ? [] : await run<ElementView['downstream'][number]>(pool, downstreamSummary(element.kind, element.id, first));
  const services = await run<ElementView['services'][number]>(pool, servicesCarried(element.kind, element.id, first));
  return { element, downstream, services };
}
