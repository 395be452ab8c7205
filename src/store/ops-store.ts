/** What the ops listener reads from the database: readiness and the notification queue's depth. */
import { run, type Pool } from './database.js';
import { pendingNotifications, ping } from './queries/notifications.js';

/** Resolves when the database answers a statement; rejects (SERVICE_INDISPONIBLE) otherwise. */
export async function databaseReachable(pool: Pool): Promise<void> {
  await run(pool, ping());
}

export interface PendingNotifications { readonly code: string; readonly pending: string; readonly stalled: string; readonly oldest: Date | null }

/** Per operator: deliveries waiting, those failed `stalledAfter` times or more, and the instant of the oldest. */
export function pendingNotificationsPerOperator(pool: Pool, stalledAfter: number): Promise<PendingNotifications[]> {
  return run<PendingNotifications>(pool, pendingNotifications(stalledAfter));
}
