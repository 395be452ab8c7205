/**
 * rendezvous v1 (issue 16 part 3) over mutual TLS: SAV, SAV+ and expertise searched and booked, for a ticket frozen
 * RENDEZ_VOUS (unfrozen), confirmed, moved, cancelled within its cut-off (refused after), consulted with its history
 * and outcome; every operation isolated between operators (A6); a client generated from the published WSDL.
 */
import { Agent } from 'node:https';
import { expect } from 'chai';
import * as soap from 'soap';
import { recordOutcome } from '../../src/domain/appointment-service.js';
import { fixedClock } from '../../src/domain/clock.js';
import { createAppointmentStore } from '../../src/store/appointment-store.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { sql } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';

const NS = 'http://esav.bfc-fibre.fr/rendezvous/v1';
const clock = fixedClock('2026-12-02T10:00:00Z');
const envelope = (body: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="${NS}"><s:Body>${body}</s:Body></s:Envelope>`;
const all = (xml: string, local: string): string[] => [...xml.matchAll(new RegExp(`<${local}>([^<]*)</${local}>`, 'g'))].map((m) => m[1]!);

describe('rendezvous v1: appointments in our own contract', () => {
  let gw: TestGateway;
  let ticket: string;
  const post = (op: string, body: string, client = gw.pki.opa): Promise<RawResponse> =>
    call(gw.url, { path: '/esav/rendezvous/v1', soapAction: `${NS}/${op}`, client, ca: gw.pki.ca, body: envelope(body) });
  const search = (kind: string, day: string, client = gw.pki.opa) => post('rechercheCreneaux',
    `<r:RechercheCreneauxRequete><r:typeRendezVous>${kind}</r:typeRendezVous><r:codeInsee>21231</r:codeInsee><r:debut>${day}T00:00:00</r:debut>` +
    `<r:fin>${day}T23:59:59</r:fin></r:RechercheCreneauxRequete>`, client);
  const book = (token: string, kind: string, extra = '', client = gw.pki.opa) => post('priseRendezVous',
    `<r:PriseRendezVousRequete><r:idCreneau>${token}</r:idCreneau><r:typeRendezVous>${kind}</r:typeRendezVous><r:codeInsee>21231</r:codeInsee>${extra}` +
    `</r:PriseRendezVousRequete>`, client);
  const on = (op: string, element: string, reference: string, client = gw.pki.opa, extra = '') =>
    post(op, `<r:${element}><r:referenceRendezVous>${reference}</r:referenceRendezVous>${extra}</r:${element}>`, client);

  before(async () => {
    gw = await startGateway({ clock });
    await sql(gw.pool, 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', [new Date('2026-11-01T00:00:00Z')]);
    const { rows: [t] } = await sql<{ reference: string }>(gw.pool,
      `INSERT INTO ticket (reference, operator_id, service_pk, service_id, offer_code, operator_reference, content_hash, form_id, form_version, form_fields, state,
                           accepted_at, state_changed_at, freeze_reason, freeze_detail)
       SELECT 'SIG-2026-8000001', s.operator_id, s.id, s.service_id, s.offer_code, 'OPA-RDV-9', 'h', 'ftth', 2, '[]', 'GELE', $1, $1, 'RENDEZ_VOUS', 'rendez-vous à prendre'
         FROM service s JOIN operator o ON o.id = s.operator_id WHERE o.code = 'OPA' AND s.state = 'active' ORDER BY s.id LIMIT 1
       RETURNING reference`, [clock.now()]);
    ticket = t!.reference;
  });
  after(async () => { await gw.close(); });

  it('offers SAV on weekdays, SAV+ on Saturdays and holidays, expertise in half-days, with their free places', async () => {
    expect(all((await search('SAV', '2026-12-10')).body, 'debut')).to.have.length(5);
    expect(all((await search('SAV', '2026-12-12')).body, 'debut')).to.deep.equal([]);
    const plus = await search('SAV_PLUS', '2026-12-25');
    expect(all(plus.body, 'debut')[0]).to.equal('2026-12-25T06:00:00.000Z');
    expect(all(plus.body, 'placesLibres')).to.deep.equal(Array(7).fill('2'));
    expect(all((await search('EXPERTISE', '2026-12-10')).body, 'fin')).to.deep.equal(['2026-12-10T12:00:00.000Z', '2026-12-10T16:00:00.000Z']);
  });

  it('books for a ticket frozen RENDEZ_VOUS, which is unfrozen; confirms, moves, and cancels before its cut-off only', async () => {
    const tokens = all((await search('SAV', '2026-12-10')).body, 'idCreneau');
    const booked = await book(tokens[0]!, 'SAV', `<r:referenceSignalisation>${ticket}</r:referenceSignalisation>`);
    expect(booked.status, booked.body).to.equal(200);
    const reference = textOf(booked.body, 'referenceRendezVous')!;
    expect(textOf(booked.body, 'etat')).to.equal('CREE');
    expect(textOf(booked.body, 'referenceSignalisation')).to.equal(ticket);
    expect(textOf(booked.body, 'dateLimiteAnnulation')).to.equal('2026-12-09T07:00:00.000Z');
    expect((await createTicketStore(gw.pool).find(null, ticket))!.state).to.equal('EN_COURS');
    expect(textOf((await on('confirmationRendezVous', 'ConfirmationRendezVousRequete', reference)).body, 'etat')).to.equal('CONFIRME');
    const moved = await post('reportRendezVous', `<r:ReportRendezVousRequete><r:referenceRendezVous>${reference}</r:referenceRendezVous>` +
      `<r:idCreneau>${tokens[1]}</r:idCreneau></r:ReportRendezVousRequete>`);
    expect(textOf(moved.body, 'debut')).to.equal('2026-12-10T09:00:00.000Z');
    expect(all(moved.body, 'evenement')).to.deep.equal(['PRISE', 'CONFIRMATION', 'REPORT']);
    clock.set('2026-12-09T10:00:00Z');
    try {
      const late = await on('annulationRendezVous', 'AnnulationRendezVousRequete', reference);
      expect(textOf(late.body, 'code')).to.equal('DELAI_RDV_DEPASSE');
    } finally {
      clock.set('2026-12-02T10:00:00Z');
    }
    const cancelled = await on('annulationRendezVous', 'AnnulationRendezVousRequete', reference, gw.pki.opa, '<r:motif>client injoignable</r:motif>');
    expect(textOf(cancelled.body, 'etat')).to.equal('ANNULE');
    expect(all(cancelled.body, 'motif')).to.deep.equal(['client injoignable']);
  });

  it('consults the outcome the OI recorded, and books again after the customer’s absence', async () => {
    const tokens = all((await search('EXPERTISE', '2026-12-11')).body, 'idCreneau');
    const reference = textOf((await book(tokens[0]!, 'EXPERTISE')).body, 'referenceRendezVous')!;
    await recordOutcome(createAppointmentStore(gw.pool), reference, 'fail', 'tech.dupont', 'porte close', clock.now());
    const read = await on('consultationRendezVous', 'ConsultationRendezVousRequete', reference);
    expect([textOf(read.body, 'etat'), textOf(read.body, 'compteRendu')]).to.deep.equal(['ECHEC_CLIENT', 'porte close']);
    expect(all(read.body, 'acteur')).to.deep.equal(['OPERATEUR', 'OI']);
    const again = await post('reportRendezVous', `<r:ReportRendezVousRequete><r:referenceRendezVous>${reference}</r:referenceRendezVous>` +
      `<r:idCreneau>${tokens[1]}</r:idCreneau></r:ReportRendezVousRequete>`);
    expect(textOf(again.body, 'etat')).to.equal('CREE');
    expect(all(again.body, 'evenement').at(-1)).to.equal('NOUVEAU_RENDEZ_VOUS');
  });

  it('refuses a slot of another kind than asked, and one booked full in between', async () => {
    const token = all((await search('EXPERTISE', '2026-12-14')).body, 'idCreneau')[0]!;
    expect(textOf((await book(token, 'SAV')).body, 'code')).to.equal('CRENEAU_INCONNU');
    expect(textOf((await book(token, 'EXPERTISE')).body, 'etat')).to.equal('CREE');
    const full = await book(token, 'EXPERTISE');
    expect(textOf(full.body, 'code')).to.equal('CRENEAU_COMPLET');
  });

  it('isolates every operation between operators (A6)', async () => {
    const tokens = all((await search('SAV', '2026-12-15')).body, 'idCreneau');
    const reference = textOf((await book(tokens[0]!, 'SAV')).body, 'referenceRendezVous')!;
    const opb = gw.pki.opb;
    const notFound = `Aucune ressource rendez-vous « ${reference} » accessible à votre opérateur.`;
    for (const [op, el] of [['consultationRendezVous', 'ConsultationRendezVousRequete'], ['confirmationRendezVous', 'ConfirmationRendezVousRequete'],
      ['annulationRendezVous', 'AnnulationRendezVousRequete']] as const) {
      const r = await on(op, el, reference, opb);
      expect([textOf(r.body, 'code'), textOf(r.body, 'message')], op).to.deep.equal(['RESSOURCE_INCONNUE', notFound]);
    }
    const theirs = all((await search('SAV', '2026-12-15', opb)).body, 'idCreneau');
    const move = await post('reportRendezVous', `<r:ReportRendezVousRequete><r:referenceRendezVous>${reference}</r:referenceRendezVous>` +
      `<r:idCreneau>${theirs[1]}</r:idCreneau></r:ReportRendezVousRequete>`, opb);
    expect(textOf(move.body, 'message')).to.equal(notFound);
    expect(textOf((await book(tokens[1]!, 'SAV', '', opb)).body, 'code'), 'OPA’s idCreneau').to.equal('CRENEAU_INCONNU');
    const forTicket = await book(theirs[2]!, 'SAV', `<r:referenceSignalisation>${ticket}</r:referenceSignalisation>`, opb);
    expect(textOf(forTicket.body, 'message')).to.equal(`Aucune ressource signalisation « ${ticket} » accessible à votre opérateur.`);
    expect(textOf((await on('consultationRendezVous', 'ConsultationRendezVousRequete', reference)).body, 'etat'), 'untouched').to.equal('CREE');
  });

  it('is callable by a client the soap package generates from the published WSDL', async () => {
    const agent = new Agent({ ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
    try {
      const c = await soap.createClientAsync(`${gw.url}/esav/rendezvous/v1?wsdl`, { wsdl_options: { httpsAgent: agent } });
      c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(gw.pki.opa.keyPem), Buffer.from(gw.pki.opa.certPem), Buffer.from(gw.pki.ca)));
      const [found] = await (c as unknown as { rechercheCreneauxAsync: (a: object) => Promise<[{ creneau?: unknown[] }]> })
        .rechercheCreneauxAsync({ typeRendezVous: 'SAV', codeInsee: '21231', debut: '2026-12-16T00:00:00', fin: '2026-12-16T23:59:59' });
      expect(found.creneau).to.have.length(5);
    } finally {
      agent.destroy();
    }
  });
});
