/** Planned maintenance windows (DOMAIN.md M2): declared by the people who run the gateway, read by every instance. */
import { activeWindowUntil, comingWindows, plannedWindowProblem, type ActiveWindow, type NightlyWindow, type PlannedWindow } from '../domain/maintenance.js';
import { freeTextProblem, TEXT_MAX_LENGTH } from '../domain/free-text.js';
import { AdminError } from '../errors/admin-error.js';
import { recordChange } from './registry/audit.js';
import { run, transaction, type Pool } from './database.js';
import { cancelPlannedWindow, insertPlannedWindow, upcomingWindows } from './queries/maintenance.js';

interface Row { id: string; starts_at: Date; ends_at: Date; reason: string; announced_at: Date }

const toWindow = (r: Row): PlannedWindow => ({ id: String(r.id), start: r.starts_at, end: r.ends_at, reason: r.reason, announcedAt: r.announced_at });

/** The windows not over yet (the gateway keeps them in memory and refreshes them on change). */
export async function upcomingPlannedWindows(pool: Pool, now: Date): Promise<PlannedWindow[]> {
  const rows = await run<Row>(pool, upcomingWindows(now));
  return rows.map(toWindow);
}

export async function planMaintenance(pool: Pool, start: Date, end: Date, reason: string, actor: string, now: Date): Promise<PlannedWindow> {
  const problem = plannedWindowProblem(start, end, now);
  if (problem) throw new AdminError('ADMIN_INVALID_INPUT', problem);
  if (reason.trim() === '') throw new AdminError('ADMIN_INVALID_INPUT', 'a planned maintenance needs a reason (--reason)');
  // Shown to operators by the exploitation service: storable and sendable, 500 characters at most (the table's CHECK).
  const text = freeTextProblem('reason', reason, TEXT_MAX_LENGTH.notice);
  if (text) throw new AdminError('ADMIN_INVALID_INPUT', 'the planned maintenance is refused:', [text.message]);
  return transaction(pool, async (client) => {
    const rows = await run<Row>(client, insertPlannedWindow(start, end, reason, now));
    await recordChange(client, { actor, action: 'plan', entity: 'maintenance', entityKey: String(rows[0]!.id), after: { start, end, reason } }, 'maintenance');
    return toWindow(rows[0]!);
  });
}

export async function cancelMaintenance(pool: Pool, id: string, actor: string, now: Date): Promise<void> {
  await transaction(pool, async (client) => {
    const rows = await run<Row>(client, cancelPlannedWindow(id, now));
    if (rows.length === 0) throw new AdminError('ADMIN_NOT_FOUND', `no planned maintenance ${id} (or already cancelled)`);
    await recordChange(client, { actor, action: 'cancel', entity: 'maintenance', entityKey: id, before: rows[0] }, 'maintenance');
  });
}

/**
 * This instance's view of the windows: the nightly one computed, the planned ones read from the database at start and
 * whenever a change is notified (registry watcher, kind "maintenance"). Reads on the request path never query.
 */
export interface MaintenanceSchedule {
  current(now: Date): ActiveWindow | null;
  coming(now: Date, days: number): ActiveWindow[];
  refresh(now: Date): Promise<void>;
}

export async function createMaintenanceSchedule(pool: Pool, nightly: NightlyWindow, now: Date): Promise<MaintenanceSchedule> {
  let planned: PlannedWindow[] = await upcomingPlannedWindows(pool, now);
  // The answer of current(), remembered for the interval it holds (cleared when the planned windows change).
  let known: { from: number; until: number; window: ActiveWindow | null } | null = null;
  return {
    current(at) {
      const t = at.getTime();
      if (known === null || t < known.from || t >= known.until) {
        const { window, until } = activeWindowUntil(at, planned, nightly);
        known = { from: t, until: until.getTime(), window };
      }
      return known.window;
    },
    coming: (at, days) => comingWindows(at, planned, days, nightly),
    async refresh(at) {
      planned = await upcomingPlannedWindows(pool, at);
      known = null;
    }
  };
}
