/** SQL of the background jobs (nightly work, sandbox back office), as named query functions (pg-boss style). */
import type { Query } from '../database.js';

/** A session-level advisory lock: one instance runs the job at a time (pg_try_advisory_lock). */
export function tryAdvisoryLock(key: number): Query {
  return { text: 'SELECT pg_try_advisory_lock($1) AS locked', values: [key] };
}

export function advisoryUnlock(key: number): Query {
  return { text: 'SELECT pg_advisory_unlock($1)', values: [key] };
}

/** The record of a night the nightly jobs ran for (at most one row). */
export function nightlyRunOf(night: string): Query {
  return { text: 'SELECT 1 FROM nightly_run WHERE night = $1', values: [night] };
}

export function recordNightlyRun(night: string, at: Date, report: unknown): Query {
  return { text: 'INSERT INTO nightly_run (night, at, report) VALUES ($1, $2, $3)', values: [night, at, JSON.stringify(report)] };
}

/** The delivery log of notifications older than the retention. */
export function purgeNotificationAttempts(now: Date, retentionDays: number): Query {
  return { text: `DELETE FROM notification_attempt WHERE at < $1::timestamptz - make_interval(days => $2::int)`, values: [now, retentionDays] };
}
