/**
 * A large inventory in a few statements, for the bench (issue 15: 100k prises and 1,000 events): generate_series
 * writes PMs, PBOs and prises (and, if asked, one FTTH service of an operator on every n-th prise) in one
 * transaction; a second run with the same prefix adds nothing.
 */
import { run, transaction, type Pool } from './database.js';
import { computeImpacts, clearImpacts } from './queries/network-events.js';
import { refreshAttachments } from './queries/network.js';
import { countSeededPrises, seedNetworkEvents, seedNetworkQueries, type NetworkSeed } from './queries/network-seed.js';

export type { NetworkSeed } from './queries/network-seed.js';

/** Seeds the inventory and attaches the services; open events' impacts are recomputed. Returns the prises of the prefix. */
export async function seedNetworkForBench(pool: Pool, seed: NetworkSeed, now: Date): Promise<number> {
  if (!/^[A-Z0-9]{2,12}$/.test(seed.prefix)) throw new RangeError(`bad seed prefix ${seed.prefix}`);
  return transaction(pool, async (client) => {
    for (const q of seedNetworkQueries(seed, now)) await run(client, q);
    await run(client, refreshAttachments());
    await run(client, clearImpacts(null));
    await run(client, computeImpacts(null));
    const [r] = await run<{ n: number }>(client, countSeededPrises(seed.prefix));
    return r!.n;
  });
}

/**
 * Open planned works and incidents on a seed's PBOs, their impacts computed (issue 15's bench: 1,000 open events);
 * once per prefix. Returns how many were added.
 */
export async function seedNetworkEventsForBench(pool: Pool, prefix: string, count: number, now: Date): Promise<number> {
  if (!/^[A-Z0-9]{2,12}$/.test(prefix)) throw new RangeError(`bad seed prefix ${prefix}`);
  return transaction(pool, async (client) => {
    const ids = (await run<{ id: string }>(client, seedNetworkEvents(prefix, count, now, `banc ${prefix}`))).map((r) => String(r.id));
    if (ids.length > 0) await run(client, computeImpacts(ids));
    return ids.length;
  });
}
