/**
 * Operator notices of one operator (README "Push notifications"): whether the operator's notification endpoint can
 * take a message of this kind now (the rules of src/domain/limit-announcement.ts: an endpoint, enabled, whose contract
 * version is in production and carries the operation), and the notice of an appointment's change or of a line test's
 * outcome, written in the change's own transaction. A notice that cannot be pushed is still recorded, with why: the
 * operator reads the appointment or the test with the web services.
 */
import type { AppointmentChange } from '../domain/appointment-records.js';
import { announcementChannel, type NotificationContractFacts } from '../domain/limit-announcement.js';
import { run, type Executor } from './database.js';
import type { NoticeKind } from './notification-outbox.js';
import { endpointOf } from './queries/notifications.js';
import { recordAppointmentNotice, recordLineTestNotice } from './queries/operator-notices.js';

/** null: pushed to the operator's endpoint; else why not. */
export async function noticeRefusal(on: Executor, operatorId: string, kind: NoticeKind, contract: NotificationContractFacts | null,
  now: Date): Promise<string | null> {
  const [e] = await run<{ url: string; enabled: boolean; contract_version: number | null }>(on, endpointOf(operatorId, false));
  const endpoint = e ? { url: e.url, enabled: e.enabled, contractVersion: e.contract_version ?? 1 } : null;
  const channel = announcementChannel(contract, endpoint, now, kind);
  return channel.push ? null : channel.reason;
}

export async function noticeOfAppointmentChange(on: Executor, appointmentId: string, operatorId: string, change: AppointmentChange,
  contract: NotificationContractFacts | null): Promise<void> {
  await run(on, recordAppointmentNotice(appointmentId, change, await noticeRefusal(on, operatorId, 'appointment', contract, change.at)));
}

export async function noticeOfLineTestOutcome(on: Executor, testId: string, operatorId: string, at: Date,
  contract: NotificationContractFacts | null): Promise<void> {
  await run(on, recordLineTestNotice(testId, await noticeRefusal(on, operatorId, 'line_test', contract, at), at));
}
