/**
 * Who is calling (DOMAIN.md A2, A6): an operator, identified by a registered client certificate. The store
 * implements the lookup; the pipeline's authenticate phase only sees this port.
 */
import type { OperatorStatus } from './operator-subscription.js';
import type { Profile } from './profile.js';

export interface Operator {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export interface Caller {
  readonly operator: Operator;
  readonly certificateId: string;
  /** What this certificate may do (A5). */
  readonly profile: Profile;
  /**
   * Who acts, as the ticket's history names them, when it is not a certificate: a person on the portal (A1), e.g.
   * "OPA/portail jdupont". Absent: "<operator>/certificat <id>".
   */
  readonly actor?: string;
}

/** The name a caller's changes carry in a ticket's history. */
export function callerActorName(c: Caller): string {
  return c.actor ?? `${c.operator.code}/certificat ${c.certificateId}`;
}

/** The outcome of authentication: a caller, an unknown certificate, an operator whose contract is not running or does not include the web services. */
export type Authentication =
  | { readonly kind: 'caller'; readonly caller: Caller }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'inactive'; readonly operatorCode: string; readonly status: Exclude<OperatorStatus, { state: 'active' }> }
  /** A1, O1: the operator's order form asks for the online access (the portal) only, not the web services. */
  | { readonly kind: 'online-only'; readonly operatorCode: string };

/** The facts of the TLS peer certificate that authentication uses (already verified by the TLS layer). */
export interface PeerCertificateFacts {
  /** SHA-256 fingerprint, lowercase hex without separators. */
  readonly fingerprint256: string;
  readonly notAfter: Date;
}

export interface Authenticator {
  /** Unknown when the certificate is unregistered, revoked or expired; inactive when its operator's contract is not running. */
  authenticate(peer: PeerCertificateFacts, now: Date): Promise<Authentication>;
  /** The answer still cached for this certificate, without asking the registry; undefined when there is none. */
  cached?(peer: PeerCertificateFacts, now: Date): Authentication | undefined;
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
