/**
 * Mutual TLS (DOMAIN.md A2): requestCert + rejectUnauthorized, trusting the OI's own CA plus the configured
 * recognised CAs. A handshake without a certificate, with an untrusted chain or an expired certificate fails
 * in TLS; what TLS accepted is then checked against the registry by the pipeline.
 */
import type { TLSSocket } from 'node:tls';
import type { PeerCertificateFacts } from '../domain/identity.js';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** The OI's CA first, then the recognised CAs. */
  readonly ca: readonly string[];
}

export function httpsOptions(tls: TlsMaterial) {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: [...tls.ca],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2' as const,
    honorCipherOrder: true,
    // Session tickets (on by default in Node) let operators' clients resume instead of a full handshake.
    sessionTimeout: 300
  };
}

const facts = new WeakMap<TLSSocket, PeerCertificateFacts | null>();

/** The verified peer certificate of a connection, read once per connection (it cannot change on it). */
export function peerCertificate(socket: TLSSocket): PeerCertificateFacts | null {
  const known = facts.get(socket);
  if (known !== undefined) return known;
  let result: PeerCertificateFacts | null = null;
  if (socket.authorized) {
    const cert = socket.getPeerCertificate();
    if (cert && cert.fingerprint256) {
      result = { fingerprint256: cert.fingerprint256.replace(/:/g, '').toLowerCase(), notAfter: new Date(cert.valid_to) };
    }
  }
  facts.set(socket, result);
  return result;
}

const UNKNOWN_CA = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE']);

/**
 * Why a TLS handshake failed, for the metrics: a client certificate the chain check refused is only known from the
 * socket's authorizationError (Node destroys the socket, and the error it reports is then ECONNRESET).
 */
export function handshakeFailureReason(error: NodeJS.ErrnoException, socket: { readonly authorizationError?: Error | string | null } | undefined): string {
  const verify = socket?.authorizationError;
  const code = typeof verify === 'string' ? verify : verify instanceof Error ? (verify as NodeJS.ErrnoException).code ?? verify.message : null;
  if (code) {
    if (UNKNOWN_CA.has(code)) return 'UNKNOWN_CA';
    if (code === 'CERT_HAS_EXPIRED') return 'CERTIFICATE_EXPIRED';
    if (code === 'CERT_NOT_YET_VALID') return 'CERTIFICATE_NOT_YET_VALID';
    return code;
  }
  if (error.code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return 'NO_CERTIFICATE';
  return error.code ?? 'unknown';
}
