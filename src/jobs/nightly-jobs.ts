/**
 * The OI's own nightly work, run inside the nightly window (DOMAIN.md M1) while operators are refused: archive the
 * closures whose answer delay is over (S2: "clos tableau de bord"), purge what is past retention. One instance does
 * it per night: a PostgreSQL advisory lock and a record of the night it ran for.
 */
import { parisDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { activeWindow, type NightlyWindow } from '../domain/maintenance.js';
import { oiTicketActions } from '../domain/oi-ticket-actions.js';
import { count, run, session, type Pool } from '../store/database.js';
import { purgeExpiredLineTests } from '../store/line-test-queue.js';
import { purgeClosedNetworkEvents } from '../store/network-event-store.js';
import { createOiTicketPorts } from '../store/oi-ticket-store.js';
import { advisoryUnlock, nightlyRunOf, purgeNotificationAttempts, recordNightlyRun, tryAdvisoryLock } from '../store/queries/jobs.js';

const LOCK_KEY = 0x6e_69_74_65; // "nite"
/** The delivery log of notifications is kept this long (then purged). */
export const ATTEMPT_RETENTION_DAYS = 90;

export interface NightlyReport {
  readonly night: string; readonly archived: number; readonly purgedAttempts: number;
  /** Planned works and incidents closed more than 8 days ago (issue 15 part 2). */
  readonly purgedNetworkEvents: number;
  /** Line tests launched more than 90 days ago, with their results (issue 17). */
  readonly purgedLineTests: number;
}

/** Runs the night's jobs if `now` is inside the nightly window and they have not run for this night; else null. */
export async function runNightlyJobs(pool: Pool, now: Date, window: NightlyWindow): Promise<NightlyReport | null> {
  const w = activeWindow(now, [], window);
  if (!w || w.kind !== 'nightly') return null;
  const night = parisDate(w.start);
  return session(pool, async (client) => {
    const rows = await run<{ locked: boolean }>(client, tryAdvisoryLock(LOCK_KEY));
    if (!rows[0]!.locked) return null;
    try {
      const done = await run(client, nightlyRunOf(night));
      if (done.length > 0) return null;
      // S2: one statement for every closure due (src/store/queries/oi-tickets.ts), none loaded into memory.
      const { archived } = await oiTicketActions(createOiTicketPorts(pool)).archiveDue('travaux de nuit', now);
      const purged = await count(client, purgeNotificationAttempts(now, ATTEMPT_RETENTION_DAYS));
      const purgedNetworkEvents = await purgeClosedNetworkEvents(client, now);
      const purgedLineTests = await purgeExpiredLineTests(client, now);
      const report: NightlyReport = { night, archived, purgedAttempts: purged, purgedNetworkEvents, purgedLineTests };
      await run(client, recordNightlyRun(night, now, report));
      return report;
    } finally {
      await run(client, advisoryUnlock(LOCK_KEY));
    }
  });
}

/** Checks every minute whether the nightly window has begun; stop() ends the timer. */
export function scheduleNightlyJobs(pool: Pool, clock: Clock, window: NightlyWindow, onReport: (r: NightlyReport) => void, onError: (e: Error) => void): { stop(): void } {
  const timer = setInterval(() => {
    runNightlyJobs(pool, clock.now(), window).then((r) => { if (r) onReport(r); }, onError);
  }, 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
