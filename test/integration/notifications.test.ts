/**
 * Push notifications end to end: a real gateway over mutual TLS, the endpoint registered with esav-admin, and a real
 * loopback HTTPS receiver that requires the gateway's client certificate. Tickets move while the receiver is down
 * (port closed, then 503, then hanging); the worker, driven with a test clock, fails and backs off while SOAP calls
 * still answer fast; once the receiver is up every event arrives in ticket order with its idEvenement.
 */
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { oiComment, oiEvent } from '../../src/domain/ticket-service.js';
import type { NotificationWorker } from '../../src/jobs/notification-worker.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import type { AdminRunner } from '../support/admin.js';
import type { TestDatabase } from '../support/database.js';
import type { TestGateway } from '../support/gateway.js';
import type { NotificationReceiver } from '../support/notification-receiver.js';
import { contractOperation } from '../support/notifications.js';
import { startPushFixture, type PushFixture } from '../support/push-fixture.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';
import { byReference, filing, formExample } from '../support/tickets.js';
import { run } from '../../src/store/database.js';

describe('push notifications', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let receiver: NotificationReceiver;
  let admin: AdminRunner;
  let worker: NotificationWorker;
  const clock = fixedClock('2026-11-24T10:00:00Z');
  const store = () => createTicketStore(db.pool);
  const post = (body: string, client = gw.pki.opa): Promise<RawResponse> => call(gw.url, { path: '/esav/signalisation/v2', body, client, ca: gw.pki.ca });
  const file = async (serviceId: string, ref: string, form: string, client = gw.pki.opa): Promise<string> =>
    textOf((await post(filing(2, serviceId, ref, form), client)).body, 'referenceSignalisation')!;
  const received = (reference: string) => receiver.received.filter((n) => n.referenceSignalisation === reference);
  const sql = async <R>(text: string, values: unknown[] = []): Promise<R[]> => (await run(db.pool, { text: text, values: values })) as R[];
  const pending = async () => Number((await sql<{ n: string }>("SELECT count(*) AS n FROM notification_delivery WHERE state = 'pending'"))[0]!.n);
  /** Moves the test clock to the next instant the worker has something to do: a ticket's next event, once its endpoint may be tried. */
  async function toNextDue(): Promise<void> {
    const [next] = await sql<{ at: Date | null }>(`SELECT greatest(
        (SELECT min(d.next_attempt_at) FROM notification_delivery d WHERE d.state = 'pending'
            AND NOT EXISTS (SELECT 1 FROM notification_delivery p WHERE p.ticket_id = d.ticket_id AND p.state = 'pending' AND p.event_pk < d.event_pk)),
        (SELECT max(probe_after) FROM notification_endpoint WHERE enabled)) AS at`);
    if (next!.at && next!.at > clock.now()) clock.set(next!.at);
  }
  /** Runs the worker until nothing is pending, moving the clock to each next retry instead of sleeping. */
  async function drain(): Promise<void> {
    for (let i = 0; i < 50 && (await pending()) > 0; i++) {
      await toNextDue();
      await worker.runUntilIdle(clock.now());
    }
  }
  let t1: string;
  let t2: string;
  let t3: string;

  let fixture: PushFixture;
  before(async () => {
    fixture = await startPushFixture(clock);
    ({ db, gw, admin, receiver, worker } = fixture);
  });
  after(() => fixture.close());

  it('publishes the notification contract for operators to implement, and does not answer it', async () => {
    const wsdl = await call(gw.url, { path: '/esav/notification/v1?wsdl', client: gw.pki.opa, ca: gw.pki.ca });
    expect(wsdl.status).to.equal(200);
    expect(wsdl.body).to.include('name="notificationSignalisation"').and.include('location="https://operateur.example/esav/notification/v1"');
    expect(wsdl.body).to.include(`${gw.url}/esav/notification/v1?xsd=notification.xsd`);
    const xsd = await call(gw.url, { path: '/esav/notification/v1?xsd=notification.xsd', client: gw.pki.opa, ca: gw.pki.ca });
    expect(xsd.body).to.include('name="NotificationSignalisationRequete"');
    const posted = await call(gw.url, { path: '/esav/notification/v1', body: '<x/>', client: gw.pki.opa, ca: gw.pki.ca });
    expect([posted.status, posted.headers.allow, textOf(posted.body, 'code')]).to.deep.equal([405, 'GET', 'METHODE_NON_AUTORISEE']);
    expect(textOf(posted.body, 'faultstring')).to.include('implémenté par les opérateurs');
  });

  it('registers an https endpoint with esav-admin, audited, and refuses anything else', async () => {
    expect((await admin(['notifications', 'set-endpoint', 'OPA', '--url', 'http://localhost/x'])).err).to.include('ADMIN_INVALID_INPUT');
    expect((await admin(['notifications', 'set-endpoint', 'OPZ', '--url', receiver.url])).err).to.include('ADMIN_NOT_FOUND');
    const set = await admin(['notifications', 'set-endpoint', 'OPA', '--url', receiver.url], clock);
    expect(set.code, set.err).to.equal(0);
    expect((await admin(['audit', 'list', '--entity', 'notification_endpoint'])).out).to.include('register').and.include(receiver.url);
  });

  it('queues every state change and OI comment while the receiver is down, and backs off: 2 s, 4 s, 8 s', async () => {
    await receiver.shut();
    t1 = await file('FTTH-21-0000001', 'OPA-NOTIF-1', formExample('ftth', 2, 'valid-minimal.xml'));
    t2 = await file('FTTE-21-0000101', 'OPA-NOTIF-2', formExample('ftte', 1, 'valid-minimal.xml'));
    t3 = await file('FTTH-25-0000002', 'OPB-NOTIF-3', formExample('ftth', 2, 'valid-minimal.xml'), gw.pki.opb);
    for (const e of ['accept', 'start'] as const) await oiEvent(store(), t1, e, 'agent.sav', clock.now());
    await oiComment(store(), t1, 'agent.sav', 'Technicien planifié demain matin', clock.now());
    await oiEvent(store(), t1, 'freeze', 'agent.sav', clock.now(), { reason: 'Badge requis', freezeReason: 'ACCES_SITE', freezeDetail: 'Badge requis' });
    await oiEvent(store(), t1, 'unfreeze', 'agent.sav', clock.now());
    await oiEvent(store(), t1, 'close', 'agent.sav', clock.now(), { reason: 'PBO ré-épissuré' });
    await oiEvent(store(), t2, 'accept', 'agent.sav', clock.now());
    await oiComment(store(), t2, 'agent.sav', 'Intervention sur site <lundi> & mardi', clock.now());
    await oiEvent(store(), t3, 'accept', 'agent.sav', clock.now());

    // Port closed: the first event of each ticket is tried (the later ones wait behind it), then the failing endpoint
    // is probed with one event at a time, at growing intervals; then it answers 503.
    const runs = [];
    for (let i = 0; i < 3; i++) { await toNextDue(); runs.push(await worker.runUntilIdle(clock.now())); }
    await receiver.open();
    receiver.mode = 'unavailable';
    await toNextDue();
    runs.push(await worker.runUntilIdle(clock.now()));
    expect(runs.map((r) => [r.claimed, r.delivered])).to.deep.equal([[2, 0], [1, 0], [1, 0], [1, 0]]);
    const attempts = await sql<{ at: Date; reference: string; attempt: number; error: string }>(
      `SELECT a.at, t.reference, a.attempt, a.error FROM notification_attempt a JOIN ticket_event e ON e.id = a.event_pk JOIN ticket t ON t.id = e.ticket_id
        ORDER BY a.at, a.event_pk`);
    expect(attempts.map((a) => (a.at.getTime() - Date.parse('2026-11-24T10:00:00Z')) / 1000)).to.deep.equal([0, 0, 2, 6, 14]);
    expect(attempts.map((a) => `${a.reference === t1 ? 'T1' : 'T2'}#${a.attempt} ${a.error.split(':')[0]}`))
      .to.deep.equal(['T1#1 ECONNREFUSED', 'T2#1 ECONNREFUSED', 'T1#2 ECONNREFUSED', 'T2#2 ECONNREFUSED', 'T1#3 HTTP 503']);
    expect(receiver.received).to.have.length(0);
  });

  it('answers SOAP calls fast while the worker waits on a hanging endpoint', async () => {
    receiver.mode = 'hang';
    await toNextDue();
    const before = receiver.requests;
    let done = false;
    const pass = worker.runUntilIdle(clock.now()).finally(() => { done = true; });
    while (receiver.requests === before) await new Promise((r) => setTimeout(r, 5));
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      expect(textOf((await post(byReference(2, 'ConsultationEtatRequete', t1))).body, 'etat')).to.equal('CLOS');
      durations.push(performance.now() - started);
    }
    expect(done, 'the worker is still waiting for the endpoint').to.equal(false);
    expect(Math.max(...durations)).to.be.lessThan(500);
    expect(await pass).to.deep.include({ delivered: 0, failed: 1 });
    const [last] = await sql<{ error: string }>('SELECT error FROM notification_attempt ORDER BY at DESC, attempt DESC LIMIT 1');
    expect(last!.error).to.match(/timeout/i);
  });

  it('delivers every event once the receiver is up, in ticket order, each with its idEvenement', async () => {
    receiver.mode = 'up';
    await drain();
    for (const [ref, count] of [[t1, 7], [t2, 3]] as const) {
      const events = await sql<{ event_id: string }>('SELECT e.event_id FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id WHERE t.reference = $1 ORDER BY e.id', [ref]);
      expect(received(ref).map((n) => n.numeroOrdre)).to.deep.equal(Array.from({ length: count }, (_, i) => i + 1));
      expect(received(ref).map((n) => n.idEvenement)).to.deep.equal(events.map((e) => e.event_id));
    }
    expect(received(t1).map((n) => n.etat ?? n.type)).to.deep.equal(['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'COMMENTAIRE_OI', 'GELE', 'EN_COURS', 'CLOS']);
    const frozen = received(t1)[4]!;
    expect(frozen).to.deep.include({ etatPrecedent: 'EN_COURS', motif: 'Badge requis', referenceOperateur: 'OPA-NOTIF-1' });
    expect(frozen.gel).to.deep.equal({ motif: 'ACCES_SITE', attendu: "accès au site à organiser par l'opérateur", leveParReponseOperateur: 'true' });
    expect(received(t2)[2]).to.deep.include({ type: 'COMMENTAIRE_OI', texte: 'Intervention sur site <lundi> & mardi' });
    expect(receiver.received.every((n) => n.caller === 'BFC Fibre e-SAV notifications' && n.soapAction === `"${contractOperation().soapAction}"`)).to.equal(true);
  });

  it('shows failed then successful attempts in the delivery log, and the endpoint healthy', async () => {
    const log = await admin(['notifications', 'log', '--ticket', t1, '--csv']);
    const first = log.out.split('\n').filter((l) => l.includes(`,${t1},1,`)).reverse().map((l) => l.split(',')[7]);
    expect(first).to.deep.equal(['failed', 'failed', 'failed', 'delivered']);
    expect(log.out).to.include('ECONNREFUSED').and.include('HTTP 503');
    expect((await admin(['notifications', 'log', '--operator', 'OPA'])).out).to.match(/TimeoutError/);
    const show = await admin(['notifications', 'show', 'OPA']);
    expect(show.out).to.match(/pending\s+0/).and.match(/failing\s+no/).and.include(receiver.url);
  });

  it('sends nothing to an operator without endpoint, which still polls', async () => {
    expect(received(t3)).to.have.length(0);
    expect(await sql("SELECT 1 FROM notification_delivery d JOIN operator o ON o.id = d.operator_id WHERE o.code = 'OPB'")).to.have.length(0);
    expect(textOf((await post(byReference(2, 'ConsultationEtatRequete', t3), gw.pki.opb)).body, 'etat')).to.equal('EN_QUALIFICATION');
  });

  it('may deliver an event twice when an acknowledgement is lost: same idEvenement, order kept', async () => {
    receiver.mode = 'ack-lost-once';
    const from = receiver.received.length;
    await oiComment(store(), t2, 'agent.sav', 'Pièce commandée', clock.now());
    await oiEvent(store(), t2, 'start', 'agent.sav', clock.now());
    await drain();
    const got = receiver.received.slice(from);
    expect(got.map((n) => n.numeroOrdre)).to.deep.equal([4, 4, 5, 5]);
    expect(got[0]!.xml).to.equal(got[1]!.xml);
    expect([...new Map(got.map((n) => [n.idEvenement, n.numeroOrdre])).values()]).to.deep.equal([4, 5]);
  });

  it('retries a pending event now on request, refuses a delivered one, and stops queueing once disabled', async () => {
    await receiver.shut();
    await oiComment(store(), t2, 'agent.sav', 'Retard fournisseur', clock.now());
    expect(await worker.runUntilIdle(clock.now())).to.deep.include({ failed: 1 });
    const [{ event_id: eventId }] = await sql<{ event_id: string }>('SELECT event_id FROM ticket_event ORDER BY id DESC LIMIT 1') as [{ event_id: string }];
    expect((await worker.runOnce(clock.now())).claimed, 'waiting for its backoff').to.equal(0);
    expect((await admin(['notifications', 'retry', eventId], clock)).out).to.include(`${t2} #6`);
    expect((await worker.runOnce(clock.now())).claimed, 'due now').to.equal(1);
    expect((await admin(['notifications', 'retry', received(t1)[0]!.idEvenement])).err).to.include('ADMIN_CONFLICT');

    expect((await admin(['notifications', 'disable', 'OPA'])).code).to.equal(0);
    await oiEvent(store(), t1, 'notify-closure', 'agent.sav', clock.now());
    expect(await pending()).to.equal(1);
    await receiver.open();
    clock.advance(600_000);
    expect((await worker.runUntilIdle(clock.now())).claimed, 'a disabled endpoint gets nothing').to.equal(0);
    expect(textOf((await post(byReference(2, 'ConsultationEtatRequete', t1))).body, 'etat')).to.equal('VALIDE');
  });
});
