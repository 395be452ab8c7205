/**
 * planChargeSav v1 (issue 16 part 2): a client the `soap` package generates from the ORIGINAL Interop'Fibre file
 * (../shared/interop/plan-charge-sav/planChargeSavFtth.wsdl, read as it is, only its address set to our endpoint)
 * searches, books, moves and reads an appointment over mutual TLS; every answer, faults included, validates against
 * that file's own schema and carries EnteteType with horodatageReponse set by us. sirenOC must be the caller's
 * SIREN; another operator's appointment is a missing one (A6); the 01:00–04:00 window answers code 20.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import * as soap from 'soap';
import { fixedClock } from '../../src/domain/clock.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { recordOutcome } from '../../src/domain/appointment-service.js';
import { createAppointmentStore } from '../../src/store/appointment-store.js';
import { libxml } from '../../src/xml/libxml.js';
import { sql } from '../support/database.js';
import { sharedPath } from '../support/shared.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, SOAP11_ENV } from '../support/soap-client.js';

const ORIGINAL = sharedPath('interop', 'plan-charge-sav', 'planChargeSavFtth.wsdl');
const NS = 'http://interop-fibre.fr';
const NOW = '2026-12-02T10:00:00Z';
const OI_SIREN = '812345676';
const SIREN = { OPA: '552100554', OPB: '732829320' } as const;

/** The original's inline xs:schema as a schema document (tns was declared on wsdl:definitions). */
function originalSchema(): ReturnType<typeof libxml.parseXml> {
  const inline = /<xs:schema[\s\S]*<\/xs:schema>/.exec(readFileSync(ORIGINAL, 'utf8'))![0];
  return libxml.parseXml(inline.replace('<xs:schema ', `<xs:schema xmlns:tns="${NS}" `));
}

/** Every element of that local name in an answer, checked against the original file's schema. */
function validAgainstOriginal(xml: string, local: string): void {
  const found = libxml.parseXml(xml).find(`//*[local-name()='${local}']`) as Array<{ toString(): string }>;
  expect(found.length, `${local} in ${xml}`).to.be.greaterThan(0);
  for (const f of found) {
    const doc = libxml.parseXml(f.toString());
    expect(doc.validate(originalSchema()), `${local}: ${JSON.stringify(doc.validationErrors.map((e) => e.message))}`).to.equal(true);
  }
}

