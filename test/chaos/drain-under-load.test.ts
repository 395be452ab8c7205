/**
 * Chaos, SIGTERM under keep-alive load (issue 14, items 4 and 6): two gateway processes on one PostgreSQL, clients
 * on keep-alive connections behind a "balancer" that sends new connections to the instances whose /health/ready
 * answers 200. SIGTERM to the instance serving them all: from then every answer says `Connection: close`, so the
 * clients reconnect (to the other instance once readiness is false); a call that arrives while the listener closes
 * gets the fault 503 with Retry-After, retried once on the other instance. No call fails; the instance exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { consultation } from '../support/soap-client.js';
import { ms, percentile, printTable, tally } from './support/figures.js';
import { until } from './support/filing-load.js';
import { gatewayProcess, readiness, type GatewayProcess } from './support/gateway-process.js';
import { agentFor, post, type Outcome } from './support/mtls-clients.js';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';

const WORKERS = 16;
const DRAIN_DELAY_MS = 1500;

interface Call { readonly instance: string; readonly at: number; readonly o: Outcome }
interface LogicalCall { readonly attempts: readonly Call[]; readonly ok: boolean }

describe('chaos: SIGTERM under keep-alive load', function () {
  this.timeout(180_000);
  let dir: string;
  let pg: OwnPostgres;
  const gateways: GatewayProcess[] = [];
  const agents: Agent[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'esav-chaos-'));
    pg = await startOwnPostgres(dir);
    for (const name of ['a', 'b']) {
      const g = await gatewayProcess({ name, databaseUrl: pg.url, dir, env: { ESAV_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS) } });
      await g.start();
      gateways.push(g);
      agents.push(agentFor(g.pkiDir, 'opa', WORKERS));
    }
  });
  after(async () => {
    for (const a of agents) a.destroy();
    for (const g of gateways) await g.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails no call: answers say Connection: close from SIGTERM, clients reconnect, the instance exits 0', async () => {
    const a = gateways[0]!;
    // The balancer: A while its readiness says 200 (the clients all start there), B otherwise; probed every 100 ms.
    let aReady = true;
    let probing = true;
    const prober = (async () => {
      while (probing) { aReady = (await readiness(a.opsPort, 500)).status === 200; await new Promise((r) => setTimeout(r, 100)); }
    })();
    const calls: LogicalCall[] = [];
    let running = true;
    const attempt = async (i: number): Promise<Call> => {
      const g = gateways[i]!;
      return { instance: g.name, at: performance.now(), o: await post(g.url, agents[i]!, '/esav/prestation/v1', consultation('FTTH-21-0000001')) };
    };
    const loops = Array.from({ length: WORKERS }, async () => {
      let on = 0;
      while (running) {
        const first = await attempt(on);
        // Refused before anything was sent (the listener is closed), or the fault 503 of a closing instance: once more, elsewhere.
        const retry = first.o.code === 'ECONNREFUSED' || (first.o.status === 503 && first.o.code === 'SERVICE_INDISPONIBLE');
        const attempts = retry ? [first, await attempt(1 - on)] : [first];
        const last = attempts[attempts.length - 1]!;
        calls.push({ attempts, ok: last.o.status === 200 });
        // A closed connection is reopened where the balancer says; a refusal moves the client at once.
        if (retry) on = 1 - on;
        else if (last.o.connectionClose) on = aReady ? 0 : 1;
      }
    });
    await until('calls answered by A before SIGTERM', () => calls.filter((c) => c.ok).length >= 200);
    const sigtermAt = performance.now();
    a.kill('SIGTERM');
    const code = await a.exited();
    const exitedAt = performance.now();
    await until('calls answered by B after A exited', () => calls.filter((c) => c.attempts[0]!.at > exitedAt).length >= 100);
    running = false;
    probing = false;
    await Promise.all(loops);
    await prober;

    const all = calls.flatMap((c) => c.attempts);
    const onAAfter = all.filter((c) => c.instance === 'a' && c.at > sigtermAt);
    const answeredByA = onAAfter.filter((c) => c.o.status === 200);
    const failed = calls.filter((c) => !c.ok);
    printTable(`SIGTERM under keep-alive load (${WORKERS} clients, ESAV_DRAIN_DELAY_MS=${DRAIN_DELAY_MS})`, [
      ['calls', calls.length],
      ['calls after SIGTERM', calls.filter((c) => c.attempts[0]!.at > sigtermAt).length],
      ['answered by A after SIGTERM', `${answeredByA.length}, with Connection: close ${answeredByA.filter((c) => c.o.connectionClose).length}`],
      ['attempts on A after SIGTERM', `${onAAfter.length}: ${tally(onAAfter.map((c) => c.o.code))}`],
      ['retried on B (refused or 503 fault)', calls.filter((c) => c.attempts.length > 1).length],
      ['failed calls', `${failed.length}${failed.length ? `: ${tally(failed.map((c) => c.attempts[c.attempts.length - 1]!.o.code))}` : ''}`],
      ['latency p50 / p99 / max', [50, 99, 100].map((p) => ms(percentile(all.map((c) => c.o.ms), p))).join(' / ')],
      ['SIGTERM to exit of A', `${ms(exitedAt - sigtermAt)}, code ${code}`]
    ]);
    expect(failed.map((c) => c.attempts.map((t) => `${t.instance} ${t.o.code}`).join(' → ')), 'failed calls').to.deep.equal([]);
    expect(answeredByA.length, 'A kept answering while it drained').to.be.greaterThan(0);
    expect(answeredByA.filter((c) => !c.o.connectionClose).length, 'every answer of A after SIGTERM said Connection: close').to.equal(0);
    expect(code, a.stderr()).to.equal(0);
  });
});
