/**
 * The only reader of the environment (ARCHITECTURE.md §3). loadConfig() validates every variable, reports every
 * problem at once, and returns one frozen Config. The table in README.md ("Configuration") lists the same variables.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../errors/coded-error.js';
import type { EInterventionConfig, LineTestConfig, NotificationConfig, PortalConfig } from './config-types.js';

// The configuration of one subsystem each: its types are in config-types.ts (this file stays short).
export type { EInterventionConfig, LineTestConfig, NotificationConfig, PortalConfig } from './config-types.js';

/** The placeholder SIREN of the OI in development and integration (ESAV_OI_SIREN; required in production). */
export const DEVELOPMENT_OI_SIREN = '812345676';

export type Environment = 'development' | 'integration' | 'production';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The OI's own certificate authority: it issues operators' certificates (DOMAIN.md A2). */
  readonly caFile: string;
}

export interface Config {
  readonly env: Environment;
  /** The OI's SIREN, which Interop'Fibre contracts carry (PlanChargeFtthSav EnteteType/sirenOI). */
  readonly oiSiren: string;
  readonly rootDir: string;
  readonly host: string;
  readonly port: number;
  /** null: the development PKI under pkiDir is created on first start and used (development only). */
  readonly tls: TlsFiles | null;
  /** Recognised CAs trusted besides the OI's own (DOMAIN.md A2). */
  readonly trustedCaFiles: readonly string[];
  readonly pkiDir: string;
  readonly dataDir: string;
  /** null: an embedded PostgreSQL in dataDir/pg. */
  readonly databaseUrl: string | null;
  readonly embeddedPgPort: number;
  readonly dbPoolSize: number;
  /** Bound on every database statement (database.ts): past it the call gets SERVICE_INDISPONIBLE, not a wait without end. */
  readonly dbStatementTimeoutMs: number;
  readonly bodyLimitBytes: number;
  readonly xmlMaxDepth: number;
  readonly xmlMaxAttributes: number;
  readonly xmlMaxElements: number;
  /** Bodies of this size or more are read in a worker process, off the event loop (src/xml/off-loop-reader.ts). */
  readonly xmlOffLoopBytes: number;
  /** Worker processes for them; 0: every body is read on the event loop. */
  readonly xmlOffLoopWorkers: number;
  /** A worker that has not answered a body within this time is killed and replaced (the body given to the next). */
  readonly xmlOffLoopTimeoutMs: number;
  /**
   * The environment of the processes the gateway starts (the off-loop worker): PATH, TMPDIR, TZ, LANG and NODE_ENV
   * as given, nothing else (no secret: the database URL, the portal's secrets; no NODE_OPTIONS).
   */
  readonly childEnv: Readonly<Record<string, string>>;
  readonly logLevel: string;
  readonly authCacheTtlMs: number;
  /** How often each instance polls the registry's change log besides LISTEN/NOTIFY (the bound of a missed notification). */
  readonly registryPollMs: number;
  /** The OI CA's private key, to issue certificates from CSRs (admin); the dev PKI's key in development. */
  readonly caKeyFile: string | null;
  /** The ops listener (health, metrics), plain HTTP, loopback by default. */
  readonly opsHost: string;
  /** The commit this gateway was built from (ESAV_BUILD_COMMIT, set by the image build), shown by esav_build_info. */
  readonly buildCommit: string | null;
  readonly opsPort: number;
  /** The internal API for the OI's systems: its listener and the only CA it trusts (development: the dev PKI's). */
  /** M1: the nightly interruption, Paris wall-clock start (minutes after midnight) and duration. */
  readonly nightlyWindow: { readonly startMinute: number; readonly durationMinutes: number };
  readonly internalHost: string;
  readonly internalPort: number;
  readonly internalCaFile: string | null;
  /** e-SAV en ligne (issue 21): the portal's own HTTPS listener (server certificate only, no client certificate). */
  readonly portal: PortalConfig;
  readonly loadDemoData: boolean;
  readonly keepAliveTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly notifications: NotificationConfig;
  readonly lineTests: LineTestConfig;
  readonly eIntervention: EInterventionConfig;
  /** On SIGTERM, how long readiness is false before the listener closes (load balancers take the instance out). */
  readonly drainDelayMs: number;
  /** Overload: event-loop delay, and calls waiting for a database connection, above which calls are turned away. */
  readonly maxEventLoopDelayMs: number;
  readonly maxDatabaseWaiting: number;
  /** Fair shares of one instance per operator (issue 14): calls in flight, bytes announced, queue wait and depth. */
  readonly fairShare: {
    readonly maxInFlight: number; readonly maxBufferedBytes: number; readonly contendedBytes: number; readonly queueMs: number; readonly maxQueued: number;
    /** Undefined: no contended rate (ESAV_CONTENDED_BYTES_PER_SECOND=0). */
    readonly contendedBytesPerSecond: number | undefined; readonly rateWaitMs: number;
  };
  /** A4: refuse the web services to an operator with no go-live validation (production; development if asked). */
  readonly requireGoLive: boolean;
  /** Integration mode: the simulated after-sales back office moves sandbox tickets one step after this delay. */
  readonly sandboxStepMs: number;
}

