/**
 * Issue 13, "one way into PostgreSQL": a gateway on a PostgreSQL of its own (not the run's shared one), under load
 * with reads, filings and a transactional operation. PostgreSQL stopped: every operation answers the Server fault
 * SERVICE_INDISPONIBLE with an HTTP Retry-After, never ERREUR_INTERNE; started again: the gateway recovers by
 * itself. PostgreSQL frozen (SIGSTOP): the calls in flight get SERVICE_INDISPONIBLE within the statement timeout,
 * and the gateway recovers after SIGCONT. The load is a closed loop; conditions are polled, not waited for.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/store/embedded-postgres.js';
import { freePort } from '../../scripts/bench/net.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, textOf, type RawResponse } from '../support/soap-client.js';
import { byReference, filing, formExample } from '../support/tickets.js';

/** Small, so that the test is short; the default is 10 s (ESAV_DB_STATEMENT_TIMEOUT_MS). */
const TIMEOUT_MS = 1000;
/** What a call may wait in the worst case: a connection (timeout + grace), then one statement (timeout + grace). */
const BOUND_MS = 2 * (TIMEOUT_MS + 500) + 1500;

type Operation = 'read' | 'filing' | 'state' | 'comment';
const OPERATIONS: readonly Operation[] = ['read', 'filing', 'state', 'comment'];

interface Outcome { readonly op: Operation; readonly startedAt: number; readonly ms: number; readonly code: string | null; readonly retryAfter: unknown; readonly status: number }

/** PostgreSQL's processes: the postmaster (postmaster.pid) and its children (Linux /proc). */
function postgresProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      // The parent pid is the 4th field, after "(comm)" which may contain spaces.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
  return [postmaster, ...children];
}

