/** What the ops listener reads from the database: readiness and the notification queue's depth. */
import { run, type Pool, type Query } from './database.js';

const ping = (): Query => ({ text: 'SELECT 1', values: [] });

/** Push notifications waiting (ticket events and limit announcements), per operator, with the instant of the oldest. */
const pendingNotifications = (): Query => ({
  text: `SELECT o.code, count(*) AS pending, min(coalesce(e.at, a.at)) AS oldest FROM notification_delivery d
           LEFT JOIN ticket_event e ON e.id = d.event_pk LEFT JOIN limit_announcement a ON a.id = d.announcement_pk
           JOIN operator o ON o.id = d.operator_id
          WHERE d.state = 'pending' GROUP BY o.code`,
  values: []
});

/** Resolves when the database answers a statement; rejects (SERVICE_INDISPONIBLE) otherwise. */
export async function databaseReachable(pool: Pool): Promise<void> {
  await run(pool, ping());
}

export interface PendingNotifications { readonly code: string; readonly pending: string; readonly oldest: Date | null }

export function pendingNotificationsPerOperator(pool: Pool): Promise<PendingNotifications[]> {
  return run<PendingNotifications>(pool, pendingNotifications());
}