export class ConfigError extends CodedError<'ESAV_CONFIG_INVALID'> {
  constructor(readonly problems: readonly string[]) {
    super('ESAV_CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The folder that holds package.json, wsdl/ and xsd/ (works from src/ under tsx and from dist/src/ once built). */
export function findRootDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'wsdl'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new ConfigError([`no project root (package.json + wsdl/) above ${from}`]);
    dir = parent;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** What a process the gateway starts may see of its environment (Config.childEnv). */
const CHILD_ENV = ['PATH', 'TMPDIR', 'TZ', 'LANG', 'NODE_ENV'] as const;

export function loadConfig(env: Env = process.env, rootDir: string = findRootDir()): Config {
  const problems: string[] = [];

  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return dflt;
    }
    return n;
  };
  const str = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const file = (name: string): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const abs = path.resolve(rootDir, raw);
    if (!existsSync(abs)) problems.push(`${name}=${raw}: no such file`);
    return abs;
  };

  const hhmm = (name: string, dflt: number): number => {
    const raw = str(name);
    if (raw === undefined) return dflt;
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
    if (!m) { problems.push(`${name}=${raw}: expected HH:MM (Paris time)`); return dflt; }
    return Number(m[1]) * 60 + Number(m[2]);
  };

  const envName = str('ESAV_ENV') ?? 'development';
  if (!['development', 'integration', 'production'].includes(envName)) {
    problems.push(`ESAV_ENV=${JSON.stringify(envName)}: expected development, integration or production`);
  }
  const environment = envName as Environment;

