/**
 * The metrics of the ops listener's /metrics, with prom-client: the process and Node.js (prom-client's default
 * metrics), the build, the database pool, and what a scrape reads from the database (certificates, notification
 * queue) or from this instance's load accounting. The request metrics (request-metrics.ts) are merged in.
 *
 * A scrape reads the database once: `render()` takes one snapshot, then every family's collect() reads from it.
 * Labels are bounded: operator codes (the operator registry), certificate fingerprints (at most two active
 * certificates per operator, A2), contract categories and limit scopes (closed lists), limit ids (those in force).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface BuildInfo {
  readonly version: string;
  /** The commit the gateway was built from, when the build said it (ESAV_BUILD_COMMIT); '' otherwise. */
  readonly commit: string;
}

export interface PoolStats {
  /** The pool's size (ESAV_DB_POOL_SIZE). */
  readonly max: number;
  readonly total: () => number;
  readonly idle: () => number;
  readonly waiting: () => number;
}

export interface OpsSnapshot {
  readonly certificatesInRenewalWindow: number;
  readonly activeCertificates: ReadonlyArray<{ readonly operator: string; readonly fingerprint: string; readonly notAfterSeconds: number }>;
  readonly notifications: ReadonlyArray<{ readonly operator: string; readonly pending: number; readonly stalled: number; readonly lagSeconds: number }>;
  /** This instance's load accounting, when it serves SOAP calls. */
  readonly requests: ReadonlyArray<{ readonly operator: string; readonly category: string; readonly outcome: string; readonly value: number }>;
  readonly limits: ReadonlyArray<{ readonly operator: string; readonly scope: string; readonly id: string; readonly perMinute: number }>;
}

export interface OpsMetricsSources {
  readonly build: BuildInfo;
  readonly pool: PoolStats;
  readonly renewalWindowWorkingDays: number;
  readonly stalledAfterAttempts: number;
  /**
   * Read once per scrape; null when the database gave no answer in time. When it fails or times out, the scrape
   * still answers: esav_metrics_database_up 0 and the last values read.
   */
  snapshot(): Promise<OpsSnapshot | null>;
  /** Other registries whose metrics the listener exposes too (this instance's request metrics). */
  readonly merge?: readonly Registry[];
}

export const DEFAULT_GAUGES_NAMED_AS_COUNTERS: readonly string[] =
  Object.freeze(['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']);

export interface OpsMetrics {
  readonly contentType: string;
  render(): Promise<string>;
}

export const EMPTY_SNAPSHOT: OpsSnapshot = Object.freeze({
  certificatesInRenewalWindow: 0, activeCertificates: [], notifications: [], requests: [], limits: []
});

