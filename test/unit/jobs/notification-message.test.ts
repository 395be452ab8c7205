/**
 * The notification on the wire: what the gateway sends is what the contract (wsdl/notification/v1, v2) says, byte for
 * byte the golden samples of test/samples/notification/v<N>/, and the operator's answer is read as the contract says.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  acknowledgementProblem, notificationRequest, WIRE_CATEGORY, type LimitNotification, type SoapVersionId, type TicketNotification
} from '../../../src/jobs/notification-message.js';
import { LIMIT_SCOPES } from '../../../src/domain/load-rules.js';
import { libxml } from '../../../src/xml/libxml.js';
import { contractOperation, realContracts, realNotificationContract } from '../../support/notifications.js';

const SAMPLES = fileURLToPath(new URL('../../samples/notification/', import.meta.url));
const sample = (behaviour: string, file: string, version = 1, operation = 'notificationSignalisation'): string =>
  readFileSync(`${SAMPLES}v${version}/${operation}__${behaviour}/${file}`, 'utf8');

const REF = 'SIG-2026-0000001';
const event = (over: Partial<TicketNotification>): TicketNotification => ({
  eventId: 'b3a0c8f2-5d1e-4c7a-9f61-2e8d4a7c1b90', sequence: 4, at: new Date('2026-11-24T10:00:00Z'), reference: REF, operatorReference: 'OPA-INC-0001',
  kind: 'state', payload: { reference: REF, from: 'EN_COURS', to: 'GELE', reason: 'Accès au local technique impossible : badge requis', freezeReason: 'ACCES_SITE' }, ...over
});

function contractErrors(body: string, soap: SoapVersionId, version = 1): string[] {
  const d = realContracts().services.get('notification')!.versions.get(version)!;
  return d.envelopeSchemas[soap === '1.1' ? 'soap11' : 'soap12'].validate(libxml.parseXml(body)).map((e) => `${e.field}: ${e.message}`);
}

describe('jobs/notification-message', () => {
  const op = contractOperation();

  it('reads the operation from the contract: namespace, elements and SOAPAction of notificationSignalisation', () => {
    expect(op).to.deep.equal({
      namespace: 'http://esav.bfc-fibre.fr/notification/v1', requestElement: 'NotificationSignalisationRequete',
      responseElement: 'AccuseReception', soapAction: 'http://esav.bfc-fibre.fr/notification/v1/notificationSignalisation'
    });
  });

  it('writes the golden samples byte for byte', () => {
    expect(notificationRequest(op, event({}), '1.1').body).to.equal(sample('changement-etat-gel', 'request.xml'));
    expect(notificationRequest(op, event({}), '1.1').body).to.equal(sample('faute-operateur', 'request.xml'));
    const comment = event({ eventId: '0f6d2a4e-8c3b-4e91-a7d5-6b1c9e2f3a80', sequence: 5, at: new Date('2026-11-24T14:30:00Z'), kind: 'comment', payload: { reference: REF, text: 'Technicien passé, PBO ré-épissuré. Mesures OK.' } });
    expect(notificationRequest(op, comment, '1.1').body).to.equal(sample('commentaire-oi', 'request.xml'));
  });

  it('sends messages the contract accepts, in SOAP 1.1 and 1.2, for every kind of event', () => {
    const events = [
      event({ sequence: 1, payload: { reference: REF, from: null, to: 'EN_DEPOT', reason: null } }),
      event({ payload: { reference: REF, from: 'EN_DEPOT', to: 'EN_REJET', reason: 'Prestation <inconnue> & hors zone', freezeReason: null } }),
      event({ payload: { reference: REF, from: 'GELE', to: 'EN_COURS', reason: null, freezeReason: null } }),
      event({}),
      event({ kind: 'comment', payload: { reference: REF, text: 'Rendez-vous "confirmé" <demain> & après' } })
    ];
    for (const soap of ['1.1', '1.2'] as const) {
      for (const e of events) expect(contractErrors(notificationRequest(op, e, soap).body, soap), `${soap} ${JSON.stringify(e.payload)}`).to.deep.equal([]);
    }
    expect(notificationRequest(op, events[0]!, '1.1').body).to.not.include('etatPrecedent');
    // The check can fail: a state the contract does not know is refused.
    expect(contractErrors(notificationRequest(op, event({}), '1.1').body.replace('<etat>GELE</etat>', '<etat>PERDU</etat>'), '1.1')).to.have.length.greaterThan(0);
  });

  it('names the action in the SOAPAction header (1.1) or in the media type (1.2)', () => {
    expect(notificationRequest(op, event({}), '1.1').headers).to.deep.equal({ 'content-type': 'text/xml; charset=utf-8', soapaction: `"${op.soapAction}"` });
    expect(notificationRequest(op, event({}), '1.2').headers).to.deep.equal({ 'content-type': `application/soap+xml; charset=utf-8; action="${op.soapAction}"` });
  });

  it('refuses to send an event it cannot read, rather than a message that breaks the contract', () => {
    expect(() => notificationRequest(op, event({ payload: { to: 'PERDU' } }), '1.1')).to.throw(/unreadable state event/);
    expect(() => notificationRequest(op, event({ kind: 'comment', payload: {} }), '1.1')).to.throw(/unreadable comment/);
  });

  describe('the operator’s answer', () => {
    const id = 'b3a0c8f2-5d1e-4c7a-9f61-2e8d4a7c1b90';
    const problem = (xml: string, eventId = id): string | null => acknowledgementProblem(op, Buffer.from(xml), eventId);

    it('is an acknowledgement when it is AccuseReception naming the same event', () => {
      expect(problem(sample('changement-etat-gel', 'response.xml'))).to.equal(null);
      expect(problem(sample('changement-etat-gel', 'response.xml'), '0f6d2a4e-8c3b-4e91-a7d5-6b1c9e2f3a80')).to.match(/autre événement \(b3a0c8f2/);
    });

    it('reports a fault with its DetailErreur code and text, for the delivery log', () => {
      expect(problem(sample('faute-operateur', 'response.xml'))).to.equal('faute SOAP SERVICE_INDISPONIBLE : Base de suivi indisponible, réessayez plus tard.');
    });

    it('never trusts what is not an acknowledgement: other elements, no envelope, malformed XML, a DOCTYPE', () => {
      expect(problem(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Ok xmlns="urn:x"/></s:Body></s:Envelope>`)).to.match(/^réponse inattendue \{urn:x\}Ok/);
      expect(problem(`<AccuseReception xmlns="${op.namespace}"><idEvenement>${id}</idEvenement></AccuseReception>`)).to.equal('réponse sans enveloppe SOAP');
      expect(problem('OK')).to.match(/^réponse illisible/);
      expect(problem('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')).to.match(/^réponse illisible/);
    });
  });
  describe('contract v2', () => {
    const ticket = contractOperation(2, 'ticket');
    const limit = contractOperation(2, 'limit');
    const payload = {
      limitId: '12', scope: 'FILING', perMinute: 120, start: '2027-02-02T07:00:00.000Z', end: '2027-02-03T19:00:00.000Z',
      declaredAt: '2027-02-01T09:30:00.000Z', reason: 'Surcharge du système de dépôt : migration de la base de suivi', liftReason: null
    };
    const announced: LimitNotification = { eventId: '5c1d7e3a-9b24-4f60-8a1e-7d3c2b9f0e41', at: new Date('2027-02-01T09:30:00Z'), kind: 'limit', status: 'ANNONCEE', payload };
    const lifted: LimitNotification = {
      eventId: 'e8a4b2c6-1f3d-4a59-b7e0-3c9d5f1a2b68', at: new Date('2027-02-02T15:45:00Z'), kind: 'limit', status: 'LEVEE', payload: { ...payload, liftReason: 'Migration terminée en avance' }
    };
    const limitSample = (behaviour: string, file = 'request.xml'): string => sample(behaviour, file, 2, 'notificationLimiteDebit');

    it('keeps notificationSignalisation as in v1, in the v2 namespace, and adds notificationLimiteDebit', () => {
      expect(ticket).to.deep.equal({
        namespace: 'http://esav.bfc-fibre.fr/notification/v2', requestElement: 'NotificationSignalisationRequete',
        responseElement: 'AccuseReception', soapAction: 'http://esav.bfc-fibre.fr/notification/v2/notificationSignalisation'
      });
      expect(limit).to.deep.equal({
        namespace: 'http://esav.bfc-fibre.fr/notification/v2', requestElement: 'NotificationLimiteDebitRequete',
        responseElement: 'AccuseReception', soapAction: 'http://esav.bfc-fibre.fr/notification/v2/notificationLimiteDebit'
      });
      expect(realNotificationContract().operation(1, 'limit')).to.equal(null);
      expect(notificationRequest(ticket, event({}), '1.1').body).to.equal(sample('changement-etat-gel', 'request.xml', 2));
      expect(notificationRequest(ticket, event({}), '1.1').body.replace('/notification/v2', '/notification/v1')).to.equal(sample('changement-etat-gel', 'request.xml'));
    });

    it('writes the limit announcement samples byte for byte: announced, announced with no end, lifted', () => {
      expect(notificationRequest(limit, announced, '1.1').body).to.equal(limitSample('annoncee'));
      expect(notificationRequest(limit, announced, '1.1').body).to.equal(limitSample('faute-operateur'));
      const noEnd: LimitNotification = {
        eventId: '2d7f9c41-6a8e-4b3d-9e25-c1f04a7b8d36', at: new Date('2027-02-01T09:30:00Z'), kind: 'limit', status: 'ANNONCEE',
        payload: { limitId: '13', scope: 'ALL', perMinute: 600, start: '2027-02-02T09:30:00.000Z', end: null, declaredAt: '2027-02-01T09:30:00.000Z', reason: null, liftReason: null }
      };
      expect(notificationRequest(limit, noEnd, '1.1').body).to.equal(limitSample('sans-fin'));
      expect(notificationRequest(limit, lifted, '1.1').body).to.equal(limitSample('levee'));
      // The reason of a lifting is said on a LEVEE only.
      expect(notificationRequest(limit, { ...announced, payload: lifted.payload }, '1.1').body).to.not.include('motifLevee');
    });

    it('sends limit announcements the contract accepts, in SOAP 1.1 and 1.2, for every category', () => {
      for (const soap of ['1.1', '1.2'] as const) {
        for (const scope of LIMIT_SCOPES) {
          for (const e of [announced, lifted]) {
            const body = notificationRequest(limit, { ...e, payload: { ...e.payload as object, scope } }, soap).body;
            expect(contractErrors(body, soap, 2), `${soap} ${scope} ${e.status}`).to.deep.equal([]);
            expect(body).to.include(`<categorie>${WIRE_CATEGORY[scope]}</categorie>`);
          }
        }
      }
      expect(contractErrors(notificationRequest(limit, announced, '1.1').body.replace('<categorie>DEPOT', '<categorie>FILING'), '1.1', 2)).to.have.length.greaterThan(0);
      expect(notificationRequest(limit, announced, '1.2').headers).to.deep.equal({ 'content-type': `application/soap+xml; charset=utf-8; action="${limit.soapAction}"` });
    });

    it('refuses to send a limit announcement it cannot read', () => {
      for (const bad of [{ ...payload, scope: 'OTHER' }, { ...payload, perMinute: 0 }, { ...payload, start: 'demain' }, { ...payload, limitId: 12 }, { ...payload, end: 'jamais' }]) {
        expect(() => notificationRequest(limit, { ...announced, payload: bad }, '1.1'), JSON.stringify(bad)).to.throw(/unreadable limit announcement/);
      }
    });

    it('reads the acknowledgement of an announcement, and a fault of the operator', () => {
      expect(acknowledgementProblem(limit, Buffer.from(limitSample('annoncee', 'response.xml')), announced.eventId)).to.equal(null);
      expect(acknowledgementProblem(limit, Buffer.from(limitSample('levee', 'response.xml')), announced.eventId)).to.match(/autre événement/);
      expect(acknowledgementProblem(limit, Buffer.from(limitSample('faute-operateur', 'response.xml')), announced.eventId)).to.match(/^faute SOAP SERVICE_INDISPONIBLE/);
      // A v1 acknowledgement does not acknowledge a v2 message.
      expect(acknowledgementProblem(limit, Buffer.from(sample('changement-etat-gel', 'response.xml')), 'b3a0c8f2-5d1e-4c7a-9f61-2e8d4a7c1b90')).to.match(/^réponse inattendue/);
    });
  });
});
