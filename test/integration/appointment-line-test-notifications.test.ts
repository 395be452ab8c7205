/**
 * Appointment changes (issue 16, notificationRendezVous) and line-test results (issue 17, notificationTestLigne)
 * pushed to operators end to end: OPA books, moves and confirms an appointment for its frozen ticket through
 * rendezvous v1 on a real gateway, the OI records its outcome with esav-admin, a line test runs on the queue, and a
 * notification worker pushes every notice over mutual TLS to a real loopback receiver, in order, schema-valid. OPB's
 * endpoint implements notification v1: its notices are recorded as not pushed, with why. Each appointment change is
 * also the OI's comment on the ticket it serves. A test clock drives everything; nothing sleeps.
 */
import { expect } from 'chai';
import { loadTestCatalogue } from '../../src/catalog/test-catalogue-loader.js';
import { notificationContractFacts } from '../../src/contracts/notification-contract.js';
import type { Caller } from '../../src/domain/identity.js';
import { launchTest } from '../../src/domain/line-tests.js';
import { FULL_PROFILE } from '../../src/domain/profile.js';
import { driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { createLineTestStore } from '../../src/store/line-test-store.js';
import { run as runSql } from '../../src/store/database.js';
import { libxml } from '../../src/xml/libxml.js';
import type { AdminRunner } from '../support/admin.js';
import { call, type RawResponse } from '../support/soap-client.js';
import type { NotificationWorker } from '../../src/jobs/notification-worker.js';
import { realContracts } from '../support/notifications.js';
import { startPushFixture, type PushFixture } from '../support/push-fixture.js';

const NS = 'http://esav.bfc-fibre.fr/rendezvous/v1';
const envelope = (body: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="${NS}"><s:Body>${body}</s:Body></s:Envelope>`;
const all = (xml: string, local: string): string[] => [...xml.matchAll(new RegExp(`<${local}>([^<]*)</${local}>`, 'g'))].map((m) => m[1]!);

describe('appointment changes and line-test results pushed to operators (notification v2)', () => {
  let fixture: PushFixture;
  let admin: AdminRunner;
  let worker: NotificationWorker;
  let ticket = '';
  // Thursday 2027-02-04, 09:00 Paris: notification v2 is in production (since 2027-02-03).
  let now = new Date('2027-02-04T08:00:00Z');
  const clock = { now: () => now };
  const sql = async <R>(text: string, values: unknown[] = []): Promise<R[]> => (await runSql(fixture.gw.pool, { text, values })) as R[];
  const contractErrors = (xml: string): string[] =>
    realContracts().services.get('notification')!.versions.get(2)!.envelopeSchemas.soap11.validate(libxml.parseXml(xml)).map((e) => `${e.field}: ${e.message}`);
  const post = (op: string, body: string, client = fixture.gw.pki.opa): Promise<RawResponse> =>
    call(fixture.gw.url, { path: '/esav/rendezvous/v1', soapAction: `${NS}/${op}`, client, ca: fixture.gw.pki.ca, body: envelope(body) });
  const slots = async (day: string, client = fixture.gw.pki.opa): Promise<string[]> => all((await post('rechercheCreneaux',
    `<r:RechercheCreneauxRequete><r:typeRendezVous>SAV</r:typeRendezVous><r:codeInsee>21231</r:codeInsee><r:debut>${day}T00:00:00</r:debut>` +
    `<r:fin>${day}T23:59:59</r:fin></r:RechercheCreneauxRequete>`, client)).body, 'idCreneau');
  const received = (element: string) => fixture.receiver.others.filter((n) => n.element === element);

  before(async () => {
    fixture = await startPushFixture(clock);
    ({ admin, worker } = fixture);
    expect((await admin(['notifications', 'set-endpoint', 'OPA', '--url', fixture.receiver.url, '--contract-version', '2'], clock)).code).to.equal(0);
    expect((await admin(['notifications', 'set-endpoint', 'OPB', '--url', fixture.receiver.url], clock)).code).to.equal(0);
    await sql('UPDATE client_certificate SET not_before = LEAST(not_before, $1)', [new Date('2026-11-01T00:00:00Z')]);
    const [t] = await sql<{ reference: string }>(
      `INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version, form_fields, state,
                           accepted_at, state_changed_at, freeze_reason, freeze_detail)
       SELECT 'SIG-2027-8000001', s.operator_id, s.id, s.service_id, s.offer_code, 'OPA-RDV-1', 'h', 'ftth', 2, '[]', 'GELE', $1, $1, 'RENDEZ_VOUS', 'rendez-vous à prendre'
         FROM service s JOIN operator o ON o.id = s.operator_id WHERE o.code = 'OPA' AND s.state = 'active' ORDER BY s.id LIMIT 1
       RETURNING reference`, [now]);
    ticket = t!.reference;
  });
  after(() => fixture.close());

  let appointment = '';
  it('pushes each change of an appointment in order, the operator’s and the OI’s, and writes it on the ticket it serves', async () => {
    const monday = await slots('2027-02-08');
    const booked = await post('priseRendezVous', `<r:PriseRendezVousRequete><r:idCreneau>${monday[0]}</r:idCreneau><r:typeRendezVous>SAV</r:typeRendezVous>` +
      `<r:codeInsee>21231</r:codeInsee><r:referenceSignalisation>${ticket}</r:referenceSignalisation></r:PriseRendezVousRequete>`);
    expect(booked.status, booked.body).to.equal(200);
    appointment = all(booked.body, 'referenceRendezVous')[0]!;
    now = new Date('2027-02-04T08:05:00Z');
    const moved = await post('reportRendezVous', `<r:ReportRendezVousRequete><r:referenceRendezVous>${appointment}</r:referenceRendezVous>` +
      `<r:idCreneau>${(await slots('2027-02-09'))[1]}</r:idCreneau></r:ReportRendezVousRequete>`);
    expect(moved.status, moved.body).to.equal(200);
    now = new Date('2027-02-09T10:30:00Z');
    expect((await admin(['appointments', 'failed', appointment, '--note', 'Porte close'], clock)).code).to.equal(0);
    // 3 appointment notices, and the ticket's own events: 3 OI comments and its unfreeze, refreeze.
    expect(await worker.runUntilIdle(now)).to.deep.include({ failed: 0 });

    const got = received('NotificationRendezVousRequete');
    expect(got.map((n) => [n.fields.numeroOrdre, n.fields.evenement, n.fields.auteur, n.fields.etat, n.fields.referenceSignalisation])).to.deep.equal([
      ['1', 'PRISE', 'OPERATEUR', 'CREE', ticket], ['2', 'REPORT', 'OPERATEUR', 'CREE', ticket], ['3', 'ECHEC_CLIENT', 'OI', 'ECHEC_CLIENT', ticket]
    ]);
    expect(got[1]!.fields.debutPrecedent).to.equal(got[0]!.fields.debut);
    expect(got[2]!.fields.motif).to.equal('Porte close');
    for (const n of got) expect(contractErrors(n.xml), n.xml).to.deep.equal([]);
    const [first] = await sql<{ event_id: string }>("SELECT event_id FROM operator_notice WHERE kind = 'appointment' ORDER BY id LIMIT 1");
    expect(got[0]!.fields.idEvenement).to.equal(first!.event_id);

    // The ticket's detail: one OI comment per change, pushed with the ticket's own events too.
    const comments = await sql<{ author: string; text: string }>(
      'SELECT c.author, c.text FROM ticket_comment c JOIN ticket t ON t.id = c.ticket_id WHERE t.reference = $1 ORDER BY c.id', [ticket]);
    expect(comments.map((c) => c.text)).to.deep.equal([
      `Rendez-vous SAV ${appointment} pris pour le 08/02/2027 de 08:00 à 10:00 (heure de Paris).`,
      `Rendez-vous SAV ${appointment} reporté au 09/02/2027 de 10:00 à 12:00 (heure de Paris) (au lieu de 08/02/2027 de 08:00 à 10:00 (heure de Paris)).`,
      `Rendez-vous SAV ${appointment} : client absent : Porte close. Prenez un nouveau rendez-vous (NOUVEAU_RDV).`
    ]);
    expect(comments.every((c) => c.author === 'plan de charge SAV')).to.equal(true);
    expect(fixture.receiver.received.filter((n) => n.referenceSignalisation === ticket && n.type === 'COMMENTAIRE_OI').map((n) => n.texte))
      .to.deep.equal(comments.map((c) => c.text));
  });

  it('records the notice of an operator whose endpoint cannot take it as not pushed, with why, and queues nothing for it', async () => {
    const booked = await post('priseRendezVous', `<r:PriseRendezVousRequete><r:idCreneau>${(await slots('2027-02-10', fixture.gw.pki.opb))[0]}</r:idCreneau>` +
      '<r:typeRendezVous>SAV</r:typeRendezVous><r:codeInsee>21231</r:codeInsee></r:PriseRendezVousRequete>', fixture.gw.pki.opb);
    expect(booked.status, booked.body).to.equal(200);
    const [notice] = await sql<{ channel: string; note: string; queued: number }>(`SELECT x.channel, x.note,
        (SELECT count(*)::int FROM notification_delivery d WHERE d.notice_pk = x.id) AS queued
      FROM operator_notice x JOIN operator o ON o.id = x.operator_id WHERE o.code = 'OPB' AND x.kind = 'appointment'`);
    expect(notice).to.deep.include({ channel: 'none', queued: 0 });
    expect(notice!.note).to.include('notification v1 has no operation notificationRendezVous (it comes with v2, in production from 2027-02-03)');
  });

  it('pushes a line test’s result once it has one, with its measures and diagnosis', async () => {
    const [opa] = await sql<{ id: string; code: string; name: string }>("SELECT id::text, code, name FROM operator WHERE code = 'OPA'");
    const caller: Caller = { operator: opa!, certificateId: '1', profile: FULL_PROFILE };
    const store = createLineTestStore(fixture.gw.pool);
    const reference = await launchTest(store, loadTestCatalogue(process.cwd()), caller,
      { serviceId: 'FTTHA-21-0000301', testCode: 'PORT_PON_OLT', parameters: new Map() }, now);
    const lineTests = createLineTestWorker({
      pool: fixture.gw.pool, clock, drivers: driverRouter(fixture.gw.pool, { default: 'simule', elements: [] }), worker: 'w1', concurrency: 2,
      capPerElement: 2, graceMs: 5000, retryDelayMs: 10_000, pollMs: 1000, onError: (e) => { throw e; },
      notificationContract: notificationContractFacts(realContracts())
    });
    expect(await lineTests.runOnce()).to.equal(1);
    expect(await worker.runUntilIdle(now)).to.deep.include({ delivered: 1, failed: 0 });
    const [got] = received('NotificationTestLigneRequete');
    expect(got, 'one result pushed').to.not.equal(undefined);
    expect(got!.fields).to.deep.include({ referenceTest: reference, identifiantPrestation: 'FTTHA-21-0000301', codeTest: 'PORT_PON_OLT', etat: 'TERMINE',
      diagnostic: 'AUCUN_DEFAUT' });
    expect(got!.xml).to.include('<nom>puissanceRecueONT</nom><valeur>-19.50</valeur><unite>dBm</unite><seuil>≥ -27</seuil><verdict>CONFORME</verdict>');
    expect(contractErrors(got!.xml)).to.deep.equal([]);
    // One outcome, one message: the worker has nothing more for it.
    expect(await worker.runUntilIdle(now)).to.deep.include({ claimed: 0 });
  });
});
