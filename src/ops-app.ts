/**
 * The ops listener of one gateway: readiness (database reachable, contracts loaded, not stopping) and the metrics
 * of the certificate registry (DOMAIN.md A3: certificates in their renewal window of 15 French working days) and of
 * the load rules (L1 calls per operator and category, L2 limits in force).
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { DEFAULT_BACKOFF } from './jobs/backoff.js';
import { inForce, type LoadLimit } from './domain/load-rules.js';
import type { Pool } from './store/database.js';
import type { RequestTotal } from './store/load/load-accounting.js';
import { databaseReachable, pendingNotificationsPerOperator } from './store/ops-store.js';
import { certificates, expiringWithin } from './store/registry/certificates.js';
import { buildOpsServer } from './transport/ops-server.js';
import { createOpsMetrics, type BuildInfo, type OpsSnapshot } from './transport/ops-metrics.js';
import type { RequestMetrics } from './transport/request-metrics.js';

export const RENEWAL_WINDOW_WORKING_DAYS = 15;
/**
 * /health/ready answers within a second whatever the database does (issue 14): a ping without an answer by then
 * (PostgreSQL frozen, pool saturated) is "not ready"; the ping itself stays bounded by the statement timeout.
 */
export const READINESS_PING_MS = 800;
/** A scrape's database reads give up after this (Prometheus' scrape timeout is 10 s by default): the rest is still served. */
export const METRICS_DATABASE_READ_MS = 2000;

/** What `p` gives, or null if it did not settle before `ms` (its own later failure is then ignored). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** True if `p` settled (its rejection passed on) before `ms`, false if it did not answer by then. */
function answeredWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  const settled = p.then(() => true);
  settled.catch(() => undefined); // a failure after the deadline is the next check's business, never an unhandled rejection
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

export interface OpsAppDeps {
  readonly pool: Pool;
  readonly clock: Clock;
  /** False once the gateway is stopping (it then leaves the load balancer's rotation). */
  readonly serving: () => boolean;
  /** This instance's load accounting (L1 totals, L2 limits), when it serves SOAP calls. */
  readonly load?: { totals(): readonly RequestTotal[]; limits(): readonly LoadLimit[] };
  /** This instance's SOAP request and TLS handshake metrics. */
  readonly requests?: Pick<RequestMetrics, 'registry'>;
  /** esav_build_info: the package's version and, when known, the commit. */
  readonly build?: BuildInfo;
  /** A delivery failed this many times is stalled (ESAV_NOTIFY_STALLED_AFTER). */
  readonly stalledAfterAttempts?: number;
}

/** What one scrape reads: the certificate registry and the notification queue from the database, the load from memory. */
async function readSnapshot(deps: OpsAppDeps, stalledAfter: number): Promise<OpsSnapshot> {
  const now = deps.clock.now();
  const [{ certificates: expiring }, all, queue] = await Promise.all([
    expiringWithin(deps.pool, now, RENEWAL_WINDOW_WORKING_DAYS), certificates(deps.pool, null), pendingNotificationsPerOperator(deps.pool, stalledAfter)
  ]);
  const active = all.filter((c) => c.state === 'active' && c.not_after.getTime() > now.getTime());
  return {
    certificatesInRenewalWindow: expiring.length,
    activeCertificates: active.map((c) => ({
      operator: c.operator, fingerprint: c.fingerprint_sha256.slice(0, 16), notAfterSeconds: Math.floor(c.not_after.getTime() / 1000)
    })),
    // The delivery lag: how old the oldest waiting notification (ticket event or limit announcement) is.
    notifications: queue.map((q) => ({
      operator: q.code, pending: Number(q.pending), stalled: Number(q.stalled),
      lagSeconds: q.oldest ? Math.max(0, Math.round((now.getTime() - q.oldest.getTime()) / 1000)) : 0
    })),
    requests: deps.load?.totals().map((t) => ({ operator: t.operator, category: t.category, outcome: t.outcome, value: t.value })) ?? [],
    limits: deps.load?.limits().filter((l) => inForce(l, now))
      .map((l) => ({ operator: l.operatorCode, scope: l.scope, id: String(l.id), perMinute: l.perMinute })) ?? []
  };
}

export async function buildOpsApp(deps: OpsAppDeps): Promise<FastifyInstance> {
  // One ping at a time: probes of a frozen database wait on the ping in flight instead of queueing new ones in the
  // pool (whose waiting count is the overload guard's own trigger).
  let ping: Promise<void> | null = null;
  const pingOnce = (): Promise<void> => {
    ping ??= databaseReachable(deps.pool).then(() => undefined).finally(() => { ping = null; });
    return ping;
  };
  const stalledAfter = deps.stalledAfterAttempts ?? DEFAULT_BACKOFF.stalledAfterAttempts;
  const metrics = createOpsMetrics({
    build: deps.build ?? { version: '', commit: '' },
    pool: { max: deps.pool.options.poolSize, total: () => deps.pool.totalCount, idle: () => deps.pool.idleCount, waiting: () => deps.pool.waitingCount },
    renewalWindowWorkingDays: RENEWAL_WINDOW_WORKING_DAYS,
    stalledAfterAttempts: stalledAfter,
    snapshot: () => within(readSnapshot(deps, stalledAfter), METRICS_DATABASE_READ_MS),
    ...(deps.requests ? { merge: [deps.requests.registry] } : {})
  });
  return buildOpsServer({
    async readiness() {
      const checks: Record<string, string> = { contracts: 'loaded' };
      let ready = deps.serving();
      checks.listener = ready ? 'serving' : 'stopping';
      try {
        if (await answeredWithin(pingOnce(), READINESS_PING_MS)) checks.database = 'reachable';
        else {
          checks.database = `unreachable: no answer within ${READINESS_PING_MS} ms`;
          ready = false;
        }
      } catch (e) {
        // The readiness check says what PostgreSQL said, not the SOAP fault it became (database.ts).
        const cause = e instanceof Error && e.cause instanceof Error ? e.cause : (e as Error);
        checks.database = `unreachable: ${cause.message}`;
        ready = false;
      }
      return { ready, checks };
    },
    metrics: () => metrics.render()
  });
}
