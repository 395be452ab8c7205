/**
 * Telling an operator of a per-minute limit (DOMAIN.md L2: "after telling the operator the day before"), as pure
 * rules: whether a message can go to an operator's notification endpoint (the contract version it implements must be
 * in production and carry the operation), which channel an announcement takes, from when an announced limit may be
 * enforced, and how its announcement reads for the people who run the gateway.
 */
import { LIMIT_NOTICE_MS } from './load-rules.js';
import { versionState, type ServicePlan } from './version-policy.js';

/** The messages of the notification contract, and the operation (the WSDL's name) that carries each. */
export const NOTIFICATION_OPERATIONS = Object.freeze({
  ticket: 'notificationSignalisation', limit: 'notificationLimiteDebit', works: 'notificationTravaux', appointment: 'notificationRendezVous',
  line_test: 'notificationTestLigne'
} as const);
export type NotificationMessageKind = keyof typeof NOTIFICATION_OPERATIONS;

/** The notification contract as its files declare it: the version plan, and each version's operations. */
export interface NotificationContractFacts {
  readonly plan: ServicePlan;
  readonly operations: ReadonlyMap<number, ReadonlySet<string>>;
}

/**
 * Why a message of this kind cannot be sent at `now` to an endpoint implementing `version`, or null: the version
 * must be one the plan has in production (DOMAIN.md V1) and declare the message's operation.
 */
export function sendProblem(facts: NotificationContractFacts, version: number, kind: NotificationMessageKind, now: Date): string | null {
  const declared = facts.plan.versions.find((v) => v.version === version);
  if (!declared) return `notification v${version} is not a version of the contract (${facts.plan.versions.map((v) => `v${v.version}`).join(', ')})`;
  const state = versionState(facts.plan, declared, now);
  if (state === 'announced') return `notification v${version} is in production from ${declared.production} only`;
  if (state === 'retired') return `notification v${version} was retired on ${declared.sunset ?? '?'}`;
  const operation = NOTIFICATION_OPERATIONS[kind];
  if (facts.operations.get(version)?.has(operation)) return null;
  const first = [...facts.plan.versions].sort((a, b) => a.version - b.version).find((v) => facts.operations.get(v.version)?.has(operation));
  return `notification v${version} has no operation ${operation}${first ? ` (it comes with v${first.version}, in production from ${first.production})` : ''}`;
}

export interface EndpointFacts {
  readonly url: string;
  readonly enabled: boolean;
  readonly contractVersion: number;
}

export type AnnouncementChannel =
  | { readonly push: true; readonly url: string; readonly version: number }
  | { readonly push: false; readonly reason: string };

/**
 * Pushed to the endpoint when it can take a message of this kind now; otherwise not pushed, saying why (for a limit,
 * the OI then uses its usual channel).
 */
export function announcementChannel(facts: NotificationContractFacts | null, endpoint: EndpointFacts | null, now: Date,
  kind: NotificationMessageKind = 'limit'): AnnouncementChannel {
  if (endpoint === null) return { push: false, reason: 'no notification endpoint' };
  if (!endpoint.enabled) return { push: false, reason: 'its notification endpoint is disabled' };
  if (facts === null) return { push: false, reason: 'no notification contract in wsdl/' };
  const problem = sendProblem(facts, endpoint.contractVersion, kind, now);
  if (problem !== null) return { push: false, reason: `its endpoint implements notification v${endpoint.contractVersion}: ${problem}` };
  return { push: true, url: endpoint.url, version: endpoint.contractVersion };
}

/** One announcement (ANNONCEE or LEVEE) as recorded: its channel and, when pushed, its delivery. */
export interface AnnouncementRecord {
  readonly channel: 'endpoint' | 'usual';
  /** Why the usual channel. */
  readonly note: string | null;
  readonly delivery: {
    readonly state: 'pending' | 'delivered' | 'withdrawn';
    readonly attempts: number;
    readonly lastError: string | null;
    readonly deliveredAt: Date | null;
  } | null;
}

/** The latest instant an announcement may reach the operator for the limit to start as declared. */
export const announceBy = (start: Date): Date => new Date(start.getTime() - LIMIT_NOTICE_MS);

/**
 * From when a limit binds. A limit told by the usual channel binds from its start: the OI tells the operator itself
 * and the gateway cannot know when (the command says so when it is declared). A pushed one binds from its start when
 * the operator acknowledged it at least 24 hours before; acknowledged later, 24 hours after the acknowledgement (the
 * operator must have been told the day before: L2); never while undelivered (null). A limit declared before
 * announcements were recorded (no record) binds from its start, as it did then.
 */
export function enforcementStart(start: Date, announcement: AnnouncementRecord | null): Date | null {
  if (announcement === null || announcement.channel === 'usual') return start;
  const deliveredAt = announcement.delivery?.state === 'delivered' ? announcement.delivery.deliveredAt : null;
  if (deliveredAt === null) return null;
  return new Date(Math.max(start.getTime(), deliveredAt.getTime() + LIMIT_NOTICE_MS));
}

/** Was the operator told at least 24 hours before the start? null while that is still possible. */
export function announcedInTime(start: Date, announcement: AnnouncementRecord | null, now: Date): boolean | null {
  if (announcement === null || announcement.channel === 'usual') return true;
  const delivery = announcement.delivery;
  if (delivery?.state === 'delivered' && delivery.deliveredAt !== null) return delivery.deliveredAt.getTime() <= announceBy(start).getTime();
  return now.getTime() < announceBy(start).getTime() ? null : false;
}

const iso = (d: Date): string => d.toISOString();

function pending(d: NonNullable<AnnouncementRecord['delivery']>): string {
  return `pending (${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.lastError ? `, last error: ${d.lastError}` : ''})`;
}

/**
 * How the announcement of a limit reads in `esav-admin load limit list`: pushed at …, pending (n attempts, last
 * error …), by usual channel (why), or none needed; with NOT ANNOUNCED IN TIME when the operator was not told 24 hours
 * before the start, and from when the limit binds then.
 */
export function announcementStatus(start: Date, announcement: AnnouncementRecord | null, now: Date): string {
  if (announcement === null) return 'by usual channel (declared before limits were pushed)';
  if (announcement.channel === 'usual') return `by usual channel (${announcement.note ?? 'no endpoint'})`;
  const d = announcement.delivery;
  if (d === null) return 'pending';
  if (d.state === 'withdrawn') return 'none needed (removed before it was sent)';
  const late = announcedInTime(start, announcement, now) === false;
  if (d.state === 'delivered' && d.deliveredAt !== null) {
    return `pushed ${iso(d.deliveredAt)}${late ? ` — NOT ANNOUNCED IN TIME (due by ${iso(announceBy(start))}): enforced from ${iso(enforcementStart(start, announcement)!)}` : ''}`;
  }
  return late ? `NOT ANNOUNCED IN TIME (due by ${iso(announceBy(start))}): ${pending(d)} — not enforced until 24 h after delivery` : pending(d);
}

/** How the lifting of a removed limit reads: none needed when nothing had been told (or the limit had ended). */
export function liftStatus(lift: AnnouncementRecord | null): string {
  if (lift === null) return 'none needed';
  if (lift.channel === 'usual') return `by usual channel (${lift.note ?? 'no endpoint'})`;
  const d = lift.delivery;
  if (d === null) return 'pending';
  return d.state === 'delivered' && d.deliveredAt !== null ? `pushed ${iso(d.deliveredAt)}` : pending(d);
}
