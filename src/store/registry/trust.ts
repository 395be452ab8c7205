/**
 * Recognised certificate authorities managed at run time (DOMAIN.md A2). Adding or removing one is audited and
 * notified: every instance rebuilds its TLS context for new handshakes, no restart.
 */
import { certificateFacts } from '../../pki/certificate-authority.js';
import { isCertificateAuthority } from '../../pki/chain.js';
import { AdminError } from '../../errors/admin-error.js';
import { recordChange } from './audit.js';
import { run, transaction, type Pool } from '../database.js';
import { allTrustedCas, insertTrustedCa, removeTrustedCaRow, trustedCaPems, trustedCasByPrefix } from '../queries/registry.js';

export interface TrustedCaRecord { fingerprint_sha256: string; subject: string; not_after: Date; added_at: Date; removed_at: Date | null }

export async function addTrustedCa(pool: Pool, pem: string, actor: string, now: Date): Promise<TrustedCaRecord> {
  const facts = certificateFacts(pem);
  if (!isCertificateAuthority(pem)) throw new AdminError('ADMIN_INVALID_INPUT', `${facts.subject} is not a CA certificate (basicConstraints CA:TRUE)`);
  if (facts.notAfter.getTime() <= now.getTime()) throw new AdminError('ADMIN_INVALID_INPUT', `${facts.subject} expired on ${facts.notAfter.toISOString()}`);
  return transaction(pool, async (client) => {
    const rows = await run<TrustedCaRecord>(client, insertTrustedCa(facts.fingerprint256, facts.subject, facts.notAfter, pem));
    if (rows.length === 0) throw new AdminError('ADMIN_CONFLICT', `${facts.subject} (${facts.fingerprint256}) is already trusted`);
    await recordChange(client, { actor, action: 'add', entity: 'trusted_ca', entityKey: facts.fingerprint256, after: { subject: facts.subject } }, 'trust');
    return rows[0]!;
  });
}

/** Stops trusting a CA added at run time, named by its fingerprint or a unique prefix of 12+ hex digits (the list shows 16). */
export async function removeTrustedCa(pool: Pool, fingerprint: string, actor: string): Promise<TrustedCaRecord> {
  const prefix = fingerprint.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{12,64}$/.test(prefix)) throw new AdminError('ADMIN_INVALID_INPUT', `not a SHA-256 fingerprint (or a prefix of 12+ hex digits): ${fingerprint}`);
  return transaction(pool, async (client) => {
    const matches = await run<{ fingerprint_sha256: string }>(client, trustedCasByPrefix(prefix));
    if (matches.length > 1) throw new AdminError('ADMIN_INVALID_INPUT', `${fingerprint} matches ${matches.length} trusted CAs: give more digits`);
    const fp = matches[0]?.fingerprint_sha256 ?? prefix;
    const rows = await run<TrustedCaRecord>(client, removeTrustedCaRow(fp));
    if (rows.length === 0) throw new AdminError('ADMIN_NOT_FOUND', `no trusted CA ${fingerprint} (the OI's CA and ESAV_TRUSTED_CAS are configured, not managed here)`);
    await recordChange(client, { actor, action: 'remove', entity: 'trusted_ca', entityKey: fp, before: { subject: rows[0]!.subject } }, 'trust');
    return rows[0]!;
  });
}

export async function trustedCas(pool: Pool): Promise<TrustedCaRecord[]> {
  return (await run<TrustedCaRecord>(pool, allTrustedCas()));
}

/** The PEMs of the CAs trusted now (the TLS context is built from them plus the configured ones). */
export async function activeTrustedCaPems(pool: Pool): Promise<string[]> {
  return (await run<{ pem: string }>(pool, trustedCaPems())).map((r) => r.pem);
}
