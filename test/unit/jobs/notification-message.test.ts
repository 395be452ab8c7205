/**
 * The notification on the wire: what the gateway sends is what the contract (wsdl/notification/v1, v2) says, byte for
 * byte the golden samples of test/samples/notification/v<N>/, and the operator's answer is read as the contract says.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  acknowledgementProblem, notificationRequest, WIRE_CATEGORY, type LimitNotification, type SoapVersionId, type TicketNotification,
  type WorksNotification
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
  describe('notification v2: planned works and incidents (notificationTravaux)', () => {
    const works = contractOperation(2, 'works');
    const UPDATE = process.env.ESAV_UPDATE_SAMPLES === '1';
    const declared: WorksNotification = {
      eventId: '7a3e1c90-4b2d-4f8e-a6c1-9d0b3e5f2a47', sequence: 1, at: new Date('2027-02-03T09:00:00Z'), kind: 'works',
      payload: {
        status: 'NOUVEAU', reference: 'DERCO-0000012', category: 'DERCO', equipmentKind: 'PM', equipmentRef: '21231-PM-0042', pmRef: '21231-PM-0042',
        nature: null, start: '2027-02-03T08:30:00.000Z', end: '2027-02-03T17:00:00.000Z', curative: false, interventionRequired: false,
        comments: 'Coupure du câble de transport', oiContact: 'Supervision BFC 03 80 00 00 00', servicesCount: 3,
        services: ['FTTH-21-0000001', 'FTTH-21-0010001', 'PM-21-0042-OPA']
      }
    };
    const closedTp: WorksNotification = {
      eventId: 'c4f8a2d6-3e1b-4c9a-8f70-1b2d3e4f5a6b', sequence: 4, at: new Date('2027-02-10T11:40:00Z'), kind: 'works',
      payload: {
        status: 'CLOTURE', reference: 'TP-0000007', category: 'TP', equipmentKind: 'LIENPMPBO', equipmentRef: '21231-PBO-0042-117', pmRef: '21231-PM-0042',
        nature: 'REFE', start: '2027-02-10T07:00:00.000Z', end: '2027-02-10T11:40:00.000Z', curative: true, interventionRequired: true,
        comments: null, oiContact: null, servicesCount: 1204, services: []
      }
    };
    const ack = (id: string): string => '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<AccuseReception xmlns="http://esav.bfc-fibre.fr/notification/v2"><idEvenement>${id}</idEvenement></AccuseReception></soap:Body></soap:Envelope>`;
    const cases: readonly [string, WorksNotification][] = [['derco-declare', declared], ['tp-cloture', closedTp]];
    if (UPDATE) {
      for (const [behaviour, e] of cases) {
        const dir = `${SAMPLES}v2/notificationTravaux__${behaviour}`;
        mkdirSync(dir, { recursive: true });
        writeFileSync(`${dir}/request.xml`, notificationRequest(works, e, '1.1').body);
        writeFileSync(`${dir}/response.xml`, ack(e.eventId));
        writeFileSync(`${dir}/meta.json`, `${JSON.stringify({ direction: 'outbound', client: 'gateway', soapAction: `"${works.soapAction}"`,
          contentType: 'text/xml; charset=utf-8', status: 200 }, null, 2)}\n`);
      }
    }

    it('writes the works samples byte for byte: an incident declared, a planned work closed with more services than listed', () => {
      for (const [behaviour, e] of cases) expect(notificationRequest(works, e, '1.1').body).to.equal(sample(behaviour, 'request.xml', 2, 'notificationTravaux'));
      expect(realNotificationContract().operation(1, 'works')).to.equal(null);
    });

    it('sends works notices the contract accepts, in SOAP 1.1 and 1.2, for every state and equipment', () => {
      for (const soap of ['1.1', '1.2'] as const) {
        for (const status of ['NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE']) {
          for (const equipmentKind of ['PM', 'PMT', 'PBO', 'LIENPMPBO']) {
            const body = notificationRequest(works, { ...declared, payload: { ...declared.payload as object, status, equipmentKind } }, soap).body;
            expect(contractErrors(body, soap, 2), `${soap} ${status} ${equipmentKind}`).to.deep.equal([]);
          }
        }
      }
      const noDates = { ...declared.payload as object, start: null, end: null, comments: null, oiContact: null, services: [] };
      expect(contractErrors(notificationRequest(works, { ...declared, payload: noDates }, '1.1').body, '1.1', 2)).to.deep.equal([]);
    });

    it('refuses to send a works notice it cannot read', () => {
      const p = declared.payload as Record<string, unknown>;
      for (const bad of [{ ...p, status: 'OUVERT' }, { ...p, category: 'TRAVAUX' }, { ...p, equipmentKind: 'PTO' }, { ...p, start: 'demain' },
        { ...p, services: [1] }, { ...p, servicesCount: '3' }, { ...p, curative: 'non' }]) {
        expect(() => notificationRequest(works, { ...declared, payload: bad }, '1.1'), JSON.stringify(bad)).to.throw(/unreadable works notice/);
      }
    });

    it('reads the acknowledgement of a works notice', () => {
      expect(acknowledgementProblem(works, Buffer.from(sample('derco-declare', 'response.xml', 2, 'notificationTravaux')), declared.eventId)).to.equal(null);
      expect(acknowledgementProblem(works, Buffer.from(sample('tp-cloture', 'response.xml', 2, 'notificationTravaux')), declared.eventId)).to.match(/autre événement/);
    });
  });
});
