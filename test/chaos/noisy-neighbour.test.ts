/**
 * Chaos, one caller cannot hurt the others (issue 14, items 2 and 6): the operator OPA floods one gateway process
 * with costly documents (large, many elements, UTF-16) on many connections, from a process of its own, while the
 * operator OPB reads at a steady pace on a few keep-alive connections. OPB's calls are all answered and the gateway
 * survives; OPB's p99 under the flood is compared with its p99 without it, measured in the same run on the same
 * gateway (target: within 2×; the fair shares per operator and the element budget per document: README "One caller
 * cannot hurt the others").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../src/config/config.js';
import { consultation } from '../support/soap-client.js';
import { ms, percentile, printTable, tally } from './support/figures.js';
import { gatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { agentFor, post, type Outcome } from './support/mtls-clients.js';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';

const FLOOD_CONNECTIONS = 12;
/** OPB's pace: one read every PACE_MS, SAMPLES of them per phase after WARMUP discarded ones. */
const PACE_MS = 50;
const SAMPLES = 500;
const WARMUP = 50;
const OPB_CONNECTIONS = 4;
/** The gateway's own settings: its defaults, unless a run asks otherwise (ESAV_CHAOS_GATEWAY_ENV='{"ESAV_…":"…"}'). */
const GATEWAY_ENV = JSON.parse(process.env.ESAV_CHAOS_GATEWAY_ENV ?? '{}') as Record<string, string>;

interface Flood { readonly sent: number; readonly perSecond: number; readonly megabytesPerSecond: number; readonly codes: Record<string, number> }

describe('chaos: one operator floods, another reads', function () {
  this.timeout(180_000);
  let dir: string;
  let pg: OwnPostgres;
  let gw: GatewayProcess;
  let opb: Agent;
  let floodChild: ChildProcess | null = null;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'esav-chaos-'));
    pg = await startOwnPostgres(dir);
    gw = await gatewayProcess({ name: 'a', databaseUrl: pg.url, dir, env: GATEWAY_ENV });
    await gw.start();
    // A few keep-alive connections, as an operator's system keeps: a call due while they are all busy waits for one.
    opb = agentFor(gw.pkiDir, 'opb', OPB_CONNECTIONS);
  });
  after(async () => {
    floodChild?.kill('SIGKILL');
    opb?.destroy();
    await gw?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * OPB's steady reads: one every PACE_MS whatever the answers (an open loop: a slow answer does not delay the next
   * call, so the gateway's stalls are not hidden), each timed from the moment it was due.
   */
  const steadyReads = async (): Promise<Outcome[]> => {
    const t0 = performance.now();
    const calls: Promise<Outcome>[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const due = t0 + i * PACE_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const call = post(gw.url, opb, '/esav/prestation/v1', consultation('FTTH-25-0000002')).then((o) => ({ ...o, ms: performance.now() - due }));
      if (i >= WARMUP) calls.push(call);
    }
    return Promise.all(calls);
  };

  const startFlood = async (): Promise<{ stop(): Promise<Flood> }> => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/chaos/support/flood-client.ts'], {
      cwd: findRootDir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FLOOD_URL: gw.url, FLOOD_PKI: gw.pkiDir, FLOOD_CONNECTIONS: String(FLOOD_CONNECTIONS) },
      stdio: ['ignore', 'pipe', 'inherit']
    });
    floodChild = child;
    let out = '';
    child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (const end = Date.now() + 60_000; !out.includes('flooding\n');) {
      if (Date.now() > end || child.exitCode !== null) throw new Error('the flood client did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The flood running at full speed before OPB is measured under it.
    await new Promise((r) => setTimeout(r, 1500));
    return {
      async stop() {
        child.kill('SIGTERM');
        await exited;
        return JSON.parse(out.trim().split('\n').pop()!) as Flood;
      }
    };
  };

  let ratio = Number.NaN;

  it("answers every call of the quiet operator while another floods, none refused", async () => {
    const before = await steadyReads();
    const flood = await startFlood();
    let flooded: Outcome[];
    let figures: Flood;
    try {
      flooded = await steadyReads();
    } finally {
      figures = await flood.stop();
    }
    const survived = gw.alive();
    const after = await steadyReads();
    // Without the flood: the phases before and after it together, so that a drift of the shared machine either way counts half.
    const quiet = [...before, ...after];
    const row = (o: readonly Outcome[]): string =>
      `${[50, 90, 99, 100].map((p) => ms(percentile(o.map((x) => x.ms), p))).join(' / ')}  (${tally(o.map((x) => x.code))})`;
    const [p99Quiet, p99Flooded] = [percentile(quiet.map((x) => x.ms), 99), percentile(flooded.map((x) => x.ms), 99)];
    printTable(`OPB reads one every ${PACE_MS} ms on ${OPB_CONNECTIONS} connections, ${SAMPLES} per phase; OPA floods on ${FLOOD_CONNECTIONS}`, [
      ['OPB before the flood  p50/p90/p99/max', row(before)],
      ['OPB under the flood   p50/p90/p99/max', row(flooded)],
      ['OPB after the flood   p50/p90/p99/max', row(after)],
      ['p99 under the flood / without', `${(p99Flooded / p99Quiet).toFixed(2)}× (${ms(p99Flooded)} / ${ms(p99Quiet)}; target ≤ 2×)`],
      ['OPA flood', `${figures.sent} calls, ${Math.round(figures.perSecond)}/s, ${figures.megabytesPerSecond.toFixed(1)} MB/s`],
      ['OPA answers', Object.entries(figures.codes).map(([k, n]) => `${k} ${n}`).join(', ')],
      ['gateway', survived ? 'alive' : `DIED: ${gw.stderr().split('\n').slice(-3).join(' ')}`],
      ['machine', `${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`]
    ]);
    expect(survived, `the gateway survived the flood: ${gw.stderr()}`).to.equal(true);
    expect(flooded.filter((o) => o.code !== null).map((o) => o.code), "OPB's calls under the flood all answered").to.deep.equal([]);
    expect(figures.sent, 'the flood ran').to.be.greaterThan(100);
    ratio = p99Flooded / p99Quiet;
  });

  /**
   * The target of issue 14, met since large bodies are read off the event loop (README "Reliability": 0.98–1.53×
   * over seven runs). ESAV_CHAOS_STRICT=0 reports a miss as pending with its figure instead of failing (to look at a
   * setting that is known to miss it, ESAV_CHAOS_GATEWAY_ENV='{"ESAV_XML_OFF_LOOP_WORKERS":"0"}' for example).
   */
  it("keeps the quiet operator's p99 under the flood within 2x of its p99 without it", function () {
    if (Number.isNaN(ratio)) this.skip();
    if (ratio > 2 && process.env.ESAV_CHAOS_STRICT === '0') {
      process.stdout.write(`    TARGET NOT MET: OPB's p99 under the flood is ${ratio.toFixed(1)}× its p99 without it (target ≤ 2×)\n`);
      this.skip();
    }
    expect(ratio, "OPB's p99 under the flood ÷ without").to.be.at.most(2);
  });
});
