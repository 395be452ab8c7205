/**
 * Who is calling (DOMAIN.md A2, A6): an operator, identified by a registered client certificate. The store
 * implements the lookup; the pipeline's authenticate phase only sees this port.
 */
export interface Operator {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export interface Caller {
  readonly operator: Operator;
  readonly certificateId: string;
}

/** The facts of the TLS peer certificate that authentication uses (already verified by the TLS layer). */
export interface PeerCertificateFacts {
  /** SHA-256 fingerprint, lowercase hex without separators. */
  readonly fingerprint256: string;
  readonly notAfter: Date;
}

export interface Authenticator {
  /** The caller a certificate belongs to, or null when it is unregistered, not active or expired. */
  authenticate(peer: PeerCertificateFacts, now: Date): Promise<Caller | null>;
}

/** What the registry keeps of a client certificate: SHA-256 fingerprint (lowercase hex), subject, issuer, serial, validity. */
export interface CertificateFacts {
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}
