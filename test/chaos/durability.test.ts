/**
 * Chaos, durability (issue 14, item 6): filing load with retries through kill -9 of the gateway (restarted), of one
 * of two instances on one PostgreSQL (clients fail over to the other), and of PostgreSQL itself (restarted on the
 * same data directory; the gateways recover by themselves). Every reference a client was told is filed is in the
 * database, once. Real processes throughout: gateways from src/server.ts, a PostgreSQL of the test's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ms, percentile, printTable, tally } from './support/figures.js';
import { filingLoad, until, verdict, type FilingLoad, type Target } from './support/filing-load.js';
import { gatewayProcess, type GatewayProcess } from './support/gateway-process.js';
import { agentFor } from './support/mtls-clients.js';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';

const WORKERS = 8;

describe('chaos: durability of filings under kill -9', function () {
  this.timeout(240_000);
  let dir: string;
  let pg: OwnPostgres;
  let a: GatewayProcess;
  let b: GatewayProcess;
  const targets: Target[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'esav-chaos-'));
    pg = await startOwnPostgres(dir);
    a = await gatewayProcess({ name: 'a', databaseUrl: pg.url, dir });
    b = await gatewayProcess({ name: 'b', databaseUrl: pg.url, dir });
    await a.start();
    targets.push({ url: a.url, agent: agentFor(a.pkiDir, 'opa') });
  });
  after(async () => {
    for (const t of targets) t.agent.destroy();
    await a?.stop();
    await b?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Stops the load, compares with the database, prints and asserts: 0 acknowledged lost, 0 duplicated. */
  const judge = async (title: string, prefix: string, load: FilingLoad, extra: ReadonlyArray<readonly [string, string | number]>): Promise<void> => {
    const { unanswered } = await load.stop();
    const rows = await pg.query<{ operator_reference: string; reference: string }>(
      'SELECT operator_reference, reference FROM ticket WHERE operator_reference LIKE $1', [`${prefix}-%`]);
    const v = verdict(load.acknowledged, rows);
    printTable(title, [
      ['filings acknowledged', v.acknowledged],
      ['of which replays (dejaDeposee)', v.replays],
      ['tickets in the database', v.rows],
      ['acknowledged lost', v.lost.length],
      ['duplicated', v.duplicated.length],
      ['failed attempts (retried)', `${load.failures.length}: ${tally(load.failures)}`],
      ['most attempts for one filing', Math.max(...load.acknowledged.map((x) => x.attempts))],
      ['time to acknowledge p50 / p99 / max', [50, 99, 100].map((p) => ms(percentile(load.acknowledged.map((x) => x.ms), p))).join(' / ')],
      ['never answered (deadline)', unanswered.length],
      ...extra
    ]);
    expect(v.lost, 'acknowledged filings missing from the database').to.deep.equal([]);
    expect(v.duplicated, 'references with more than one ticket').to.deep.equal([]);
    expect(unanswered, 'filings still unanswered 60 s after the chaos').to.deep.equal([]);
    expect(v.rows, 'every ticket in the database was acknowledged').to.equal(v.acknowledged);
  };

  it('loses no acknowledged filing and duplicates none through kill -9 of the gateway, restarted', async () => {
    const load = filingLoad('KILL-GW', () => targets, WORKERS);
    const kills: string[] = [];
    for (let round = 0; round < 2; round++) {
      const before = performance.now();
      await until('filings acknowledged before the kill', () => load.ackedSince(before) >= 40);
      const killedAt = performance.now();
      a.kill('SIGKILL');
      await a.exited();
      await a.start();
      const upAt = performance.now();
      await until('filings acknowledged after the restart', () => load.ackedSince(upAt) >= 20);
      kills.push(`${ms(upAt - killedAt)} down`);
    }
    await judge('kill -9 of the gateway (twice), restarted', 'KILL-GW', load, [['kills', kills.join(', ')]]);
  });

  it('loses no acknowledged filing and duplicates none through kill -9 of one of two instances (clients fail over)', async () => {
    await b.start();
    targets.push({ url: b.url, agent: agentFor(b.pkiDir, 'opa') });
    const load = filingLoad('KILL-ONE', () => targets, WORKERS);
    const before = performance.now();
    await until('filings acknowledged before the kill', () => load.ackedSince(before) >= 40);
    a.kill('SIGKILL');
    const killedAt = performance.now();
    await a.exited();
    await until('filings acknowledged by the other instance', () => load.ackedSince(killedAt) >= 40);
    const failedOver = performance.now();
    await a.start();
    const upAt = performance.now();
    await until('filings acknowledged after the restart', () => load.ackedSince(upAt) >= 20);
    await judge('kill -9 of one of two instances', 'KILL-ONE', load, [
      ['acknowledged while one instance was down', load.acknowledged.filter((x) => x.ackAt > killedAt && x.ackAt < upAt).length],
      ['40 acknowledged after the kill within', ms(failedOver - killedAt)]
    ]);
  });

  it('loses no acknowledged filing and duplicates none through kill -9 of PostgreSQL, restarted (the gateways recover by themselves)', async () => {
    const pids = [a.pid(), b.pid()];
    const load = filingLoad('KILL-PG', () => targets, WORKERS);
    const before = performance.now();
    await until('filings acknowledged before the kill', () => load.ackedSince(before) >= 40);
    pg.kill9();
    const killedAt = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    await pg.restart();
    const upAt = performance.now();
    await until('filings acknowledged after the restart', () => load.ackedSince(upAt) >= 40);
    const firstAck = Math.min(...load.acknowledged.filter((x) => x.ackAt > upAt).map((x) => x.ackAt));
    await judge('kill -9 of PostgreSQL, restarted', 'KILL-PG', load, [
      ['PostgreSQL down (kill to ready)', ms(upAt - killedAt)],
      ['first acknowledgement after PostgreSQL is up', ms(firstAck - upAt)]
    ]);
    expect([a.pid(), b.pid()], 'the gateways were not restarted').to.deep.equal(pids);
  });
});
