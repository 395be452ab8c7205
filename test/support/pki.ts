/**
 * Certificates generated for the test run: the OI's CA, a server certificate for localhost, clients for OPA and
 * OPB, a client signed by the CA but unregistered, an expired client, a client of an untrusted CA, and the gateway's
 * own client certificate for push notifications.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
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

/**
 * Validity of the run's certificates: from a fixed early date, so that tests with a clock fixed in the past (the
 * registry checks notBefore against the injected clock) keep passing whatever day the suite runs; until at least
 * two years after the run, so that TLS (which checks the real clock) accepts them.
 */
export const TEST_VALID_FROM = new Date('2025-01-01T00:00:00Z');
export function testValidUntil(now = Date.now()): Date {
  return new Date(Math.max(Date.parse('2031-01-01T00:00:00Z'), now + 730 * 86_400_000));
}

async function build(): Promise<TestPki> {
  const ca = await createCertificateAuthority('CN=Test OI CA, O=BFC Fibre, C=FR');
  const other = await createCertificateAuthority('CN=Untrusted CA, O=Elsewhere, C=FR');
  const third = await createCertificateAuthority('CN=Recognised CA, O=Certification SA, C=FR');
  const now = Date.now();
  const validity = { notBefore: TEST_VALID_FROM, notAfter: testValidUntil(now) };
  return {
    ca: ca.certPem,
    caKey: ca.keyPem,
    server: await issueCertificate(ca, { subject: 'CN=localhost', kind: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], ...validity }),
    opa: await issueCertificate(ca, { subject: 'CN=OPA test, O=Operateur A', kind: 'client', ...validity }),
    opb: await issueCertificate(ca, { subject: 'CN=OPB test, O=Operateur B', kind: 'client', ...validity }),
    unregistered: await issueCertificate(ca, { subject: 'CN=Unregistered', kind: 'client', ...validity }),
    expired: await issueCertificate(ca, { subject: 'CN=OPA expired', kind: 'client', notBefore: new Date(now - 400 * 86_400_000), notAfter: new Date(now - 86_400_000) }),
    untrusted: await issueCertificate(other, { subject: 'CN=OPA via untrusted CA', kind: 'client', ...validity }),
    untrustedCa: other.certPem,
    otherCa: third.certPem,
    otherCaClient: await issueCertificate(third, { subject: 'CN=OPB via recognised CA, O=Operateur B', kind: 'client', ...validity }),
    gatewayClient: await issueCertificate(ca, { subject: 'CN=BFC Fibre e-SAV notifications, O=BFC Fibre', kind: 'client', ...validity }),
    facts: (c) => certificateFacts(c.certPem)
  };
}

/** The run's PKI, generated once. */
export function testPki(): Promise<TestPki> {
  pki ??= build();
  return pki;
}

/** Writes PEM texts as files in `dir` (what a command-line client is given) and answers their paths, by the same names. */
export function pemFiles<K extends string>(dir: string, pems: Readonly<Record<K, { readonly file: string; readonly pem: string }>>): Record<K, string> {
  const paths = {} as Record<K, string>;
  for (const [name, { file, pem }] of Object.entries(pems) as [K, { file: string; pem: string }][]) {
    paths[name] = path.join(dir, file);
    writeFileSync(paths[name], pem);
  }
  return paths;
}