type Op = (args: Record<string, unknown>) => Promise<[Record<string, unknown> | null, string, Record<string, unknown>]>;
interface PlanClient { rechercheCreneauxLibresAsync: Op; reservationCreneauAsync: Op; reportRDVAsync: Op; consultationRdvAsync: Op }
interface Occ { dateDebut: string; dateFin: string; idOI: string }
interface InfoErreur { codeErreur?: string; messageErreur?: string }

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('planChargeSav v1: a client generated from the original Interop’Fibre PlanChargeFtthSav file', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ clock: fixedClock(NOW) });
    await sql(gw.pool, 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', [new Date('2026-11-01T00:00:00Z')]);
  });
  after(async () => { await gw.close(); });

  async function client(cert: IssuedCertificate, sirenOC: string, url = gw.url, ca = gw.pki.ca): Promise<PlanClient> {
    const c = await soap.createClientAsync(ORIGINAL);
    c.setEndpoint(`${url}/esav/plan-charge-sav/v1`);
    c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(cert.keyPem), Buffer.from(cert.certPem), Buffer.from(ca)));
    c.addSoapHeader({ EnteteType: { versionWS: '1.0', horodatageRequete: '2026-12-02T11:00:00', sirenOC, sirenOI: OI_SIREN } }, '', 'tns', NS);
    return c as unknown as PlanClient;
  }

  async function fault(p: Promise<unknown>): Promise<InfoErreur & { body: string }> {
    try {
      await p;
    } catch (e) {
      const f = e as { root?: { Envelope?: { Body?: { Fault?: { detail?: { InfoErreurType?: InfoErreur } } } } }; body?: string };
      return { ...f.root?.Envelope?.Body?.Fault?.detail?.InfoErreurType, body: f.body ?? '' };
    }
    throw new Error('no fault');
  }

  const search = (c: PlanClient, day = '2026-12-10', type = 'S', insee = '21231') => c.rechercheCreneauxLibresAsync({
    typeIntervention: type, natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: insee,
    dateDebut: `${day}T00:00:00`, dateFin: `${day}T23:59:59`, defectPrelocalization: 'PTO'
  });

  it('searches, books, moves (all three natureReport) and reads an appointment; every answer valid against the original', async () => {
    const c = await client(gw.pki.opa, SIREN.OPA);
    const [found, raw, headers] = await search(c);
    validAgainstOriginal(raw, 'RechercheCreneauxLibresReponse');
    validAgainstOriginal(raw, 'EnteteType');
    expect((headers as { EnteteType?: { horodatageReponse?: string; sirenOI?: string } }).EnteteType?.sirenOI).to.equal(OI_SIREN);
    expect(raw).to.include(`<horodatageReponse>${new Date(NOW).toISOString()}</horodatageReponse>`);
    const occ = asArray((found?.listeCreneau as { occCreneau?: Occ | Occ[] } | undefined)?.occCreneau);
    expect(raw).to.include('<dateDebut>2026-12-10T08:00:00+01:00</dateDebut><dateFin>2026-12-10T10:00:00+01:00</dateFin>');
    expect(occ.map((o) => new Date(o.dateDebut).toISOString())).to.deep.equal(['07', '09', '11', '13', '15'].map((h) => `2026-12-10T${h}:00:00.000Z`));

    const [booked, rawBook] = await c.reservationCreneauAsync({ natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: '21231', idCreneau: occ[0]!.idOI });
    validAgainstOriginal(rawBook, 'ReservationCreneauReponse');
    const id = (booked as { idRendezvous: string }).idRendezvous;
    expect(id).to.match(/^RDV-2026-\d{7}$/);

    // The answer with its dates as the wire wrote them (the soap package turns xs:dateTime into Date).
    const read = async (): Promise<Record<string, unknown>> => {
      const [r, rawRead] = await c.consultationRdvAsync({ idRendezVous: id });
      validAgainstOriginal(rawRead, 'ConsultationRdvReponse');
      return { ...r, dateDebut: /<dateDebut>([^<]*)</.exec(rawRead)![1] };
    };
    expect(await read()).to.include({ idRendezVous: id, statutRendezVous: 'CREE', dateDebut: '2026-12-10T08:00:00+01:00', typeIntervention: 'S', codeInsee: '21231' });

    const report = (nature: string, idCreneau: string) => c.reportRDVAsync({
      typeIntervention: 'S', natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: '21231', idRendezvous: id, natureReport: nature, idCreneau
    });
    const [, rawReport] = await report('REPORT_RDV_RESERVE', occ[1]!.idOI);
    validAgainstOriginal(rawReport, 'ReportRDVReponse');
    expect((await read()).dateDebut).to.equal('2026-12-10T10:00:00+01:00');
    // A confirmed appointment is moved with REPORT_RDV_CONFIRME only.
    const wrong = await fault(report('REPORT_RDV_CONFIRME', occ[2]!.idOI));
    expect(wrong.codeErreur).to.equal('41');
    validAgainstOriginal(wrong.body, 'InfoErreurType');
    await sql(gw.pool, `UPDATE appointment SET state = 'CONFIRME' WHERE reference = $1`, [id]);
    await report('REPORT_RDV_CONFIRME', occ[2]!.idOI);
    expect(await read()).to.include({ statutRendezVous: 'CONFIRME', dateDebut: '2026-12-10T12:00:00+01:00' });
    // Missed by the OI: the contract cannot say MANQUE_OI (a fault names it); NOUVEAU_RDV books again.
    await recordOutcome(createAppointmentStore(gw.pool), id, 'miss', 'tech.martin', null, new Date(NOW));
    const ended = await fault(c.consultationRdvAsync({ idRendezVous: id }));
    expect(ended.codeErreur).to.equal('41');
    expect(ended.messageErreur).to.include('MANQUE_OI');
    await report('NOUVEAU_RDV', occ[3]!.idOI);
    expect(await read()).to.include({ statutRendezVous: 'CREE', dateDebut: '2026-12-10T14:00:00+01:00' });
  });

  it('refuses a sirenOC that is not the caller’s, and a sirenOI that is not ours, with code 11 and the header', async () => {
    const f = await fault(search(await client(gw.pki.opa, SIREN.OPB)));
    expect(f.codeErreur).to.equal('11');
    expect(f.messageErreur).to.include('sirenOC « 732829320 »');
    validAgainstOriginal(f.body, 'InfoErreurType');
    validAgainstOriginal(f.body, 'EnteteType');
    const c = await soap.createClientAsync(ORIGINAL);
    c.setEndpoint(`${gw.url}/esav/plan-charge-sav/v1`);
    c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(gw.pki.opa.keyPem), Buffer.from(gw.pki.opa.certPem), Buffer.from(gw.pki.ca)));
    c.addSoapHeader({ EnteteType: { versionWS: '1.0', horodatageRequete: '2026-12-02T11:00:00', sirenOC: SIREN.OPA, sirenOI: '111111111' } }, '', 'tns', NS);
    expect((await fault(search(c as unknown as PlanClient))).messageErreur).to.include('sirenOI « 111111111 »');
  });

  it('never lets OPB read, move or book with what OPA was given (A6)', async () => {
    const a = await client(gw.pki.opa, SIREN.OPA);
    const b = await client(gw.pki.opb, SIREN.OPB);
    const [found] = await search(a, '2026-12-11', 'E');
    const occ = asArray((found?.listeCreneau as { occCreneau?: Occ | Occ[] }).occCreneau);
    const [booked] = await a.reservationCreneauAsync({ natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: '21231', idCreneau: occ[0]!.idOI });
    const id = (booked as { idRendezvous: string }).idRendezvous;
    const read = await fault(b.consultationRdvAsync({ idRendezVous: id }));
    expect([read.codeErreur, read.messageErreur]).to.deep.equal(['40', `Aucune ressource rendez-vous « ${id} » accessible à votre opérateur.`]);
    const unknown = await fault(b.consultationRdvAsync({ idRendezVous: 'RDV-2026-9999999' }));
    expect(unknown.messageErreur).to.equal('Aucune ressource rendez-vous « RDV-2026-9999999 » accessible à votre opérateur.');
    const [theirs] = await search(b, '2026-12-11', 'E');
    const other = asArray((theirs?.listeCreneau as { occCreneau?: Occ | Occ[] }).occCreneau)[0]!.idOI;
    const move = await fault(b.reportRDVAsync({ typeIntervention: 'E', natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: '21231', idRendezvous: id,
      natureReport: 'REPORT_RDV_RESERVE', idCreneau: other }));
    expect(move.codeErreur).to.equal('40');
    const book = await fault(b.reservationCreneauAsync({ natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: '21231', idCreneau: occ[1]!.idOI }));
    expect(book.codeErreur, 'a slot offered to OPA').to.equal('30');
    validAgainstOriginal(book.body, 'InfoErreurType');
  });

  it('refuses a forged idCreneau (30) and a commune no zone serves (21)', async () => {
    const c = await client(gw.pki.opa, SIREN.OPA);
    const forged = await fault(c.reservationCreneauAsync({ natureProduit: 'FTTH_ACCES', segmentMarche: 'GP', codeInsee: '21231', idCreneau: 'C1-1-1-1-AAAAAAAAAAAAAAAAAAAAAA' }));
    expect(forged.codeErreur).to.equal('30');
    expect((await fault(search(c, '2026-12-10', 'S', '75056'))).codeErreur).to.equal('21');
  });

  it('answers code 20 from 01:00 to 04:00 Paris time, with the time to retry', async () => {
    const night = await startGateway({ clock: fixedClock('2026-12-03T01:30:00Z') });
    try {
      await sql(night.pool, 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', [new Date('2026-11-01T00:00:00Z')]);
      const f = await fault(search(await client(night.pki.opa, SIREN.OPA, night.url, night.pki.ca)));
      expect(f.codeErreur).to.equal('20');
      expect(f.messageErreur).to.include('2026-12-03T04:00:00+01:00');
      validAgainstOriginal(f.body, 'InfoErreurType');
    } finally {
      await night.close();
    }
  });

  it('counts its calls as OTHER (L1: none of the five request categories), faults of the operations included', async () => {
    await gw.app.load.flush();
    const { rows } = await sql<{ category: string; ok: string; fault: string }>(gw.pool,
      `SELECT v.category, sum(v.ok)::text AS ok, sum(v.fault)::text AS fault FROM call_volume v GROUP BY v.category`);
    expect(rows.map((r) => r.category)).to.deep.equal(['OTHER']);
    expect(Number(rows[0]!.ok)).to.be.greaterThan(10);
    expect(Number(rows[0]!.fault)).to.be.greaterThan(3);
  });

  it('dispatches by the body element with an empty SOAPAction, and refuses a call without EnteteType', async () => {
    const body = `<s:Envelope xmlns:s="${SOAP11_ENV}" xmlns:tns="${NS}"><s:Body><tns:ConsultationRdvRequete><idRendezVous>RDV-2026-0000001</idRendezVous>` +
      `</tns:ConsultationRdvRequete></s:Body></s:Envelope>`;
    const r = await call(gw.url, { path: '/esav/plan-charge-sav/v1', soapAction: '""', client: gw.pki.opa, ca: gw.pki.ca, body });
    expect(r.status).to.equal(500);
    expect(r.body).to.match(/<codeErreur>11<\/codeErreur><messageErreur>L'entête EnteteType est absente/);
    validAgainstOriginal(r.body, 'EnteteType');
  });
});
