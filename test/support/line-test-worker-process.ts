/**
 * A line-test worker in a process of its own, for the takeover test: it claims on the test's schema (argv: the
 * database URL, the schema, the worker's name) on the system clock, until it is killed.
 */
import { systemClock } from '../../src/domain/clock.js';
import { ALL_SIMULATED, driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { createPool } from '../../src/store/database.js';

const [url, schema, name] = process.argv.slice(2) as [string, string, string];
const pool = createPool({ connectionString: url, poolSize: 2, schema, statementTimeoutMs: 10_000 });
createLineTestWorker({
  pool, clock: systemClock, drivers: driverRouter(pool, ALL_SIMULATED), worker: name, concurrency: 1, capPerElement: 4,
  graceMs: 5000, retryDelayMs: 0, pollMs: 50, onError: (e) => process.stderr.write(`${e.message}\n`)
}).start();
// The worker's timer does not hold a process open (it is unref'd for the gateway): this one lives until killed.
setInterval(() => undefined, 1 << 30);
process.stdout.write('started\n');
