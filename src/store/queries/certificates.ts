/** SQL of the certificate registry (DOMAIN.md A2, A3, A5). */
import type { CertificateFacts } from '../../domain/identity.js';
import type { Query } from '../database.js';

/**
 * The operator and profile of an active, unexpired certificate (an expired one is refused even if still marked
 * active), with the operator's contract dates so that a terminated or future operator can be told so, and whether
 * its order form asked for the integrated access (A1, O1).
 */
export function findActiveCertificate(fingerprint256: string, at: Date): Query {
  return {
    name: 'certificate-find-active',
    text: `
      SELECT c.id AS certificate_id, o.id AS operator_id, o.code, o.name,
             to_char(o.activation_date, 'YYYY-MM-DD') AS activation_date, to_char(o.end_date, 'YYYY-MM-DD') AS end_date,
             o.access_integrated, p.name AS profile_name, p.operations, p.offers
        FROM client_certificate c
        JOIN operator o ON o.id = c.operator_id
        JOIN profile p ON p.id = c.profile_id AND p.operator_id = c.operator_id
       WHERE c.fingerprint_sha256 = $1 AND c.state = 'active' AND c.not_before <= $2 AND c.not_after > $2`,
    values: [fingerprint256, at]
  };
}

export type CertificateRow = CertificateFacts & {
  readonly operatorId: string;
  readonly profileId: string;
  readonly source: 'oi_ca' | 'recognised_ca';
};

export function insertCertificate(c: CertificateRow): Query {
  return {
    text: `INSERT INTO client_certificate (operator_id, fingerprint_sha256, subject, issuer, serial_number, not_before, not_after, profile_id, source)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (fingerprint_sha256) DO NOTHING
           RETURNING id`,
    values: [c.operatorId, c.fingerprint256, c.subject, c.issuer, c.serialNumber, c.notBefore, c.notAfter, c.profileId, c.source]
  };
}

/** The active, unexpired certificates of an operator (the renewal overlap allows two). */
export function activeCertificatesOf(operatorId: string, at: Date): Query {
  return {
    text: `SELECT id, fingerprint_sha256, subject, not_after FROM client_certificate
            WHERE operator_id = $1 AND state = 'active' AND not_after > $2 ORDER BY not_after`,
    values: [operatorId, at]
  };
}

export function listCertificates(operatorId: string | null): Query {
  return {
    text: `SELECT c.id, o.code AS operator, c.fingerprint_sha256, c.subject, c.issuer, c.serial_number, c.source, c.state,
                  c.not_before, c.not_after, c.revoked_at, c.revoked_reason, p.name AS profile
             FROM client_certificate c JOIN operator o ON o.id = c.operator_id JOIN profile p ON p.id = c.profile_id
            WHERE $1::bigint IS NULL OR c.operator_id = $1
            ORDER BY o.code, c.not_after`,
    values: [operatorId]
  };
}

/** Active certificates whose notAfter falls before a limit (the renewal window, A3). */
export function expiringCertificates(before: Date, at: Date): Query {
  return {
    text: `SELECT c.id, o.code AS operator, c.fingerprint_sha256, c.subject, c.not_after
             FROM client_certificate c JOIN operator o ON o.id = c.operator_id
            WHERE c.state = 'active' AND c.not_after > $2 AND c.not_after <= $1
            ORDER BY c.not_after`,
    values: [before, at]
  };
}

/** The operator a certificate is registered to (a fingerprint is registered once). */
export function certificateOwner(fingerprint256: string): Query {
  return {
    text: 'SELECT o.code FROM client_certificate c JOIN operator o ON o.id = c.operator_id WHERE c.fingerprint_sha256 = $1',
    values: [fingerprint256]
  };
}

/** The certificates whose fingerprint starts with the prefix, locked for a revocation. */
export function certificatesByPrefix(prefix: string): Query {
  return {
    text: "SELECT id, operator_id, fingerprint_sha256, state FROM client_certificate WHERE fingerprint_sha256 LIKE $1 || '%' FOR UPDATE",
    values: [prefix]
  };
}

export function markCertificateRevoked(id: string, at: Date, reason: string): Query {
  return { text: "UPDATE client_certificate SET state = 'revoked', revoked_at = $2, revoked_reason = $3 WHERE id = $1", values: [id, at, reason] };
}

/** One certificate as listCertificates lists it. */
export function certificateListingById(id: string): Query {
  return {
    text: `SELECT c.id, o.code AS operator, c.fingerprint_sha256, c.subject, c.issuer, c.serial_number, c.source, c.state, c.not_before,
              c.not_after, c.revoked_at, c.revoked_reason, p.name AS profile
         FROM client_certificate c JOIN operator o ON o.id = c.operator_id JOIN profile p ON p.id = c.profile_id WHERE c.id = $1`,
    values: [id]
  };
}

/** A certificate with its operator and profile, locked for a change of profile. */
export function certificateWithProfile(fingerprint256: string): Query {
  return {
    text: `SELECT c.id, c.operator_id, o.code, p.name AS profile FROM client_certificate c JOIN operator o ON o.id = c.operator_id
         JOIN profile p ON p.id = c.profile_id WHERE c.fingerprint_sha256 = $1 FOR UPDATE OF c`,
    values: [fingerprint256]
  };
}

export function setCertificateProfile(certificateId: string, profileId: string): Query {
  return { text: 'UPDATE client_certificate SET profile_id = $2 WHERE id = $1', values: [certificateId, profileId] };
}
