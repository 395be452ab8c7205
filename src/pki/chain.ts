/**
 * Which trusted CA issued a certificate (DOMAIN.md A2: a certificate from the OI's CA or from a recognised CA).
 * One level: operators' certificates are issued directly by a CA of the trust store; intermediate CAs are added to
 * the trust store themselves.
 */
import { X509Certificate } from 'node:crypto';

export interface TrustAnchor {
  readonly pem: string;
  /** 'oi' for the OI's own CA, 'recognised' for the others. */
  readonly kind: 'oi' | 'recognised';
}

export function issuerOf(certPem: string, anchors: readonly TrustAnchor[]): TrustAnchor | null {
  const cert = new X509Certificate(certPem);
  for (const anchor of anchors) {
    const ca = new X509Certificate(anchor.pem);
    if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return anchor;
  }
  return null;
}

/** Splits a PEM bundle into its certificates. */
export function splitPemBundle(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((p) => `${p}\n`) ?? [];
}

export function isCertificateAuthority(pem: string): boolean {
  return new X509Certificate(pem).ca;
}