  const certFile = file('ESAV_TLS_CERT');
  const keyFile = file('ESAV_TLS_KEY');
  const caFile = file('ESAV_TLS_CA');
  const tlsSet = [certFile, keyFile, caFile].filter((v) => v !== undefined).length;
  if (tlsSet !== 0 && tlsSet !== 3) {
    problems.push('ESAV_TLS_CERT, ESAV_TLS_KEY and ESAV_TLS_CA go together: set all three or none');
  }
  if (tlsSet === 0 && environment === 'production') {
    problems.push('ESAV_ENV=production needs ESAV_TLS_CERT, ESAV_TLS_KEY and ESAV_TLS_CA (the development PKI is never used in production)');
  }
  const trusted = (str('ESAV_TRUSTED_CAS') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((p) => {
    const abs = path.resolve(rootDir, p);
    if (!existsSync(abs)) problems.push(`ESAV_TRUSTED_CAS: ${p}: no such file`);
    return abs;
  });

  const logLevel = str('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel}: expected one of ${LOG_LEVELS.join(', ')}`);

  // Integration mode runs beside a development gateway: its own data dir, database and ports; the dev PKI is shared.
  const integration = environment === 'integration';
  const dataDir = path.resolve(rootDir, str('ESAV_DATA_DIR') ?? (integration ? 'var/integration' : 'var'));
  const goLive = str('ESAV_REQUIRE_GO_LIVE');
  if (goLive !== undefined && !['0', '1', 'true', 'false'].includes(goLive)) problems.push(`ESAV_REQUIRE_GO_LIVE=${goLive}: expected true or false`);
  const goLiveAsked = goLive === '1' || goLive === 'true';
  if (goLiveAsked && integration) problems.push('ESAV_REQUIRE_GO_LIVE: the integration platform is where operators get validated, it never requires a validation');
  if (goLive !== undefined && !goLiveAsked && environment === 'production') problems.push('ESAV_REQUIRE_GO_LIVE: the go-live validation (A4) is always required in production');
  const demo = str('ESAV_DEMO_DATA');
  if (demo !== undefined && !['0', '1', 'true', 'false'].includes(demo)) {
    problems.push(`ESAV_DEMO_DATA=${demo}: expected true or false`);
  }
  const commit = str('ESAV_BUILD_COMMIT');
  if (commit !== undefined && !/^[0-9a-f]{7,40}$/.test(commit)) {
    problems.push(`ESAV_BUILD_COMMIT=${commit}: expected a git commit id (7 to 40 lowercase hex digits)`);
  }
  const notifyCert = file('ESAV_NOTIFY_CLIENT_CERT');
  const notifyKey = file('ESAV_NOTIFY_CLIENT_KEY');
  if ((notifyCert === undefined) !== (notifyKey === undefined)) problems.push('ESAV_NOTIFY_CLIENT_CERT and ESAV_NOTIFY_CLIENT_KEY go together: set both or none');
  const backoffBaseMs = int('ESAV_NOTIFY_BACKOFF_BASE_MS', 1000, 1, 3_600_000);
  const backoffMaxMs = int('ESAV_NOTIFY_BACKOFF_MAX_MS', 600_000, 1, 86_400_000);
  if (backoffMaxMs < backoffBaseMs) problems.push('ESAV_NOTIFY_BACKOFF_MAX_MS must not be below ESAV_NOTIFY_BACKOFF_BASE_MS');
  const notifications: NotificationConfig = Object.freeze({
    clientCertFile: notifyCert ?? null,
    clientKeyFile: notifyKey ?? null,
    caFile: file('ESAV_NOTIFY_CA') ?? null,
    pollMs: int('ESAV_NOTIFY_POLL_MS', 1000, 10, 600_000),
    concurrency: int('ESAV_NOTIFY_CONCURRENCY', 4, 1, 64),
    timeoutMs: int('ESAV_NOTIFY_TIMEOUT_MS', 5000, 100, 120_000),
    backoffBaseMs,
    backoffMaxMs,
    stalledAfterAttempts: int('ESAV_NOTIFY_STALLED_AFTER', 10, 1, 1000)
  });

  const oiCode = str('ESAV_OI_CODE') ?? 'BFCF';
  if (!/^[A-Z0-9]{4}$/.test(oiCode)) problems.push(`ESAV_OI_CODE=${oiCode}: the OI's Interop code is 4 capital letters or digits`);
  const eIntervention: EInterventionConfig = Object.freeze({
    oiCode,
    reportWindowMs: int('ESAV_EI_REPORT_WINDOW_MS', 30 * 60_000, 1000, 86_400_000),
    consentWindowMs: int('ESAV_EI_CONSENT_WINDOW_MS', 15 * 60_000, 1000, 86_400_000),
    pollMs: int('ESAV_EI_POLL_MS', 500, 10, 600_000)
  });

  // Integration loads the demo operators too, so that the shared development PKI's OPA/OPB certificates work there.
  const loadDemoData = demo === undefined ? environment !== 'production' : demo === '1' || demo === 'true';
  if (loadDemoData && environment === 'production') problems.push('ESAV_DEMO_DATA: the demo data set is never loaded in production');

  const portalPort = int('ESAV_PORTAL_PORT', integration ? 8445 : 8442, 0, 65535);
  const portalEnabled = str('ESAV_PORTAL');
  if (portalEnabled !== undefined && !['0', '1', 'true', 'false'].includes(portalEnabled)) problems.push(`ESAV_PORTAL=${portalEnabled}: expected true or false`);
  const cookieSecret = str('ESAV_PORTAL_COOKIE_SECRET') ?? null;
  if (cookieSecret !== null && cookieSecret.length < 32) problems.push('ESAV_PORTAL_COOKIE_SECRET: at least 32 characters');
  const portalOn = portalEnabled === undefined || portalEnabled === '1' || portalEnabled === 'true';
  const publicUrl = str('ESAV_PORTAL_URL') ?? `https://localhost:${portalPort}`;
  if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl)) problems.push(`ESAV_PORTAL_URL=${publicUrl}: expected an https:// URL`);
  const portal: PortalConfig = Object.freeze({
    enabled: portalOn, host: str('ESAV_PORTAL_HOST') ?? '127.0.0.1', port: portalPort, publicUrl: publicUrl.replace(/\/$/, ''), cookieSecret
  });
  // The OI's own SIREN (planChargeSav sirenOI, in and out): set by the OI. The default is a placeholder for
  // development and integration only; production refuses to start without the real one (a wrong sirenOI refuses
  // every operator's call, and the operators' clients carry the real one).
  const sirenSet = str('ESAV_OI_SIREN');
  if (sirenSet === undefined && environment === 'production') problems.push("ESAV_OI_SIREN: the OI's SIREN is required in production (no placeholder)");
  const oiSiren = sirenSet ?? DEVELOPMENT_OI_SIREN;
  if (!/^[0-9]{9}$/.test(oiSiren)) problems.push(`ESAV_OI_SIREN=${oiSiren}: expected the OI's 9-digit SIREN`);

