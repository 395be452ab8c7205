/**
 * The process: load config → PKI and database → build app → listen → graceful stop. The only process.exit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.js';
import { formSchemaImports } from './catalog/catalog-types.js';
import { systemClock } from './domain/clock.js';
import { buildInternalApp } from './internal-app.js';
import { profileVocabulary } from './contracts/profile-vocabulary.js';
import { buildOpsApp } from './ops-app.js';
import { buildPortalApp } from './portal-app.js';
import { buildFacts } from './config/build-info.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { isCodedError } from './errors/coded-error.js';
import { CatalogError, loadCatalog } from './catalog/catalog-loader.js';
import { ContractError, loadContracts } from './contracts/contract-loader.js';
import { notificationContractFacts } from './contracts/notification-contract.js';
import { scheduleNightlyJobs } from './jobs/nightly-jobs.js';
import { startSandboxBackOffice } from './jobs/sandbox-back-office.js';
import { parisDate } from './domain/calendar.js';
import { loadSandboxData } from './store/sandbox-data.js';
import { startLineTestWorker } from './jobs/line-test-setup.js';
import { startNotificationWorker } from './jobs/notification-setup.js';
import { startEInterventionWorker } from './jobs/e-intervention-setup.js';
import type { EInterventionWorker } from './jobs/e-intervention-worker.js';
import { loadEInterventionContract } from './contracts/e-intervention-contract.js';
import { createLogger } from './logger.js';
import { certificateFacts, type CertificateFacts } from './pki/certificate-authority.js';
import { ensureDevPki, type DevPki } from './pki/dev-pki.js';
import { createListener, createPool } from './store/database.js';
import { loadDemoData } from './store/demo-data.js';
import { lockDataDir, startEmbeddedPostgres, type DataDirLock, type EmbeddedServer } from './store/embedded-postgres.js';
import { migrate } from './store/migrate.js';
import type { TlsMaterial } from './transport/tls.js';

function tlsMaterial(config: Config, pki: DevPki | null): TlsMaterial {
  const files = config.tls ?? { certFile: pki!.serverCert, keyFile: pki!.serverKey, caFile: pki!.caCert };
  return {
    cert: readFileSync(files.certFile, 'utf8'),
    key: readFileSync(files.keyFile, 'utf8'),
    ca: [readFileSync(files.caFile, 'utf8'), ...config.trustedCaFiles.map((f) => readFileSync(f, 'utf8'))]
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const started = performance.now();

  // Before anything touches var/: a second `npm start` here must leave the running gateway and its database alone.
  const dataDirLock: DataDirLock | null = config.databaseUrl === null ? lockDataDir(config.dataDir) : null;
  const pki = config.tls === null ? await ensureDevPki(config.pkiDir) : null;
  if (pki?.created) log.info({ dir: pki.dir }, 'development PKI created');

  let embedded: EmbeddedServer | null = null;
  let connectionString = config.databaseUrl;
  if (connectionString === null) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, (m) => log.warn(m.trim()));
    connectionString = embedded.connectionString;
    log.info({ dataDir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, initialised: embedded.initialised }, 'embedded PostgreSQL started');
  }
  let stopping = false;
  const pool = createPool({
    connectionString, poolSize: config.dbPoolSize, statementTimeoutMs: config.dbStatementTimeoutMs,
    onIdleError: (e) => { if (!stopping) log.warn({ err: e.message }, 'idle database connection lost'); } });
  const applied = await migrate(pool);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  if (config.loadDemoData) {
    const certs: Record<string, CertificateFacts[]> = pki ? {
      OPA: [certificateFacts(readFileSync(pki.clients.opa.cert, 'utf8'))],
      OPB: [certificateFacts(readFileSync(pki.clients.opb.cert, 'utf8'))]
    } : {};
    await loadDemoData(pool, certs);
  }
  // The integration platform's sandbox (A4, D1): services per operator, offer and scenario; offers open to filing.
  if (config.env === 'integration') {
    const sandbox = await loadSandboxData(pool, parisDate(systemClock.now()));
    log.info({ created: sandbox.created, skipped: sandbox.skipped }, 'sandbox data loaded');
  }

  // Loaded here rather than in buildApp so that the notification worker reads its operation from the same contracts.
  const catalog = loadCatalog(config.rootDir);
  const contracts = loadContracts(config.rootDir, formSchemaImports(catalog));
  // e-intervention (issue 18): the outbox worker is woken by every change committed on this instance (the alert path).
  const eiContract = loadEInterventionContract(config.rootDir);
  let eiWorker: EInterventionWorker | null = null;
  const app = await buildApp(config, { pool, listenClient: () => createListener({ connectionString, poolSize: 1, statementTimeoutMs: config.dbStatementTimeoutMs }),
    tls: tlsMaterial(config, pki), logger: log, catalog, contracts, eInterventionContract: eiContract, onEInterventionMessages: () => eiWorker?.kick() });
  await app.listen({ host: config.host, port: config.port });
  const notifier = startNotificationWorker(config, {
    connectionString, contracts, clock: systemClock, logger: log,
    devPki: pki ? { cert: pki.gatewayClient.cert, key: pki.gatewayClient.key, ca: pki.caCert } : null,
    onIdleError: (e) => { if (!stopping) log.warn({ err: e.message }, 'idle notification database connection lost'); }
  });
  // Line tests run off the request path, on the PostgreSQL queue shared by every instance (issue 17).
  const lineTests = startLineTestWorker(config.lineTests, {
    pool, clock: systemClock, logger: log, notificationContract: notificationContractFacts(contracts), onOutcome: () => eiWorker?.kick()
  });
  eiWorker = startEInterventionWorker(config, {
    connectionString, contract: eiContract, clock: systemClock, logger: log,
    devPki: pki ? { cert: pki.gatewayClient.cert, key: pki.gatewayClient.key, ca: pki.caCert } : null,
    onIdleError: (e) => { if (!stopping) log.warn({ err: e.message }, 'idle e-intervention database connection lost'); }
  });
  // The OI's nightly jobs run inside the nightly window (M1), on one instance per night.
  const nightly = scheduleNightlyJobs(pool, systemClock, config.nightlyWindow,
    (r) => log.info({ night: r.night, archived: r.archived, purgedAttempts: r.purgedAttempts, purgedLineTests: r.purgedLineTests }, 'nightly jobs done'),
    (e) => log.error({ err: e.message }, 'nightly jobs failed'));
  // The simulated after-sales back office moves sandbox tickets along their scenario (integration only).
  const backOffice = config.env === 'integration'
    ? startSandboxBackOffice(pool, systemClock, config.sandboxStepMs,
      (moves) => log.info({ moves: moves.map((m) => `${m.reference}: ${m.step.kind === 'event' ? m.step.event : 'comment'}`) }, 'sandbox back office'),
      (e) => log.error({ err: e.message }, 'sandbox back office failed'))
    : null;
  let serving = true;
  const build = buildFacts(config.rootDir, config.buildCommit);
  const ops = await buildOpsApp({ pool, clock: systemClock, serving: () => serving, load: app.load, requests: app.requestMetrics,
    build: { version: build.version, commit: build.commit ?? '' }, stalledAfterAttempts: config.notifications.stalledAfterAttempts });
  await ops.listen({ host: config.opsHost, port: config.opsPort });
  log.info({ url: `http://${config.opsHost}:${config.opsPort}`, routes: ['/health/live', '/health/ready', '/metrics'] }, 'ops listener');
  // The internal API for the OI's systems, on its own listener, trusting only the OI's internal CA.
  const internalCaFile = config.internalCaFile ?? pki?.internalCa.cert ?? null;
  let internal: Awaited<ReturnType<typeof buildInternalApp>> | null = null;
  if (internalCaFile) {
    const own = tlsMaterial(config, pki);
    internal = await buildInternalApp({ pool, clock: systemClock, tls: { cert: own.cert, key: own.key, ca: [readFileSync(internalCaFile, 'utf8')] },
      logger: log.child({ listener: 'internal-api' }), version: build.version, notificationContract: notificationContractFacts(contracts),
      eInterventionPolicy: { reportWindowMs: config.eIntervention.reportWindowMs, consentWindowMs: config.eIntervention.consentWindowMs },
      portalUsers: { publicUrl: config.portal.publicUrl, vocabulary: profileVocabulary(contracts, config.rootDir, [...catalog.forms.values()].map((f) => f.offer)) } });
    await internal.listen({ host: config.internalHost, port: config.internalPort });
    log.info({ url: `https://${config.internalHost}:${config.internalPort}` }, 'internal API for the OI listening');
  } else {
    log.warn('internal API not started: set ESAV_INTERNAL_CA (the CA of the OI\'s internal client certificates)');
  }
  // e-SAV en ligne (A1): the operators' web portal on its own HTTPS listener, on the same core as the web services.
  let portal: Awaited<ReturnType<typeof buildPortalApp>> | null = null;
  if (config.portal.enabled) {
    const own = tlsMaterial(config, pki);
    portal = await buildPortalApp({ pool, clock: systemClock, catalog, logger: log, load: app.load, maintenance: app.maintenance,
      tls: { cert: own.cert, key: own.key }, cookieSecret: config.portal.cookieSecret, notificationContract: notificationContractFacts(contracts) });
    await portal.listen({ host: config.portal.host, port: config.portal.port });
    log.info({ url: config.portal.publicUrl }, 'e-SAV en ligne (portal) listening');
  }
  const address = `https://${config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  log.info({ url: address, env: config.env, startMs: Math.round(performance.now() - started) }, 'e-SAV gateway listening');

  if (pki) {
    process.stdout.write([
      '',
      `e-SAV gateway (${config.env}) on ${address}`,
      `  development PKI in ${pki.dir}:`,
      `    CA              ${pki.caCert}`,
      `    OPA client      ${pki.clients.opa.cert}  ${pki.clients.opa.key}`,
      `    OPB client      ${pki.clients.opb.cert}  ${pki.clients.opb.key}`,
      `    unregistered    ${pki.clients.unregistered.cert}  ${pki.clients.unregistered.key}`,
      `    OI agent        ${pki.agent.cert}  ${pki.agent.key}   (internal API, https://${config.internalHost}:${config.internalPort}/tickets)`,
      ...(portal ? [`  portal          ${config.portal.publicUrl}  (people: npm run admin -- users invite OPA <login> --name … --email …)`] : []),
      `  WSDL: curl --cacert ${pki.caCert} --cert ${pki.clients.opa.cert} --key ${pki.clients.opa.key} '${address}/esav/prestation/v1?wsdl'`,
      ''
    ].join('\n') + '\n');
  }

  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new connections, finishing in-flight calls');
    const deadline = setTimeout(() => { log.error('stop took too long, exiting'); process.exit(1); }, config.drainDelayMs + 10_000);
    deadline.unref();
    // Drain: readiness turns false first so that load balancers stop sending new calls, then the listener closes,
    // letting in-flight calls finish (keep-alive connections get "Connection: close" on their last answer).
    serving = false;
    app.drain.startDraining();
    nightly.stop();
    backOffice?.stop();
    await new Promise((r) => setTimeout(r, config.drainDelayMs));
    // The portal first: its calls are counted by the web services' load accounting, which app.close() flushes.
    await portal?.close();
    await app.close();
    // Deliveries in flight finish (each is bounded by ESAV_NOTIFY_TIMEOUT_MS); unfinished ones are retried by any instance.
    await notifier?.stop(5000);
    // Tests in flight finish (each bounded by its timeout); a claim left behind is taken over when its lease ends.
    await lineTests.stop();
    await eiWorker?.stop();
    await internal?.close();
    await ops.close();
    await pool.end();
    await embedded?.stop();
    dataDirLock?.release();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof ContractError || e instanceof CatalogError) {
    process.stderr.write(`e-SAV gateway cannot start (${e.code}).\n${e.message}\n`);
  } else if (isCodedError(e)) {
    process.stderr.write(`e-SAV gateway cannot start: ${e.code}: ${e.message}\n`);
  } else {
    process.stderr.write(`e-SAV gateway cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.exit(1);
});
