/**
 * Planned works (TP) and incidents (DERCO) on the demo town (issue 15 part 2): impacts computed from the inventory
 * and recomputed by an import while open, the lifecycle through the CLI with its audit trail, the 8-day purge, the
 * operator's view (A6) and the filing cross-check's query.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { runNightlyJobs } from '../../src/jobs/nightly-jobs.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { openEventsImpactingService, purgeClosedNetworkEvents, viewNetworkEvent, visibleNetworkEvents } from '../../src/store/network-event-store.js';
import { seedNetworkForBench } from '../../src/store/network-seed.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { testPki } from '../support/pki.js';

const PBO = '21231-PBO-0042-117';
const PM = '21231-PM-0042';

describe('esav-admin network works|incidents', () => {
  let db: TestDatabase;
  let admin: AdminRunner;
  const operators = new Map<string, string>();
  const clock = fixedClock('2026-12-01T09:00:00Z');

  before(async () => {
    db = await freshDatabase();
    admin = adminRunner(db.schema, await testPki());
    await loadDemoData(db.pool, {});
    for (const r of (await sql<{ id: string; code: string }>(db.pool, 'SELECT id, code FROM operator')).rows) operators.set(r.code, String(r.id));
  });
  after(async () => { await db.drop(); });

  /** The active services whose Z end names a prise under this PBO or PM: read from the ends' text, not from the attachments under test. */
  async function servicesUnder(column: 'pbo_ref' | 'pm_ref', ref: string): Promise<{ operator: string; id: string }[]> {
    const { rows } = await sql<{ operator: string; id: string }>(db.pool, 
      `SELECT o.code AS operator, s.service_id AS id FROM service s JOIN operator o ON o.id = s.operator_id
         JOIN service_end z ON z.service_pk = s.id AND z.end_code = 'Z' AND z.pto_ref IS NOT NULL
         LEFT JOIN service_end a ON a.service_pk = s.id AND a.end_code = 'A'
        WHERE s.state = 'active' AND ${column === 'pbo_ref' ? 'z.pbo_ref' : 'a.pm_ref'} = $1 ORDER BY s.service_id`, [ref]);
    return rows;
  }

  async function declare(group: 'works' | 'incidents', args: readonly string[]): Promise<string> {
    const r = await admin(['network', group, 'declare', ...args], clock);
    expect(r.code, r.err).to.equal(0);
    return /declared ((TP|DERCO)-\d{7})/.exec(r.out)![1]!;
  }

  const TP_ARGS = ['--nature', 'REFE', '--start', '2026-12-10T08:00:00+01:00', '--end', '2026-12-10T12:00:00+01:00', '--intervention-required', 'NON',
    '--comments', 'Remplacement du boîtier', '--contact', 'Supervision BFC 03 80 00 00 00'];

  it('declares a TP on a PBO: every prise below it and the active services on them are impacted', async () => {
    const ref = await declare('works', ['--equipment-type', 'PBO', '--equipment', PBO, ...TP_ARGS]);
    const v = (await viewNetworkEvent(db.pool, ref, 1000))!;
    expect(v.event).to.deep.include({ state: 'NOUVEAU', category: 'TP', equipmentRef: PBO, pmRef: PM, nature: 'REFE', interventionRequired: false });
    expect(v.prises).to.equal(26);
    expect(v.firstPrises).to.include('FI-2123-1000-0001');
    const expected = await servicesUnder('pbo_ref', PBO);
    const stored = await sql<{ id: string }>(db.pool, `SELECT s.service_id AS id FROM network_event_impact i JOIN network_event e ON e.id = i.event_id
      JOIN service s ON s.id = i.service_pk WHERE e.reference = $1 AND i.prise_id IS NOT NULL ORDER BY 1`, [ref]);
    expect(stored.rows.map((r) => r.id)).to.deep.equal(expected.map((s) => s.id)).and.include('FTTH-21-0000001');
    const show = await admin(['network', 'works', 'show', ref, '--first', '3']);
    expect(show.out).to.include('impacted prises: 26').and.include('Remplacement du boîtier');
  });

  it('declares an incident on a PM: the whole PM is impacted, and the operators present at it', async () => {
    const ref = await declare('incidents', ['--equipment-type', 'PM', '--equipment', PM, '--start', '2026-12-01T08:30:00Z', '--intervention-required', 'OUI']);
    const v = (await viewNetworkEvent(db.pool, ref, 0))!;
    expect(v.prises).to.equal(253);
    const services = await sql<{ id: string }>(db.pool, `SELECT s.service_id AS id FROM network_event_impact i JOIN network_event e ON e.id = i.event_id
      JOIN service s ON s.id = i.service_pk WHERE e.reference = $1 ORDER BY 1`, [ref]);
    const expected = [...(await servicesUnder('pm_ref', PM)).map((s) => s.id), 'PM-21-0042-OPA', 'PM-21-0042-OPB'].sort();
    expect(services.rows.map((r) => r.id)).to.deep.equal(expected);
    expect(services.rows.map((r) => r.id)).not.to.include('FTTH-21-0000003'); // terminated: not impacted
    expect((await openEventsImpactingService(db.pool, operators.get('OPA')!, 'FTTH-21-0000001')).map((e) => e.category)).to.deep.equal(['TP', 'DERCO']);
    expect(await openEventsImpactingService(db.pool, operators.get('OPB')!, 'FTTH-21-0000001'), 'another operator\'s service').to.deep.equal([]);
  });

  it('refuses a declaration missing its fields, on an unknown element, or on an element of another kind', async () => {
    const missing = await admin(['network', 'works', 'declare', '--equipment-type', 'PBO', '--equipment', PBO, '--start', '2026-12-10T08:00:00Z'], clock);
    expect(missing.err).to.include('ADMIN_INVALID_INPUT').and.include('nature:').and.include('start, end:');
    const unknown = await admin(['network', 'works', 'declare', '--equipment-type', 'PM', '--equipment', PBO, ...TP_ARGS], clock);
    expect(unknown.err).to.include('ADMIN_NOT_FOUND');
    expect((await admin(['network', 'works', 'declare', '--equipment-type', 'BOX', '--equipment', PBO, ...TP_ARGS], clock)).err).to.include('--equipment-type');
    expect((await admin(['network', 'works', 'declare', '--equipment-type', 'PBO', '--equipment', PBO, ...TP_ARGS, '--nature', 'XXXX'], clock)).err).to.include('--nature XXXX');
  });

  it('moves a TP through its lifecycle, refuses illegal moves, and audits every change', async () => {
    const ref = await declare('works', ['--equipment-type', 'LIENPMPBO', '--equipment', PBO, ...TP_ARGS]);
    const step = async (move: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> => admin(['network', 'works', move, ref, ...args], clock);
    expect((await step('update', '--intervention-required', 'OUI')).out).to.include('NOUVEAU → MAJ');
    expect((await step('update', '--intervention-required', 'OUI')).err).to.include('ADMIN_CONFLICT').and.include('nothing to update');
    expect((await step('replan', '--start', '2026-12-10T08:00:00+01:00')).err).to.include('needs a new start or end');
    expect((await step('replan', '--start', '2026-12-12T08:00:00+01:00', '--end', '2026-12-12T12:00:00+01:00')).out).to.include('MAJ → REPLANIFICATION');
    expect((await step('replan', '--end', '2026-12-11T12:00:00+01:00')).err).to.include('ADMIN_CONFLICT').and.include('is before the start');
    expect((await step('update', '--comments', 'Décalé à la demande de la mairie')).out).to.include('REPLANIFICATION → MAJ');
    expect((await step('close', '--comments', 'Terminé')).out).to.include('MAJ → CLOTURE');
    for (const move of ['update', 'replan', 'close', 'cancel']) {
      const r = await step(move, ...(move === 'replan' ? ['--start', '2026-12-20T08:00:00Z'] : move === 'update' ? ['--comments', 'x'] : []));
      expect(r.code, move).to.equal(1);
      expect(r.err).to.include(`ADMIN_CONFLICT: ${ref} is CLOTURE`);
    }
    expect((await admin(['network', 'incidents', 'close', ref], clock)).err, 'a TP is not an incident').to.include('ADMIN_NOT_FOUND');
    const audit = await sql<{ action: string }>(db.pool, `SELECT action FROM audit_log WHERE entity = 'network_event' AND entity_key = $1 ORDER BY id`, [ref]);
    expect(audit.rows.map((r) => r.action)).to.deep.equal(['declare', 'update', 'replan', 'update', 'close']);
    const list = await admin(['network', 'works', 'list', '--all', '--csv']);
    expect(list.out).to.include(`${ref},CLOTURE,LIENPMPBO ${PBO}`);
    expect((await admin(['network', 'works', 'list'])).out).not.to.include(ref);
  });

  it('cancels an incident; the cancelled one is final', async () => {
    const ref = await declare('incidents', ['--equipment-type', 'PMT', '--equipment', '21231-PMT-0042-B', '--start', '2026-12-01T08:00:00Z']);
    expect((await viewNetworkEvent(db.pool, ref, 0))!.prises, 'five PBOs of 25 prises on PMT B').to.equal(125);
    expect((await admin(['network', 'incidents', 'cancel', ref, '--comments', 'fausse alerte'], clock)).out).to.include('NOUVEAU → ANNULE');
    expect((await admin(['network', 'incidents', 'update', ref, '--comments', 'x'], clock)).err).to.include('is ANNULE');
  });

  it('recomputes the impacts of open events when an import changes the inventory, not those of closed ones', async () => {
    const header = 'type;reference;parent;immeuble';
    const file = (n: number): string => admin.file(`r${n}.csv`, [header, 'PM;R-PM;;', 'PBO;R-PBO;R-PM;', ...Array.from({ length: n }, (_, i) => `PTO;R-PTO-${i};R-PBO;IMB-R`)].join('\n'));
    await admin(['network', 'import', file(2)], clock);
    const open = await declare('incidents', ['--equipment-type', 'PBO', '--equipment', 'R-PBO', '--start', '2026-12-01T08:00:00Z']);
    const closed = await declare('incidents', ['--equipment-type', 'PBO', '--equipment', 'R-PBO', '--start', '2026-12-01T08:00:00Z']);
    await admin(['network', 'incidents', 'close', closed], clock);
    expect((await admin(['network', 'import', file(3)], clock)).out).to.include('1 created');
    expect((await viewNetworkEvent(db.pool, open, 0))!.prises).to.equal(3);
    expect((await viewNetworkEvent(db.pool, closed, 0))!.prises).to.equal(2);
    await admin(['network', 'import', file(1)], clock);
    expect((await viewNetworkEvent(db.pool, open, 0))!.prises, 'two retired').to.equal(1);
  });

  it('shows an operator only the events touching its services, and only its own references in the impacted lists (A6)', async () => {
    const opa = operators.get('OPA')!;
    const opb = operators.get('OPB')!;
    const besancon = await declare('works', ['--equipment-type', 'PBO', '--equipment', '25056-PBO-0007-031', ...TP_ARGS]);
    const mine = async (op: string): Promise<Set<string>> => new Set((await sql<{ id: string }>(db.pool, 'SELECT service_id AS id FROM service WHERE operator_id = $1', [op])).rows.map((r) => r.id));
    const opaServices = await mine(opa);
    const opbServices = await mine(opb);
    const forOpb = await visibleNetworkEvents(db.pool, opb, {}, 100);
    const forOpa = await visibleNetworkEvents(db.pool, opa, {}, 100);
    expect(forOpb.map((e) => e.reference)).to.include(besancon);
    expect(forOpa.map((e) => e.reference)).not.to.include(besancon);
    const opaPrises = new Set((await sql<{ ref: string }>(db.pool, `SELECT z.pto_ref AS ref FROM service_end z WHERE z.operator_id = $1 AND z.pto_ref IS NOT NULL`, [opa])).rows.map((r) => r.ref));
    for (const e of forOpb) {
      for (const s of [...e.impactedServices, ...e.pmPrestations]) expect(opbServices.has(s), `${e.reference}: ${s}`).to.equal(true);
      for (const p of e.impactedPrises) expect(opaPrises.has(p), `${e.reference}: OPA's prise ${p}`).to.equal(false);
    }
    for (const e of forOpa) for (const s of e.impactedServices) expect(opaServices.has(s)).to.equal(true);
    const tp = forOpb.find((e) => e.equipmentRef === PBO && e.state === 'NOUVEAU')!;
    expect(tp.impactedPrises.length).to.be.greaterThan(0);
    expect(tp.pmPrestations).to.deep.equal(['PM-21-0042-OPB']);
    expect(tp.buildings.every((b) => b.startsWith(`IMB-${PBO}-`))).to.equal(true);
    // Filters combine; another operator's service or prise finds nothing.
    expect(await visibleNetworkEvents(db.pool, opb, { impactedService: 'FTTH-21-0000001' }, 100)).to.deep.equal([]);
    expect(await visibleNetworkEvents(db.pool, opb, { impactedPrise: 'FI-2123-1000-0001' }, 100)).to.deep.equal([]);
    expect((await visibleNetworkEvents(db.pool, opa, { impactedService: 'FTTH-21-0000001', category: 'DERCO', state: 'NOUVEAU' }, 100)).map((e) => e.equipmentKind)).to.deep.equal(['PM']);
    expect((await visibleNetworkEvents(db.pool, opa, { interventionRequired: true, category: 'DERCO' }, 100)).map((e) => e.equipmentKind)).to.deep.equal(['PM']);
    const window = { from: new Date('2026-12-10T00:00:00Z'), to: new Date('2026-12-10T23:59:59Z') };
    expect((await visibleNetworkEvents(db.pool, opb, { start: window, category: 'TP' }, 100)).map((e) => e.reference)).to.include(besancon);
    expect(await visibleNetworkEvents(db.pool, opb, { pmPrestations: ['PM-21-0042-OPA'] }, 100)).to.deep.equal([]);
    expect((await visibleNetworkEvents(db.pool, opb, { pmPrestations: ['PM-25-0007-OPB'] }, 100)).map((e) => e.reference)).to.deep.equal([besancon]);
  });

  it('purges closed events 8 days after closure, in the nightly jobs', async () => {
    const closeClock = fixedClock('2026-12-02T10:00:00Z');
    const ref = await declare('works', ['--equipment-type', 'PBO', '--equipment', PBO, ...TP_ARGS]);
    await admin(['network', 'works', 'close', ref], closeClock);
    const exists = async (): Promise<boolean> => (await viewNetworkEvent(db.pool, ref, 0)) !== null;
    await purgeClosedNetworkEvents(db.pool, new Date('2026-12-10T09:59:00Z'));
    expect(await exists(), '7 days 23 h 59 after').to.equal(true);
    const report = await runNightlyJobs(db.pool, new Date('2026-12-11T03:01:00Z'), { startMinute: 240, durationMinutes: 15 });
    expect(report).to.deep.include({ night: '2026-12-11' });
    expect(report!.purgedNetworkEvents).to.be.greaterThan(0);
    expect(await exists()).to.equal(false);
    expect((await sql(db.pool, 'SELECT 1 FROM network_event_impact i JOIN network_event e ON e.id = i.event_id WHERE e.reference = $1', [ref])).rows)
      .to.have.length(0);
  });

  it('seeds a bench inventory with generate_series, once', async () => {
    const seed = { prefix: 'BENCH', pms: 4, pbosPerPm: 25, prisesPerPbo: 50, services: { operatorId: operators.get('OPA')!, every: 10 } };
    expect(await seedNetworkForBench(db.pool, seed, clock.now())).to.equal(5000);
    expect(await seedNetworkForBench(db.pool, seed, clock.now())).to.equal(5000);
    const attached = await sql<{ n: number }>(db.pool, `SELECT count(*)::int AS n FROM service_attachment a JOIN service s ON s.id = a.service_pk WHERE s.service_id LIKE 'BENCH-%'`);
    expect(attached.rows[0]!.n).to.equal(500);
    expect((await admin(['network', 'show', 'BENCH-PBO-0001-001'])).out).to.include('PTO 50:');
  });
});
