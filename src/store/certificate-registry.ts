/**
 * Authentication against the certificate registry (DOMAIN.md A2, A3, A5). The answer for a fingerprint is cached
 * for at most ESAV_AUTH_CACHE_TTL_MS (2 s by default) and never past the certificate's notAfter; the registry
 * watcher clears the cache as soon as a change is notified, so a revocation applies to the next request.
 */
import { parisDate } from '../domain/calendar.js';
import type { Authentication, Authenticator, PeerCertificateFacts } from '../domain/identity.js';
import { operatorStatus } from '../domain/operator-subscription.js';
import { run, type Pool } from './database.js';
import { findActiveCertificate } from './queries/certificates.js';

interface Row {
  certificate_id: string; operator_id: string; code: string; name: string; activation_date: string; end_date: string | null;
  access_integrated: boolean; profile_name: string; operations: string[]; offers: string[];
}

interface Entry { result: Authentication; until: number }

export interface CachingAuthenticator extends Authenticator {
  /** Forgets every cached answer (called when the registry changes). */
  clear(): void;
}

const UNKNOWN: Authentication = Object.freeze({ kind: 'unknown' });

export function createCertificateAuthenticator(pool: Pool, ttlMs: number, maxEntries = 10_000): CachingAuthenticator {
  const cache = new Map<string, Entry>();
  const cached = (peer: PeerCertificateFacts, now: Date): Authentication | undefined => {
    const t = now.getTime();
    if (t >= peer.notAfter.getTime()) return UNKNOWN;
    const hit = cache.get(peer.fingerprint256);
    return hit && hit.until > t ? hit.result : undefined;
  };
  return {
    clear: () => cache.clear(),
    cached,
    async authenticate(peer: PeerCertificateFacts, now: Date): Promise<Authentication> {
      const known = cached(peer, now);
      if (known !== undefined) return known;
      const t = now.getTime();
      const [row] = await run<Row>(pool, findActiveCertificate(peer.fingerprint256, now));
      let result: Authentication = UNKNOWN;
      if (row) {
        const status = operatorStatus(row.activation_date, row.end_date, parisDate(now));
        result = status.state !== 'active' ? { kind: 'inactive', operatorCode: row.code, status }
          // A1, O1: an order form that asks for the online access only opens no web service.
          : !row.access_integrated ? { kind: 'online-only', operatorCode: row.code }
          : {
              kind: 'caller',
              caller: {
                operator: { id: String(row.operator_id), code: row.code, name: row.name },
                certificateId: String(row.certificate_id),
                profile: { name: row.profile_name, operations: row.operations, offers: row.offers }
              }
            };
      }
      if (ttlMs > 0) {
        if (cache.size >= maxEntries) cache.clear();
        cache.set(peer.fingerprint256, { result, until: Math.min(t + ttlMs, peer.notAfter.getTime()) });
      }
      return result;
    }
  };
}
