import { createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import { createPool, isUnavailable, mapDatabaseError, run, transaction, type Pool } from '../../../src/store/database.js';
import { testDatabaseUrl } from '../../support/database.js';

const freeLoopbackPort = (): Promise<number> => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

function expectUnavailable(e: unknown, reason: string): void {
  expect(e).to.be.instanceOf(EsavError);
  expect((e as EsavError).definition.wireCode).to.equal('SERVICE_INDISPONIBLE');
  expect((e as EsavError).detail.retryAfterSeconds).to.equal(5);
  expect((e as EsavError).detail.params?.reason).to.equal(reason);
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => expect.fail('the statement should have failed'), (e: unknown) => e);
}

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('database access (src/store/database.ts)', () => {
  describe('the mapping of a failure to SERVICE_INDISPONIBLE', () => {
    const unreachable: Array<[string, Error]> = [
      ['connection refused', withCode('ECONNREFUSED')],
      ['no Unix socket (server stopped)', withCode('ENOENT')],
      ['connection reset', withCode('ECONNRESET')],
      ['SQLSTATE 08006 connection failure', withCode('08006')],
      ['SQLSTATE 53300 too many connections', withCode('53300')],
      ['SQLSTATE 57P01 admin shutdown', withCode('57P01')],
      ['SQLSTATE 57P03 cannot connect now', withCode('57P03')],
      ['pool wait or connect timeout', new Error('timeout exceeded when trying to connect')],
      ['connection dropped mid-statement', new Error('Connection terminated unexpectedly')],
      ['connection already broken', new Error('Client has encountered a connection error and is not queryable')]
    ];
    for (const [what, e] of unreachable) {
      it(`maps ${what} to "base de données injoignable"`, () => {
        expect(isUnavailable(e)).to.equal(true);
        expectUnavailable(mapDatabaseError(e), 'base de données injoignable');
      });
    }
    it('maps the server-side statement timeout (57014) and pg\'s read timeout to "base de données sans réponse"', () => {
      expectUnavailable(mapDatabaseError(withCode('57014', 'canceling statement due to statement timeout')), 'base de données sans réponse');
      expectUnavailable(mapDatabaseError(new Error('Query read timeout')), 'base de données sans réponse');
    });
    it('leaves every other error as it is (a constraint, a syntax error, a bug)', () => {
      for (const e of [withCode('23505'), withCode('42601'), withCode('23514'), new TypeError('x is undefined')]) {
        expect(isUnavailable(e), String((e as { code?: string }).code)).to.equal(false);
        expect(mapDatabaseError(e)).to.equal(e);
      }
    });
  });

  describe('on a database that cannot be reached', () => {
    it('answers SERVICE_INDISPONIBLE to a statement and to a transaction (pool.connect fails), not an internal error', async () => {
      const port = await freeLoopbackPort();
      const pool = createPool({ connectionString: `postgres://esav:x@127.0.0.1:${port}/postgres`, poolSize: 1, statementTimeoutMs: 1000 });
      try {
        expectUnavailable(await failure(run(pool, { text: 'SELECT 1', values: [] })), 'base de données injoignable');
        expectUnavailable(await failure(transaction(pool, (tx) => run(tx, { text: 'SELECT 1', values: [] }))), 'base de données injoignable');
      } finally {
        await pool.end();
      }
    });

    it('gives up connecting to a server that accepts and never answers within the statement timeout', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const pool = createPool({ connectionString: `postgres://esav:x@127.0.0.1:${port}/postgres`, poolSize: 1, statementTimeoutMs: 200 });
      const started = Date.now();
      try {
        expectUnavailable(await failure(run(pool, { text: 'SELECT 1', values: [] })), 'base de données injoignable');
        expect(Date.now() - started).to.be.lessThan(2000);
      } finally {
        await pool.end();
        silent.close();
      }
    });
  });

  describe('on a real server', () => {
    let pool: Pool;
    let admin: Pool;
    before(() => {
      pool = createPool({ connectionString: testDatabaseUrl(), poolSize: 1, statementTimeoutMs: 300 });
      admin = createPool({ connectionString: testDatabaseUrl(), poolSize: 1, statementTimeoutMs: 5000 });
    });
    after(async () => { await pool.end(); await admin.end(); });

    it('ends a statement slower than the timeout with SERVICE_INDISPONIBLE, and the pool serves the next one', async () => {
      expectUnavailable(await failure(run(pool, { text: 'SELECT pg_sleep(3)', values: [] })), 'base de données sans réponse');
      expect(await run<{ n: number }>(pool, { text: 'SELECT 1 AS n', values: [] })).to.deep.equal([{ n: 1 }]);
    });

    it('answers SERVICE_INDISPONIBLE when the connection is dropped mid-transaction, and does not give that connection back', async () => {
      const e = await failure(transaction(pool, async (tx) => {
        const [{ pid }] = await run<{ pid: number }>(tx, { text: 'SELECT pg_backend_pid() AS pid', values: [] });
        await run(admin, { text: 'SELECT pg_terminate_backend($1)', values: [pid] });
        await run(tx, { text: 'SELECT 1', values: [] });
      }));
      expectUnavailable(e, 'base de données injoignable');
      // The pool has one connection: the dropped one was discarded, a new one serves.
      expect(await run<{ n: number }>(pool, { text: 'SELECT 1 AS n', values: [] })).to.deep.equal([{ n: 1 }]);
    });

    it('rolls a transaction back and rethrows the error of its function as it is', async () => {
      const boom = new RangeError('domain refusal');
      const e = await failure(transaction(pool, async (tx) => {
        await run(tx, { text: 'CREATE TEMP TABLE IF NOT EXISTS rolled (x int)', values: [] });
        throw boom;
      }));
      expect(e).to.equal(boom);
      expect(await run(pool, { text: "SELECT 1 FROM pg_tables WHERE tablename = 'rolled'", values: [] })).to.deep.equal([]);
    });
  });
});