describe('database outage (one way into PostgreSQL)', function () {
  if (process.platform !== 'linux') return;
  this.timeout(120_000);
  const clock = fixedClock('2026-11-24T10:00:00Z');
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');
  let dir: string;
  let port: number;
  let server: EmbeddedServer | null = null;
  let frozen: number[] = [];
  let db: TestDatabase;
  let gw: TestGateway;
  let agent: Agent;
  let reference: string;
  let n = 0;

  const send = (op: Operation): Promise<RawResponse> => {
    const sig = (body: string): Promise<RawResponse> => call(gw.url, { path: '/esav/signalisation/v2', body, client: gw.pki.opa, ca: gw.pki.ca, agent });
    switch (op) {
      case 'read': return call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca, agent });
      case 'filing': return sig(filing(2, 'FTTH-21-0000001', `OPA-OUTAGE-${++n}`, ftth));
      case 'state': return sig(byReference(2, 'ConsultationEtatRequete', reference));
      case 'comment': return sig(byReference(2, 'AjoutComplementRequete', reference, `<s:texte>complément ${++n}</s:texte>`));
    }
  };
  const once = async (op: Operation): Promise<Outcome> => {
    const startedAt = Date.now();
    const r = await send(op);
    return { op, startedAt, ms: Date.now() - startedAt, code: r.status === 200 ? null : textOf(r.body, 'code') ?? `HTTP ${r.status}`, retryAfter: r.headers['retry-after'], status: r.status };
  };
  /** A closed loop of workers over the four operations until stop() is called. */
  const load = (workers: number): { outcomes: Outcome[]; stop(): Promise<void> } => {
    const outcomes: Outcome[] = [];
    let running = true;
    const loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = w; running; i++) outcomes.push(await once(OPERATIONS[i % OPERATIONS.length]!));
    });
    return { outcomes, async stop() { running = false; await Promise.all(loops); } };
  };
  const recovered = async (): Promise<Outcome[]> => {
    const last: Outcome[] = [];
    for (const op of OPERATIONS) {
      let o = await once(op);
      for (const deadline = Date.now() + 30_000; o.code !== null && Date.now() < deadline;) o = await once(op);
      last.push(o);
    }
    return last;
  };
  const expectUnavailable = (outcomes: readonly Outcome[]): void => {
    for (const o of outcomes) {
      expect(o.code, `${o.op} at +${o.startedAt}`).to.equal('SERVICE_INDISPONIBLE');
      expect(o.retryAfter, `${o.op}: Retry-After`).to.equal('5');
    }
    expect(new Set(outcomes.map((o) => o.op)), 'every operation was tried').to.deep.equal(new Set(OPERATIONS));
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'esav-outage-'));
    port = await freePort();
    server = await startEmbeddedPostgres(dir, port);
    db = await freshDatabase(6, { url: server.connectionString, statementTimeoutMs: TIMEOUT_MS });
    gw = await startGateway({ database: db, clock, env: { ESAV_DB_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS) } });
    agent = new Agent({ keepAlive: true, maxSockets: 16, ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
    const filed = await send('filing');
    expect(filed.status, filed.body).to.equal(200);
    reference = textOf(filed.body, 'referenceSignalisation')!;
  });
  after(async () => {
    for (const pid of frozen) { try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ } }
    agent?.destroy();
    await gw?.close();
    await db?.drop().catch(() => undefined);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers SERVICE_INDISPONIBLE with Retry-After to every operation while PostgreSQL is stopped, then recovers by itself', async () => {
    const l = load(8);
    for (const deadline = Date.now() + 10_000; l.outcomes.filter((o) => o.code === null).length < 8 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    await server!.stop();
    server = null;
    const stoppedAt = Date.now();
    for (const deadline = Date.now() + 15_000; l.outcomes.filter((o) => o.startedAt > stoppedAt).length < 40 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    await l.stop();
    expect(l.outcomes.filter((o) => o.code !== null && o.code !== 'SERVICE_INDISPONIBLE'), 'no other fault, never ERREUR_INTERNE').to.deep.equal([]);
    expect(l.outcomes.filter((o) => o.startedAt < stoppedAt && o.code === null).length, 'calls succeeded before the stop').to.be.greaterThan(0);
    expectUnavailable(l.outcomes.filter((o) => o.startedAt > stoppedAt));

    server = await startEmbeddedPostgres(dir, port);
    const after = await recovered();
    expect(after.map((o) => `${o.op}: ${o.code ?? 'OK'}`)).to.deep.equal(OPERATIONS.map((op) => `${op}: OK`));
  });

  it('answers the calls in flight SERVICE_INDISPONIBLE within the statement timeout while PostgreSQL is frozen, then recovers after SIGCONT', async () => {
    const l = load(8);
    for (const deadline = Date.now() + 10_000; l.outcomes.filter((o) => o.code === null).length < 8 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    frozen = postgresProcesses(dir);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();
    // Frozen longer than a call may wait, and long enough for every worker's call to meet the frozen server.
    // Every operation must have met it: on a loaded machine one kind of call may start later than the others.
    const metByEach = (): boolean => OPERATIONS.every((op) =>
      l.outcomes.some((o) => o.op === op && o.startedAt > frozenAt && o.startedAt < Date.now() - BOUND_MS));
    const longEnough = (): boolean => Date.now() - frozenAt > BOUND_MS + 1000 && l.outcomes.filter((o) => o.startedAt > frozenAt).length >= 16 && metByEach();
    for (const deadline = Date.now() + 25_000; !longEnough() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    const thawAt = Date.now();
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    frozen = [];
    await l.stop();
    expect(l.outcomes.filter((o) => o.code !== null && o.code !== 'SERVICE_INDISPONIBLE'), 'no other fault, never ERREUR_INTERNE').to.deep.equal([]);
    // The calls that met the frozen server (in flight at the freeze, or started during it early enough): each one
    // answered while PostgreSQL was still frozen, within the bound, SERVICE_INDISPONIBLE.
    const met = l.outcomes.filter((o) => o.startedAt + o.ms > frozenAt + 50 && o.startedAt < thawAt - BOUND_MS);
    expect(met.length, "a call of each worker at least").to.be.at.least(8);
    for (const o of met) {
      expect(o.startedAt + o.ms, `${o.op} answered before the thaw`).to.be.lessThan(thawAt);
      expect(o.ms, `${o.op} answered within the bound (all: ${met.map((m) => `${m.op} ${m.ms}`).join(", ")})`).to.be.lessThan(BOUND_MS);
    }
    expectUnavailable(met);
    const after = await recovered();
    expect(after.map((o) => `${o.op}: ${o.code ?? 'OK'}`)).to.deep.equal(OPERATIONS.map((op) => `${op}: OK`));
  });
});
