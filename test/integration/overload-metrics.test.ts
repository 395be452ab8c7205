/**
 * Overload without a declared limit answers fast with a retry-after (database pool saturated) to the operator that
 * loads the gateway, never to a quiet one (fair shares), and the request and TLS metrics of the ops listener count
 * what happened.
 */
import { expect } from 'chai';
import { session } from '../../src/store/database.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, textOf } from '../support/soap-client.js';

describe('overload and request metrics', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  before(async () => {
    db = await freshDatabase(3);
    // Authentication answers cached as in production (2 s there): the refusal is decided without the database.
    gw = await startGateway({ database: db, env: { ESAV_MAX_DB_WAITING: '0', ESAV_AUTH_CACHE_TTL_MS: '60000' } });
  });
  after(async () => { await gw.close(); await db.drop(); });

  const read = () => call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca });
  const quiet = () => call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-25-0000002'), client: gw.pki.opb, ca: gw.pki.ca });

  /** The pool's three connections, each held by a session until `free` is called. */
  async function holdThePool(): Promise<{ held: Array<Promise<void>>; free: () => void }> {
    let free!: () => void;
    const freed = new Promise<void>((resolve) => { free = resolve; });
    let holding = 0;
    const held = [0, 1, 2].map(() => session(db.pool, () => { holding++; return freed; }));
    for (const deadline = Date.now() + 10_000; holding < 3 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 2));
    expect(holding).to.equal(3);
    return { held, free };
  }

  it('turns a call away at once with SERVICE_INDISPONIBLE and Retry-After while calls wait for the database', async () => {
    expect((await read()).status).to.equal(200);
    const { held, free } = await holdThePool();
    const waiting = read();
    try {
      // Until the first call waits for a connection (its handshake and parse first: up to a few seconds on a busy
      // machine). A condition polled, not a delay waited for.
      for (const deadline = Date.now() + 10_000; db.pool.waitingCount === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 2));
      expect(db.pool.waitingCount).to.be.greaterThan(0);
      const started = Date.now();
      const refused = await read();
      expect(Date.now() - started).to.be.lessThan(1000);
      expect(textOf(refused.body, 'code')).to.equal('SERVICE_INDISPONIBLE');
      expect(refused.headers['retry-after']).to.equal('5');
    } finally {
      // Whatever happened, the connections go back: a test that failed must not starve the next ones.
      free();
      await Promise.all(held);
    }
    expect((await waiting).status).to.equal(200);
  });

  it('sheds the operator whose calls wait for the database, not a quiet one', async () => {
    expect((await quiet()).status).to.equal(200);
    const { held, free } = await holdThePool();
    const waiting = read();
    try {
      for (const deadline = Date.now() + 10_000; db.pool.waitingCount < 1 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 2));
      expect(textOf((await read()).body, 'code')).to.equal('SERVICE_INDISPONIBLE');
      // OPB has nothing in flight: it is let through, and waits for the database like the calls already in.
      const quietCall = quiet();
      for (const deadline = Date.now() + 10_000; db.pool.waitingCount < 2 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 2));
      expect(db.pool.waitingCount).to.equal(2);
      free();
      expect((await quietCall).status).to.equal(200);
    } finally {
      free();
      await Promise.all(held);
    }
    expect((await waiting).status).to.equal(200);
  });

  it('counts calls by service, version, operation and outcome, and failed TLS handshakes by reason', async () => {
    await read();
    await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-9999999'), client: gw.pki.opa, ca: gw.pki.ca });
    await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: null, ca: gw.pki.ca }).catch(() => undefined);
    const text = await gw.app.requestMetrics.render();
    expect(text).to.match(/^esav_soap_requests_total\{service="prestation",version="v1",operation="consultationPrestation",outcome="OK"\} \d+$/m);
    expect(text).to.match(/^esav_soap_requests_total\{service="prestation",version="v1",operation="consultationPrestation",outcome="RESSOURCE_INCONNUE"\} 1$/m);
    expect(text).to.match(/^esav_soap_request_duration_seconds_bucket\{le="\+Inf",service="prestation",version="v1",operation="consultationPrestation",outcome="OK"\} \d+$/m);
    expect(text).to.match(/^esav_tls_handshake_failures_total\{reason="[A-Z_]+"\} [1-9]\d*$/m);
  });
});
