/**
 * SIGTERM under load, on the real process (src/server.ts): readiness turns false, in-flight calls all finish with
 * an answer, and the process exits cleanly. The load keeps running through the stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../src/config/config.js';
import { freshDatabase, testDatabaseUrl, type TestDatabase } from '../support/database.js';
import { freePort } from '../../scripts/bench/net.js';
import { consultation } from '../support/soap-client.js';

const ready = (port: number): Promise<number> => new Promise((resolve) => {
  get({ host: '127.0.0.1', port, path: '/health/ready' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', () => resolve(0));
});

interface Outcome { readonly startedAt: number; readonly status: number | null; readonly error: string | null }

describe('drain on SIGTERM', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;
  let child: ChildProcess;

  before(async () => { db = await freshDatabase(); dir = mkdtempSync(path.join(tmpdir(), 'esav-drain-')); });
  after(async () => { child?.kill('SIGKILL'); await db.drop(); rmSync(dir, { recursive: true, force: true }); });

  it('answers every call in flight at SIGTERM, reports not ready while draining, and exits 0', async () => {
    const [port, opsPort, internalPort, portalPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const url = new URL(testDatabaseUrl());
    url.searchParams.set('options', `-c search_path=${db.schema}`);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: findRootDir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', DATABASE_URL: url.toString(), ESAV_PORT: String(port), ESAV_OPS_PORT: String(opsPort),
        ESAV_INTERNAL_PORT: String(internalPort), ESAV_PORTAL_PORT: String(portalPort), ESAV_PKI_DIR: path.join(dir, 'pki'), ESAV_DATA_DIR: dir, ESAV_DRAIN_DELAY_MS: '800',
        ESAV_NIGHTLY_WINDOW_MINUTES: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 300 && (await ready(opsPort)) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await ready(opsPort), stderr).to.equal(200);

    const pki = path.join(dir, 'pki');
    const agent = new Agent({ keepAlive: true, maxSockets: 20, ca: readFileSync(path.join(pki, 'ca.crt')), cert: readFileSync(path.join(pki, 'opa.crt')), key: readFileSync(path.join(pki, 'opa.key')) });
    const outcomes: Outcome[] = [];
    let running = true;
    const one = (): Promise<void> => new Promise((resolve) => {
      const startedAt = Date.now();
      const req = request({ host: 'localhost', port, method: 'POST', path: '/esav/prestation/v1', agent, headers: { 'content-type': 'text/xml' } }, (res) => {
        res.resume();
        res.on('end', () => { outcomes.push({ startedAt, status: res.statusCode ?? 0, error: null }); resolve(); });
      });
      req.on('error', (e) => { outcomes.push({ startedAt, status: null, error: (e as NodeJS.ErrnoException).code ?? e.message }); resolve(); });
      req.end(consultation('FTTH-21-0000001'));
    });
    const workers = Array.from({ length: 20 }, async () => { while (running) await one(); });

    // SIGTERM once enough calls were answered (not after a fixed time: a loaded machine answers fewer per second).
    for (let i = 0; i < 600 && outcomes.length < 60; i++) await new Promise((r) => setTimeout(r, 25));
    const sigtermAt = Date.now();
    child.kill('SIGTERM');
    let sawNotReady = false;
    for (let i = 0; i < 20 && !sawNotReady; i++) {
      sawNotReady = (await ready(opsPort)) === 503;
      await new Promise((r) => setTimeout(r, 25));
    }
    const code = await exited;
    running = false;
    await Promise.all(workers);
    agent.destroy();

    const inFlight = outcomes.filter((o) => o.startedAt < sigtermAt);
    expect(inFlight.length).to.be.greaterThan(50);
    const failed = inFlight.filter((o) => o.status !== 200);
    expect(failed.map((o) => `${o.startedAt - sigtermAt} ms ${o.status ?? o.error}`), `calls started before SIGTERM that did not get their answer (of ${inFlight.length}; first at ${inFlight[0]!.startedAt - sigtermAt} ms)`).to.deep.equal([]);
    expect(sawNotReady, 'readiness is false while draining').to.equal(true);
    expect(code, stderr).to.equal(0);
  });
});
