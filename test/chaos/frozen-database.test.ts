/**
 * Chaos, bounded waits (issue 14, items 3 and 6): PostgreSQL frozen (SIGSTOP of all its processes: it accepts TCP
 * connections and answers nothing) under a load of reads and filings on a real gateway process. Every call that
 * meets the frozen server is answered the Server fault SERVICE_INDISPONIBLE (with Retry-After) within the configured statement
 * timeout plus a margin, /health/ready answers 503 within the statement timeout, and after SIGCONT the gateway serves again by
 * itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { consultation } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';
import { ms, percentile, printTable, tally } from './support/figures.js';
import { until } from './support/filing-load.js';
import { gatewayProcess, readiness, type GatewayProcess } from './support/gateway-process.js';
import { agentFor, post, type Outcome } from './support/mtls-clients.js';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';

/** ESAV_DB_STATEMENT_TIMEOUT_MS of the gateway under test (small, so that the scenario is short; the default is 10 s). */
const TIMEOUT_MS = 1000;
/**
 * The worst wait of a call: a connection (the timeout + pg's 500 ms grace), then one statement (the same), and a
 * margin for a loaded 2-core machine (the bound of test/integration/database-outage.test.ts).
 */
const BOUND_MS = 2 * (TIMEOUT_MS + 500) + 1500;
const WORKERS = 8;

interface Timed extends Outcome { readonly op: 'read' | 'filing'; readonly startedAt: number }

describe('chaos: PostgreSQL frozen (SIGSTOP)', function () {
  this.timeout(180_000);
  let dir: string;
  let pg: OwnPostgres;
  let gw: GatewayProcess;
  let agent: Agent;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'esav-chaos-'));
    pg = await startOwnPostgres(dir);
    gw = await gatewayProcess({ name: 'a', databaseUrl: pg.url, dir, env: { ESAV_DB_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS) } });
    await gw.start();
    agent = agentFor(gw.pkiDir, 'opa');
  });
  after(async () => {
    pg?.thaw();
    agent?.destroy();
    await gw?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers SERVICE_INDISPONIBLE within the statement timeout and a margin while PostgreSQL is frozen, then recovers after SIGCONT', async () => {
    const form = formExample('ftth', 2, 'valid-minimal.xml');
    const outcomes: Timed[] = [];
    let n = 0;
    let running = true;
    const once = async (op: Timed['op']): Promise<Timed> => {
      const startedAt = performance.now();
      const o = op === 'read'
        ? await post(gw.url, agent, '/esav/prestation/v1', consultation('FTTH-21-0000001'))
        : await post(gw.url, agent, '/esav/signalisation/v2', filing(2, 'FTTH-21-0000001', `FROZEN-${++n}`, form));
      return { ...o, op, startedAt };
    };
    const loops = Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = w; running; i++) outcomes.push(await once(i % 2 === 0 ? 'read' : 'filing'));
    });
    await until('calls answered before the freeze', () => outcomes.filter((o) => o.code === null).length >= 40);

    pg.freeze();
    const frozenAt = performance.now();
    const ready: Array<{ status: number; ms: number }> = [];
    // Frozen longer than a call may wait, and until every worker met the frozen server at least twice.
    const longEnough = (): boolean => performance.now() - frozenAt > BOUND_MS + 1000 && outcomes.filter((o) => o.startedAt > frozenAt).length >= 2 * WORKERS;
    for (const end = frozenAt + 30_000; !longEnough() && performance.now() < end;) ready.push(await readiness(gw.opsPort, 2000));
    pg.thaw();
    const thawAt = performance.now();
    let recoveredAt = Number.NaN;
    await until('calls answered after the thaw', () => {
      const ok = outcomes.filter((o) => o.startedAt > thawAt && o.code === null);
      if (ok.length > 0 && Number.isNaN(recoveredAt)) recoveredAt = ok[0]!.startedAt + ok[0]!.ms;
      return ok.length >= 40;
    });
    running = false;
    await Promise.all(loops);
    const readyAfter = await readiness(gw.opsPort, 2000);

    // The calls that met the frozen server: answered after the freeze, started early enough to be answered before the thaw.
    const met = outcomes.filter((o) => o.startedAt + o.ms > frozenAt + 50 && o.startedAt < thawAt - BOUND_MS);
    const after = outcomes.filter((o) => o.startedAt > thawAt);
    const beforeFreeze = outcomes.filter((o) => o.startedAt + o.ms < frozenAt);
    printTable(`PostgreSQL frozen ${ms(thawAt - frozenAt)} (ESAV_DB_STATEMENT_TIMEOUT_MS=${TIMEOUT_MS}, bound ${BOUND_MS} ms)`, [
      ['calls before the freeze', `${beforeFreeze.length}: ${tally(beforeFreeze.map((o) => o.code))}`],
      ['calls that met the frozen server', `${met.length}: ${tally(met.map((o) => o.code))}`],
      ['their wait p50 / p99 / max', [50, 99, 100].map((p) => ms(percentile(met.map((o) => o.ms), p))).join(' / ')],
      ['Retry-After on them', tally(met.map((o) => o.retryAfter))],
      ['/health/ready while frozen', `${ready.length} probes: ${tally(ready.map((r) => String(r.status)))}, ` +
        `slowest ${ms(Math.max(...ready.map((r) => r.ms)))}`],
      ['first answer after SIGCONT', ms(recoveredAt - thawAt)],
      ['calls after SIGCONT', `${after.length}: ${tally(after.map((o) => o.code))}`],
      ['/health/ready after', readyAfter.status]
    ]);
    const others = outcomes.filter((o) => o.code !== null && o.code !== 'SERVICE_INDISPONIBLE');
    expect(others.map((o) => `${o.op}: ${o.code}`), 'no other fault, never ERREUR_INTERNE').to.deep.equal([]);
    expect(met.length, 'calls of every worker met the frozen server').to.be.at.least(WORKERS);
    // A SOAP 1.1 Server fault travels with HTTP 500 (WS-I BP R1126); the retry-after is in the header too.
    expect(met.filter((o) => o.code !== 'SERVICE_INDISPONIBLE' || o.status !== 500 || o.retryAfter === null).map((o) => `${o.op} ${o.status} ${o.code}`),
      'each answered the Server fault SERVICE_INDISPONIBLE with Retry-After').to.deep.equal([]);
    const late = met.filter((o) => o.ms >= BOUND_MS || o.startedAt + o.ms > thawAt);
    expect(late.map((o) => `${o.op} ${Math.round(o.ms)} ms`), 'each within the bound, while frozen').to.deep.equal([]);
    expect(ready.length, 'readiness probed while frozen').to.be.greaterThan(0);
    // Issue 14 item 3 asks for an answer within a second; the readiness query is bound by the statement timeout
    // (src/ops-app.ts), so it answers within that bound, not within a second: asserted as it is, reported in the README.
    expect(ready.filter((r) => r.status !== 503 || r.ms >= TIMEOUT_MS + 1000).map((r) => `${r.status} in ${Math.round(r.ms)} ms`),
      '/health/ready: 503 within the statement timeout').to.deep.equal([]);
    expect(readyAfter.status, '/health/ready after the thaw').to.equal(200);
  });
});
