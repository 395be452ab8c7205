/**
 * `npx tsx scripts/bench/line-tests.ts [--tests 1000] [--connections 32]`: the line tests' figures (issue 17), on an
 * embedded PostgreSQL of its own and the simulated network (1,000 FTTH lines of OPA under 50 PMs):
 *  1. lancementTest throughput over mutual TLS (keep-alive connections), no worker running: launches/s, p50/p99;
 *  2. launch → result: the same number of launches at full speed while one worker (the default configuration:
 *     32 in flight, 8 per element) runs them; p50/p99 of (end − launch) from the tests' own timestamps, and the
 *     most tests EN_COURS at once.
 * A measurement on a shared development machine, not a target: read the figures with the machine's load.
 */
import { Agent, request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../src/domain/clock.js';
import { ALL_SIMULATED, driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { run } from '../../src/store/database.js';
import { startEmbeddedPostgres } from '../../src/store/embedded-postgres.js';
import { seedNetworkForBench } from '../../src/store/network-seed.js';
import { freshDatabase } from '../../test/support/database.js';
import { startGateway } from '../../test/support/gateway.js';
import { freePort } from './net.js';

const { values } = parseArgs({ options: { tests: { type: 'string', default: '1000' }, connections: { type: 'string', default: '32' } } });
const TESTS = Number(values.tests);
const CONNECTIONS = Number(values.connections);
const NS = 'http://esav.bfc-fibre.fr/test/v1';

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-bench-lt-'));
  const pg = await startEmbeddedPostgres(dir, await freePort());
  process.env.ESAV_TEST_DATABASE_URL = pg.connectionString;
  const db = await freshDatabase(20);
  const gw = await startGateway({ database: db, env: { LOG_LEVEL: 'warn', ESAV_DB_POOL_SIZE: '20' } });
  try {
    const [opa] = await run<{ id: string }>(db.pool, { text: "SELECT id::text FROM operator WHERE code = 'OPA'", values: [] });
    await seedNetworkForBench(db.pool, { prefix: 'LTB', pms: 50, pbosPerPm: 4, prisesPerPbo: 10, services: { operatorId: opa!.id, every: 2 } }, new Date());
    const services = (await run<{ service_id: string }>(db.pool, { text: "SELECT service_id FROM service WHERE service_id LIKE 'LTB-%' ORDER BY id", values: [] })).map((r) => r.service_id);
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS, ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
    const launch = (serviceId: string): Promise<number> => new Promise((resolve, reject) => {
      const body = `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><t:LancementTestRequete xmlns:t="${NS}"><t:identifiantPrestation>${serviceId}</t:identifiantPrestation><t:codeTest>REFLECTOMETRIE</t:codeTest></t:LancementTestRequete></e:Body></e:Envelope>`;
      const started = performance.now();
      const req = request(`${gw.url}/esav/test/v1`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/lancementTest"` } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    const launchAll = async (): Promise<{ seconds: number; latencies: number[] }> => {
      const latencies: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
        while (next < TESTS) latencies.push(await launch(services[next++ % services.length]!));
      }));
      return { seconds: (performance.now() - t0) / 1000, latencies };
    };
    await launchAll(); // warm-up: connections, prepared statements
    await run(db.pool, { text: 'DELETE FROM line_test', values: [] });

    const a = await launchAll();
    process.stdout.write(`lancementTest over mTLS, ${CONNECTIONS} connections, no worker: ${TESTS} launches in ${a.seconds.toFixed(2)} s = `
      + `${Math.round(TESTS / a.seconds)}/s, p50 ${pct(a.latencies, 0.5).toFixed(1)} ms, p99 ${pct(a.latencies, 0.99).toFixed(1)} ms\n`);
    await run(db.pool, { text: 'DELETE FROM line_test', values: [] });

    const worker = createLineTestWorker({ pool: db.pool, clock: systemClock, drivers: driverRouter(db.pool, ALL_SIMULATED), worker: 'bench', concurrency: 32,
      capPerElement: 8, graceMs: 10_000, retryDelayMs: 5000, pollMs: 20, onError: (e) => process.stderr.write(`${e.message}\n`) });
    worker.start();
    let maxInFlight = 0;
    const sampler = setInterval(() => {
      void run<{ n: number }>(db.pool, { text: "SELECT count(*)::int AS n FROM line_test WHERE state IN ('EN_ATTENTE', 'EN_COURS')", values: [] })
        .then(([r]) => { maxInFlight = Math.max(maxInFlight, r!.n); });
    }, 50);
    const b = await launchAll();
    for (;;) {
      const [r] = await run<{ n: number }>(db.pool, { text: "SELECT count(*)::int AS n FROM line_test WHERE state IN ('EN_ATTENTE', 'EN_COURS')", values: [] });
      if (r!.n === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    clearInterval(sampler);
    await worker.stop();
    const rows = await run<{ ms: number; state: string }>(db.pool, { text: 'SELECT extract(epoch FROM finished_at - launched_at) * 1000 AS ms, state FROM line_test', values: [] });
    const ms = rows.map((r) => Number(r.ms));
    process.stdout.write(`launch → result, simulated network, one worker (32 in flight, 8 per element), ${TESTS} launched in ${b.seconds.toFixed(2)} s: `
      + `p50 ${pct(ms, 0.5).toFixed(0)} ms, p99 ${pct(ms, 0.99).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms; `
      + `${rows.filter((r) => r.state === 'TERMINE').length} TERMINE; at most ${maxInFlight} EN_COURS at once\n`);
    agent.destroy();
  } finally {
    await gw.close();
    await db.drop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exitCode = 1; });
