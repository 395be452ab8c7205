/**
 * The e-intervention alert path (issue 18): from an operator's M5TX request (customers cut) to the DO's endpoint
 * receiving the OI's M6TX relay, with 50 interventions in flight — 50 concurrent operators' loops, one per open
 * intervention, each reporting a new cut line as soon as its previous relay arrived. Real gateway (buildApp on a
 * fresh schema, mutual TLS), real outbox worker (woken by the commit, as in src/server.ts), real HTTPS receivers.
 * Gateway, worker, receivers and the load share one process and event loop here: a pessimistic setting.
 *
 *   npx tsx scripts/bench-e-intervention.ts [--rounds 20] [--interventions 50]
 * Target: p99 ≤ 200 ms. Writes benchmarks/results/e-intervention-alert.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { findRootDir } from '../src/config/config.js';
import { loadEInterventionContract } from '../src/contracts/e-intervention-contract.js';
import { systemClock } from '../src/domain/clock.js';
import { createEInterventionWorker, type EInterventionWorker } from '../src/jobs/e-intervention-worker.js';
import { createInterventionStore } from '../src/store/e-intervention-store.js';
import { eInterventionReceiver } from '../test/support/e-intervention-receiver.js';
import { startGateway } from '../test/support/gateway.js';
import { freshDatabase } from '../test/support/database.js';
import { createPool } from '../src/store/database.js';
import { mochaGlobalSetup, mochaGlobalTeardown } from '../test/support/global-fixtures.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '20' }, interventions: { type: 'string', default: '50' }, rate: { type: 'string' } }
});
const ROUNDS = Number(values.rounds);
const N = Number(values.interventions);
/** Open loop: this many reports per second in all, round-robin over the open interventions (absent: closed loop). */
const RATE = values.rate === undefined ? null : Number(values.rate);

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  // The tests' embedded PostgreSQL (a real server, in a temporary directory), started and stopped around the run.
  await mochaGlobalSetup();
  try { await measure(); } finally { await mochaGlobalTeardown(); }
}