  const config: Config = {
    env: environment,
    oiSiren,
    rootDir,
    host: str('ESAV_HOST') ?? '127.0.0.1',
    port: int('ESAV_PORT', integration ? 8444 : 8443, 0, 65535),
    tls: certFile && keyFile && caFile ? { certFile, keyFile, caFile } : null,
    trustedCaFiles: trusted,
    pkiDir: path.resolve(rootDir, str('ESAV_PKI_DIR') ?? (integration ? path.resolve(rootDir, 'var', 'pki') : path.join(dataDir, 'pki'))),
    dataDir,
    databaseUrl: str('DATABASE_URL') ?? null,
    embeddedPgPort: int('ESAV_EMBEDDED_PG_PORT', integration ? 54330 : 54329, 1024, 65535),
    dbPoolSize: int('ESAV_DB_POOL_SIZE', 20, 1, 200),
    dbStatementTimeoutMs: int('ESAV_DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    bodyLimitBytes: int('ESAV_BODY_LIMIT', 256 * 1024, 1024, 64 * 1024 * 1024),
    xmlMaxDepth: int('ESAV_XML_MAX_DEPTH', 32, 4, 256),
    xmlMaxAttributes: int('ESAV_XML_MAX_ATTRIBUTES', 32, 1, 1024),
    xmlMaxElements: int('ESAV_XML_MAX_ELEMENTS', 2000, 16, 1_000_000),
    xmlOffLoopBytes: int('ESAV_XML_OFF_LOOP_BYTES', 32 * 1024, 1024, 64 * 1024 * 1024),
    xmlOffLoopWorkers: int('ESAV_XML_OFF_LOOP_WORKERS', 1, 0, 16),
    xmlOffLoopTimeoutMs: int('ESAV_XML_OFF_LOOP_TIMEOUT_MS', 10_000, 100, 600_000),
    childEnv: Object.fromEntries(CHILD_ENV.flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]!]]))),
    logLevel,
    authCacheTtlMs: int('ESAV_AUTH_CACHE_TTL_MS', 2000, 0, 60000),
    registryPollMs: int('ESAV_REGISTRY_POLL_MS', 2000, 100, 60000),
    caKeyFile: file('ESAV_CA_KEY') ?? null,
    opsHost: str('ESAV_OPS_HOST') ?? '127.0.0.1',
    buildCommit: commit ?? null,
    opsPort: int('ESAV_OPS_PORT', integration ? 9465 : 9464, 0, 65535),
    nightlyWindow: Object.freeze({ startMinute: hhmm('ESAV_NIGHTLY_WINDOW_START', 4 * 60), durationMinutes: int('ESAV_NIGHTLY_WINDOW_MINUTES', 15, 0, 180) }),
    internalHost: str('ESAV_INTERNAL_HOST') ?? '127.0.0.1',
    internalPort: int('ESAV_INTERNAL_PORT', integration ? 9444 : 9443, 0, 65535),
    internalCaFile: file('ESAV_INTERNAL_CA') ?? null,
    portal,
    loadDemoData,
    keepAliveTimeoutMs: int('ESAV_KEEP_ALIVE_TIMEOUT_MS', 65000, 1000, 600000),
    requestTimeoutMs: int('ESAV_REQUEST_TIMEOUT_MS', 30000, 1000, 600000),
    // A developer's Ctrl-C stops at once; behind a load balancer, 2 s let it take the instance out of rotation.
    maxEventLoopDelayMs: int('ESAV_MAX_EVENT_LOOP_DELAY_MS', 1000, 10, 60000),
    maxDatabaseWaiting: int('ESAV_MAX_DB_WAITING', 200, 0, 100000),
    fairShare: Object.freeze({
      maxInFlight: int('ESAV_OPERATOR_MAX_IN_FLIGHT', 100, 1, 100000),
      maxBufferedBytes: int('ESAV_OPERATOR_MAX_BUFFERED_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      contendedBytes: int('ESAV_CONTENDED_BUFFERED_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      queueMs: int('ESAV_OPERATOR_QUEUE_MS', 250, 0, 10000),
      maxQueued: int('ESAV_OPERATOR_MAX_QUEUED', 200, 0, 100000),
      contendedBytesPerSecond: int('ESAV_CONTENDED_BYTES_PER_SECOND', 4 * 1024 * 1024, 0, 1024 * 1024 * 1024) || undefined,
      rateWaitMs: int('ESAV_CONTENDED_RATE_WAIT_MS', 2000, 0, 60000)
    }),
    drainDelayMs: int('ESAV_DRAIN_DELAY_MS', environment === 'development' ? 0 : 2000, 0, 60000),
    notifications,
    lineTests: Object.freeze({
      driversFile: file('ESAV_LINE_TEST_DRIVERS') ?? null,
      pollMs: int('ESAV_LINE_TEST_POLL_MS', 500, 10, 600_000),
      concurrency: int('ESAV_LINE_TEST_CONCURRENCY', 32, 1, 1024),
      capPerElement: int('ESAV_LINE_TEST_CAP_PER_ELEMENT', 8, 1, 1024),
      retryDelayMs: int('ESAV_LINE_TEST_RETRY_DELAY_MS', 5000, 0, 3_600_000),
      leaseGraceMs: int('ESAV_LINE_TEST_LEASE_GRACE_MS', 10_000, 100, 3_600_000)
    }),
    eIntervention,
    requireGoLive: environment === 'production' || goLiveAsked,
    sandboxStepMs: int('ESAV_SANDBOX_STEP_MS', 2000, 10, 3_600_000)
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
