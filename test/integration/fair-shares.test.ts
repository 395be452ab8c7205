/**
 * Fair shares over a real listener (issue 14, item 2; defects found in review): a client that leaves while its call
 * waits in its operator's queue gives its place back, so an operator cannot lock itself out through ordinary client
 * time-outs; under pressure a caller whose authentication is not cached is refused at once, without a registry query
 * queued behind the saturated pool.
 */
import { connect, type TLSSocket } from 'node:tls';
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { session } from '../../src/store/database.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, textOf } from '../support/soap-client.js';

const until = async (what: string, condition: () => boolean): Promise<void> => {
  for (const deadline = Date.now() + 10_000; !condition();) {
    if (Date.now() > deadline) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('fair shares on a real listener', () => {
  describe('a client that leaves', () => {
    let gw: TestGateway;
    before(async () => { gw = await startGateway({ env: { ESAV_OPERATOR_MAX_IN_FLIGHT: '1', ESAV_OPERATOR_QUEUE_MS: '10000' } }); });
    after(async () => { await gw.close(); });

    /** A call whose headers announce a body that never comes: it holds its place until its connection closes. */
    async function hanging(): Promise<TLSSocket> {
      const s = connect({ host: '127.0.0.1', port: gw.port, servername: 'localhost', ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
      await new Promise<void>((resolve, reject) => { s.once('secureConnect', () => resolve()); s.once('error', reject); });
      s.on('error', () => undefined);
      s.write('POST /esav/prestation/v1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 500\r\n\r\n');
      return s;
    }
    /** OPA's share: the only operator calling this gateway, so the only one listed. */
    const opa = () => [...gw.app.fairShare.state().values()][0];

    it('gives back the place of a call whose client left while it waited in its operator’s queue', async () => {
      const a = await hanging();
      await until('the first call holds the place', () => opa()?.inFlight === 1);
      const b = await hanging();
      await until('the second call waits', () => opa()?.queued === 1);
      b.destroy();
      await until('the second call left the queue', () => opa()?.queued === 0);
      a.destroy();
      await until('every place is back', () => gw.app.fairShare.state().size === 0);
      const r = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca });
      expect(r.status).to.equal(200);
    });
  });

  describe('under pressure', () => {
    const clock = fixedClock('2026-11-24T10:00:00Z');
    let db: TestDatabase;
    let gw: TestGateway;
    before(async () => {
      db = await freshDatabase(3);
      gw = await startGateway({ clock, database: db, env: { ESAV_MAX_DB_WAITING: '0', ESAV_AUTH_CACHE_TTL_MS: '2000' } });
    });
    after(async () => { await gw.close(); await db.drop(); });
    const read = () => call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca });

    it('refuses a caller whose authentication is no longer cached at once, asking the registry nothing', async () => {
      expect((await read()).status).to.equal(200);
      let free!: () => void;
      const freed = new Promise<void>((resolve) => { free = resolve; });
      let holding = 0;
      const held = [0, 1, 2].map(() => session(db.pool, () => { holding++; return freed; }));
      try {
        await until('the pool is held', () => holding === 3);
        const first = read();
        await until('a call waits for the database', () => db.pool.waitingCount === 1);
        clock.advance(3000); // the cached answer of OPA's certificate expired
        const refused = await read();
        expect(textOf(refused.body, 'code')).to.equal('SERVICE_INDISPONIBLE');
        expect(refused.headers['retry-after']).to.equal('5');
        expect(db.pool.waitingCount, 'no registry query queued behind the saturated pool').to.equal(1);
        free();
        expect((await first).status).to.equal(200);
      } finally {
        free();
        await Promise.all(held);
      }
    });
  });
});
