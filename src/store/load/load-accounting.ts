/**
 * The pipeline's load admission and call counter on PostgreSQL (DOMAIN.md L1, L2; ARCHITECTURE.md §6: what instances share lives in
 * PostgreSQL).
 * - count(): in memory only (operator × Paris day × category), added to call_volume every flushMs and at close.
 *   A call never waits on the database to be counted; a crash loses at most flushMs of counts.
 * - admit(): the limits are kept in memory (re-read every limitsPollMs). An operator without a limit costs no query;
 *   one with a limit in force costs one upsert on the shared minute counter, so the limit holds across instances.
 */
import type { Clock } from '../../domain/clock.js';
import { bindingLimits, categoryOf, COUNTED_ON_RESULT, limitExceeded, minuteOf, volumetryDay, type CallCategory, type LoadLimit } from '../../domain/load-rules.js';
import { run, type Pool } from '../database.js';
import { countInMinute, purgeMinutes } from '../queries/load.js';
import { currentLimits } from './limit-store.js';
import { saveVolumes } from './volumetry-store.js';

export type RequestOutcome = 'ok' | 'fault' | 'limited';

/** One sample of esav_requests_total: this instance's calls since it started. */
export interface RequestTotal {
  readonly operator: string;
  readonly category: CallCategory;
  readonly outcome: RequestOutcome;
  readonly value: number;
}

export interface LoadAccounting {
  admit(operatorId: string, service: string, operation: string, now: Date): Promise<void>;
  count(operatorId: string, operatorCode: string, service: string, operation: string, outcome: 'ok' | 'fault', now: Date): void;
  /** Adds this instance's pending counts to the database now. */
  flush(): Promise<void>;
  /** Re-reads the limits now (an admin change otherwise applies within limitsPollMs). */
  refreshLimits(): Promise<void>;
  totals(): RequestTotal[];
  /** The limits this instance knows of (in force or announced). */
  limits(): LoadLimit[];
  /** Stops the timers and flushes what is pending. */
  close(): Promise<void>;
}

export interface LoadAccountingOptions {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly flushMs?: number;
  readonly limitsPollMs?: number;
  readonly onError: (e: Error, what: string) => void;
}

/** This instance's counts not yet added to the database. */
interface PendingVolume { operatorId: string; day: string; category: CallCategory; ok: number; fault: number }

const DEFAULT_FLUSH_MS = 5000;
const DEFAULT_LIMITS_POLL_MS = 2000;
/** Minute counters are kept this long: enough for clocks a little apart between instances. */
const KEEP_MINUTES_MS = 5 * 60_000;
const PURGE_EVERY_MS = 60_000;

export async function startLoadAccounting(o: LoadAccountingOptions): Promise<LoadAccounting> {
  let pending = new Map<string, PendingVolume>();
  const totals = new Map<string, { operator: string; category: CallCategory; outcome: RequestOutcome; value: number }>();
  let limitsByOperator = new Map<string, LoadLimit[]>();
  let flushing: Promise<void> = Promise.resolve();
  let refreshes = 0;
  const pollMs = o.limitsPollMs ?? DEFAULT_LIMITS_POLL_MS;
  const purgeEvery = Math.max(1, Math.round(PURGE_EVERY_MS / pollMs));

  // Paris day of an instant, memoised per UTC hour: days and offsets change on whole hours only.
  let dayHour = -1;
  let dayOfHour = '';
  const dayOf = (at: Date): string => {
    const hour = Math.floor(at.getTime() / 3600_000);
    if (hour !== dayHour) { dayHour = hour; dayOfHour = volumetryDay(at); }
    return dayOfHour;
  };

  function total(operator: string, category: CallCategory, outcome: RequestOutcome): void {
    const key = `${operator}\u0000${category}\u0000${outcome}`;
    const t = totals.get(key);
    if (t) t.value++;
    else totals.set(key, { operator, category, outcome, value: 1 });
  }

  async function refreshLimits(): Promise<void> {
    const now = o.clock.now();
    const next = new Map<string, LoadLimit[]>();
    for (const l of await currentLimits(o.pool, now)) next.set(l.operatorId, [...(next.get(l.operatorId) ?? []), l]);
    limitsByOperator = next;
    // Any instance may purge, about once a minute: the DELETE is idempotent and cheap (indexed on minute).
    if (refreshes++ % purgeEvery === 0) await run(o.pool, purgeMinutes(new Date(now.getTime() - KEEP_MINUTES_MS)));
  }

  /** Writes what is pending; on failure the counts go back into pending, to be added at the next flush. */
  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
      if (pending.size === 0) return;
      const batch = [...pending.values()];
      pending = new Map();
      try {
        await saveVolumes(o.pool, batch);
      } catch (e) {
        for (const d of batch) {
          const key = `${d.operatorId}\u0000${d.day}\u0000${d.category}`;
          const p = pending.get(key);
          if (p) { p.ok += d.ok; p.fault += d.fault; } else pending.set(key, { ...d });
        }
        o.onError(e as Error, 'volumetry flush');
      }
    });
    return flushing;
  }

  await refreshLimits();
  const flushTimer = setInterval(() => void flush(), o.flushMs ?? DEFAULT_FLUSH_MS);
  const limitsTimer = setInterval(() => void refreshLimits().catch((e: Error) => o.onError(e, 'load limits refresh')), pollMs);
  flushTimer.unref();
  limitsTimer.unref();

  return {
    async admit(operatorId, service, operation, now) {
      const limits = limitsByOperator.get(operatorId);
      if (limits === undefined) return;
      const binding = bindingLimits(limits, categoryOf(service, operation), now);
      if (binding.length === 0) return;
      const rows = await run<{ scope: string; count: number }>(o.pool, countInMinute(operatorId, binding.map((l) => l.scope), minuteOf(now)));
      const counts = new Map(rows.map((r) => [r.scope, r.count]));
      // The strictest limit that is exceeded answers (two limits may bind: the category's and ALL).
      const exceeded = binding.filter((l) => (counts.get(l.scope) ?? 0) > l.perMinute).sort((a, b) => a.perMinute - b.perMinute)[0];
      if (exceeded) {
        total(exceeded.operatorCode, categoryOf(service, operation), 'limited');
        throw limitExceeded(exceeded, now);
      }
    },

    count(operatorId, operatorCode, service, operation, outcome, now) {
      const category = categoryOf(service, operation);
      total(operatorCode, category, outcome);
      if (COUNTED_ON_RESULT.has(category)) return;
      const day = dayOf(now);
      const key = `${operatorId}\u0000${day}\u0000${category}`;
      let p = pending.get(key);
      if (!p) { p = { operatorId, day, category, ok: 0, fault: 0 }; pending.set(key, p); }
      p[outcome]++;
    },

    flush,
    refreshLimits,
    totals: () => [...totals.values()].map((t) => ({ ...t })),
    limits: () => [...limitsByOperator.values()].flat(),

    async close() {
      clearInterval(flushTimer);
      clearInterval(limitsTimer);
      await flush();
    }
  };
}
