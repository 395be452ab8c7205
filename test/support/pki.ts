/**
 * Certificates generated for the test run: the OI's CA, a server certificate for localhost, clients for OPA and
 * OPB, a client signed by the CA but unregistered, an expired client, a client of an untrusted CA, and the gateway's
 * own client certificate for push notifications.
 */
import {
  certificateFacts, createCertificateAuthority, issueCertificate, type CertificateFacts, type IssuedCertificate
} from '../../src/pki/certificate-authority.js';

export interface TestPki {
  readonly ca: string;
  readonly caKey: string;
  readonly server: IssuedCertificate;
  readonly opa: IssuedCertificate;
  readonly opb: IssuedCertificate;
  readonly unregistered: IssuedCertificate;
  readonly expired: IssuedCertificate;
  readonly untrusted: IssuedCertificate;
  readonly untrustedCa: string;
  /** A second, unrelated CA and one of its clients, for trust-store changes at run time. */
  readonly otherCa: string;
  readonly otherCaClient: IssuedCertificate;
  /** The gateway's own client certificate, for its outbound calls (push notifications). */
  readonly gatewayClient: IssuedCertificate;
  facts(c: IssuedCertificate): CertificateFacts;
}

let pki: Promise<TestPki> | null = null;

async function build(): Promise<TestPki> {
  const ca = await createCertificateAuthority('CN=Test OI CA, O=BFC Fibre, C=FR');
  const other = await createCertificateAuthority('CN=Untrusted CA, O=Elsewhere, C=FR');
  const third = await createCertificateAuthority('CN=Recognised CA, O=Certification SA, C=FR');
  const now = Date.now();
  return {
    ca: ca.certPem,
    caKey: ca.keyPem,
    server: await issueCertificate(ca, { subject: 'CN=localhost', kind: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
    opa: await issueCertificate(ca, { subject: 'CN=OPA test, O=Operateur A', kind: 'client' }),
    opb: await issueCertificate(ca, { subject: 'CN=OPB test, O=Operateur B', kind: 'client' }),
    unregistered: await issueCertificate(ca, { subject: 'CN=Unregistered', kind: 'client' }),
    expired: await issueCertificate(ca, { subject: 'CN=OPA expired', kind: 'client', notBefore: new Date(now - 400 * 86_400_000), notAfter: new Date(now - 86_400_000) }),
    untrusted: await issueCertificate(other, { subject: 'CN=OPA via untrusted CA', kind: 'client' }),
    untrustedCa: other.certPem,
    otherCa: third.certPem,
    otherCaClient: await issueCertificate(third, { subject: 'CN=OPB via recognised CA, O=Operateur B', kind: 'client' }),
    gatewayClient: await issueCertificate(ca, { subject: 'CN=BFC Fibre e-SAV notifications, O=BFC Fibre', kind: 'client' }),
    facts: (c) => certificateFacts(c.certPem)
  };
}

/** The run's PKI, generated once. */
export function testPki(): Promise<TestPki> {
  pki ??= build();
  return pki;
}
