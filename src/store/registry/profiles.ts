/** Profiles (DOMAIN.md A5): set (create or replace), show, assign to a certificate — each change audited. */
import { profileProblems, profileReferenceProblems, type Profile, type ProfileVocabulary } from '../../domain/profile.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from './audit.js';
import { run, transaction, type Executor, type Pool } from '../database.js';
import {
  certificatesByPrefix, certificateWithProfile, setCertificateProfile
} from '../queries/certificates.js';
import {
  certificatesWithProfile, deleteProfile as deleteProfileRow, lockProfile, offerCodes, operatorIdByCode, profileIdByName, profilesOfOperator, upsertProfile
} from '../queries/operators.js';

export interface ProfileRecord { name: string; operations: string[]; offers: string[]; certificates: number }

/**
 * @param known the gateway's services and their operations (wsdl/) and the offers of the form catalogue: a profile
 * naming an operation, or an offer neither the catalogue nor the database has, is refused (a typo would otherwise grant
 * nothing, silently).
 */
export async function setProfile(pool: Pool, operatorCode: string, profile: Profile, actor: string, known: ProfileVocabulary): Promise<ProfileRecord> {
  const problems = profileProblems(profile);
  if (problems.length === 0) {
    const offers = new Set([...known.offers, ...(await run<{ code: string }>(pool, offerCodes())).map((r) => r.code)]);
    problems.push(...profileReferenceProblems(profile, { operations: known.operations, offers }));
  }
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `profile ${profile.name} is invalid:`, problems);
  return transaction(pool, async (client) => {
    const op = (await run<{ id: string }>(client, operatorIdByCode(operatorCode)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
    const before = (await run(client, lockProfile(op.id, profile.name)))[0];
    await run(client, upsertProfile(op.id, profile));
    await recordChange(client, { actor, action: before ? 'update' : 'create', entity: 'profile', entityKey: `${operatorCode}/${profile.name}`, operatorId: op.id, before, after: profile }, 'certificates');
    return (await profilesOf(client, op.id)).find((p) => p.name === profile.name)!;
  });
}

async function profilesOf(client: Executor, operatorId: string): Promise<ProfileRecord[]> {
  const rows = await run<ProfileRecord>(client, profilesOfOperator(operatorId));
  return rows;
}

export async function showProfiles(pool: Pool, operatorCode: string): Promise<ProfileRecord[]> {
  const op = (await run<{ id: string }>(pool, operatorIdByCode(operatorCode)))[0];
  if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
  return profilesOf(pool, op.id);
}

/**
 * Deletes a profile no certificate carries (any state: a revoked certificate keeps the profile it had, for the audit);
 * otherwise refused, naming them (certificates set-profile moves them to another profile first).
 */
export async function deleteProfile(pool: Pool, operatorCode: string, name: string, actor: string): Promise<void> {
  await transaction(pool, async (client) => {
    const op = (await run<{ id: string }>(client, operatorIdByCode(operatorCode)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
    const before = (await run(client, lockProfile(op.id, name)))[0];
    if (!before) throw new AdminError('ADMIN_NOT_FOUND', `operator ${operatorCode} has no profile ${name}`);
    const carriers = await run<{ fingerprint_sha256: string; state: string }>(client, certificatesWithProfile(op.id, name));
    if (carriers.length > 0) {
      throw new AdminError('ADMIN_CONFLICT', `profile ${name} is carried by ${carriers.length} certificate(s); give them another profile first ` +
        '(certificates set-profile <fingerprint> <profile>):', carriers.map((c) => `${c.fingerprint_sha256.slice(0, 16)}  ${c.state}`));
    }
    await run(client, deleteProfileRow(op.id, name));
    await recordChange(client, { actor, action: 'delete', entity: 'profile', entityKey: `${operatorCode}/${name}`, operatorId: op.id, before, after: null }, 'certificates');
  });
}

/** A registered certificate by its fingerprint or a unique prefix of 12+ hex digits (the lists show 16), colons allowed. */
export async function certificateFingerprint(client: Executor, fingerprint: string): Promise<string> {
  const prefix = fingerprint.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{12,64}$/.test(prefix)) throw new AdminError('ADMIN_INVALID_INPUT', `not a SHA-256 fingerprint (or a prefix of 12+ hex digits): ${fingerprint}`);
  const matches = await run<{ fingerprint_sha256: string }>(client, certificatesByPrefix(prefix));
  if (matches.length === 0) throw new AdminError('ADMIN_NOT_FOUND', `no certificate ${fingerprint}`);
  if (matches.length > 1) throw new AdminError('ADMIN_INVALID_INPUT', `${fingerprint} matches ${matches.length} certificates: give more digits`);
  return matches[0]!.fingerprint_sha256;
}

/** Gives a registered certificate (fingerprint or unique prefix) another profile of its operator. */
export async function assignProfile(pool: Pool, fingerprintOrPrefix: string, profileName: string, actor: string): Promise<void> {
  await transaction(pool, async (client) => {
    const fingerprint = await certificateFingerprint(client, fingerprintOrPrefix);
    const c = (await run<{ id: string; operator_id: string; code: string; profile: string }>(client, certificateWithProfile(fingerprint)))[0];
    if (!c) throw new AdminError('ADMIN_NOT_FOUND', `no certificate ${fingerprintOrPrefix}`);
    const p = (await run<{ id: string }>(client, profileIdByName(c.operator_id, profileName)))[0];
    if (!p) throw new AdminError('ADMIN_NOT_FOUND', `operator ${c.code} has no profile ${profileName}`);
    await run(client, setCertificateProfile(c.id, p.id));
    await recordChange(client, { actor, action: 'assign-profile', entity: 'certificate', entityKey: fingerprint, operatorId: c.operator_id, before: { profile: c.profile }, after: { profile: profileName } }, 'certificates');
  });
}