async function measure(): Promise<void> {
  let worker: EInterventionWorker | null = null;
  // As deployed: the gateway's pool of 20 connections (ESAV_DB_POOL_SIZE) and the worker's own pool of 4.
  const db = await freshDatabase(20);
  const gw = await startGateway({ onEInterventionMessages: () => worker?.kick(), env: { LOG_LEVEL: 'warn', ESAV_AUTH_CACHE_TTL_MS: '2000' }, database: db });
  const workerPool = createPool({ connectionString: db.url, schema: db.schema, poolSize: 4, statementTimeoutMs: db.statementTimeoutMs });
  const contract = loadEInterventionContract(findRootDir());
  const doEndpoint = await eInterventionReceiver(gw.pki, '/opa/v2');
  const ocEndpoint = await eInterventionReceiver(gw.pki, '/opb/v2');
  const store = createInterventionStore(gw.pool, 'BFCF');
  await store.setEndpoint('OPA', 'DO', doEndpoint.url, systemClock.now());
  await store.setEndpoint('OPB', 'OC', ocEndpoint.url, systemClock.now());
  await store.setConsent('OPB', 'TOUJOURS', systemClock.now());
  worker = createEInterventionWorker({
    pool: workerPool, clock: systemClock, contract, tls: { cert: gw.pki.gatewayClient.certPem, key: gw.pki.gatewayClient.keyPem, ca: [gw.pki.ca] },
    backoff: { baseMs: 1000, maxMs: 60_000, stalledAfterAttempts: 10 }, concurrency: 16, timeoutMs: 5000, leaseMs: 35_000, pollMs: 500,
    logger: { info: () => undefined, warn: (d, m) => console.error(m, d) }
  });
  worker.start();
  const agent = (cert: string, key: string) => new Agent({ connect: { cert, key, ca: [gw.pki.ca] }, connections: N });
  const opa = agent(gw.pki.opa.certPem, gw.pki.opa.keyPem);
  const opb = agent(gw.pki.opb.certPem, gw.pki.opb.keyPem);
  const post = async (a: Agent, method: 'POST' | 'PUT', p: string, body: unknown) => {
    const res = await request(`${gw.url}/e-intervention/v2${p}`, { method, dispatcher: a, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode !== 200) throw new Error(`${p}: ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };

  const startedAt = new Date(Date.now() - 60_000).toISOString();
  const refs: string[] = [];
  for (let i = 0; i < N; i++) {
    const r = await post(opa, 'POST', '/interventions-do', {
      codeDO: 'OPA', codeOI: 'BFCF', refIntervDO: `BENCH-${i}`, dateDebutIntervention: startedAt, message: 'M1', nature: '4',
      pointMutualisation: { refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A' }, refPBO: '21231-PBO-0042-001'
    });
    refs.push(String(r.refIntervOI));
  }
  while (ocEndpoint.received.length < N) await new Promise((r) => setTimeout(r, 20));

  const waiting = new Map<string, () => void>();
  doEndpoint.onMessage = (m) => {
    const ont = ((m.body.clientHSOC as Record<string, unknown>[])[0]?.numeroSerieONT) as string | undefined;
    if (ont) waiting.get(ont)?.();
  };
  const samples: number[] = [];
  const answered: number[] = [];
  const report = (i: number, k: number, ont: string) => ({
    refIntervOI: refs[i], codeOcImpacte: 'OPB', message: 'M5TX', testCloture: false, ligneClientRetablie: [],
    clientHSOC: [{
      refPTO: k % 2 === 0 ? 'FI-2123-1001-0007' : 'FI-2123-1001-0014', refPBO: '21231-PBO-0042-001', nomModulePM: 'MOD-03', positionModulePM: '03',
      positionCoupleurOC: 'C2-07', fibre: '4', tube: '2', numeroSerieONT: ont, dateChangementEtat: new Date().toISOString()
    }]
  });
  const loop = async (i: number): Promise<void> => {
    for (let k = 0; k < ROUNDS; k++) {
      const ont = `B${i}R${k}`;
      const arrived = new Promise<void>((resolve) => waiting.set(ont, resolve));
      const t0 = performance.now();
      await post(opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', report(i, k, ont));
      answered.push(performance.now() - t0);
      await arrived;
      samples.push(performance.now() - t0);
      waiting.delete(ont);
    }
  };
  const one = async (i: number, k: number): Promise<void> => {
    const ont = `B${i}R${k}`;
    const arrived = new Promise<void>((resolve) => waiting.set(ont, resolve));
    const t0 = performance.now();
    await post(opb, 'POST', '/interventions-oi/notification-impacte-clients-oc', report(i, k, ont));
    answered.push(performance.now() - t0);
    await arrived;
    samples.push(performance.now() - t0);
    waiting.delete(ont);
  };
  const t = performance.now();
  if (RATE === null) await Promise.all(refs.map((_, i) => loop(i)));
  else {
    const pending: Promise<void>[] = [];
    for (let j = 0; j < ROUNDS * N; j++) {
      const due = t + (j * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(one(j % N, Math.floor(j / N)));
    }
    await Promise.all(pending);
  }
  const wall = performance.now() - t;
  samples.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 10) / 10;
  const result = {
    measure: 'M5TX request sent → M6TX received by the DO endpoint', interventionsInFlight: N,
    load: RATE === null ? `closed loop: ${N} reporters, each waiting for its relay` : `open loop: ${RATE} reports/s over the ${N} interventions`,
    samples: samples.length,
    p50Ms: r2(quantile(samples, 0.5)), p95Ms: r2(quantile(samples, 0.95)), p99Ms: r2(quantile(samples, 0.99)), maxMs: r2(samples.at(-1)!),
    m5txAnsweredP50Ms: r2(quantile(answered.sort((a, b) => a - b), 0.5)), m5txAnsweredP99Ms: r2(quantile(answered, 0.99)),
    relaysPerSecond: Math.round(samples.length / (wall / 1000)), targetP99Ms: 200, at: new Date().toISOString()
  };
  console.log(JSON.stringify(result, null, 2));
  const dir = path.join(findRootDir(), 'benchmarks', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, RATE === null ? 'e-intervention-alert.json' : 'e-intervention-alert-open.json'), `${JSON.stringify(result, null, 2)}\n`);
  await worker.stop();
  await opa.close();
  await opb.close();
  await doEndpoint.shut();
  await ocEndpoint.shut();
  await gw.close();
  await workerPool.end();
  await db.drop();
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
