/**
 * Notification v2's appointment changes (notificationRendezVous, issue 16) and line-test outcomes
 * (notificationTestLigne, issue 17) on the wire: what the gateway sends validates against wsdl/notification/v2 in
 * SOAP 1.1 and 1.2, is byte for byte the golden samples of test/samples/notification/v2/, and a payload the store
 * did not write is refused rather than sent half-true. ESAV_UPDATE_SAMPLES=1 rewrites the samples.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { APPOINTMENT_EVENT_WIRE } from '../../../src/domain/appointments.js';
import {
  acknowledgementProblem, notificationRequest, type AppointmentNotification, type LineTestNotification, type NotificationOperation, type SoapVersionId
} from '../../../src/jobs/notification-message.js';
import { libxml } from '../../../src/xml/libxml.js';
import { contractOperation, realContracts, realNotificationContract } from '../../support/notifications.js';

const SAMPLES = fileURLToPath(new URL('../../samples/notification/v2/', import.meta.url));
const UPDATE = process.env.ESAV_UPDATE_SAMPLES === '1';

function contractErrors(body: string, soap: SoapVersionId): string[] {
  const d = realContracts().services.get('notification')!.versions.get(2)!;
  return d.envelopeSchemas[soap === '1.1' ? 'soap11' : 'soap12'].validate(libxml.parseXml(body)).map((e) => `${e.field}: ${e.message}`);
}
const ack = (id: string): string => '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  `<AccuseReception xmlns="http://esav.bfc-fibre.fr/notification/v2"><idEvenement>${id}</idEvenement></AccuseReception></soap:Body></soap:Envelope>`;

function samples(op: NotificationOperation, operation: string, cases: readonly (readonly [string, AppointmentNotification | LineTestNotification])[]): void {
  if (!UPDATE) return;
  for (const [behaviour, e] of cases) {
    const dir = `${SAMPLES}${operation}__${behaviour}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/request.xml`, notificationRequest(op, e, '1.1').body);
    writeFileSync(`${dir}/response.xml`, ack(e.eventId));
    writeFileSync(`${dir}/meta.json`, `${JSON.stringify({ direction: 'outbound', client: 'gateway', soapAction: `"${op.soapAction}"`,
      contentType: 'text/xml; charset=utf-8', status: 200 }, null, 2)}\n`);
  }
}
const sample = (operation: string, behaviour: string, file: string): string => readFileSync(`${SAMPLES}${operation}__${behaviour}/${file}`, 'utf8');

describe('jobs/notification-message: notification v2 appointments and line tests', () => {
  describe('notificationRendezVous', () => {
    const op = contractOperation(2, 'appointment');
    const moved: AppointmentNotification = {
      eventId: '5d2f8a61-0c3e-4b7a-9e14-7f6a2b8c3d90', sequence: 2, at: new Date('2027-02-04T08:15:00Z'), kind: 'appointment',
      payload: {
        event: 'move', actorKind: 'operator', reference: 'RDV-2027-0000031', kind: 'SAV', fromState: 'CREE', state: 'CREE',
        start: '2027-02-09T07:00:00+00:00', end: '2027-02-09T09:00:00+00:00', previousStart: '2027-02-08T12:00:00+00:00', inseeCode: '21231',
        ticketReference: 'SIG-2027-0000412', reason: null
      }
    };
    const failed: AppointmentNotification = {
      eventId: 'e81c4b27-6a9d-4f03-b5e2-1d7c0a9f4b36', sequence: 3, at: new Date('2027-02-09T09:20:00Z'), kind: 'appointment',
      payload: {
        event: 'fail', actorKind: 'oi', reference: 'RDV-2027-0000031', kind: 'SAV', fromState: 'CREE', state: 'ECHEC_CLIENT',
        start: '2027-02-09T07:00:00+00:00', end: '2027-02-09T09:00:00+00:00', previousStart: null, inseeCode: '21231',
        ticketReference: 'SIG-2027-0000412', reason: 'Porte close, client injoignable au 06 <masqué>'
      }
    };
    const cases = [['report', moved], ['echec-client', failed]] as const;
    samples(op, 'notificationRendezVous', cases);

    it('writes the samples byte for byte: a move by the operator, a failure recorded by the OI; v1 has no such operation', () => {
      for (const [behaviour, e] of cases) expect(notificationRequest(op, e, '1.1').body).to.equal(sample('notificationRendezVous', behaviour, 'request.xml'));
      expect(realNotificationContract().operation(1, 'appointment')).to.equal(null);
      const body = notificationRequest(op, moved, '1.1').body;
      expect(body).to.include('<evenement>REPORT</evenement><auteur>OPERATEUR</auteur>')
        .and.include('<debut>2027-02-09T07:00:00.000Z</debut>').and.include('<debutPrecedent>2027-02-08T12:00:00.000Z</debutPrecedent>');
      expect(notificationRequest(op, failed, '1.1').body).to.include('<auteur>OI</auteur>').and.include('<motif>Porte close, client injoignable au 06 &lt;masqué&gt;</motif>');
    });

    it('sends every event of an appointment’s life as the contract accepts it, in SOAP 1.1 and 1.2', () => {
      for (const soap of ['1.1', '1.2'] as const) {
        for (const event of Object.keys(APPOINTMENT_EVENT_WIRE)) {
          for (const kind of ['SAV', 'SAV_PLUS', 'EXPERTISE']) {
            const payload = { ...moved.payload as object, event, kind, fromState: event === 'book' ? null : 'CONFIRME', ticketReference: null, reason: 'x'.repeat(900) };
            expect(contractErrors(notificationRequest(op, { ...moved, payload }, soap).body, soap), `${soap} ${event} ${kind}`).to.deep.equal([]);
          }
        }
      }
      // The check can fail: a state the contract does not know is refused by the schema before it is sent.
      expect(contractErrors(notificationRequest(op, failed, '1.1').body.replace('ECHEC_CLIENT</etat>', 'ABSENT</etat>'), '1.1')).to.not.deep.equal([]);
    });

    it('refuses to send an appointment notice it cannot read', () => {
      const p = moved.payload as Record<string, unknown>;
      for (const bad of [{ ...p, event: 'reschedule' }, { ...p, actorKind: 'client' }, { ...p, kind: 'SAV+' }, { ...p, state: 'PRIS' }, { ...p, start: 'demain' },
        { ...p, previousStart: 'hier' }, { ...p, ticketReference: 12 }]) {
        expect(() => notificationRequest(op, { ...moved, payload: bad }, '1.1'), JSON.stringify(bad)).to.throw(/unreadable appointment notice/);
      }
    });

    it('reads the acknowledgement', () => {
      expect(acknowledgementProblem(op, Buffer.from(sample('notificationRendezVous', 'report', 'response.xml')), moved.eventId)).to.equal(null);
      expect(acknowledgementProblem(op, Buffer.from(sample('notificationRendezVous', 'echec-client', 'response.xml')), moved.eventId)).to.match(/autre événement/);
    });
  });

  describe('notificationTestLigne', () => {
    const op = contractOperation(2, 'line_test');
    const done: LineTestNotification = {
      eventId: '93b7d0e4-2f1a-4c68-8a5d-0e6b9c3f7a12', sequence: 1, at: new Date('2027-02-04T10:00:07Z'), kind: 'line_test',
      payload: {
        reference: 'TST-20270204-000017', serviceId: 'FTTH-21-0000001', testCode: 'ETAT_ONT', state: 'TERMINE', launchedAt: '2027-02-04T10:00:00+00:00',
        finishedAt: '2027-02-04T10:00:07+00:00', diagnosis: 'PTO', failureReason: null,
        measures: [
          { name: 'etatONT', value: 'EN_LIGNE', unit: null, threshold: '= EN_LIGNE', verdict: 'CONFORME' },
          { name: 'puissanceRecue', value: '-29.4', unit: 'dBm', threshold: '≥ -27', verdict: 'NON_CONFORME' },
          { name: 'numeroSerieONT', value: 'SMBS01234567', unit: null, threshold: null, verdict: 'INFORMATION' }
        ]
      }
    };
    const failed: LineTestNotification = {
      eventId: '1c5e9a37-8b0d-4e2f-a6c4-3d9f7b1e0a58', sequence: 1, at: new Date('2027-02-04T10:03:30Z'), kind: 'line_test',
      payload: {
        reference: 'TST-20270204-000018', serviceId: 'FTTH-21-0000002', testCode: 'REFLECTOMETRIE', state: 'ECHEC', launchedAt: '2027-02-04T10:01:00+00:00',
        finishedAt: '2027-02-04T10:03:30+00:00', diagnosis: null, measures: null, failureReason: "l'OLT n'a pas répondu en 30 s (3 tentatives)"
      }
    };
    const cases = [['termine', done], ['echec', failed]] as const;
    samples(op, 'notificationTestLigne', cases);

    it('writes the samples byte for byte: a result with its measures and diagnosis, a test with no result and why', () => {
      for (const [behaviour, e] of cases) expect(notificationRequest(op, e, '1.1').body).to.equal(sample('notificationTestLigne', behaviour, 'request.xml'));
      expect(realNotificationContract().operation(1, 'line_test')).to.equal(null);
      expect(notificationRequest(op, done, '1.1').body).to.include('<mesure><nom>puissanceRecue</nom><valeur>-29.4</valeur><unite>dBm</unite><seuil>≥ -27</seuil>')
        .and.include('<diagnostic>PTO</diagnostic>').and.not.include('motifEchec');
      expect(notificationRequest(op, failed, '1.1').body).to.include("<motifEchec>l'OLT n'a pas répondu en 30 s (3 tentatives)</motifEchec>").and.not.include('<mesure>');
    });

    it('sends results the contract accepts, in SOAP 1.1 and 1.2, for every diagnosis', () => {
      for (const soap of ['1.1', '1.2'] as const) {
        for (const diagnosis of ['AUCUN_DEFAUT', 'CLIENT', 'PTO', 'PBO', 'PM', 'RESEAU', 'INDETERMINE']) {
          expect(contractErrors(notificationRequest(op, { ...done, payload: { ...done.payload as object, diagnosis } }, soap).body, soap), diagnosis).to.deep.equal([]);
        }
        expect(contractErrors(notificationRequest(op, failed, soap).body, soap)).to.deep.equal([]);
      }
    });

    it('refuses to send a line-test notice it cannot read', () => {
      const p = done.payload as Record<string, unknown>;
      for (const bad of [{ ...p, state: 'EN_COURS' }, { ...p, diagnosis: 'OLT' }, { ...p, finishedAt: null }, { ...p, measures: [{ name: 'x', value: 1, verdict: 'CONFORME' }] },
        { ...p, measures: [{ name: 'x', value: '1', verdict: 'OK' }] }, { ...p, serviceId: null }]) {
        expect(() => notificationRequest(op, { ...done, payload: bad }, '1.1'), JSON.stringify(bad)).to.throw(/unreadable line test notice/);
      }
    });
  });
});
