/**
 * What every administration command gets: the configuration, a database (DATABASE_URL, or the embedded one —
 * shared with a running gateway), the trust anchors, the actor written to the audit trail, the clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Config } from '../config/config.js';
import { loadCatalog } from '../catalog/catalog-loader.js';
import { loadContracts } from '../contracts/contract-loader.js';
import { notificationContractFacts } from '../contracts/notification-contract.js';
import { gatewayOperations } from '../contracts/profile-vocabulary.js';
import type { Clock } from '../domain/clock.js';
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import { AdminError } from '../errors/admin-error.js';
import { loadCertificateAuthority, type CertificateAuthority } from '../pki/certificate-authority.js';
import type { TrustAnchor } from '../pki/chain.js';
import { devPkiLayout } from '../pki/dev-pki.js';
import { createPool, type Pool } from '../store/database.js';
import { attachEmbeddedPostgres } from '../store/embedded-postgres.js';
import { migrate } from '../store/migrate.js';
import { activeTrustedCaPems } from '../store/registry/trust.js';

export interface AdminContext {
  readonly config: Config;
  readonly pool: Pool;
  readonly actor: string;
  readonly clock: Clock;
  readonly out: (line: string) => void;
  /** The OI's CA certificate file (configured, or the development PKI's). */
  oiCaFile(): string;
  /** The OI's CA with its key, to issue certificates. */
  certificateAuthority(): Promise<CertificateAuthority>;
  trustAnchors(): Promise<TrustAnchor[]>;
  /** The notification contract's versions and operations, read from wsdl/ (as the gateway reads it at boot). */
  notificationContract(): NotificationContractFacts | null;
  /** The services the gateway implements and their operations, read from wsdl/ (what a profile may name). */
  gatewayOperations(): ReadonlyMap<string, ReadonlySet<string>>;
  /** The offers the form catalogue (catalog/) has forms for. */
  catalogueOffers(): ReadonlySet<string>;
  close(): Promise<void>;
}

export async function openAdminContext(config: Config, clock: Clock, actor: string | undefined, out: (line: string) => void): Promise<AdminContext> {
  const embedded = config.databaseUrl === null ? await attachEmbeddedPostgres(config.dataDir, config.embeddedPgPort) : null;
  const pool = createPool({ connectionString: config.databaseUrl ?? embedded!.connectionString, poolSize: 2, statementTimeoutMs: config.dbStatementTimeoutMs });
  await migrate(pool);
  const dev = devPkiLayout(config.pkiDir);
  const oiCaFile = (): string => {
    const file = config.tls?.caFile ?? dev.caCert;
    if (!existsSync(file)) throw new AdminError('ADMIN_NOT_FOUND', `no OI CA certificate: set ESAV_TLS_CA (or start the gateway once in development to create ${dev.caCert})`);
    return file;
  };
  let contracts: ReturnType<typeof loadContracts> | undefined;
  const contractSet = (): ReturnType<typeof loadContracts> => (contracts ??= loadContracts(config.rootDir));
  let notification: { facts: NotificationContractFacts | null } | undefined;
  return {
    config, pool, clock, out,
    actor: actor ?? userInfo().username,
    oiCaFile,
    async certificateAuthority() {
      const keyFile = config.caKeyFile ?? (config.tls === null ? dev.caKey : null);
      if (keyFile === null || !existsSync(keyFile)) {
        throw new AdminError('ADMIN_NOT_FOUND', "issuing needs the OI CA's private key: set ESAV_CA_KEY");
      }
      return loadCertificateAuthority(readFileSync(oiCaFile(), 'utf8'), readFileSync(keyFile, 'utf8'));
    },
    async trustAnchors() {
      return [
        { pem: readFileSync(oiCaFile(), 'utf8'), kind: 'oi' as const },
        ...config.trustedCaFiles.map((f) => ({ pem: readFileSync(f, 'utf8'), kind: 'recognised' as const })),
        ...(await activeTrustedCaPems(pool)).map((pem) => ({ pem, kind: 'recognised' as const }))
      ];
    },
    notificationContract() {
      notification ??= { facts: notificationContractFacts(contractSet()) };
      return notification.facts;
    },
    gatewayOperations() {
      return gatewayOperations(contractSet(), config.rootDir);
    },
    catalogueOffers() {
      return new Set([...loadCatalog(config.rootDir).forms.values()].map((f) => f.offer));
    },
    async close() {
      await pool.end();
      await embedded?.stop();
    }
  };
}
