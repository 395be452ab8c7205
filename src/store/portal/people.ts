/**
 * The OI's side of e-SAV en ligne (issue 21): invite a person of an operator, list, disable, enable, reset, change
 * a profile. Only an operator whose order form asks for online access gets people (O1). Every change is audited.
 * An invitation or a reset returns the one-time link's token (shown once; only its SHA-256 is kept). Both esav-admin
 * users and the internal API (src/transport/internal-api-users.ts) call these, so that both refuse the same things.
 * `scope` (an operator's code) makes a person of another operator indistinguishable from a missing one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LINK_VALIDITY_MS, onlineAccessProblem, personProblems, type LinkPurpose } from '../../domain/portal-access.js';
import { profileProblems, profileReferenceProblems, type ProfileVocabulary } from '../../domain/profile.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from '../registry/audit.js';
import { run, transaction, type Pool, type Transaction } from '../database.js';
import { offerCodes, operatorByCode } from '../queries/operators.js';
import {
  clearCredentials, endSessionsOf, insertLink, insertPerson, peopleOf, personByLogin, retireLinks, setPersonProfile, setPersonState, unlockPerson
} from '../queries/portal.js';
import { personFromRow, type PersonRow } from './person-rows.js';
import type { PersonCredentials } from '../../domain/portal-directory.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const newToken = (): string => randomBytes(32).toString('base64url');

export interface Invitation {
  readonly operatorCode: string; readonly login: string; readonly fullName: string; readonly email: string;
  readonly functions: readonly string[]; readonly offers: readonly string[];
}

async function checkProfile(pool: Pool, functions: readonly string[], offers: readonly string[], known: ProfileVocabulary): Promise<void> {
  const profile = { name: 'portail', operations: functions, offers };
  const problems = profileProblems(profile);
  if (problems.length === 0) {
    const allOffers = new Set([...known.offers, ...(await run<{ code: string }>(pool, offerCodes())).map((r) => r.code)]);
    problems.push(...profileReferenceProblems(profile, { operations: known.operations, offers: allOffers }));
  }
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', 'the profile is invalid:', problems);
}

async function newLink(tx: Transaction, userId: string, operatorId: string, purpose: LinkPurpose, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + LINK_VALIDITY_MS);
  await run(tx, retireLinks(userId, now));
  await run(tx, insertLink(sha256(token), userId, operatorId, purpose, now, expiresAt));
  return { token, expiresAt };
}

export async function invitePerson(pool: Pool, inv: Invitation, actor: string, now: Date, known: ProfileVocabulary): Promise<{ person: PersonCredentials; token: string; expiresAt: Date }> {
  const problems = personProblems(inv);
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', 'the person is invalid:', problems);
  await checkProfile(pool, inv.functions, inv.offers, known);
  return transaction(pool, async (tx) => {
    const op = (await run<{ id: string; code: string; access_online: boolean }>(tx, operatorByCode(inv.operatorCode, true)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${inv.operatorCode}`);
    const refusal = onlineAccessProblem(op);
    if (refusal) throw new AdminError('ADMIN_CONFLICT', refusal);
    if ((await run(tx, personByLogin(inv.login, false))).length > 0) throw new AdminError('ADMIN_CONFLICT', `login ${inv.login} is already taken`);
    const id = (await run<{ id: string }>(tx, insertPerson({ operatorId: op.id, login: inv.login, fullName: inv.fullName, email: inv.email,
      functions: inv.functions, offers: inv.offers, at: now })))[0]!.id;
    const link = await newLink(tx, id, op.id, 'invitation', now);
    await recordChange(tx, { actor, action: 'invite', entity: 'portal_user', entityKey: inv.login, operatorId: op.id,
      after: { operator: op.code, login: inv.login, name: inv.fullName, email: inv.email, functions: inv.functions, offers: inv.offers, linkExpiresAt: link.expiresAt } }, null);
    const person = personFromRow((await run<PersonRow>(tx, personByLogin(inv.login, false)))[0]!, now);
    return { person, ...link };
  });
}

export type ListedPerson = PersonCredentials & { readonly lastSignInAt: Date | null; readonly createdAt: Date };

/** The people of one operator (`onlineOnly`: refused when its order form does not ask for online access, O1), or of all. */
export async function listPeople(pool: Pool, operatorCode: string | null, now: Date, onlineOnly = false): Promise<ListedPerson[]> {
  let operatorId: string | null = null;
  if (operatorCode !== null) {
    const op = (await run<{ id: string; code: string; access_online: boolean }>(pool, operatorByCode(operatorCode, false)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
    const refusal = onlineOnly ? onlineAccessProblem(op) : null;
    if (refusal) throw new AdminError('ADMIN_CONFLICT', refusal);
    operatorId = op.id;
  }
  return (await run<PersonRow>(pool, peopleOf(operatorId))).map((r) => listed(r, now));
}

const listed = (r: PersonRow, now: Date): ListedPerson => ({ ...personFromRow(r, now), lastSignInAt: r.last_sign_in_at, createdAt: r.created_at });

async function withPerson<T>(pool: Pool, login: string, fn: (tx: Transaction, row: PersonRow) => Promise<T>, scope?: string): Promise<T> {
  return transaction(pool, async (tx) => {
    const row = (await run<PersonRow>(tx, personByLogin(login, true)))[0];
    if (!row || (scope !== undefined && row.operator_code !== scope)) {
      throw new AdminError('ADMIN_NOT_FOUND', scope !== undefined ? `no portal user ${login} of ${scope}` : `no portal user ${login}`);
    }
    return fn(tx, row);
  });
}

/** One person, as listed. */
export async function showPerson(pool: Pool, login: string, now: Date, scope?: string): Promise<ListedPerson> {
  return withPerson(pool, login, async (_tx, row) => listed(row, now), scope);
}

/** Lifts a lockout before it ends by itself (audited); refused when the person is not locked out. */
export async function unlockPersonNow(pool: Pool, login: string, actor: string, now: Date, scope?: string): Promise<void> {
  await withPerson(pool, login, async (tx, row) => {
    if (row.locked_until === null || row.locked_until.getTime() <= now.getTime()) throw new AdminError('ADMIN_CONFLICT', `${login} is not locked out`);
    await run(tx, unlockPerson(row.id, now));
    await recordChange(tx, { actor, action: 'unlock', entity: 'portal_user', entityKey: login, operatorId: row.operator_id,
      before: { failedAttempts: row.failed_attempts, lockedUntil: row.locked_until }, after: { failedAttempts: 0, lockedUntil: null } }, null);
  }, scope);
}

/** Ends every live session of the person (signed out everywhere; audited); returns how many were live. */
export async function revokeSessions(pool: Pool, login: string, actor: string, now: Date, scope?: string): Promise<number> {
  return withPerson(pool, login, async (tx, row) => {
    const ended = (await run<{ id_sha256: string }>(tx, endSessionsOf(row.id, now, 'revoked'))).length;
    await recordChange(tx, { actor, action: 'revoke-sessions', entity: 'portal_user', entityKey: login, operatorId: row.operator_id,
      after: { sessionsEnded: ended } }, null);
    return ended;
  }, scope);
}

/** Disabling ends the person's sessions at once; enabling gives back the state the credentials allow. */
export async function setEnabled(pool: Pool, login: string, enabled: boolean, actor: string, now: Date, scope?: string): Promise<string> {
  return withPerson(pool, login, async (tx, row) => {
    const state = enabled ? (row.password_hash !== null && row.totp_secret !== null ? 'active' : 'invited') : 'disabled';
    if (enabled && row.state !== 'disabled') throw new AdminError('ADMIN_CONFLICT', `${login} is not disabled (${row.state})`);
    if (!enabled && row.state === 'disabled') throw new AdminError('ADMIN_CONFLICT', `${login} is already disabled`);
    await run(tx, setPersonState(row.id, state, now));
    if (!enabled) await run(tx, endSessionsOf(row.id, now, 'disabled'));
    await recordChange(tx, { actor, action: enabled ? 'enable' : 'disable', entity: 'portal_user', entityKey: login, operatorId: row.operator_id,
      before: { state: row.state }, after: { state } }, null);
    return state;
  }, scope);
}

/** A reset: password and second factor chosen again through a new one-time link; sessions ended, lockout lifted. */
export async function resetPerson(pool: Pool, login: string, actor: string, now: Date, scope?: string): Promise<{ token: string; expiresAt: Date }> {
  return withPerson(pool, login, async (tx, row) => {
    if (row.state === 'disabled') throw new AdminError('ADMIN_CONFLICT', `${login} is disabled: enable it first`);
    await run(tx, clearCredentials(row.id, now));
    await run(tx, endSessionsOf(row.id, now, 'reset'));
    const link = await newLink(tx, row.id, row.operator_id, 'reset', now);
    await recordChange(tx, { actor, action: 'reset', entity: 'portal_user', entityKey: login, operatorId: row.operator_id,
      before: { state: row.state }, after: { state: 'invited', linkExpiresAt: link.expiresAt } }, null);
    return link;
  }, scope);
}

export async function setPersonFunctions(pool: Pool, login: string, functions: readonly string[], offers: readonly string[], actor: string, now: Date,
  known: ProfileVocabulary, scope?: string): Promise<void> {
  await checkProfile(pool, functions, offers, known);
  await withPerson(pool, login, async (tx, row) => {
    await run(tx, setPersonProfile(row.id, functions, offers, now));
    await recordChange(tx, { actor, action: 'set-profile', entity: 'portal_user', entityKey: login, operatorId: row.operator_id,
      before: { functions: row.functions, offers: row.offers }, after: { functions, offers } }, null);
  }, scope);
}
