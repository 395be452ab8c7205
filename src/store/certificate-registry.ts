/**
 * Authentication against the certificate registry (DOMAIN.md A2, A3). The answer for a fingerprint is cached for
 * a bounded time (ESAV_AUTH_CACHE_TTL_MS, 2 s by default): a revocation or a registration made in the database
 * reaches every instance within that delay. A cached answer never outlives the certificate's notAfter.
 */
import type { Authenticator, Caller, PeerCertificateFacts } from '../domain/identity.js';
import { run, type Pool } from './database.js';
import { findActiveCertificate } from './queries/certificates.js';

interface Row { certificate_id: string; operator_id: string; code: string; name: string }

interface Entry { caller: Caller | null; until: number }

export function createCertificateAuthenticator(pool: Pool, ttlMs: number, maxEntries = 10_000): Authenticator {
  const cache = new Map<string, Entry>();
  return {
    async authenticate(peer: PeerCertificateFacts, now: Date): Promise<Caller | null> {
      const t = now.getTime();
      if (t >= peer.notAfter.getTime()) return null;
      const hit = cache.get(peer.fingerprint256);
      if (hit && hit.until > t) return hit.caller;
      const [row] = await run<Row>(pool, findActiveCertificate(peer.fingerprint256, now));
      const caller: Caller | null = row
        ? { operator: { id: String(row.operator_id), code: row.code, name: row.name }, certificateId: String(row.certificate_id) }
        : null;
      if (ttlMs > 0) {
        if (cache.size >= maxEntries) cache.clear();
        cache.set(peer.fingerprint256, { caller, until: Math.min(t + ttlMs, peer.notAfter.getTime()) });
      }
      return caller;
    }
  };
}
