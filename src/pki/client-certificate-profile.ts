/**
 * What a certificate must say to be registered as an operator's client certificate (DOMAIN.md A2), checked before
 * it is registered — a CA certificate chains to itself and would otherwise be accepted as a client:
 * - basic constraints (RFC 5280 §4.2.1.9): absent or cA=FALSE — a CA certificate identifies no operator;
 * - key usage (§4.2.1.3): present, with digitalSignature — the TLS client signs the handshake (RFC 8446 §4.4.3);
 * - extended key usage (§4.2.1.12): present, with id-kp-clientAuth — the purpose the gateway accepts it for.
 * The OI's CA issues exactly this (certificate-authority.ts, signLeaf); a recognised CA's certificate must too.
 */
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const PURPOSES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', [CLIENT_AUTH]: 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning', '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning', '2.5.29.37.0': 'anyExtendedKeyUsage'
};

const KEY_USAGE_NAMES: ReadonlyArray<[x509.KeyUsageFlags, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'], [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'], [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'], [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'], [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'], [x509.KeyUsageFlags.decipherOnly, 'decipherOnly']
];

const usageNames = (flags: number): string => KEY_USAGE_NAMES.filter(([f]) => (flags & f) !== 0).map(([, n]) => n).join(', ') || 'none';

/**
 * Every reason the PEM certificate cannot be a client certificate, each naming the extension and the rule; empty
 * when it can. Throws nothing for a certificate it can read; an unreadable one is one problem.
 */
export function clientCertificateProblems(pem: string): string[] {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(pem);
  } catch {
    return ['not a PEM X.509 certificate'];
  }
  const problems: string[] = [];
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (basic?.ca) problems.push('basic constraints: cA must be FALSE, this is a CA certificate (RFC 5280 §4.2.1.9)');
  const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
  if (keyUsage === null) problems.push('key usage: the extension is required, with digitalSignature (RFC 5280 §4.2.1.3)');
  else if ((keyUsage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    problems.push(`key usage: digitalSignature is required, the certificate has ${usageNames(keyUsage.usages)} (RFC 5280 §4.2.1.3)`);
  }
  const extended = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (extended === null) problems.push('extended key usage: the extension is required, with clientAuth (RFC 5280 §4.2.1.12)');
  else if (!extended.usages.map(String).includes(CLIENT_AUTH)) {
    const has = extended.usages.map((u) => PURPOSES[String(u)] ?? String(u)).join(', ') || 'none';
    problems.push(`extended key usage: clientAuth is required, the certificate has ${has} (RFC 5280 §4.2.1.12)`);
  }
  return problems;
}
