/**
 * The bench's report (scripts/bench/report.ts) of the same-work comparison (issue 20): the ratios under their stable
 * keys, the targets against the faster peer, and --runs N (medians, spreads, every run kept). Synthetic loads: no
 * server, no timing.
 */
import { expect } from 'chai';
import type { LoadResult } from '../../../scripts/bench/load.js';
import { buildReport, combineRuns, type BenchReport, type BenchSettings, type TargetResult } from '../../../scripts/bench/report.js';
import type { LoadId, ServerId } from '../../../scripts/bench/targets.js';

const SETTINGS: BenchSettings = {
  connections: 50, pipelining: 1, warmupS: 3, durationS: 10, gatewayEnv: {}, gatewayNodeFlags: [], gatewayProcessEnv: {},
  gatewayProfiled: false, handshakeConcurrency: 8, coldStartRuns: 3, historyPerOperator: 20_000, smoke: false, serversCompiled: true,
  runs: 1, maxStableWarmupS: 90
};

function load(id: LoadId, letter: string, server: ServerId, requestsPerSecond: number, p99Ms: number, rssMaxMB?: number): TargetResult {
  const r: LoadResult = {
    requests: requestsPerSecond * 10, errors: 0, durationMs: 10_000, requestsPerSecond, meanMs: 1, p50Ms: p99Ms / 3, p90Ms: p99Ms / 2, p99Ms,
    maxMs: p99Ms * 2, firstError: null
  };
  return { id, letter, label: id, server, ...r, ...(rssMaxMB === undefined ? {} : { memory: { samples: 10, maxMB: rssMaxMB, meanMB: rssMaxMB - 5 } }) };
}

function run(read: number, filing: number, p1: [number, number], p2: [number, number], rss: number): BenchReport {
  return buildReport(new Date('2026-12-02T16:00:00Z'), SETTINGS, {
    results: [
      load('ceiling', 'a', 'ceiling', 40_000, 3),
      load('read', 'c', 'gateway', read, 10, rss),
      load('filing', 'd', 'gateway', filing, 20, rss - 10),
      load('p1-read', 'p1r', 'soap-pg', p1[0], 12, 100),
      load('p1-filing', 'p1f', 'soap-pg', p1[1], 30, 100),
      load('p2-read', 'p2r', 'jaxws', p2[0], 8, 400),
      load('p2-filing', 'p2f', 'jaxws', p2[1], 25, 410)
    ],
    handshakes: null, instances: null, coldStart: null
  }, [{ id: 'soap-pg', ran: true }, { id: 'jaxws', ran: true, flags: ['-Dsun.net.httpserver.nodelay=true'] }]);
}

const goal = (r: BenchReport, id: string) => r.goals.find((g) => g.id === id)!;

describe('bench report: the same-work comparison (issue 20)', () => {
  it('writes read/p1, read/p2, filing/p1, filing/p2, read/a and rss.max under their keys', () => {
    const r = run(12_000, 4_000, [6_000, 2_000], [8_000, 1_000], 190);
    expect(r.headline).to.deep.equal({ 'read/p1': 2, 'read/p2': 1.5, 'filing/p1': 2, 'filing/p2': 4, 'read/a': 0.3, 'rss.max': 190 });
    expect(r.memory.peers).to.deep.include({ 'soap-pg': { samples: 20, maxMB: 100, meanMB: 95, maxAnonMB: null, maxFileMB: null, maxPssMB: null } });
    expect(r.memory.peers.jaxws?.maxMB).to.equal(410);
    expect(r.perRequest.map((x) => x.side)).to.have.length(3);
  });

  it('judges throughput and p99 against the faster peer of each operation', () => {
    const r = run(12_000, 4_000, [6_000, 2_000], [8_000, 1_000], 150);
    // The read's faster peer is p2 (8,000/s, p99 8 ms); the filing's is p1 (2,000/s, p99 30 ms).
    expect(goal(r, 'read/peer')).to.deep.include({ value: 1.5, met: true });
    expect(goal(r, 'filing/peer')).to.deep.include({ value: 2, met: false });
    expect(goal(r, 'p99 read')).to.deep.include({ value: 1.25, met: false });
    expect(goal(r, 'p99 filing')).to.deep.include({ value: 0.667, met: true });
    expect(goal(r, 'read/a')).to.deep.include({ value: 0.3, met: false });
    expect(goal(r, 'rss')).to.deep.include({ value: 150, met: true });
  });

  it('leaves a skipped peer out: its ratios are null and the other peer is the faster one', () => {
    const r = buildReport(new Date(), SETTINGS, {
      results: [load('read', 'c', 'gateway', 9_000, 10, 150), load('p1-read', 'p1r', 'soap-pg', 6_000, 12)],
      handshakes: null, instances: null, coldStart: null
    }, [{ id: 'soap-pg', ran: true }, { id: 'jaxws', ran: false, skipped: 'no java' }]);
    expect(r.headline['read/p2']).to.equal(null);
    expect(goal(r, 'read/peer').value).to.equal(1.5);
    expect(goal(r, 'filing/peer')).to.deep.include({ value: null, met: null });
  });

  it('over several runs, gives the median and the spread of every figure, judges the targets on the medians and keeps every run', () => {
    const runs = [run(12_000, 4_000, [6_000, 2_000], [8_000, 1_000], 190), run(9_000, 5_000, [6_000, 2_000], [8_000, 1_000], 170),
      run(15_000, 6_000, [6_000, 2_000], [8_000, 1_000], 150)];
    const r = combineRuns(runs);
    expect(r.runs).to.have.length(3);
    expect(r.spread!['read.requestsPerSecond']).to.deep.equal({ median: 12_000, min: 9_000, max: 15_000, spread: 0.5, values: [12_000, 9_000, 15_000] });
    expect(r.spread!['read.rssMaxMB']!.median).to.equal(170);
    expect(r.headline['read/p2']).to.equal(1.5);
    expect(r.headline['rss.max']).to.equal(170);
    // filing/peer per run: 2, 2.5, 3 → median 2.5, met.
    expect(goal(r, 'filing/peer')).to.deep.include({ value: 2.5, met: true });
    expect(r.startedAt).to.equal(runs[0]!.startedAt);
  });

  it('is the run itself when there is one run', () => {
    const one = run(12_000, 4_000, [6_000, 2_000], [8_000, 1_000], 190);
    expect(combineRuns([one])).to.equal(one);
  });
});
