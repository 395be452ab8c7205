import { createServer } from 'node:net';
import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import { createPool, run } from '../../../src/store/database.js';

describe('database access', () => {
  it('turns an unreachable database into SERVICE_INDISPONIBLE with a retry-after, not an internal error', async () => {
    // A port that was just free: nothing listens on it, the connection is refused.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    });
    const pool = createPool({ connectionString: `postgres://esav:x@127.0.0.1:${port}/postgres`, poolSize: 1, statementTimeoutMs: 1000 });
    try {
      await run(pool, { text: 'SELECT 1', values: [] });
      expect.fail('the query should have failed');
    } catch (e) {
      expect(e).to.be.instanceOf(EsavError);
      expect((e as EsavError).definition.wireCode).to.equal('SERVICE_INDISPONIBLE');
      expect((e as EsavError).detail.retryAfterSeconds).to.equal(5);
    } finally {
      await pool.end();
    }
  });
});
