/**
 * The development PKI (issue: foundation, item 3): on a first start with no certificates configured, a CA, a
 * server certificate for localhost, client certificates for the demo operators OPA and OPB, one client
 * certificate signed by the CA but registered to no operator, and the gateway's own client certificate for its
 * outbound calls (push notifications). Never used in production (config refuses it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, issueCertificate, loadCertificateAuthority, type IssuedCertificate } from './certificate-authority.js';

export const DEMO_OPERATOR_CODES = ['OPA', 'OPB'] as const;

export interface DevPki {
  readonly dir: string;
  readonly created: boolean;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate and key files by name: opa, opb, unregistered. */
  readonly clients: Readonly<Record<'opa' | 'opb' | 'unregistered', { cert: string; key: string }>>;
  /** The gateway's own client certificate, for push notifications to operators' endpoints (mutual TLS). */
  readonly gatewayClient: { cert: string; key: string };
  /** The OI's internal CA (internal API only) and an after-sales agent's client certificate under it. */
  readonly internalCa: { cert: string; key: string };
  readonly agent: { cert: string; key: string };
}

function files(dir: string, name: string): { cert: string; key: string } {
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

function write(target: { cert: string; key: string }, issued: IssuedCertificate): void {
  writeFileSync(target.cert, issued.certPem, { mode: 0o644 });
  writeFileSync(target.key, issued.keyPem, { mode: 0o600 });
}

export function devPkiLayout(dir: string): Omit<DevPki, 'created'> {
  const ca = files(dir, 'ca');
  const server = files(dir, 'server');
  return {
    dir, caCert: ca.cert, caKey: ca.key, serverCert: server.cert, serverKey: server.key,
    clients: { opa: files(dir, 'opa'), opb: files(dir, 'opb'), unregistered: files(dir, 'unregistered') },
    gatewayClient: files(dir, 'gateway-client'),
    internalCa: files(dir, 'internal-ca'),
    agent: files(dir, 'agent')
  };
}

/** Creates whatever is missing of the development PKI in dir and returns where everything is. */
export async function ensureDevPki(dir: string): Promise<DevPki> {
  const layout = devPkiLayout(dir);
  mkdirSync(path.dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let created = false;
  let ca;
  if (existsSync(layout.caCert) && existsSync(layout.caKey)) {
    ca = await loadCertificateAuthority(readFileSync(layout.caCert, 'utf8'), readFileSync(layout.caKey, 'utf8'));
  } else {
    ca = await createCertificateAuthority('CN=BFC Fibre e-SAV Development CA, O=BFC Fibre, C=FR');
    write({ cert: layout.caCert, key: layout.caKey }, ca);
    created = true;
  }
  const wanted: Array<[{ cert: string; key: string }, Parameters<typeof issueCertificate>[1]]> = [
    [{ cert: layout.serverCert, key: layout.serverKey }, { subject: 'CN=localhost, O=BFC Fibre, C=FR', kind: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] }],
    [layout.clients.opa, { subject: 'CN=OPA e-SAV integre, O=Operateur A, C=FR', kind: 'client' }],
    [layout.clients.opb, { subject: 'CN=OPB e-SAV integre, O=Operateur B, C=FR', kind: 'client' }],
    [layout.clients.unregistered, { subject: 'CN=Unregistered client, O=Nobody, C=FR', kind: 'client' }],
    [layout.gatewayClient, { subject: 'CN=BFC Fibre e-SAV notifications, O=BFC Fibre, C=FR', kind: 'client' }]
  ];
  for (const [target, options] of wanted) {
    if (created || !existsSync(target.cert) || !existsSync(target.key)) {
      write(target, await issueCertificate(ca, options));
      created = true;
    }
  }
  // The internal API trusts only this second CA, so operators' certificates cannot reach it.
  let internal;
  if (existsSync(layout.internalCa.cert) && existsSync(layout.internalCa.key)) {
    internal = await loadCertificateAuthority(readFileSync(layout.internalCa.cert, 'utf8'), readFileSync(layout.internalCa.key, 'utf8'));
  } else {
    internal = await createCertificateAuthority('CN=BFC Fibre Internal Development CA, O=BFC Fibre, C=FR');
    write(layout.internalCa, internal);
    created = true;
  }
  if (created || !existsSync(layout.agent.cert)) {
    write(layout.agent, await issueCertificate(internal, { subject: 'CN=agent.sav, O=BFC Fibre, C=FR', kind: 'client' }));
  }
  return { ...layout, created };
}
