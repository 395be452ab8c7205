/**
 * The ops listener of one gateway: readiness (database reachable, contracts loaded, not stopping) and the metrics
 * of the certificate registry (DOMAIN.md A3: certificates in their renewal window of 15 French working days) and of
 * the load rules (L1 calls per operator and category, L2 limits in force).
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from './domain/clock.js';
import { inForce, type LoadLimit } from './domain/load-rules.js';
import type { Pool } from './store/database.js';
import type { RequestTotal } from './store/load/load-accounting.js';
import { databaseReachable, pendingNotificationsPerOperator } from './store/ops-store.js';
import { certificates, expiringWithin } from './store/registry/certificates.js';
import { buildOpsServer } from './transport/ops-server.js';
import { counter, gauge } from './transport/prometheus.js';

export const RENEWAL_WINDOW_WORKING_DAYS = 15;
/**
 * /health/ready answers within a second whatever the database does (issue 14): a ping without an answer by then
 * (PostgreSQL frozen, pool saturated) is "not ready"; the ping itself stays bounded by the statement timeout.
 */
export const READINESS_PING_MS = 800;

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
  readonly requests?: { render(): string };
}

export async function buildOpsApp(deps: OpsAppDeps): Promise<FastifyInstance> {
  // One ping at a time: probes of a frozen database wait on the ping in flight instead of queueing new ones in the
  // pool (whose waiting count is the overload guard's own trigger).
  let ping: Promise<void> | null = null;
  const pingOnce = (): Promise<void> => {
    ping ??= databaseReachable(deps.pool).then(() => undefined).finally(() => { ping = null; });
    return ping;
  };
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
    async metrics() {
      const now = deps.clock.now();
      const [{ certificates: expiring }, all] = await Promise.all([
        expiringWithin(deps.pool, now, RENEWAL_WINDOW_WORKING_DAYS), certificates(deps.pool, null)
      ]);
      const active = all.filter((c) => c.state === 'active' && c.not_after.getTime() > now.getTime());
      // Push notifications waiting (ticket events and limit announcements), per operator, and how old the oldest waiting one is (the delivery lag).
      const queue = await pendingNotificationsPerOperator(deps.pool);
      return [
        gauge('esav_certificates_in_renewal_window', `Active client certificates expiring within ${RENEWAL_WINDOW_WORKING_DAYS} French working days (DOMAIN.md A3).`, [{ value: expiring.length }]),
        gauge('esav_certificate_expiry_timestamp_seconds', 'notAfter of each active client certificate, in Unix seconds.',
          active.map((c) => ({ labels: { operator: c.operator, fingerprint: c.fingerprint_sha256.slice(0, 16) }, value: Math.floor(c.not_after.getTime() / 1000) }))),
        gauge('esav_certificates_active', 'Active, unexpired client certificates.', [{ value: active.length }]),
        ...(deps.load ? [
          counter('esav_requests_total', 'Calls that reached their operation on this instance, per operator, contract category (DOMAIN.md L1; OTHER: outside the five) and outcome (ok, fault, limited: refused by an L2 limit).',
            deps.load.totals().map((t) => ({ labels: { operator: t.operator, category: t.category, outcome: t.outcome }, value: t.value }))),
          gauge('esav_load_limit_per_minute', 'Per-minute limits in force (DOMAIN.md L2), per operator and scope.',
            deps.load.limits().filter((l) => inForce(l, now)).map((l) => ({ labels: { operator: l.operatorCode, scope: l.scope, id: l.id }, value: l.perMinute })))
        ] : []),
        gauge('esav_notification_queue_depth', 'Push notifications waiting for delivery, per operator.', queue.map((q) => ({ labels: { operator: q.code }, value: Number(q.pending) }))),
        gauge('esav_notification_lag_seconds', 'Age of the oldest notification waiting for delivery, per operator.',
          queue.map((q) => ({ labels: { operator: q.code }, value: q.oldest ? Math.max(0, Math.round((now.getTime() - q.oldest.getTime()) / 1000)) : 0 }))),
        deps.requests?.render() ?? ''
      ].join('');
    }
  });
}
