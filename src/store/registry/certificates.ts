/**
 * The certificate registry's administration (DOMAIN.md A2, A3): register, list, revoke, expiring. At most two
 * active certificates per operator (the renewal overlap); a third is refused naming the two.
 */
import { freeTextProblem, TEXT_MAX_LENGTH } from '../../domain/free-text.js';
import type { CertificateFacts } from '../../domain/identity.js';
import { addWorkingDays } from '../../domain/french-calendar.js';
import { parisDate, parisMidnight } from '../../domain/calendar.js';
import { AdminError } from '../../errors/admin-error.js';
import {
  activeCertificatesOf, certificateListingById, certificateOwner, certificatesByPrefix, expiringCertificates, insertCertificate, listCertificates,
  markCertificateRevoked
} from '../queries/certificates.js';
import { lockOperatorIdByCode, operatorIdByCode, profileIdByName } from '../queries/operators.js';
import { recordChange } from './audit.js';
import { run, transaction, type Pool } from '../database.js';

export const MAX_ACTIVE_CERTIFICATES = 2;

export interface RegisterRequest {
  readonly operatorCode: string;
  readonly facts: CertificateFacts;
  readonly source: 'oi_ca' | 'recognised_ca';
  readonly profileName: string;
}

export async function registerCertificate(pool: Pool, r: RegisterRequest, actor: string, now: Date): Promise<{ id: string }> {
  if (r.facts.notAfter.getTime() <= now.getTime()) {
    throw new AdminError('ADMIN_INVALID_INPUT', `the certificate expired on ${r.facts.notAfter.toISOString()}`);
  }
  return transaction(pool, async (client) => {
    // The operator row is locked so that two registrations at once cannot both pass the two-certificate rule.
    const op = (await run<{ id: string }>(client, lockOperatorIdByCode(r.operatorCode)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${r.operatorCode}`);
    const profile = (await run<{ id: string }>(client, profileIdByName(op.id, r.profileName)))[0];
    if (!profile) throw new AdminError('ADMIN_NOT_FOUND', `operator ${r.operatorCode} has no profile ${r.profileName}`);
    const known = (await run<{ code: string }>(client, certificateOwner(r.facts.fingerprint256)))[0];
    if (known) throw new AdminError('ADMIN_CONFLICT', `this certificate (${r.facts.fingerprint256}) is already registered to ${known.code}`);
    const active = await run<{ fingerprint_sha256: string; subject: string; not_after: Date }>(client, activeCertificatesOf(op.id, now));
    if (active.length >= MAX_ACTIVE_CERTIFICATES) throw tooManyCertificates(r.operatorCode, active);
    const [row] = await run<{ id: string }>(client, insertCertificate({ ...r.facts, operatorId: op.id, profileId: profile.id, source: r.source }));
    await recordChange(client, {
      actor, action: 'register', entity: 'certificate', entityKey: r.facts.fingerprint256, operatorId: op.id,
      after: { ...r.facts, source: r.source, profile: r.profileName }
    }, 'certificates');
    return { id: String(row!.id) };
  });
}

/** The two-certificate rule checked before issuing (registration checks it again, under the operator's lock). */
export async function assertRoomForCertificate(pool: Pool, operatorCode: string, now: Date): Promise<void> {
  const op = (await run<{ id: string }>(pool, operatorIdByCode(operatorCode)))[0];
  if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
  const active = await run<{ fingerprint_sha256: string; subject: string; not_after: Date }>(pool, activeCertificatesOf(op.id, now));
  if (active.length >= MAX_ACTIVE_CERTIFICATES) throw tooManyCertificates(operatorCode, active);
}

function tooManyCertificates(code: string, active: readonly { fingerprint_sha256: string; subject: string; not_after: Date }[]): AdminError {
  return new AdminError('ADMIN_CONFLICT',
    `${code} already has ${active.length} active certificates (the renewal overlap allows ${MAX_ACTIVE_CERTIFICATES}); revoke one first:`,
    active.map((a) => `${a.fingerprint_sha256}  ${a.subject}  expires ${a.not_after.toISOString()}`));
}

export interface CertificateListing {
  id: string; operator: string; fingerprint_sha256: string; subject: string; issuer: string; serial_number: string;
  source: string; state: string; not_before: Date; not_after: Date; revoked_at: Date | null; revoked_reason: string | null; profile: string;
}

export async function certificates(pool: Pool, operatorCode: string | null): Promise<CertificateListing[]> {
  let operatorId: string | null = null;
  if (operatorCode !== null) {
    const op = (await run<{ id: string }>(pool, operatorIdByCode(operatorCode)))[0];
    if (!op) throw new AdminError('ADMIN_NOT_FOUND', `no operator ${operatorCode}`);
    operatorId = op.id;
  }
  return run<CertificateListing>(pool, listCertificates(operatorId));
}

/** Revokes a certificate by its fingerprint (or a unique prefix of at least 12 hex digits). */
export async function revokeCertificate(pool: Pool, fingerprint: string, reason: string, actor: string, now: Date): Promise<CertificateListing> {
  const prefix = fingerprint.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{12,64}$/.test(prefix)) throw new AdminError('ADMIN_INVALID_INPUT', `not a SHA-256 fingerprint (or a prefix of 12+ hex digits): ${fingerprint}`);
  if (reason.trim() === '') throw new AdminError('ADMIN_INVALID_INPUT', 'a revocation needs a reason (--reason)');
  // Kept in the audit trail: a NUL was PostgreSQL's error, not a refusal (src/domain/free-text.ts).
  const text = freeTextProblem('--reason', reason, TEXT_MAX_LENGTH.reason);
  if (text) throw new AdminError('ADMIN_INVALID_INPUT', 'the revocation is refused:', [text.message]);
  return transaction(pool, async (client) => {
    const matches = (await run<{ id: string; operator_id: string; fingerprint_sha256: string; state: string }>(client, certificatesByPrefix(prefix)));
    if (matches.length === 0) throw new AdminError('ADMIN_NOT_FOUND', `no certificate ${fingerprint}`);
    if (matches.length > 1) throw new AdminError('ADMIN_INVALID_INPUT', `${fingerprint} matches ${matches.length} certificates: give more digits`);
    const c = matches[0]!;
    if (c.state === 'revoked') throw new AdminError('ADMIN_CONFLICT', `certificate ${c.fingerprint_sha256} is already revoked`);
    await run(client, markCertificateRevoked(c.id, now, reason));
    await recordChange(client, { actor, action: 'revoke', entity: 'certificate', entityKey: c.fingerprint_sha256, operatorId: c.operator_id, before: { state: 'active' }, after: { state: 'revoked', reason } }, 'certificates');
    const rows = await run<CertificateListing>(client, certificateListingById(c.id));
    return rows[0]!;
  });
}

export interface ExpiringCertificate { id: string; operator: string; fingerprint_sha256: string; subject: string; not_after: Date }

/** A3: the active certificates that expire within `workingDays` French working days from today (Paris). */
export async function expiringWithin(pool: Pool, now: Date, workingDays: number): Promise<{ limit: string; certificates: ExpiringCertificate[] }> {
  const limit = addWorkingDays(parisDate(now), workingDays);
  // "Within" the window: up to the end (Paris) of its last working day.
  const end = parisMidnight(nextDay(limit));
  return { limit, certificates: await run<ExpiringCertificate>(pool, expiringCertificates(end, now)) };
}

function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
