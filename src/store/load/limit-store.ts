/**
 * L2 per-minute limits: declared by the people who run the gateway (esav-admin load limit …), each change audited,
 * announced to the operator (pushed to its notification endpoint when it can take it, else by the OI's usual
 * channel), read by every instance (polled), and the shared per-minute counters that enforce them across instances.
 */
import { freeTextProblem, TEXT_MAX_LENGTH } from '../../domain/free-text.js';
import {
  announcementChannel, announceBy, enforcementStart, type AnnouncementChannel, type AnnouncementRecord, type NotificationContractFacts
} from '../../domain/limit-announcement.js';
import { limitDeclarationProblem, type LimitScope, type LoadLimit } from '../../domain/load-rules.js';
import { AdminError } from '../../errors/admin-error.js';
import type { LimitAnnouncementPayload, LimitAnnouncementStatus } from '../notification-outbox.js';
import { recordLimitAnnouncement } from '../queries/notification-outbox.js';
import {
  announcementOfLimit, insertLimit, limitsListing, limitsNotOver, lockEndpointOf, markLimitRemoved, withdrawUntriedDelivery
} from '../queries/load.js';
import { operatorIdByCode } from '../queries/operators.js';
import { recordChange } from '../registry/audit.js';
import { count, run, transaction, type Pool, type Transaction } from '../database.js';

interface LimitRow {
  id: string; operator_id: string; operator_code: string; scope: LimitScope; per_minute: number; starts_at: Date; ends_at: Date | null;
  declared_at: Date; declared_by: string; removed_at: Date | null; removed_by: string | null; reason: string | null; removal_reason: string | null;
}

type Prefix = 'a' | 'v';
type AnnouncementRow = { [K in `${Prefix}_channel`]: 'endpoint' | 'usual' | null } & { [K in `${Prefix}_note` | `${Prefix}_error`]: string | null }
  & { [K in `${Prefix}_state`]: 'pending' | 'delivered' | 'withdrawn' | null } & { [K in `${Prefix}_attempts`]: number | null }
  & { [K in `${Prefix}_delivered`]: Date | null };

function announcement(r: AnnouncementRow, p: Prefix): AnnouncementRecord | null {
  const channel = r[`${p}_channel`];
  if (channel === null) return null;
  const state = r[`${p}_state`];
  return {
    channel, note: r[`${p}_note`],
    delivery: state === null ? null : { state, attempts: r[`${p}_attempts`] ?? 0, lastError: r[`${p}_error`], deliveredAt: r[`${p}_delivered`] }
  };
}

const toLimit = (r: LimitRow): LoadLimit => ({
  id: String(r.id), operatorId: String(r.operator_id), operatorCode: r.operator_code, scope: r.scope, perMinute: r.per_minute, start: r.starts_at, end: r.ends_at
});

function payload(r: LimitRow): LimitAnnouncementPayload {
  return {
    limitId: String(r.id), scope: r.scope, perMinute: r.per_minute, start: r.starts_at.toISOString(), end: r.ends_at?.toISOString() ?? null,
    declaredAt: r.declared_at.toISOString(), reason: r.reason, liftReason: r.removal_reason
  };
}

/** The operator's endpoint, locked against a concurrent change (set-endpoint) until the announcement is recorded. */
async function endpointOf(client: Transaction, operatorId: string): Promise<{ url: string; enabled: boolean; contractVersion: number } | null> {
  const rows = await run<{ url: string; enabled: boolean; contract_version: number }>(client, lockEndpointOf(operatorId));
  return rows[0] ? { url: rows[0].url, enabled: rows[0].enabled, contractVersion: rows[0].contract_version } : null;
}

/** How the operator is told: pushed (the event id the operator deduplicates on), or by the usual channel (why). */
export type Telling =
  | { readonly channel: 'endpoint'; readonly eventId: string; readonly url: string; readonly version: number }
  | { readonly channel: 'usual'; readonly reason: string };

