/**
 * infoTravaux v1 (issue 15 part 3): a client the `soap` package generates from the ORIGINAL Interop'Fibre file
 * (../shared/interop/info-travaux/infoTravauxFTTH.wsdl, its one defect fixed in memory: the header part's element
 * without its tns: prefix) calls our endpoint over mutual TLS with every criterion and gets answers valid against
 * that file's own schema; a call during the nightly window is an infoFtthError with code 14; OPB never sees OPA's
 * prises (A6); a header naming another operator is refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import * as soap from 'soap';
import { fixedClock } from '../../src/domain/clock.js';
import type { EventDeclaration } from '../../src/domain/network-event.js';
import { declareNetworkEvent } from '../../src/store/network-event-store.js';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { libxml } from '../../src/xml/libxml.js';
import { sql } from '../support/database.js';
import { sharedPath } from '../support/shared.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, SOAP11_ENV } from '../support/soap-client.js';

const ORIGINAL = sharedPath('interop', 'info-travaux', 'infoTravauxFTTH.wsdl');
const NS = 'http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0';
const NOW = '2026-12-02T10:00:00Z';
const PBO = '21231-PBO-0042-117';

/** The original file, with only its header part's element prefixed (the correction our published WSDL carries). */
function fixedOriginal(): string {
  const text = readFileSync(ORIGINAL, 'utf8');
  expect(text, 'the original still has its defect').to.include('element="InfoTravauxFTTHHeader"');
  return text.replace('element="InfoTravauxFTTHHeader"', 'element="tns:InfoTravauxFTTHHeader"');
}

/** The original's inline xsd:schema as a schema document (its prefixes were declared on wsdl:definitions). */
function originalSchema(): ReturnType<typeof libxml.parseXml> {
  const inline = /<xsd:schema[\s\S]*<\/xsd:schema>/.exec(readFileSync(ORIGINAL, 'utf8'))![0];
  return libxml.parseXml(inline.replace('<xsd:schema ', `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="${NS}" `));
}

/** An element of an answer, checked against the original file's schema. */
function validAgainstOriginal(xml: string, local: string): void {
  const found = libxml.parseXml(xml).get(`//*[local-name()='${local}']`) as { toString(): string } | null;
  expect(found, `${local} in ${xml}`).to.not.equal(null);
  const doc = libxml.parseXml(found!.toString());
  expect(doc.validate(originalSchema()), JSON.stringify(doc.validationErrors.map((e) => e.message))).to.equal(true);
}