export function createOpsMetrics(s: OpsMetricsSources): OpsMetrics {
  const registry = new Registry();
  // process_cpu_seconds_total, process_resident_memory_bytes, nodejs_eventloop_lag_seconds, nodejs_heap_size_*…
  collectDefaultMetrics({ register: registry });
  // prom-client also exposes the sums of three of them as gauges named `…_total`, a suffix Prometheus keeps for
  // counters (promtool check metrics says so): the per-type gauges stay, sum() over them gives the same figure.
  for (const sum of DEFAULT_GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(sum);
  let current: OpsSnapshot = EMPTY_SNAPSHOT;
  let databaseUp = 0;
  const registers = [registry];

  // A database that fails or freezes must not take the process, pool and request metrics down with it.
  new Gauge({ name: 'esav_metrics_database_up', registers,
    help: '1 if this scrape read the certificates and the notification queue from the database, 0 if it failed or gave no answer in time.',
    collect() { this.set(databaseUp); } });

  new Gauge({ name: 'esav_build_info', help: 'The gateway\'s version, the commit it was built from (when known) and the Node.js version; always 1.',
    labelNames: ['version', 'commit', 'node_version'], registers })
    .set({ version: s.build.version, commit: s.build.commit, node_version: process.version }, 1);

  new Gauge({ name: 'esav_db_pool_connections_max', help: 'Connections the database pool may open (ESAV_DB_POOL_SIZE).', registers,
    collect() { this.set(s.pool.max); } });
  new Gauge({ name: 'esav_db_pool_connections', help: 'Connections the database pool holds open, busy or idle.', registers,
    collect() { this.set(s.pool.total()); } });
  new Gauge({ name: 'esav_db_pool_connections_idle', help: 'Open connections of the database pool that no statement uses.', registers,
    collect() { this.set(s.pool.idle()); } });
  new Gauge({ name: 'esav_db_pool_waiting_requests', registers,
    help: 'Statements waiting for a connection of the pool (the overload guard sheds above ESAV_MAX_DB_WAITING).',
    collect() { this.set(s.pool.waiting()); } });

  new Gauge({ name: 'esav_certificates_in_renewal_window', registers,
    help: `Active client certificates expiring within ${s.renewalWindowWorkingDays} French working days (DOMAIN.md A3).`,
    collect() { this.set(current.certificatesInRenewalWindow); } });
  new Gauge({ name: 'esav_certificate_expiry_timestamp_seconds', help: 'notAfter of each active client certificate, in Unix seconds.',
    labelNames: ['operator', 'fingerprint'], registers,
    collect() {
      this.reset();
      for (const c of current.activeCertificates) this.set({ operator: c.operator, fingerprint: c.fingerprint }, c.notAfterSeconds);
    } });
  new Gauge({ name: 'esav_certificates_active', help: 'Active, unexpired client certificates.', registers,
    collect() { this.set(current.activeCertificates.length); } });

  new Counter({ name: 'esav_requests_total', labelNames: ['operator', 'category', 'outcome'], registers,
    help: 'Calls that reached their operation on this instance, per operator, contract category (DOMAIN.md L1; OTHER: outside the five) '
      + 'and outcome (ok, fault, limited: refused by an L2 limit).',
    collect() { this.reset(); for (const r of current.requests) this.inc({ operator: r.operator, category: r.category, outcome: r.outcome }, r.value); } });
  new Gauge({ name: 'esav_load_limit_per_minute', help: 'Per-minute limits in force (DOMAIN.md L2), per operator and scope.',
    labelNames: ['operator', 'scope', 'id'], registers,
    collect() { this.reset(); for (const l of current.limits) this.set({ operator: l.operator, scope: l.scope, id: l.id }, l.perMinute); } });

  new Gauge({ name: 'esav_notification_queue_depth', help: 'Push notifications waiting for delivery, per operator.', labelNames: ['operator'], registers,
    collect() { this.reset(); for (const n of current.notifications) this.set({ operator: n.operator }, n.pending); } });
  new Gauge({ name: 'esav_notification_lag_seconds', help: 'Age of the oldest notification waiting for delivery, per operator.',
    labelNames: ['operator'], registers,
    collect() { this.reset(); for (const n of current.notifications) this.set({ operator: n.operator }, n.lagSeconds); } });
  new Gauge({ name: 'esav_notification_deliveries_stalled', labelNames: ['operator'], registers,
    help: `Notifications waiting after ${s.stalledAfterAttempts} failed attempts or more (ESAV_NOTIFY_STALLED_AFTER), `
      + 'retried at the longest interval, per operator.',
    collect() { this.reset(); for (const n of current.notifications) this.set({ operator: n.operator }, n.stalled); } });

  const exposed = s.merge && s.merge.length > 0 ? Registry.merge([registry, ...s.merge]) : registry;
  return {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    async render() {
      try {
        const read = await s.snapshot();
        databaseUp = read === null ? 0 : 1;
        current = read ?? current;
      } catch {
        // The last values read stay (an alert on them neither fires nor resolves on a database outage); their
        // freshness is esav_metrics_database_up's business.
        databaseUp = 0;
      }
      return exposed.metrics();
    }
  };
}
