/** The configuration of one subsystem each, as loadConfig() (config.ts) reads it from the environment. */

/** The line-test worker (src/jobs/line-test-worker.ts, issue 17). */
export interface LineTestConfig {
  /** JSON file of the driver routing (which element is served by the simulated network, which by SNMP); null: all simulated. */
  readonly driversFile: string | null;
  readonly pollMs: number;
  /** Tests in flight per gateway instance. */
  readonly concurrency: number;
  /** Tests in flight per network element across every instance. */
  readonly capPerElement: number;
  /** The wait before attempt n+1 is n times this. */
  readonly retryDelayMs: number;
  /** A claim's lease is the test's timeout plus this; then another instance takes the test over. */
  readonly leaseGraceMs: number;
}

/** The operators' web portal (e-SAV en ligne, DOMAIN.md A1). */
export interface PortalConfig {
  /** false: no portal listener (ESAV_PORTAL=false). */
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  /** The address people reach, written in invitation and reset links (default https://localhost:<port>). */
  readonly publicUrl: string;
  /** Signs the CSRF cookie. null: a random key made once and kept in PostgreSQL, shared by every instance. */
  readonly cookieSecret: string | null;
}

/** Push notifications to operators' endpoints (src/jobs/notification-worker.ts). */
export interface NotificationConfig {
  /** The gateway's client certificate and key for outbound mutual TLS; null: the dev PKI's in development, else off. */
  readonly clientCertFile: string | null;
  readonly clientKeyFile: string | null;
  /** PEM bundle trusted for operators' endpoint certificates; null: the system CAs (the dev CA in development). */
  readonly caFile: string | null;
  /** The worker looks for due deliveries this often. */
  readonly pollMs: number;
  /** Deliveries in flight at once, per gateway instance. */
  readonly concurrency: number;
  /** One call (connect, TLS, answer) is cut after this: a dead endpoint costs the worker this much, never a SOAP call. */
  readonly timeoutMs: number;
  /** Retry delays: base × 2^(n−1), capped at max. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** After this many failed attempts a delivery is "stalled": retried at the cap interval, and logged as such. */
  readonly stalledAfterAttempts: number;
}

/** The e-intervention hub (issue 18): the OI's Interop code and the delays it enforces (DELAI_NON_RESPECTE). */
export interface EInterventionConfig {
  /** codeOI of the files (4 characters): a body naming another OI is answered CODE_OI_INCONNU. */
  readonly oiCode: string;
  /** An operator's M5TX on a test is accepted this long after the test was opened (M2, M4TX, M4). */
  readonly reportWindowMs: number;
  /** E2 "ask each time": an operator's repair answer is accepted this long after the start. */
  readonly consentWindowMs: number;
  /** The outbox worker looks for due messages this often (a change on this instance wakes it at once). */
  readonly pollMs: number;
}

