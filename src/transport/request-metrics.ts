/**
 * Per-instance request metrics for the ops listener (issue "Operating the gateway", item 6): requests and latency
 * by service, version, operation and outcome, and TLS handshake failures by reason. Kept in memory (a scrape reads
 * them), written in the Prometheus text format.
 */
import { escapeLabel as esc } from './prometheus.js';

const BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

interface Series { labels: string; count: number; sum: number; buckets: number[] }

export interface RequestMetrics {
  observe(labels: { service?: string | undefined; version?: string | undefined; operation?: string | undefined; outcome: string }, durationMs: number): void;
  tlsFailure(reason: string): void;
  render(): string;
}

export function createRequestMetrics(): RequestMetrics {
  const series = new Map<string, Series>();
  const tls = new Map<string, number>();
  return {
    observe(l, durationMs) {
      const labels = `service="${esc(l.service ?? '')}",version="${esc(l.version ?? '')}",operation="${esc(l.operation ?? '')}",outcome="${esc(l.outcome)}"`;
      let s = series.get(labels);
      if (!s) { s = { labels, count: 0, sum: 0, buckets: BUCKETS_MS.map(() => 0) }; series.set(labels, s); }
      s.count++;
      s.sum += durationMs;
      for (let i = 0; i < BUCKETS_MS.length; i++) if (durationMs <= BUCKETS_MS[i]!) s.buckets[i]!++;
    },
    tlsFailure(reason) {
      tls.set(reason, (tls.get(reason) ?? 0) + 1);
    },
    render() {
      const out = ['# HELP esav_soap_requests_total SOAP calls answered, by service, version, operation and outcome (OK or the fault code).', '# TYPE esav_soap_requests_total counter'];
      for (const s of series.values()) out.push(`esav_soap_requests_total{${s.labels}} ${s.count}`);
      out.push('# HELP esav_soap_request_duration_ms Time to answer a SOAP call, in milliseconds.', '# TYPE esav_soap_request_duration_ms histogram');
      for (const s of series.values()) {
        BUCKETS_MS.forEach((b, i) => out.push(`esav_soap_request_duration_ms_bucket{${s.labels},le="${b}"} ${s.buckets[i]}`));
        out.push(`esav_soap_request_duration_ms_bucket{${s.labels},le="+Inf"} ${s.count}`, `esav_soap_request_duration_ms_sum{${s.labels}} ${s.sum}`, `esav_soap_request_duration_ms_count{${s.labels}} ${s.count}`);
      }
      out.push('# HELP esav_tls_handshake_failures_total TLS handshakes that failed, by reason (no certificate, unknown CA, expired…).', '# TYPE esav_tls_handshake_failures_total counter');
      for (const [reason, n] of tls) out.push(`esav_tls_handshake_failures_total{reason="${esc(reason)}"} ${n}`);
      return `${out.join('\n')}\n`;
    }
  };
}
