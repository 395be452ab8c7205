/**
 * Planned works and incidents pushed to operators (issue 15 part 4, notification v2 notificationTravaux) end to end:
 * esav-admin declares and moves a DERCO and a TP on the demo town of a real gateway's database, a notification worker
 * pushes the notices over mutual TLS to a real loopback receiver (test/support/notification-receiver.ts). OPA's
 * endpoint implements notification v2 (pushed), OPB's v1 (not pushed: it reads infoTravaux). A test clock drives the
 * dates and the backoff; nothing sleeps.
 */
import { expect } from 'chai';
import { run as runSql } from '../../src/store/database.js';
import { libxml } from '../../src/xml/libxml.js';
import type { AdminRunner } from '../support/admin.js';
import type { TestDatabase } from '../support/database.js';
import type { NotificationReceiver, ReceivedWorksNotice } from '../support/notification-receiver.js';
import type { NotificationWorker } from '../../src/jobs/notification-worker.js';
import { contractOperation, realContracts } from '../support/notifications.js';
import { startPushFixture, type PushFixture } from '../support/push-fixture.js';

const V2 = 'http://esav.bfc-fibre.fr/notification/v2';
const PM = '21231-PM-0042';
const PBO = '21231-PBO-0042-117';

describe('planned works and incidents pushed to operators (S5, notification v2 notificationTravaux)', () => {
  let db: TestDatabase;
  let receiver: NotificationReceiver;
  let admin: AdminRunner;
  let worker: NotificationWorker;
  let fixture: PushFixture;
  // Wednesday 2027-02-03, 10:00 Paris: notification v2 is in production (since 2027-02-03), v1 too (until 2027-07-24).
  let now = new Date('2027-02-03T09:00:00Z');
  const clock = { now: () => now };
  const run = (args: string[]) => admin(args, clock);
  const sql = async <R>(text: string, values: unknown[] = []): Promise<R[]> => (await runSql(db.pool, { text, values })) as R[];
  const contractErrors = (xml: string): string[] =>
    realContracts().services.get('notification')!.versions.get(2)!.envelopeSchemas.soap11.validate(libxml.parseXml(xml)).map((e) => `${e.field}: ${e.message}`);
  const noticesOf = (reference: string): ReceivedWorksNotice[] => receiver.works.filter((w) => w.travaux.reference === reference);
  /** The operator's active services whose prise is below the element (from the stored impacts' prises, not their services). */
  const servicesOf = async (operator: string, reference: string): Promise<string[]> => (await sql<{ id: string }>(
    `SELECT DISTINCT s.service_id AS id FROM network_event e JOIN network_event_impact i ON i.event_id = e.id
       JOIN service_attachment a ON a.element_id = i.prise_id OR (i.prise_id IS NULL AND a.service_pk = i.service_pk)
       JOIN service s ON s.id = a.service_pk AND s.state = 'active' JOIN operator o ON o.id = s.operator_id
      WHERE e.reference = $1 AND o.code = $2 ORDER BY 1`, [reference, operator])).map((r) => r.id);

  async function declare(group: 'works' | 'incidents', args: readonly string[]): Promise<{ reference: string; out: string }> {
    const r = await run(['network', group, 'declare', ...args]);
    expect(r.code, r.err).to.equal(0);
    return { reference: /declared ((TP|DERCO)-\d{7})/.exec(r.out)![1]!, out: r.out };
  }

  before(async () => {
    fixture = await startPushFixture(clock);
    ({ db, admin, receiver, worker } = fixture);
    expect((await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url, '--contract-version', '2'])).code).to.equal(0);
    expect((await run(['notifications', 'set-endpoint', 'OPB', '--url', receiver.url])).code).to.equal(0);
  });
  after(() => fixture.close());

  let derco = '';
  it('pushes a declared incident to every impacted operator whose endpoint can take it, with its own services only (A6)', async () => {
    const { reference, out } = await declare('incidents', ['--equipment-type', 'PM', '--equipment', PM, '--start', '2027-02-03T09:30:00+01:00',
      '--end', '2027-02-03T18:00:00+01:00', '--comments', 'Coupure du câble de transport', '--contact', 'Supervision BFC 03 80 00 00 00']);
    derco = reference;
    expect(out).to.include('operators told: OPA (pushed), OPB (not pushed: its endpoint implements notification v1: notification v1 has no operation notificationTravaux');
    expect(await worker.runUntilIdle(now)).to.deep.include({ claimed: 1, delivered: 1 });

    const [got] = noticesOf(reference);
    expect(noticesOf(reference)).to.have.length(1);
    expect(got!.namespace).to.equal(V2);
    expect(got!.soapAction).to.equal(`"${contractOperation(2, 'works').soapAction}"`);
    expect(got!.caller).to.equal('BFC Fibre e-SAV notifications');
    expect([got!.numeroOrdre, got!.statut, got!.horodatage]).to.deep.equal([1, 'NOUVEAU', '2027-02-03T09:00:00.000Z']);
    expect(got!.travaux).to.deep.equal({
      reference, type: 'DERCO', equipementConcerne: 'PM', referenceEquipement: PM, referencePM: PM, dateDebut: '2027-02-03T08:30:00.000Z',
      dateFin: '2027-02-03T17:00:00.000Z', curatif: 'false', interventionOperateurRequise: 'false', commentaire: 'Coupure du câble de transport',
      contactOI: 'Supervision BFC 03 80 00 00 00'
    });
    const opa = await servicesOf('OPA', reference);
    expect(opa.length).to.be.greaterThan(0);
    expect(got!.nombreServicesImpactes).to.equal(opa.length);
    expect(got!.servicesImpactes).to.deep.equal(opa);
    const opb = await servicesOf('OPB', reference);
    expect(opb.length, 'OPB has services behind the PM too').to.be.greaterThan(0);
    expect(got!.servicesImpactes.filter((s) => opb.includes(s))).to.deep.equal([]);
    expect(contractErrors(got!.xml)).to.deep.equal([]);
    const [notice] = await sql<{ event_id: string }>("SELECT event_id FROM operator_notice x JOIN operator o ON o.id = x.operator_id WHERE o.code = 'OPA'");
    expect(got!.idEvenement).to.equal(notice!.event_id);
    // OPB's notice is recorded as not pushed, with why; nothing is queued for it.
    const [opbNotice] = await sql<{ channel: string; note: string }>("SELECT channel, note FROM operator_notice x JOIN operator o ON o.id = x.operator_id WHERE o.code = 'OPB'");
    expect(opbNotice).to.deep.include({ channel: 'none' });
    expect(opbNotice!.note).to.include('notification v1 has no operation notificationTravaux (it comes with v2, in production from 2027-02-03)');
    expect(await sql("SELECT 1 FROM notification_delivery d JOIN operator o ON o.id = d.operator_id WHERE o.code = 'OPB' AND d.notice_pk IS NOT NULL")).to.have.length(0);
  });

  it('pushes each change of one event in order, holding the later ones back while an earlier one fails, the same message at each retry', async () => {
    receiver.mode = 'unavailable';
    expect((await run(['network', 'incidents', 'replan', derco, '--end', '2027-02-03T20:00:00+01:00'])).code).to.equal(0);
    now = new Date('2027-02-03T10:00:00Z');
    expect((await run(['network', 'incidents', 'close', derco, '--comments', 'Câble réparé'])).code).to.equal(0);
    expect(await worker.runUntilIdle(now)).to.deep.include({ claimed: 1, delivered: 0, failed: 1 });
    expect(noticesOf(derco)).to.have.length(1);

    receiver.mode = 'up';
    now = new Date('2027-02-03T10:05:00Z');
    expect(await worker.runUntilIdle(now)).to.deep.include({ claimed: 2, delivered: 2 });
    const got = noticesOf(derco);
    expect(got.map((n) => [n.numeroOrdre, n.statut, n.horodatage, n.travaux.dateFin])).to.deep.equal([
      [1, 'NOUVEAU', '2027-02-03T09:00:00.000Z', '2027-02-03T17:00:00.000Z'],
      [2, 'REPLANIFICATION', '2027-02-03T09:00:00.000Z', '2027-02-03T19:00:00.000Z'],
      [3, 'CLOTURE', '2027-02-03T10:00:00.000Z', '2027-02-03T19:00:00.000Z']
    ]);
    expect(got[2]!.travaux.commentaire).to.equal('Câble réparé');
    for (const n of got) expect(contractErrors(n.xml)).to.deep.equal([]);
    expect(new Set(got.map((n) => n.idEvenement)).size).to.equal(3);
  });

  it('tells exactly the operators with a service behind the equipment, each of its own services', async () => {
    const { reference, out } = await declare('works', ['--equipment-type', 'PBO', '--equipment', PBO, '--nature', 'REFE',
      '--start', '2027-02-10T08:00:00+01:00', '--end', '2027-02-10T12:00:00+01:00']);
    const withServices = (await sql<{ code: string }>(`SELECT DISTINCT o.code FROM network_event e JOIN network_event_impact i ON i.event_id = e.id
      JOIN operator o ON o.id = i.operator_id WHERE e.reference = $1 ORDER BY 1`, [reference])).map((r) => r.code);
    expect(withServices).to.include('OPA');
    const told = [...out.matchAll(/\b(OP[A-Z]) \((pushed|not pushed)/g)].map((m) => m[1]);
    expect(told).to.deep.equal(withServices);
    await worker.runUntilIdle(now);
    const opa = await servicesOf('OPA', reference);
    expect(noticesOf(reference).map((n) => [n.statut, n.travaux.nature, n.servicesImpactes])).to.deep.equal([['NOUVEAU', 'REFE', opa]]);
  });

  it('tells no one of an event behind which no operator has a service', async () => {
    // The services behind one Besançon PBO, and the PM prestation at its PM (a PM's prestations are impacted by every
    // event at that PM), are terminated: nobody rents anything there any more.
    const empty = '25056-PBO-0007-101';
    await sql(`UPDATE service s SET state = 'terminated' FROM service_attachment a JOIN network_element p ON p.id = a.element_id
      LEFT JOIN network_element b ON b.id = p.pbo_id WHERE a.service_pk = s.id AND (b.ref = $1 OR p.ref = '25056-PM-0007')`, [empty]);
    const before = await sql('SELECT 1 FROM operator_notice');
    const { out } = await declare('works', ['--equipment-type', 'PBO', '--equipment', empty, '--nature', 'DEPL',
      '--start', '2027-02-11T08:00:00+01:00', '--end', '2027-02-11T12:00:00+01:00']);
    expect(out).to.include('operators told: none');
    expect(await sql('SELECT 1 FROM operator_notice')).to.have.length(before.length);
  });

  it('pushes nothing before notification v2 is in production: the endpoint cannot carry it yet, and the command says so', async () => {
    const early = { now: () => new Date('2027-02-01T22:00:00Z') };
    const r = await admin(['network', 'incidents', 'declare', '--equipment-type', 'PM', '--equipment', PM, '--start', '2027-02-01T22:00:00Z'], early);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('OPA (not pushed: its endpoint implements notification v2: notification v2 is in production from 2027-02-03 only; infoTravaux only)');
  });
});
