/** The run's certificates, generated fresh with the gateway's own CA code: a CA, a localhost server, one client. */
import { createCertificateAuthority, issueCertificate } from '../../src/pki/certificate-authority.js';
import type { BenchPki } from './protocol.js';

export async function benchPki(): Promise<BenchPki> {
  const ca = await createCertificateAuthority('CN=Bench OI CA, O=BFC Fibre, C=FR', 2);
  // 127.0.0.1 in the SAN: the load generator dials the IP (no ::1 vs 127.0.0.1 lookup surprise for "localhost").
  const server = await issueCertificate(ca, { subject: 'CN=localhost', kind: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const client = await issueCertificate(ca, { subject: 'CN=OPA bench, O=Operateur A', kind: 'client' });
  return { ca: ca.certPem, serverCert: server.certPem, serverKey: server.keyPem, clientCert: client.certPem, clientKey: client.keyPem };
}