async function announce(client: Transaction, r: LimitRow, status: LimitAnnouncementStatus, channel: AnnouncementChannel, actor: string, now: Date): Promise<Telling> {
  const [row] = await run<{ event_id: string }>(client, recordLimitAnnouncement({
    limitId: String(r.id), operatorId: String(r.operator_id), status, usualChannelReason: channel.push ? null : channel.reason, payload: payload(r), at: now
  }));
  const telling: Telling = channel.push
    ? { channel: 'endpoint', eventId: row!.event_id, url: channel.url, version: channel.version }
    : { channel: 'usual', reason: channel.reason };
  const lifting = status === 'LEVEE';
  await recordChange(client, {
    actor, entity: 'load_limit', entityKey: String(r.id), operatorId: String(r.operator_id),
    action: `${lifting ? 'lift' : 'announcement'}-${channel.push ? 'queued' : 'required'}`,
    after: {
      status, ...payload(r), ...(lifting ? {} : { announceBefore: announceBy(r.starts_at) }),
      ...(channel.push ? { channel: 'endpoint', eventId: row!.event_id, endpoint: channel.url, contractVersion: channel.version }
        : { channel: 'usual', reason: channel.reason, sent: false })
    }
  }, null);
  return telling;
}

export interface DeclaredLimit {
  readonly limit: LoadLimit;
  readonly telling: Telling;
}

export interface LimitDeclaration {
  readonly operator: string;
  readonly scope: LimitScope;
  readonly perMinute: number;
  readonly start: Date;
  readonly end: Date | null;
  readonly reason: string | null;
}

/** The reason is told to the operator (notification Texte500Type): 1 to 500 characters it can carry (src/domain/free-text.ts). */
function reasonProblem(reason: string | null): string | null {
  if (reason === null) return null;
  if (reason.trim() === '') return '--reason: 1 to 500 characters';
  return freeTextProblem('--reason', reason, TEXT_MAX_LENGTH.notice)?.message ?? null;
}

/**
 * Declares a limit, refused at short notice (L2), and announces it in the same transaction: queued for the operator's
 * endpoint when it can take a limit announcement now (`contract`: the notification contract's versions and
 * operations), else recorded as to be told by the usual channel.
 */
