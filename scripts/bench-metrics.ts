/**
 * What the request metrics cost per call (README "Observability"): RequestMetrics.observe on 16 series (four
 * operations, four outcomes), as the SOAP routes' onResponse hook calls it, then one scrape of them.
 *
 *   npx tsx scripts/bench-metrics.ts [calls per round, default 2000000]
 */
import { createRequestMetrics } from '../src/transport/request-metrics.js';

const calls = Number(process.argv[2] ?? 2_000_000);
const metrics = createRequestMetrics();
const operations = ['consultationPrestation', 'depotSignalisation', 'consultationEtat', 'rechercheSignalisations'];
const outcomes = ['OK', 'OK', 'OK', 'RESSOURCE_INCONNUE'];
for (let round = 1; round <= 3; round++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    metrics.observe({ service: 'signalisation', version: 'v2', operation: operations[i & 3], outcome: outcomes[(i >> 2) & 3]! }, 3.2);
  }
  process.stdout.write(`round ${round}: ${(Number(process.hrtime.bigint() - t0) / calls).toFixed(0)} ns per call\n`);
}
const t1 = process.hrtime.bigint();
const text = await metrics.render();
process.stdout.write(`one scrape: ${(Number(process.hrtime.bigint() - t1) / 1e6).toFixed(2)} ms, ${text.length} bytes\n`);
