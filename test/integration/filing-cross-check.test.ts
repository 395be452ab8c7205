/**
 * The cross-check at filing (issue 15 part 5) end to end on a real gateway: a ticket filed through signalisation v2
 * on a service inside an open incident (DERCO) or a planned work in progress (TP) is accepted and linked to it; the
 * OI's comment names the event and its expected end (consultationDetail, and the push notification after the
 * filing's own); the OI's views show the link; closing the event comments on its open linked tickets and, with
 * --close-tickets, closes them. A test clock drives the dates; nothing sleeps.
 */
import { expect } from 'chai';
import { run as runSql } from '../../src/store/database.js';
import type { NotificationWorker } from '../../src/jobs/notification-worker.js';
import type { AdminRunner } from '../support/admin.js';
import type { TestDatabase } from '../support/database.js';
import type { TestGateway } from '../support/gateway.js';
import type { NotificationReceiver } from '../support/notification-receiver.js';
import { startPushFixture, type PushFixture } from '../support/push-fixture.js';
import { call, textOf } from '../support/soap-client.js';
import { byReference, envelope, filing, formExample, SIG } from '../support/tickets.js';

const PBO = '21231-PBO-0042-117';
const ON_PBO = 'FTTH-21-0000001';

describe('the cross-check at filing: tickets filed inside a network incident or planned work (issue 15 part 5)', () => {
  let fixture: PushFixture;
  let db: TestDatabase;
  let gw: TestGateway;
  let admin: AdminRunner;
  let receiver: NotificationReceiver;
  let worker: NotificationWorker;
  // Thursday 2026-12-03, 10:00 Paris.
  let now = new Date('2026-12-03T09:00:00Z');
  const clock = { now: () => now };
  const run = (args: string[]) => admin(args, clock);
  const sql = async <R>(text: string, values: unknown[] = []): Promise<R[]> => (await runSql(db.pool, { text, values })) as R[];
  const ftth = formExample('ftth', 2, 'valid-minimal.xml');
  let elsewhere = '';

  const file = async (serviceId: string, operatorReference: string): Promise<string> => {
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: filing(2, serviceId, operatorReference, ftth), client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    expect(textOf(r.body, 'etat')).to.equal('EN_DEPOT');
    return textOf(r.body, 'referenceSignalisation')!;
  };
  const commentsOf = async (reference: string): Promise<string[]> => {
    const r = await call(gw.url, { path: '/esav/signalisation/v2', body: byReference(2, 'ConsultationDetailRequete', reference), client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    return [...r.body.matchAll(/<(?:\w+:)?texte>([^<]*)<\/(?:\w+:)?texte>/g)].map((m) => m[1]!);
  };
  async function declare(group: 'works' | 'incidents', args: readonly string[]): Promise<string> {
    const r = await run(['network', group, 'declare', ...args]);
    expect(r.code, r.err).to.equal(0);
    return /declared ((TP|DERCO)-\d{7})/.exec(r.out)![1]!;
  }
  const linksOf = async (reference: string): Promise<string[]> => (await sql<{ r: string }>(
    'SELECT l.event_reference AS r FROM ticket_network_event l JOIN ticket t ON t.id = l.ticket_id WHERE t.reference = $1 ORDER BY 1', [reference])).map((x) => x.r);

  before(async () => {
    fixture = await startPushFixture(clock);
    ({ db, gw, admin, receiver, worker } = fixture);
    expect((await run(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url])).code).to.equal(0);
    // An active FTTH service of OPA on another PBO of the same PM.
    const [other] = await sql<{ id: string }>(`SELECT s.service_id AS id FROM service s JOIN operator o ON o.id = s.operator_id AND o.code = 'OPA'
      JOIN service_attachment a ON a.service_pk = s.id AND a.role = 'prise' JOIN network_element p ON p.id = a.element_id
      JOIN network_element b ON b.id = p.pbo_id WHERE s.state = 'active' AND s.offer_code = 'FTTH' AND b.ref <> $1 ORDER BY 1 LIMIT 1`, [PBO]);
    elsewhere = other!.id;
  });
  after(() => fixture.close());

  let derco = '';
  let inside = '';
  it('links a filing inside an open incident to it, and the OI’s comment names it with its expected restoration', async () => {
    derco = await declare('incidents', ['--equipment-type', 'PBO', '--equipment', PBO, '--start', '2026-12-03T08:30:00+01:00',
      '--end', '2026-12-03T18:00:00+01:00']);
    inside = await file(ON_PBO, 'OPA-DERCO-1');
    expect(await linksOf(inside)).to.deep.equal([derco]);
    expect(await commentsOf(inside)).to.deep.equal([
      `Incident réseau ${derco} en cours sur cette ligne (PBO ${PBO}) : rétablissement prévu le 03/12/2026 à 18:00 (heure de Paris). Votre signalisation lui est rattachée.`
    ]);
    // The operator is told through its notifications: the filing first, then the OI's comment.
    await worker.runUntilIdle(now);
    const got = receiver.received.filter((n) => n.referenceSignalisation === inside);
    expect(got.map((n) => [n.numeroOrdre, n.type])).to.deep.equal([[1, 'CHANGEMENT_ETAT'], [2, 'COMMENTAIRE_OI']]);
    expect(got[1]!.texte).to.include(derco);
  });

  it('leaves a filing outside every event alone: no link, no comment', async () => {
    const outside = await file(elsewhere, 'OPA-DERCO-2');
    expect(await linksOf(outside)).to.deep.equal([]);
    expect(await commentsOf(outside)).to.deep.equal([]);
  });

  it('links a filing to a planned work only once its window has begun', async () => {
    const [pbo] = await sql<{ ref: string }>(`SELECT b.ref FROM service s JOIN service_attachment a ON a.service_pk = s.id AND a.role = 'prise'
      JOIN network_element p ON p.id = a.element_id JOIN network_element b ON b.id = p.pbo_id WHERE s.service_id = $1`, [elsewhere]);
    const tp = await declare('works', ['--equipment-type', 'PBO', '--equipment', pbo!.ref, '--nature', 'REFE', '--start', '2026-12-03T14:00:00+01:00',
      '--end', '2026-12-03T16:30:00+01:00']);
    const before = await file(elsewhere, 'OPA-TP-1');
    expect(await linksOf(before), 'not begun at 10:00').to.deep.equal([]);
    now = new Date('2026-12-03T13:15:00Z');
    const during = await file(elsewhere, 'OPA-TP-2');
    expect(await linksOf(during)).to.deep.equal([tp]);
    expect(await commentsOf(during)).to.deep.equal([
      `Travaux programmés ${tp} en cours sur cette ligne (PBO ${pbo!.ref}) : fin prévue le 03/12/2026 à 16:30 (heure de Paris). Votre signalisation lui est rattachée.`
    ]);
    // Cancelled: its open linked tickets are told.
    const cancel = await run(['network', 'works', 'cancel', tp, '--comments', 'Reporté sine die']);
    expect(cancel.code, cancel.err).to.equal(0);
    expect(cancel.out).to.include(`linked tickets commented: ${during}`);
    expect((await commentsOf(during)).at(-1)).to.equal(`Travaux programmés ${tp} annulés — Reporté sine die.`);
  });

  it('shows the link in the OI’s views: the ticket list, the ticket and the incident', async () => {
    const list = await run(['tickets', 'list', '--operator', 'OPA', '--csv']);
    const header = list.out.split('\n')[0]!.split(',');
    expect(header.at(-1)).to.equal('network event');
    const row = list.out.split('\n').find((l) => l.startsWith(`${inside},`))!;
    expect(row.split(',').at(-1)).to.equal(derco);
    expect((await run(['tickets', 'show', inside])).out).to.include(`filed inside: ${derco}`);
    expect((await run(['network', 'incidents', 'show', derco])).out).to.include(`tickets filed inside it: 1 — ${inside} (OPA, EN_DEPOT)`);
  });

  it('closes the incident: its open linked tickets get the closure as a comment and, with --close-tickets, are closed', async () => {
    const second = await file(ON_PBO, 'OPA-DERCO-3');
    const cancelled = await file(ON_PBO, 'OPA-DERCO-4');
    const annul = await call(gw.url, { path: '/esav/signalisation/v2', client: gw.pki.opa, ca: gw.pki.ca,
      body: envelope(`<s:AnnulationSignalisationRequete xmlns:s="${SIG(2)}"><s:referenceSignalisation>${cancelled}</s:referenceSignalisation><s:motif>Doublon</s:motif></s:AnnulationSignalisationRequete>`) });
    expect(annul.status, annul.body).to.equal(200);
    now = new Date('2026-12-03T15:00:00Z');
    const r = await run(['network', 'incidents', 'close', derco, '--end', '2026-12-03T15:45:00+01:00', '--comments', 'Câble réparé', '--close-tickets']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include(`linked tickets commented: ${[inside, second].sort().join(' ')}`)
      .and.include(`${inside} (OPA): EN_DEPOT → CLOS`).and.include(`${second} (OPA): EN_DEPOT → CLOS`).and.not.include(`${cancelled} (OPA)`);
    const closure = `Incident réseau ${derco} clos : service rétabli le 03/12/2026 à 15:45 (heure de Paris) — Câble réparé.`;
    expect((await commentsOf(inside)).at(-1)).to.equal(closure);
    expect(await commentsOf(cancelled)).to.not.include(closure);
    const [t] = await sql<{ state: string }>('SELECT state FROM ticket WHERE reference = $1', [inside]);
    expect(t!.state).to.equal('CLOS');
    const [reason] = await sql<{ reason: string }>(`SELECT tr.reason FROM ticket_transition tr JOIN ticket t ON t.id = tr.ticket_id
      WHERE t.reference = $1 AND tr.to_state = 'CLOS'`, [inside]);
    expect(reason!.reason).to.equal(`Incident réseau ${derco} clos : Câble réparé`);
    // Every step was pushed to the operator, in order, after the closure comment.
    await worker.runUntilIdle(now);
    const got = receiver.received.filter((n) => n.referenceSignalisation === inside);
    expect(got.map((n) => n.etat ?? n.type)).to.deep.equal(['EN_DEPOT', 'COMMENTAIRE_OI', 'COMMENTAIRE_OI', 'EN_QUALIFICATION', 'EN_COURS', 'CLOS']);
    expect(got.map((n) => n.numeroOrdre)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('keeps the link after the closed incident is purged, and files normally once it is closed', async () => {
    const after = await file(ON_PBO, 'OPA-DERCO-5');
    expect(await linksOf(after), 'the incident is closed').to.deep.equal([]);
    await sql('DELETE FROM network_event WHERE reference = $1', [derco]);
    expect(await linksOf(inside)).to.deep.equal([derco]);
    expect((await run(['tickets', 'show', inside])).out).to.include(`filed inside: ${derco}`);
  });
});