export async function declareLimit(
  pool: Pool, d: LimitDeclaration, actor: string, now: Date, contract: NotificationContractFacts | null
): Promise<DeclaredLimit> {
  const problem = limitDeclarationProblem(d.perMinute, d.start, d.end, now) ?? reasonProblem(d.reason);
  if (problem) throw new AdminError('ADMIN_INVALID_INPUT', problem);
  return transaction(pool, async (client) => {
    const op = (await run<{ id: string }>(client, operatorIdByCode(d.operator)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${d.operator}`);
    const rows = await run<LimitRow>(client, insertLimit(op.id, d, now, actor));
    const row = rows[0]!;
    const limit = toLimit(row);
    await recordChange(client, { actor, action: 'declare', entity: 'load_limit', entityKey: limit.id, operatorId: op.id,
      after: { scope: limit.scope, perMinute: limit.perMinute, start: limit.start, end: limit.end, reason: d.reason } }, null);
    const channel = announcementChannel(contract, await endpointOf(client, String(op.id)), now);
    return { limit, telling: await announce(client, row, 'ANNONCEE', channel, actor, now) };
  });
}

export interface RemovedLimit {
  readonly limit: LoadLimit;
  /** null: nothing to tell (the announcement was withdrawn before it was sent, or the limit had ended). */
  readonly telling: Telling | null;
  readonly why: string | null;
}

/**
 * Lifts a limit (or cancels one not started yet): no notice is needed to relieve an operator, but an operator who was
 * told of it is told of its lifting (LEVEE), pushed after its ANNONCEE when the endpoint can take it, else by the usual
 * channel. An ANNONCEE never tried yet (no attempt, never claimed) is withdrawn instead, and nothing is sent: the
 * UPDATE waits for a claim in progress and re-checks the row, so a worker never posts a withdrawn announcement. A limit already over needs no lifting.
 */
export async function removeLimit(
  pool: Pool, id: string, actor: string, now: Date, contract: NotificationContractFacts | null, reason: string | null = null
): Promise<RemovedLimit> {
  if (!/^\d{1,18}$/.test(id)) throw new AdminError('ADMIN_INVALID_INPUT', `${id} is not a limit id (see esav-admin load limit list)`);
  const problem = reasonProblem(reason);
  if (problem) throw new AdminError('ADMIN_INVALID_INPUT', problem);
  return transaction(pool, async (client) => {
    const rows = await run<LimitRow>(client, markLimitRemoved(id, now, actor, reason));
    const row = rows[0];
    if (!row) throw new AdminError('ADMIN_NOT_FOUND', `no limit ${id} in force or announced (see esav-admin load limit list)`);
    const limit = toLimit(row);
    await recordChange(client, { actor, action: 'remove', entity: 'load_limit', entityKey: id, operatorId: limit.operatorId,
      before: { scope: limit.scope, perMinute: limit.perMinute, start: limit.start, end: limit.end }, after: { removedAt: now, reason } }, null);
    if (limit.end !== null && limit.end.getTime() <= now.getTime()) return { limit, telling: null, why: 'the limit had ended' };

    const announced = (await run<{ channel: 'endpoint' | 'usual'; delivery_id: string | null }>(client, announcementOfLimit(id)))[0];
    if (announced?.delivery_id) {
      const withdrawn = await count(client, withdrawUntriedDelivery(announced.delivery_id));
      if (withdrawn === 1) {
        await recordChange(client, { actor, action: 'announcement-withdrawn', entity: 'load_limit', entityKey: id, operatorId: limit.operatorId,
          after: { status: 'ANNONCEE', state: 'withdrawn', why: 'removed before it was sent: nothing to tell' } }, null);
        return { limit, telling: null, why: 'its announcement was withdrawn before it was sent' };
      }
    }
    const channel: AnnouncementChannel = announced?.channel === 'endpoint'
      ? announcementChannel(contract, await endpointOf(client, limit.operatorId), now)
      : { push: false, reason: 'the limit was announced by the usual channel' };
    return { limit, telling: await announce(client, row, 'LEVEE', channel, actor, now), why: null };
  });
}

export interface LimitListing extends LoadLimit {
  readonly declaredAt: Date;
  readonly declaredBy: string;
  readonly removedAt: Date | null;
  readonly reason: string | null;
  readonly announcement: AnnouncementRecord | null;
  readonly lift: AnnouncementRecord | null;
}

/** Limits announced or in force (all of them, removed and ended ones included, with `all`), with their announcements. */
export async function listLimits(pool: Pool, filter: { operator: string | null; all: boolean }, now: Date): Promise<LimitListing[]> {
  const rows = await run<LimitRow & AnnouncementRow>(pool, limitsListing(filter.operator, filter.all, now));
  return rows.map((r) => ({
    ...toLimit(r), declaredAt: r.declared_at, declaredBy: r.declared_by, removedAt: r.removed_at, reason: r.reason,
    announcement: announcement(r, 'a'), lift: announcement(r, 'v')
  }));
}

/**
 * What an instance keeps in memory: the limits not removed and not over that bind now or will, each with the start
 * it binds from (src/domain/limit-announcement.ts enforcementStart: a pushed limit not acknowledged 24 hours before
 * its start binds 24 hours after the acknowledgement, and not at all while undelivered).
 */
export async function currentLimits(pool: Pool, now: Date): Promise<LoadLimit[]> {
  const rows = await run<LimitRow & AnnouncementRow>(pool, limitsNotOver(now));
  return rows.flatMap((r) => {
    const start = enforcementStart(r.starts_at, announcement(r, 'a'));
    return start === null || (r.ends_at !== null && start.getTime() >= r.ends_at.getTime()) ? [] : [{ ...toLimit(r), start }];
  });
}
