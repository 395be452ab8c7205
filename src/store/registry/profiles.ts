/** Profiles (DOMAIN.md A5): set (create or replace), show, assign to a certificate — each change audited. */
import { profileProblems, type Profile } from '../../domain/profile.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from './audit.js';
import { run, transaction, type Executor, type Pool } from '../database.js';
import { certificateWithProfile, setCertificateProfile } from '../queries/certificates.js';
import { lockProfile, operatorIdByCode, profileIdByName, profilesOfOperator, upsertProfile } from '../queries/operators.js';

export interface ProfileRecord { name: string; operations: string[]; offers: string[]; certificates: number }

export async function setProfile(pool: Pool, operatorCode: string, profile: Profile, actor: string): Promise<ProfileRecord> {
  const problems = profileProblems(profile);
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

/** Gives a registered certificate another profile of its operator. */
export async function assignProfile(pool: Pool, fingerprint: string, profileName: string, actor: string): Promise<void> {
  await transaction(pool, async (client) => {
    const c = (await run<{ id: string; operator_id: string; code: string; profile: string }>(client, certificateWithProfile(fingerprint)))[0];
    if (!c) throw new AdminError('ADMIN_NOT_FOUND', `no certificate ${fingerprint}`);
    const p = (await run<{ id: string }>(client, profileIdByName(c.operator_id, profileName)))[0];
    if (!p) throw new AdminError('ADMIN_NOT_FOUND', `operator ${c.code} has no profile ${profileName}`);
    await run(client, setCertificateProfile(c.id, p.id));
    await recordChange(client, { actor, action: 'assign-profile', entity: 'certificate', entityKey: fingerprint, operatorId: c.operator_id, before: { profile: c.profile }, after: { profile: profileName } }, 'certificates');
  });
}
