/**
 * Per-instance request metrics for the ops listener: SOAP calls and their duration by service, version, operation and
 * outcome, and TLS handshake failures by reason, in a prom-client registry of their own (the ops listener merges it
 * with the process, pool and registry metrics).
 *
 * Every label is bounded: service and version come from the loaded contracts, the operation is set only once dispatch
 * found it in the contract (an unknown element leaves it empty), the outcome is OK, a fault registry wire code or an
 * HTTP status, and the TLS reason a short list of OpenSSL/Node codes. Nothing a caller types becomes a label.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OffLoopFigures } from '../xml/off-loop-reader.js';

/** Seconds (Prometheus base unit): from a cached read (about a millisecond) to the request time-out's order. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

export interface CallLabels {
  readonly service?: string | undefined;
  readonly version?: string | undefined;
  readonly operation?: string | undefined;
  readonly outcome: string;
}

export interface RequestMetrics {
  /** One answered SOAP call; `durationMs` as Fastify measures it (reply.elapsedTime). */
  observe(labels: CallLabels, durationMs: number): void;
  tlsFailure(reason: string): void;
  /** The registry holding these metrics (merged into the ops listener's). */
  readonly registry: Registry;
  /** These metrics alone, in the Prometheus text format. */
  render(): Promise<string>;
}

/** One series: its labels, its call count (read by the counter at scrape time) and its histogram child. */
interface Series { readonly labels: Record<(typeof LABELS)[number], string>; calls: number; readonly duration: { observe(v: number): void } }

const LABELS = ['service', 'version', 'operation', 'outcome'] as const;

/** @param offLoop the figures of the off-loop reader (src/xml/off-loop-reader.ts), read at scrape time */
export function createRequestMetrics(offLoop?: () => OffLoopFigures): RequestMetrics {
  const registry = new Registry();
  if (offLoop) offLoopMetrics(registry, offLoop);
  const series = new Map<string, Series>();
  new Counter({
    name: 'esav_soap_requests_total', help: 'SOAP calls answered, by service, version, operation and outcome (OK or the fault code).',
    labelNames: LABELS, registers: [registry],
    collect() { this.reset(); for (const s of series.values()) this.inc(s.labels, s.calls); }
  });
  const duration = new Histogram({
    name: 'esav_soap_request_duration_seconds', help: 'Time to answer a SOAP call, in seconds.',
    labelNames: LABELS, buckets: [...DURATION_BUCKETS_SECONDS], registers: [registry]
  });
  const tls = new Counter({
    name: 'esav_tls_handshake_failures_total', help: 'TLS handshakes that failed, by reason (no certificate, unknown CA, expired…).',
    labelNames: ['reason'], registers: [registry]
  });
  // The per-request cost (1.3 µs, scripts/bench-metrics.ts; README "Observability"): one string key, a map lookup, a
  // count, and the histogram's observe; the counter reads the counts at scrape time instead of hashing labels per call.
  return {
    registry,
    observe(l, durationMs) {
      const service = l.service ?? '';
      const version = l.version ?? '';
      const operation = l.operation ?? '';
      const key = `${service}\u0000${version}\u0000${operation}\u0000${l.outcome}`;
      let s = series.get(key);
      if (s === undefined) {
        const labels = { service, version, operation, outcome: l.outcome };
        s = { labels, calls: 0, duration: duration.labels(labels) };
        series.set(key, s);
      }
      s.calls++;
      s.duration.observe(durationMs / 1000);
    },
    tlsFailure(reason) {
      tls.inc({ reason });
    },
    render: () => registry.metrics()
  };
}

function offLoopMetrics(registry: Registry, figures: () => OffLoopFigures): void {
  const registers = [registry];
  new Counter({ name: 'esav_xml_off_loop_reads_total', help: 'Request bodies read by a worker process, off the event loop (ESAV_XML_OFF_LOOP_BYTES or more).', registers,
    collect() { this.reset(); this.inc(figures().offLoop); } });
  new Gauge({ name: 'esav_xml_off_loop_waiting', help: 'Large request bodies waiting for an off-loop worker.', registers,
    collect() { this.set(figures().waiting); } });
  new Counter({ name: 'esav_xml_off_loop_worker_failures_total', help: 'Off-loop workers that stopped other than at close (each replaced, unless it never started).', registers,
    collect() { this.reset(); this.inc(figures().workerFailures); } });
  new Gauge({ name: 'esav_xml_off_loop_enabled', help: '1 while large bodies are read off the event loop; 0 once a worker could not start (all are read on it).', registers,
    collect() { this.set(figures().enabled ? 1 : 0); } });
}
