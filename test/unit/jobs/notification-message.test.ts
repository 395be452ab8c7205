/**
 * The notification on the wire: what the gateway sends is what the contract (wsdl/notification/v1) says, byte for byte
 * the golden samples of test/samples/notification/v1/, and the operator's answer is read as the contract says.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { acknowledgementProblem, notificationRequest, type NotificationEvent, type SoapVersionId } from '../../../src/jobs/notification-message.js';
import { libxml } from '../../../src/xml/libxml.js';
import { contractOperation, realContracts } from '../../support/notifications.js';

const SAMPLES = fileURLToPath(new URL('../../samples/notification/v1/', import.meta.url));
const sample = (behaviour: string, file: string): string => readFileSync(`${SAMPLES}notificationSignalisation__${behaviour}/${file}`, 'utf8');

const REF = 'SIG-2026-0000001';
const event = (over: Partial<NotificationEvent>): NotificationEvent => ({
  eventId: 'b3a0c8f2-5d1e-4c7a-9f61-2e8d4a7c1b90', sequence: 4, at: new Date('2026-11-24T10:00:00Z'), reference: REF, operatorReference: 'OPA-INC-0001',
  kind: 'state', payload: { reference: REF, from: 'EN_COURS', to: 'GELE', reason: 'Accès au local technique impossible : badge requis', freezeReason: 'ACCES_SITE' }, ...over
});

function contractErrors(body: string, soap: SoapVersionId): string[] {
  const d = realContracts().services.get('notification')!.versions.get(1)!;
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
});
