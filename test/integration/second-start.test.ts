/**
 * A second `npm start` in the same folder (#19 item 3): refused before it touches anything, so the running gateway and
 * its embedded PostgreSQL go on (it used to stop the live PostgreSQL as an "orphan"). Real processes, real PostgreSQL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../../scripts/bench/net.js';
import { DataDirInUseError, lockDataDir } from '../../src/store/embedded-postgres.js';
import { readiness } from '../chaos/support/gateway-process.js';

describe('the data directory lock (a second npm start in the same folder)', () => {
  describe('lockDataDir', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(path.join(tmpdir(), 'esav-lock-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('takes over the file of a gateway that died, and refuses the file of a live one naming its pid', async () => {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      writeFileSync(path.join(dir, 'gateway.pid'), `${dead}\n`);
      const lock = lockDataDir(dir);
      expect(readFileSync(path.join(dir, 'gateway.pid'), 'utf8').trim()).to.equal(String(process.pid));
      lock.release();
      expect(existsSync(path.join(dir, 'gateway.pid')), 'released').to.equal(false);

      const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      try {
        writeFileSync(path.join(dir, 'gateway.pid'), `${live.pid}\n`);
        expect(() => lockDataDir(dir)).to.throw(DataDirInUseError, `pid ${live.pid}`);
        expect(readFileSync(path.join(dir, 'gateway.pid'), 'utf8').trim(), 'left as it was').to.equal(String(live.pid));
      } finally {
        live.kill('SIGKILL');
      }
    });
  });

  describe('two gateway processes on one folder', function () {
    this.timeout(180_000);
    let dir: string;
    let first: ChildProcess | null = null;
    let firstExit: Promise<number | null>;
    let opsPort: number;
    type Ports = { port: number; ops: number; internal: number; portal: number; pg: number };
    const env = (ports: Ports): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', LOG_LEVEL: 'error',
      ESAV_DATA_DIR: path.join(dir, 'var'), ESAV_PKI_DIR: path.join(dir, 'pki'), ESAV_EMBEDDED_PG_PORT: String(ports.pg),
      ESAV_PORT: String(ports.port), ESAV_OPS_PORT: String(ports.ops), ESAV_INTERNAL_PORT: String(ports.internal),
      ESAV_PORTAL_PORT: String(ports.portal), ESAV_NIGHTLY_WINDOW_MINUTES: '0'
    });
    // Every listener on a port of its own: five distinct free ports (two picks can give the same one), the portal's
    // included (its development default, 8442, may be a running gateway's).
    const ports = async (): Promise<Ports> => {
      const picked = new Set<number>();
      while (picked.size < 5) picked.add(await freePort());
      const [port, ops, internal, portal, pg] = [...picked] as [number, number, number, number, number];
      return { port, ops, internal, portal, pg };
    };
    const gateway = (e: NodeJS.ProcessEnv): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: process.cwd(), env: e, stdio: ['ignore', 'ignore', 'pipe'] });
    const postmasterPid = (): number => Number(readFileSync(path.join(dir, 'var', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'esav-second-start-'));
      chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres', which must reach var/ inside it
      const p = await ports();
      opsPort = p.ops;
      let err = '';
      first = gateway(env(p));
      first.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
      firstExit = new Promise((resolve) => first!.once('exit', (code) => resolve(code)));
      for (const deadline = Date.now() + 120_000; ;) {
        if (first.exitCode !== null) throw new Error(`the first gateway exited while starting: ${err}`);
        if ((await readiness(opsPort, 500)).status === 200) break;
        if (Date.now() > deadline) throw new Error(`the first gateway was not ready: ${err}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    after(async () => {
      if (first && first.exitCode === null) { first.kill('SIGKILL'); await firstExit; }
      spawnSync('pkill', ['-KILL', '-f', path.join(dir, 'var', 'pg')]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses the second start with ESAV_DATA_DIR_IN_USE and the first one\'s pid; the first gateway and its PostgreSQL go on', async () => {
      const postmaster = postmasterPid();
      const second = gateway(env(await ports()));
      let err = '';
      second.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
      const code = await new Promise<number | null>((resolve) => second.once('exit', (c) => resolve(c)));
      expect(code).to.equal(1);
      expect(err).to.include('ESAV_DATA_DIR_IN_USE').and.include(`pid ${first!.pid}`);
      expect(err).not.to.match(/\n\s+at /, 'no stack trace');
      expect((await readiness(opsPort, 2000)).status, 'the first gateway is still ready').to.equal(200);
      expect(postmasterPid(), 'the same PostgreSQL runs').to.equal(postmaster);
      expect(() => process.kill(postmaster, 0), 'and it is alive').not.to.throw();
    });

    it('releases the folder on a clean stop', async () => {
      first!.kill('SIGTERM');
      expect(await firstExit).to.equal(0);
      expect(existsSync(path.join(dir, 'var', 'gateway.pid'))).to.equal(false);
    });
  });
});
