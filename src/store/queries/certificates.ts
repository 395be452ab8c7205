/** SQL of the certificate registry (DOMAIN.md A2, A3). */
import type { CertificateFacts } from '../../domain/identity.js';
import type { Query } from '../database.js';

/** The operator of an active, unexpired certificate (an expired one is refused even if still marked active). */
export function findActiveCertificate(fingerprint256: string, at: Date): Query {
  return {
    name: 'certificate-find-active',
    text: `
      SELECT c.id AS certificate_id, o.id AS operator_id, o.code, o.name
        FROM client_certificate c JOIN operator o ON o.id = c.operator_id
       WHERE c.fingerprint_sha256 = $1 AND c.state = 'active' AND c.not_before <= $2 AND c.not_after > $2`,
    values: [fingerprint256, at]
  };
}

export type CertificateRow = CertificateFacts & { readonly operatorId: string };

export function insertCertificate(c: CertificateRow): Query {
  return {
    text: `INSERT INTO client_certificate (operator_id, fingerprint_sha256, subject, issuer, serial_number, not_before, not_after)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (fingerprint_sha256) DO NOTHING`,
    values: [c.operatorId, c.fingerprint256, c.subject, c.issuer, c.serialNumber, c.notBefore, c.notAfter]
  };
}
