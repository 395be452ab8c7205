/**
 * The OI's nightly jobs run inside the nightly window (M1), once per night: closures past their 7-day answer delay
 * are archived, those still within it are not.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { oiEvent } from '../../src/domain/ticket-service.js';
import { runNightlyJobs } from '../../src/jobs/nightly-jobs.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { run } from '../../src/store/database.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf } from '../support/soap-client.js';
import { filing, formExample } from '../support/tickets.js';

describe('nightly jobs (M1)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  const clock = fixedClock('2026-11-20T10:00:00Z');
  const window = { startMinute: 240, durationMinutes: 15 };

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock });
  });
  after(async () => { await gw.close(); await db.drop(); });

  async function closedTicket(ref: string, closedAt: string): Promise<string> {
    clock.set(closedAt);
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, 'FTTH-21-0000001', ref, formExample('ftth', 2, 'valid-minimal.xml')), client: gw.pki.opa, ca: gw.pki.ca });
    const reference = textOf(r.body, 'referenceSignalisation')!;
    const store = createTicketStore(db.pool);
    for (const e of ['accept', 'start'] as const) await oiEvent(store, reference, e, 'agent', clock.now());
    await oiEvent(store, reference, 'close', 'agent', clock.now(), { reason: 'réparé' });
    return reference;
  }

  it('archives the closures whose answer delay is over, keeps the others, and runs once per night', async () => {
    const old = await closedTicket('OPA-NIGHT-OLD', '2026-11-20T10:00:00Z');
    const recent = await closedTicket('OPA-NIGHT-NEW', '2026-11-26T10:00:00Z');
    expect(await runNightlyJobs(db.pool, new Date('2026-11-28T02:59:00Z'), window), 'outside the window').to.equal(null);
    const report = await runNightlyJobs(db.pool, new Date('2026-11-28T03:01:00Z'), window); // 04:01 Paris
    expect(report).to.deep.include({ night: '2026-11-28', archived: 1 });
    const states = await run<{ reference: string; state: string }>(db.pool, { text: 'SELECT reference, state FROM ticket WHERE reference = ANY($1)', values: [[old, recent]] });
    expect(Object.fromEntries(states.map((r) => [r.reference, r.state]))).to.deep.equal({ [old]: 'CLOS_TABLEAU_DE_BORD', [recent]: 'CLOS' });
    expect(await runNightlyJobs(db.pool, new Date('2026-11-28T03:10:00Z'), window), 'already done this night').to.equal(null);
  });
});
