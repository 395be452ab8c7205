/** SQL of the planned maintenance windows (DOMAIN.md M2, src/store/maintenance-store.ts), as named query functions (pg-boss style). */
import type { Query } from '../database.js';

/** The windows not cancelled and not over yet, in order. */
export function upcomingWindows(now: Date): Query {
  return {
    text: 'SELECT id, starts_at, ends_at, reason, announced_at FROM planned_maintenance WHERE cancelled_at IS NULL AND ends_at > $1 ORDER BY starts_at',
    values: [now]
  };
}

export function insertPlannedWindow(start: Date, end: Date, reason: string, announcedAt: Date): Query {
  return {
    text: `INSERT INTO planned_maintenance (starts_at, ends_at, reason, announced_at) VALUES ($1, $2, $3, $4)
           RETURNING id, starts_at, ends_at, reason, announced_at`,
    values: [start, end, reason, announcedAt]
  };
}

/** Cancels a window not cancelled yet; no row otherwise. */
export function cancelPlannedWindow(id: string, at: Date): Query {
  return {
    text: 'UPDATE planned_maintenance SET cancelled_at = $2 WHERE id = $1 AND cancelled_at IS NULL RETURNING id, starts_at, ends_at, reason, announced_at',
    values: [id, at]
  };
}
