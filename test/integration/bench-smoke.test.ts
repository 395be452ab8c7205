/**
 * `npm run bench -- --smoke`: every load and every measurement of the benchmark runs and produces a figure — the
 * loads (a)–(h), the same-work peers (p1; p2 where a JDK and Debian's jaxws are installed, else skipped with the
 * reason), the memory samples and breakdown, the two instances on one PostgreSQL, the handshakes (full and resumed,
 * bare and gateway, a SOAP call on a resumed session), the cold start (tsx and built). Never a speed: a smoke run's
 * figures mean nothing. It writes its report with --out, so benchmarks/results/latest.json is left alone. About
 * 1.5–2.5 min (the JVM's start and its first answer take 5–15 s of it on a busy 2-core machine).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRootDir } from '../../src/config/config.js';
import { jaxwsUnavailable } from '../../scripts/bench/jaxws.js';
import type { BenchReport } from '../../scripts/bench/report.js';

const ROOT = findRootDir();

function runBench(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'bench.ts'), ...args], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']
    });
    const output: string[] = [];
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output: output.join('') }));
  });
}

describe('bench smoke run (npm run bench -- --smoke)', function () {
  // About 2.5 min on a busy 2-core machine since the same-work peers (the JVM starts in up to 10 s there).
  this.timeout(300_000);
  this.slow(60_000);
  let dir: string;
  let report: BenchReport;
  let written: string;
  let out: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'esav-bench-smoke-'));
    out = path.join(dir, 'smoke.json');
    const run = await runBench(['--smoke', '--out', out]);
    expect(run.code, `the bench exited ${run.code}:\n${run.output.slice(-3000)}`).to.equal(0);
    written = /^written: (.*)$/m.exec(run.output)?.[1] ?? '';
    report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is marked as a smoke run and wrote its report only where --out said (not latest.json)', () => {
    expect(report.settings.smoke).to.equal(true);
    expect(written).to.equal(path.relative(ROOT, out));
  });

  it('ran every load, the same-work peers included, each with answers and no error', () => {
    // p2 (JAX-WS) runs where a JDK and Debian's jaxws are installed, and is skipped with the reason elsewhere.
    const p2 = jaxwsUnavailable() === null ? ['p2-read', 'p2-filing'] : [];
    // The peers run right after the loads they are compared with, (c) and (d).
    expect(report.results.map((r) => r.id)).to.deep.equal(['ceiling', 'peer', 'read', 'filing', 'p1-read', 'p1-filing', ...p2,
      'filing-events', 'filing-inside', 'works', 'search']);
    for (const r of report.results) {
      expect(r.requests, r.id).to.be.greaterThan(0);
      expect(r.errors, `${r.id}: ${r.firstError}`).to.equal(0);
    }
  });

  it('sampled the resident memory of the peer and of the gateway under load', function () {
    if (process.platform !== 'linux') this.skip();
    for (const r of report.results.filter((x) => x.id !== 'ceiling')) {
      expect(r.memory?.samples, r.id).to.be.greaterThan(0);
      expect(r.memory?.maxMB, r.id).to.be.a('number');
    }
    expect(report.memory.gateway.maxMB).to.be.a('number');
    expect(report.memory.peer.maxMB).to.be.a('number');
    // Where it is, as the child sees it: V8 heap and, for the gateway, libxml2, when the load stopped and after GC.
    for (const r of report.results.filter((x) => x.server === 'gateway')) {
      expect(r.memory?.breakdown?.atEnd?.libxml2MB, r.id).to.be.a('number');
      expect(r.memory?.breakdown?.afterGc?.gcRounds, r.id).to.be.greaterThan(0);
    }
  });

  it('says which same-work peers ran, why one was skipped, and the figures of issue 20 under their stable keys', () => {
    const why = jaxwsUnavailable();
    expect(report.peers.find((p) => p.id === 'soap-pg')).to.deep.include({ ran: true });
    const p2 = report.peers.find((p) => p.id === 'jaxws')!;
    if (why === null) expect(p2).to.deep.include({ ran: true, flags: ['-Dsun.net.httpserver.nodelay=true'] });
    else expect(p2).to.deep.include({ ran: false, skipped: why });
    expect(Object.keys(report.headline)).to.deep.equal(['read/p1', 'read/p2', 'filing/p1', 'filing/p2', 'read/a', 'rss.max']);
    for (const k of ['read/p1', 'filing/p1', 'read/a', 'rss.max'] as const) expect(report.headline[k], k).to.be.a('number');
    if (why === null) for (const k of ['read/p2', 'filing/p2'] as const) expect(report.headline[k], k).to.be.a('number');
    for (const id of ['soap-pg', ...(why === null ? ['jaxws'] as const : [])] as const) expect(report.memory.peers[id]?.maxMB, id).to.be.a('number');
  });

  it('loaded one instance, then two on the same PostgreSQL, both answering', () => {
    const i = report.instances!;
    expect(i).to.not.equal(null);
    expect(i.cores).to.be.greaterThan(0);
    expect(i.one.requests).to.be.greaterThan(0);
    expect(i.one.errors, i.one.firstError ?? '').to.equal(0);
    expect(i.two.errors, i.two.firstError ?? '').to.equal(0);
    expect(i.two.perTarget).to.have.length(2);
    for (const n of i.two.perTarget!) expect(n).to.be.greaterThan(0);
    expect(i.ratio).to.be.a('number');
  });

  it('opened mTLS connections, full and resumed, to the bare server and to the gateway', () => {
    const h = report.handshakes!;
    expect(h.rows.map((r) => r.id)).to.deep.equal(['h1-full', 'h2-full', 'h1-resumed', 'h2-resumed']);
    for (const r of h.rows) {
      expect(r.connections, r.id).to.be.greaterThan(0);
      expect(r.errors, `${r.id}: ${r.firstError}`).to.equal(0);
    }
    // What resumption does is a property of the TLS set-up, not a speed: the gateway resumes sessions, and a
    // resumed connection is still answered for the operator whose certificate the session was made with.
    expect(h.rows.find((r) => r.id === 'h2-resumed')!.reusedShare).to.be.greaterThan(0);
    expect(h.rows.find((r) => r.id === 'h2-full')!.reusedShare).to.equal(0);
    expect(h.resumedCall).to.deep.include({ resumed: true, status: 200, authenticated: true });
    expect(h.ratios.full).to.be.a('number');
    expect(h.ratios.resumed).to.be.a('number');
  });

  it('started the real server to readiness, with tsx and built', () => {
    const c = report.coldStart!;
    expect(c.results.map((r) => r.mode)).to.deep.equal(['tsx', 'built']);
    for (const r of c.results) {
      expect(r.error, r.mode).to.equal(undefined);
      expect(r.runs, r.mode).to.have.length(1);
      expect(r.medianMs, r.mode).to.be.a('number');
    }
  });

  it('has a value for every target', () => {
    for (const g of report.goals) {
      if (g.id === 'rss' && process.platform !== 'linux') continue;
      expect(g.value, g.id).to.not.equal(null);
    }
  });
});
