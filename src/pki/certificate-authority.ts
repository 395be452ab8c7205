/**
 * X.509 issuance with ECDSA P-256 (the OI's own certificate authority, DOMAIN.md A2): a CA, server and client
 * certificates. Used by the development PKI and by the tests; the operators issue builds on it for CSRs.
 */
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CodedError } from '../errors/coded-error.js';
import type { CertificateFacts } from '../domain/identity.js';

export type { CertificateFacts };

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateAuthority extends IssuedCertificate {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
}

export interface IssueOptions {
  readonly subject: string;
  readonly kind: 'server' | 'client';
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  return bytes.toString('hex');
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n`;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

export async function createCertificateAuthority(subject: string, validityDays = 3650, now = new Date()): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subject,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + validityDays * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)
    ]
  });
  return { certificate, privateKey: keys.privateKey, certPem: certificate.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
}

async function signLeaf(ca: CertificateAuthority, publicKey: CryptoKey | x509.PublicKey, options: IssueOptions, now: Date): Promise<string> {
  const san: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value }))
  ];
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: options.subject,
    issuer: ca.certificate.subject,
    notBefore: options.notBefore ?? new Date(now.getTime() - DAY),
    notAfter: options.notAfter ?? new Date(now.getTime() + 825 * DAY),
    signingAlgorithm: ALG,
    publicKey,
    signingKey: ca.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([options.kind === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      ...(san.length > 0 ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate)
    ]
  });
  return certificate.toString('pem') + '\n';
}

/** A certificate and its freshly generated key (development setup and tests: the OI never keeps an operator's key). */
export async function issueCertificate(ca: CertificateAuthority, options: IssueOptions, now = new Date()): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  return { certPem: await signLeaf(ca, keys.publicKey, options, now), keyPem: await keyPem(keys.privateKey) };
}

export class CsrError extends CodedError<'ESAV_CSR_INVALID'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ESAV_CSR_INVALID', message, options);
  }
}

/**
 * A client certificate for the key of a PKCS#10 request an operator sent (DOMAIN.md A2: issued by the OI's CA).
 * The request's signature proves the operator holds the key; its subject is kept unless one is given.
 */
export async function issueFromCsr(ca: CertificateAuthority, csrPem: string, options: { subject?: string; validityDays: number }, now = new Date()): Promise<string> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (e) {
    throw new CsrError('not a PEM certificate signing request (PKCS#10)', { cause: e });
  }
  if (!(await csr.verify())) throw new CsrError('the signing request is not signed by its own key');
  const subject = options.subject ?? csr.subject;
  if (!/CN=/.test(subject)) throw new CsrError(`the subject "${subject}" has no common name (CN=…)`);
  return signLeaf(ca, csr.publicKey, { subject, kind: 'client', notBefore: new Date(now.getTime() - 3_600_000) /* an hour of clock skew tolerated */, notAfter: new Date(now.getTime() + options.validityDays * DAY) }, now);
}

/** A signing request and its key, as an operator's system would make them (tests, integration sandboxes). */
export async function createSigningRequest(subject: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: ALG });
  return { csrPem: csr.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
}

export async function loadCertificateAuthority(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const certificate = new x509.X509Certificate(certPem);
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const privateKey = (await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign'])) as unknown as CryptoKey;
  return { certificate, privateKey, certPem, keyPem };
}

export function normaliseFingerprint(fp: string): string {
  return fp.replace(/:/g, '').toLowerCase();
}

export function certificateFacts(pem: string): CertificateFacts {
  const c = new NodeX509(pem);
  return {
    fingerprint256: normaliseFingerprint(c.fingerprint256),
    subject: c.subject.replace(/\n/g, ', '),
    issuer: c.issuer.replace(/\n/g, ', '),
    serialNumber: c.serialNumber.toLowerCase(),
    notBefore: new Date(c.validFrom),
    notAfter: new Date(c.validTo)
  };
}
