/**
 * The line-test worker of a gateway instance (issue 17): its driver routing read from ESAV_LINE_TEST_DRIVERS (all
 * simulated without it), started by server.ts next to the notification worker and stopped with it.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { LineTestConfig } from '../config/config.js';
import type { Clock } from '../domain/clock.js';
import type { NotificationContractFacts } from '../domain/limit-announcement.js';
import { CodedError } from '../errors/coded-error.js';
import type { Pool } from '../store/database.js';
import { ALL_SIMULATED, driverRouter, routingProblems, type DriverRouting } from './line-test-drivers/line-test-router.js';
import { createLineTestWorker, type LineTestWorker } from './line-test-worker.js';

export function loadDriverRouting(file: string | null): DriverRouting {
  if (file === null) return ALL_SIMULATED;
  let routing: DriverRouting;
  try {
    routing = JSON.parse(readFileSync(file, 'utf8')) as DriverRouting;
  } catch (e) {
    throw new CodedError('ESAV_CONFIG_INVALID', `ESAV_LINE_TEST_DRIVERS=${file}: ${(e as Error).message}`, { cause: e });
  }
  const problems = routingProblems({ default: routing.default ?? 'simule', elements: routing.elements ?? [] });
  if (problems.length > 0) throw new CodedError('ESAV_CONFIG_INVALID', `ESAV_LINE_TEST_DRIVERS=${file}:\n  - ${problems.join('\n  - ')}`);
  return { default: routing.default ?? 'simule', elements: routing.elements ?? [] };
}

export function startLineTestWorker(config: LineTestConfig,
  deps: { pool: Pool; clock: Clock; logger: Logger; notificationContract: NotificationContractFacts | null; onOutcome?: () => void }): LineTestWorker {
  const worker = createLineTestWorker({
    pool: deps.pool, clock: deps.clock, drivers: driverRouter(deps.pool, loadDriverRouting(config.driversFile)),
    worker: `${hostname()}/${process.pid}`, concurrency: config.concurrency, capPerElement: config.capPerElement,
    graceMs: config.leaseGraceMs, retryDelayMs: config.retryDelayMs, pollMs: config.pollMs,
    notificationContract: deps.notificationContract, onError: (e, what) => deps.logger.warn({ err: e.message }, what),
    onOutcome: (t, o) => {
      deps.logger.info({ test: t.reference, state: o.state, attempt: t.attempt }, 'line test done');
      // An e-intervention's intermediate test may be complete: its relay to the DO need not wait for the poll.
      deps.onOutcome?.();
    }
  });
  worker.start();
  return worker;
}
