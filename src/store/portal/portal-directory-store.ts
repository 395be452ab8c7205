/**
 * The portal's port (src/domain/portal-directory.ts) on PostgreSQL: people, one-time links and sessions shared by
 * every instance; sign-ins, failures, lockouts and every action of a person in the audit trail.
 */
import { afterFailure, LOCKOUT_MS, SESSION_ABSOLUTE_MS, SECOND_FACTOR_WAIT_MS, sessionExpiry, type LinkPurpose, type Person } from '../../domain/portal-access.js';
import type { PersonCredentials, PortalDirectory, SessionStage } from '../../domain/portal-directory.js';
import { recordChange } from '../registry/audit.js';
import { count, run, transaction, type Pool } from '../database.js';
import {
  endSession, insertSecretIfAbsent, insertSession, offerOnlineFiling, secretByName, linkByToken, liveSession, personById, personByLogin, recordFailure, recordSignIn, searchServices, setCredentials,
  touchSession, useLink
} from '../queries/portal.js';
import { personFromRow, type PersonRow } from './person-rows.js';
import { randomBytes } from 'node:crypto';
import { newToken, sha256 } from './people.js';

const auditOf = (p: Person, action: string, after: Record<string, unknown>): Parameters<typeof recordChange>[1] =>
  ({ actor: `${p.operator.code}/portail ${p.login}`, action, entity: 'portal_user', entityKey: p.login, operatorId: p.operator.id, after });

export function createPortalDirectory(pool: Pool): PortalDirectory {
  const person = async (q: ReturnType<typeof personByLogin>, now: Date): Promise<PersonCredentials | null> => {
    const row = (await run<PersonRow>(pool, q))[0];
    return row ? personFromRow(row, now) : null;
  };
  return {
    personByLogin: (login, now) => person(personByLogin(login, false), now),
    personById: (id, now) => person(personById(id), now),

    async recordFailure(p, step, now) {
      return transaction(pool, async (tx) => {
        // Read again under lock: two failures at once both count.
        const row = (await run<PersonRow>(tx, personByLogin(p.login, true)))[0]!;
        const next = afterFailure(row.failed_attempts, now);
        await run(tx, recordFailure(row.id, next.failedAttempts, next.lockedUntil));
        await recordChange(tx, auditOf(p, 'sign-in-failed', { step, attempt: row.failed_attempts + 1 }), null);
        if (next.lockedUntil) await recordChange(tx, auditOf(p, 'locked', { until: next.lockedUntil, forMinutes: LOCKOUT_MS / 60_000 }), null);
        return { locked: next.lockedUntil !== null };
      });
    },

    async recordSignIn(p, totpStep, now) {
      await transaction(pool, async (tx) => {
        await run(tx, recordSignIn(p.id, totpStep, now));
        await recordChange(tx, auditOf(p, 'sign-in', {}), null);
      });
    },

    async createSession(p, stage: SessionStage, now) {
      const token = newToken();
      const absolute = new Date(now.getTime() + (stage === 'password' ? SECOND_FACTOR_WAIT_MS : SESSION_ABSOLUTE_MS));
      await run(pool, insertSession(sha256(token), p.id, p.operator.id, stage, now, sessionExpiry(now, absolute), absolute));
      return token;
    },

    async findSession(token, now) {
      const id = sha256(token);
      const row = (await run<{ user_id: string; operator_id: string; stage: SessionStage; absolute_expires_at: Date }>(pool, liveSession(id, now)))[0];
      if (!row) return null;
      const expiresAt = sessionExpiry(now, row.absolute_expires_at);
      await count(pool, touchSession(id, now, expiresAt));
      return { personId: row.user_id, operatorId: row.operator_id, stage: row.stage, expiresAt };
    },

    async endSession(token, reason, now) {
      await run(pool, endSession(sha256(token), now, reason));
    },

    async linkPerson(token, now) {
      const link = (await run<{ user_id: string; purpose: LinkPurpose; expires_at: Date; used_at: Date | null }>(pool, linkByToken(sha256(token), false)))[0];
      if (!link || link.used_at !== null || link.expires_at.getTime() <= now.getTime()) return null;
      const p = await person(personById(link.user_id), now);
      return p && p.state === 'invited' ? { person: p, purpose: link.purpose } : null;
    },

    async activate(token, passwordHash, totpSecret, totpStep, now) {
      return transaction(pool, async (tx) => {
        const hash = sha256(token);
        const link = (await run<{ user_id: string; purpose: string; expires_at: Date; used_at: Date | null }>(tx, linkByToken(hash, true)))[0];
        if (!link || link.used_at !== null || link.expires_at.getTime() <= now.getTime()) return false;
        if ((await count(tx, setCredentials(link.user_id, passwordHash, totpSecret, totpStep, now))) !== 1) return false;
        await run(tx, useLink(hash, now));
        const row = (await run<PersonRow>(tx, personById(link.user_id)))[0]!;
        await recordChange(tx, auditOf(personFromRow(row, now), 'activate', { purpose: link.purpose }), null);
        return true;
      });
    },

    async audit(p, action, after) {
      await transaction(pool, (tx) => recordChange(tx, auditOf(p, action, after), null));
    },

    async searchServices(operatorId, text, offers, page) {
      const rows = await run<{ service_id: string; offer_code: string; offer_label: string; state: string; activated_on: string; address: string | null; total: string }>(
        pool, searchServices(operatorId, text, offers, page.size, (page.page - 1) * page.size));
      return {
        total: rows.length > 0 ? Number(rows[0]!.total) : 0,
        rows: rows.map((r) => ({ serviceId: r.service_id, offerCode: r.offer_code, offerLabel: r.offer_label, state: r.state, activatedOn: r.activated_on, address: r.address }))
      };
    }
  };
}

/** S6: an unknown offer is not filed on the portal. */
export async function offerAllowsOnlineFiling(pool: Pool, offerCode: string): Promise<boolean> {
  const row = (await run<{ online_filing_allowed: boolean }>(pool, offerOnlineFiling(offerCode)))[0];
  return row?.online_filing_allowed === true;
}

/** The CSRF cookie's signing key shared by every portal instance (ARCHITECTURE.md §6: what instances share is in PostgreSQL). */
export async function sharedCookieSecret(pool: Pool): Promise<string> {
  await run(pool, insertSecretIfAbsent('cookie-secret', randomBytes(32).toString('hex')));
  return (await run<{ value: string }>(pool, secretByName('cookie-secret')))[0]!.value;
}
