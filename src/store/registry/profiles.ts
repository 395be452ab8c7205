/** Profiles (DOMAIN.md A5): set (create or replace), show, assign to a certificate — each change audited. */
import { profileProblems, type Profile } from '../../domain/profile.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from './audit.js';
import { run, transaction, type Executor, type Pool } from '../database.js';

export interface ProfileRecord { name: string; operations: string[]; offers: string[]; certificates: number }

export async function setProfile(pool: Pool, operatorCode: string, profile: Profile, actor: string): Promise<ProfileRecord> {
  const problems = profileProblems(profile);
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `profile ${profile.name} is invalid:`, problems);
  return transaction(pool, async (client) => {
    const op = (await run<{ id: string }>(client, { text: 'SELECT id FROM operator WHERE code = $1', values: [operatorCode] }))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
    const before = (await run(client, {
      text: 'SELECT name, operations, offers FROM profile WHERE operator_id = $1 AND name = $2 FOR UPDATE', values: [op.id, profile.name] }))[0];
    await run(client, { text: `INSERT INTO profile (operator_id, name, operations, offers) VALUES ($1, $2, $3, $4)
       ON CONFLICT (operator_id, name) DO UPDATE SET operations = EXCLUDED.operations, offers = EXCLUDED.offers`,
         values: [op.id, profile.name, profile.operations, profile.offers] });
    await recordChange(client, { actor, action: before ? 'update' : 'create', entity: 'profile', entityKey: `${operatorCode}/${profile.name}`, operatorId: op.id, before, after: profile }, 'certificates');
    return (await profilesOf(client, op.id)).find((p) => p.name === profile.name)!;
  });
}

async function profilesOf(client: Executor, operatorId: string): Promise<ProfileRecord[]> {
  const rows = await run<ProfileRecord>(client, { text: `SELECT p.name, p.operations, p.offers, count(c.id)::int AS certificates
       FROM profile p LEFT JOIN client_certificate c ON c.profile_id = p.id AND c.state = 'active'
      WHERE p.operator_id = $1 GROUP BY p.id ORDER BY p.name`, values: [operatorId] });
  return rows;
}

export async function showProfiles(pool: Pool, operatorCode: string): Promise<ProfileRecord[]> {
  const op = (await run<{ id: string }>(pool, { text: 'SELECT id FROM operator WHERE code = $1', values: [operatorCode] }))[0];
  if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
  return profilesOf(pool, op.id);
}

/** Gives a registered certificate another profile of its operator. */
export async function assignProfile(pool: Pool, fingerprint: string, profileName: string, actor: string): Promise<void> {
  await transaction(pool, async (client) => {
    const c = (await run<{ id: string; operator_id: string; code: string; profile: string }>(client, {
      text: `SELECT c.id, c.operator_id, o.code, p.name AS profile FROM client_certificate c JOIN operator o ON o.id = c.operator_id
         JOIN profile p ON p.id = c.profile_id WHERE c.fingerprint_sha256 = $1 FOR UPDATE OF c`, values: [fingerprint] }))[0];
    if (!c) throw new AdminError('ADMIN_NOT_FOUND', `no certificate ${fingerprint}`);
    const p = (await run<{ id: string }>(client, {
      text: 'SELECT id FROM profile WHERE operator_id = $1 AND name = $2', values: [c.operator_id, profileName] }))[0];
    if (!p) throw new AdminError('ADMIN_NOT_FOUND', `operator ${c.code} has no profile ${profileName}`);
    await run(client, { text: 'UPDATE client_certificate SET profile_id = $2 WHERE id = $1', values: [c.id, p.id] });
    await recordChange(client, { actor, action: 'assign-profile', entity: 'certificate', entityKey: fingerprint, operatorId: c.operator_id, before: { profile: c.profile }, after: { profile: profileName } }, 'certificates');
  });
}