interface Travaux {
  attributes: { reference: string; serviceProviderID: string };
  type: string;
  etat: string;
  referencePriseImpactees?: { prise: string | string[] };
  referencePrestationPriseImpactees?: { prestation: string | string[] };
}
type GetInfoAsync = (args: Record<string, unknown>) => Promise<[{ listeTravaux?: { travaux: Travaux | Travaux[] } } | null, string]>;
interface InfoFtthFault { root?: { Envelope?: { Body?: { Fault?: { detail?: { infoFtthError?: { codeRetour?: string; messageRetour?: string } } } } } } }

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('infoTravaux v1: a client generated from the original Interop’Fibre infoTravauxFTTH file', () => {
  let gw: TestGateway;
  let dir: string;
  let tp: string;
  let derco: string;

  async function declare(d: Partial<EventDeclaration> & Pick<EventDeclaration, 'category' | 'equipmentKind' | 'equipmentRef'>, at: string): Promise<string> {
    const event = await declareNetworkEvent(gw.pool, {
      nature: null, start: null, end: null, curative: false, interventionRequired: false, comments: null, oiContact: null, ...d
    }, 'agent.reseau', new Date(at));
    return event.event.reference;
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'info-travaux-'));
    writeFileSync(path.join(dir, 'infoTravauxFTTH.wsdl'), fixedOriginal());
    gw = await startGateway({ clock: fixedClock(NOW) });
    // The test PKI's certificates are valid from the day before the run; the registry must know them at NOW too.
    await sql(gw.pool, 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', [new Date('2026-11-01T00:00:00Z')]);
    tp = await declare({ category: 'TP', equipmentKind: 'PBO', equipmentRef: PBO, nature: 'REFE', start: new Date('2026-12-10T07:00:00Z'),
      end: new Date('2026-12-10T11:00:00Z'), interventionRequired: true, comments: 'Remplacement du boîtier', oiContact: 'Supervision 03 80 00 00 00' },
    '2026-12-02T08:00:00Z');
    derco = await declare({ category: 'DERCO', equipmentKind: 'PM', equipmentRef: '21231-PM-0042', start: new Date('2026-12-02T07:30:00Z'), curative: true },
      '2026-12-02T08:30:00Z');
  });
  after(async () => { await gw.close(); rmSync(dir, { recursive: true, force: true }); });

  async function client(cert: IssuedCertificate, serviceProviderID: string): Promise<GetInfoAsync> {
    const c = await soap.createClientAsync(path.join(dir, 'infoTravauxFTTH.wsdl'));
    c.setEndpoint(`${gw.url}/esav/info-travaux/v1`);
    c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(cert.keyPem), Buffer.from(cert.certPem), Buffer.from(gw.pki.ca)));
    c.addSoapHeader({ InfoTravauxFTTHHeader: { supplierID: '000000000', serviceProviderID } }, '', 'v1', NS);
    return (c as unknown as { getInfoTravauxFTTHAsync: GetInfoAsync }).getInfoTravauxFTTHAsync;
  }

  async function fault(get: GetInfoAsync, args: Record<string, unknown>): Promise<{ codeRetour?: string; messageRetour?: string; body: string }> {
    try {
      await get(args);
    } catch (e) {
      const f = e as InfoFtthFault & { body?: string };
      return { ...f.root?.Envelope?.Body?.Fault?.detail?.infoFtthError, body: f.body ?? '' };
    }
    throw new Error('no fault');
  }

  it('answers every criterion, combined, with the operator’s own references, valid against the original schema', async () => {
    const get = await client(gw.pki.opa, 'OPA');
    const period = (from: string, to: string): Record<string, string> => ({ dateDebutRecherche: from, dateFinRecherche: to });
    const [result, raw] = await get({
      referenceTPDERCO: tp, type: 'TP', referencePrestationPm: { prestationPm: ['PM-21-0042-OPA'] },
      dateCreation: period('2026-12-02T00:00:00', '2026-12-02T23:59:59'), dateDebutTravaux: period('2026-12-10T08:00:00', '2026-12-10T08:00:00'),
      dateFinTravaux: period('2026-12-10T11:00:00Z', '2026-12-10T11:00:00Z'), interventionRequiseOC: 'OUI', etat: 'NOUVEAU',
      referencePriseImpactee: 'FI-2123-1000-0001', referencePrestationPriseImpactee: 'FTTH-21-0000001'
    });
    const travaux = asArray(result?.listeTravaux?.travaux);
    expect(travaux.map((t) => t.attributes.reference)).to.deep.equal([tp]);
    expect(travaux[0]!.attributes.serviceProviderID).to.equal('OPA');
    expect(asArray(travaux[0]!.referencePrestationPriseImpactees?.prestation)).to.include('FTTH-21-0000001');
    validAgainstOriginal(raw, 'getInfoTravauxFTTHResponse');
  });

  it('lets each criterion alone narrow the answer, and answers an empty list without listeTravaux', async () => {
    const get = await client(gw.pki.opa, 'OPA');
    const refs = async (args: Record<string, unknown>): Promise<string[]> =>
      asArray((await get(args))[0]?.listeTravaux?.travaux).map((t) => t.attributes.reference);
    expect(await refs({})).to.have.members([tp, derco]);
    expect(await refs({ type: 'DERCO' })).to.deep.equal([derco]);
    expect(await refs({ referenceTPDERCO: derco })).to.deep.equal([derco]);
    expect(await refs({ interventionRequiseOC: 'NON' })).to.deep.equal([derco]);
    expect(await refs({ etat: 'CLOTURE' })).to.deep.equal([]);
    // 08:00 Paris wall-clock (no offset, as Interop'Fibre writes dates) is 07:00 UTC, the TP's start.
    expect(await refs({ dateDebutTravaux: { dateDebutRecherche: '2026-12-10T08:00:00', dateFinRecherche: '2026-12-10T08:00:00' } })).to.deep.equal([tp]);
    expect(await refs({ dateFinTravaux: { dateDebutRecherche: '2026-12-01T00:00:00Z', dateFinRecherche: '2026-12-31T00:00:00Z' } })).to.deep.equal([tp]);
    expect(await refs({ dateCreation: { dateDebutRecherche: '2026-12-02T09:15:00', dateFinRecherche: '2026-12-02T09:45:00' } })).to.deep.equal([derco]);
    expect(await refs({ referencePrestationPm: { prestationPm: ['PM-21-0042-OPB'] } })).to.deep.equal([]);
    const [, raw] = await get({ etat: 'ANNULE' });
    expect(raw).to.not.include('listeTravaux');
    validAgainstOriginal(raw, 'getInfoTravauxFTTHResponse');
  });

  it('never shows OPB a prise or a service of OPA (A6)', async () => {
    const get = await client(gw.pki.opb, 'OPB');
    const [result, raw] = await get({});
    const travaux = asArray(result?.listeTravaux?.travaux);
    expect(travaux.map((t) => t.attributes.reference)).to.have.members([tp, derco]);
    const { rows } = await sql<{ pto: string; id: string }>(gw.pool, 
      `SELECT z.pto_ref AS pto, s.service_id AS id FROM service s JOIN operator o ON o.id = s.operator_id
         JOIN service_end z ON z.service_pk = s.id AND z.end_code = 'Z' WHERE o.code = 'OPA' AND z.pto_ref IS NOT NULL`);
    expect(rows.length).to.be.greaterThan(0);
    for (const r of rows) {
      expect(raw, `OPA's prise ${r.pto}`).to.not.include(`>${r.pto}<`);
      expect(raw, `OPA's service ${r.id}`).to.not.include(`>${r.id}<`);
    }
    expect(raw).to.not.include('PM-21-0042-OPA');
    expect(travaux.every((t) => asArray(t.referencePriseImpactees?.prise).length > 0)).to.equal(true);
    expect((await get({ referencePriseImpactee: 'FI-2123-1000-0001' }))[0]?.listeTravaux).to.equal(undefined);
    expect((await get({ referencePrestationPriseImpactee: 'FTTH-21-0000001' }))[0]?.listeTravaux).to.equal(undefined);
  });

  it('publishes our corrected WSDL, which the soap package loads from ?wsdl with its imported XSD', async () => {
    const agent = new Agent({ ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
    try {
      const c = await soap.createClientAsync(`${gw.url}/esav/info-travaux/v1?wsdl`, { wsdl_options: { httpsAgent: agent } });
      const d = c.describe() as Record<string, Record<string, Record<string, unknown>>>;
      expect(d.getInfoTravauxFTTHService!.getInfoTravauxFTTHPort).to.have.property('getInfoTravauxFTTH');
      const wsdl = await call(gw.url, { path: '/esav/info-travaux/v1?wsdl', ca: gw.pki.ca, client: gw.pki.opa });
      expect(wsdl.body).to.include('element="tns:InfoTravauxFTTHHeader"').and.include('?xsd=info-travaux.xsd');
    } finally {
      agent.destroy();
    }
  });

  it('refuses a header whose serviceProviderID is not the caller’s operator, as an infoFtthError valid against the original', async () => {
    const f = await fault(await client(gw.pki.opa, 'OPB'), {});
    expect(f.codeRetour).to.equal('99');
    expect(f.messageRetour).to.match(/serviceProviderID « OPB »/);
    validAgainstOriginal(f.body, 'infoFtthError');
  });

  it('takes the operator’s SIREN in serviceProviderID as well as its code', async () => {
    const [result] = await (await client(gw.pki.opb, '732829320'))({ type: 'TP' });
    expect(asArray(result?.listeTravaux?.travaux).map((t) => t.attributes.serviceProviderID)).to.deep.equal(['732829320']);
  });

  const raw = (header: string): string => `<s:Envelope xmlns:s="${SOAP11_ENV}" xmlns:v1="${NS}"><s:Header>${header}</s:Header>` +
    `<s:Body><v1:getInfoTravauxFTTHRequest><type>TP</type></v1:getInfoTravauxFTTHRequest></s:Body></s:Envelope>`;

  it('refuses the header unqualified, as Interop’Fibre’s example writes it: SOAP 1.1 §4.2 wants header blocks namespace-qualified', async () => {
    const r = await call(gw.url, { path: '/esav/info-travaux/v1', soapAction: 'getInfoTravauxFTTH', client: gw.pki.opa, ca: gw.pki.ca,
      body: raw('<InfoTravauxFTTHHeader><supplierID>428706097</supplierID><serviceProviderID>552100554</serviceProviderID></InfoTravauxFTTHHeader>') });
    expect(r.status).to.equal(500);
    expect(r.body).to.match(/<codeRetour>99<\/codeRetour><messageRetour>Le message ne respecte pas le schéma[^<]*InfoTravauxFTTHHeader/);
    validAgainstOriginal(r.body, 'infoFtthError');
    const ok = await call(gw.url, { path: '/esav/info-travaux/v1', soapAction: 'getInfoTravauxFTTH', client: gw.pki.opa, ca: gw.pki.ca,
      body: raw(`<v1:InfoTravauxFTTHHeader><supplierID>428706097</supplierID><serviceProviderID>552100554</serviceProviderID></v1:InfoTravauxFTTHHeader>`) });
    expect(ok.status, ok.body).to.equal(200);
    expect(ok.body).to.include(`reference="${tp}" serviceProviderID="552100554"`);
  });

  it('refuses a call without the header, which names the caller', async () => {
    const r = await call(gw.url, { path: '/esav/info-travaux/v1', soapAction: 'getInfoTravauxFTTH', client: gw.pki.opa, ca: gw.pki.ca, body: raw('') });
    expect(r.status).to.equal(500);
    expect(r.body).to.match(/<codeRetour>99<\/codeRetour><messageRetour>L'entête InfoTravauxFTTHHeader est absente/);
    validAgainstOriginal(r.body, 'infoFtthError');
  });

  it('counts its calls as WORKS_INFO requests (L1), faults of the operation included', async () => {
    await gw.app.load.flush();
    const { rows } = await sql<{ code: string; category: string; ok: string; fault: string }>(gw.pool, 
      `SELECT o.code, v.category, v.ok, v.fault FROM call_volume v JOIN operator o ON o.id = v.operator_id ORDER BY o.code, v.category`);
    const opa = rows.find((r) => r.code === 'OPA' && r.category === 'WORKS_INFO');
    expect(Number(opa?.ok), JSON.stringify(rows)).to.be.greaterThan(10);
    expect(Number(opa?.fault), 'the header refused by the operation').to.be.greaterThan(0);
    expect(rows.filter((r) => r.category !== 'WORKS_INFO'), 'no other category').to.deep.equal([]);
  });

  it('answers infoFtthError code 14 during the nightly window (M1)', async () => {
    const night = await startGateway({ clock: fixedClock('2026-12-02T03:05:00Z'), env: { ESAV_NIGHTLY_WINDOW_MINUTES: '15' } });
    try {
      const c = await soap.createClientAsync(path.join(dir, 'infoTravauxFTTH.wsdl'));
      c.setEndpoint(`${night.url}/esav/info-travaux/v1`);
      c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(night.pki.opa.keyPem), Buffer.from(night.pki.opa.certPem), Buffer.from(night.pki.ca)));
      c.addSoapHeader({ InfoTravauxFTTHHeader: { supplierID: '000000000', serviceProviderID: 'OPA' } }, '', 'v1', NS);
      const f = await fault((c as unknown as { getInfoTravauxFTTHAsync: GetInfoAsync }).getInfoTravauxFTTHAsync, {});
      expect(f.codeRetour).to.equal('14');
      expect(f.messageRetour).to.match(/interrompu/);
      validAgainstOriginal(f.body, 'infoFtthError');
    } finally {
      await night.close();
    }
  });
});
