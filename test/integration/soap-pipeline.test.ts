import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { call, consultation, PRESTATION_ACTION, PRESTATION_NS, SOAP11_ENV, SOAP12_ENV, textOf } from '../support/soap-client.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, processEntities: false, isArray: (name) => name === 'champEnErreur' });

describe('the SOAP request pipeline', () => {
  let gw: TestGateway;
  before(async () => { gw = await startGateway(); });
  after(async () => { await gw.close(); });

  const post = (body: string | Buffer, extra: { contentType?: string; soapAction?: string; path?: string } = {}) =>
    call(gw.url, { path: extra.path ?? '/esav/prestation/v1', body, client: gw.pki.opa, ca: gw.pki.ca,
      ...(extra.contentType ? { contentType: extra.contentType } : {}), ...(extra.soapAction !== undefined ? { soapAction: extra.soapAction } : {}) });

  describe('SOAP 1.1 and 1.2', () => {
    it('answers SOAP 1.1 in text/xml with the SOAP 1.1 envelope', async () => {
      const r = await post(consultation('FTTH-21-0000001'), { soapAction: `"${PRESTATION_ACTION}"` });
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('text/xml; charset=utf-8');
      expect(r.body).to.include(`xmlns:soap="${SOAP11_ENV}"`);
    });

    it('answers SOAP 1.2 in application/soap+xml with the SOAP 1.2 envelope, action as a media-type parameter', async () => {
      const r = await post(consultation('FTTH-21-0000001', SOAP12_ENV), { contentType: `application/soap+xml; charset=utf-8; action="${PRESTATION_ACTION}"` });
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/soap+xml; charset=utf-8');
      expect(r.body).to.include(`xmlns:soap="${SOAP12_ENV}"`);
      expect(textOf(r.body, 'identifiantPrestation')).to.equal('FTTH-21-0000001');
    });

    it('answers a SOAP 1.2 fault with 400 and a Sender code', async () => {
      const r = await post(consultation('FTTH-99-0000000', SOAP12_ENV), { contentType: 'application/soap+xml' });
      expect(r.status).to.equal(400);
      expect(textOf(r.body, 'Value')).to.equal('soap:Sender');
    });

    it('answers a VersionMismatch fault when the envelope does not match the media type', async () => {
      const r = await post(consultation('FTTH-21-0000001', SOAP12_ENV), { contentType: 'text/xml' });
      expect(textOf(r.body, 'faultcode')).to.equal('soap:VersionMismatch');
    });

    it('answers a MustUnderstand fault for a mandatory header it does not process', async () => {
      const body = `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Header><x:Securite xmlns:x="urn:autre" e:mustUnderstand="1"/></e:Header><e:Body><p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"><p:identifiantPrestation>FTTH-21-0000001</p:identifiantPrestation></p:ConsultationPrestationRequete></e:Body></e:Envelope>`;
      const r = await post(body);
      expect(textOf(r.body, 'faultcode')).to.equal('soap:MustUnderstand');
      expect(textOf(r.body, 'faultstring')).to.include('Securite (espace de noms urn:autre)').and.not.include('{');
      expect(r.body).not.to.include('<prestation>');
    });

    it('ignores an optional header it does not know', async () => {
      const body = `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Header><x:Trace xmlns:x="urn:autre">t</x:Trace></e:Header><e:Body><p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"><p:identifiantPrestation>FTTH-21-0000001</p:identifiantPrestation></p:ConsultationPrestationRequete></e:Body></e:Envelope>`;
      expect((await post(body)).status).to.equal(200);
    });
  });

  describe('dispatch', () => {
    it('refuses a SOAPAction that names another operation, without executing anything', async () => {
      const r = await post(consultation('FTTH-21-0000001'), { soapAction: '"http://esav.bfc-fibre.fr/prestation/v1/suppressionPrestation"' });
      expect(textOf(r.body, 'code')).to.equal('SOAPACTION_INCOHERENTE');
      expect(r.body).not.to.include('<prestation>');
    });

    it('refuses a spoofed SOAP 1.2 action parameter the same way', async () => {
      const r = await post(consultation('FTTH-21-0000001', SOAP12_ENV), { contentType: 'application/soap+xml; action="urn:autre"' });
      expect(textOf(r.body, 'code')).to.equal('SOAPACTION_INCOHERENTE');
    });

    it('accepts an empty SOAPAction ("") as no action', async () => {
      expect((await post(consultation('FTTH-21-0000001'), { soapAction: '""' })).status).to.equal(200);
    });

    it('names the operations of the service for an unknown body element', async () => {
      const body = `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body><p:Inconnue xmlns:p="${PRESTATION_NS}"/></e:Body></e:Envelope>`;
      const r = await post(body);
      expect(textOf(r.body, 'code')).to.equal('OPERATION_INCONNUE');
      expect(textOf(r.body, 'faultstring')).to.include('consultationPrestation');
      // Named as it was sent, not in the schemas' {namespace}name notation (issue 19 item 4).
      expect(textOf(r.body, 'faultstring')).to.include(`L'élément Inconnue (espace de noms ${PRESTATION_NS})`).and.not.include('{');
    });

    it('refuses a Body with two operation elements', async () => {
      const op = `<p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"><p:identifiantPrestation>FTTH-21-0000001</p:identifiantPrestation></p:ConsultationPrestationRequete>`;
      const r = await post(`<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body>${op}${op}</e:Body></e:Envelope>`);
      expect(textOf(r.body, 'code')).to.equal('ENVELOPPE_SOAP_INVALIDE');
    });
  });

  describe('receive and parse', () => {
    it('refuses a body over the limit with 413 before buffering it whole', async () => {
      const big = Buffer.alloc(gw.config.bodyLimitBytes + 1, 0x20);
      const r = await post(big);
      expect(r.status).to.equal(413);
      expect(textOf(r.body, 'code')).to.equal('REQUETE_TROP_VOLUMINEUSE');
    });

    it('refuses malformed XML with a Client fault giving line and column', async () => {
      const r = await post(`<e:Envelope xmlns:e="${SOAP11_ENV}">\n<e:Body><oops></e:Body></e:Envelope>`);
      expect(r.status).to.equal(500);
      expect(textOf(r.body, 'faultcode')).to.equal('soap:Client');
      expect(textOf(r.body, 'code')).to.equal('XML_MAL_FORME');
      expect(textOf(r.body, 'faultstring')).to.match(/ligne 2, colonne \d+/);
    });

    it('refuses a wrong content type with 415', async () => {
      const r = await post(consultation('FTTH-21-0000001'), { contentType: 'application/json' });
      expect(r.status).to.equal(415);
      expect(textOf(r.body, 'code')).to.equal('TYPE_CONTENU_NON_SUPPORTE');
    });

    it('refuses a wrong method with 405 and Allow', async () => {
      const r = await call(gw.url, { method: 'DELETE', path: '/esav/prestation/v1', client: gw.pki.opa, ca: gw.pki.ca });
      expect(r.status).to.equal(405);
      expect(r.headers.allow).to.equal('POST, GET');
      expect(textOf(r.body, 'code')).to.equal('METHODE_NON_AUTORISEE');
    });

    it('answers 404 with the published services for an unknown path', async () => {
      const r = await call(gw.url, { path: '/esav/inconnu/v1', body: consultation('X'), client: gw.pki.opa, ca: gw.pki.ca });
      expect(r.status).to.equal(404);
      expect(textOf(r.body, 'faultstring')).to.include('/esav/prestation/v1');
    });
  });

  describe('validation', () => {
    it('lists every field error of an XSD-invalid body in one Client fault', async () => {
      const body = `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body><p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"><p:identifiantPrestation>ftth 1</p:identifiantPrestation><p:extra>1</p:extra></p:ConsultationPrestationRequete></e:Body></e:Envelope>`;
      const r = await post(body);
      const detail = xml.parse(r.body).Envelope.Body.Fault.detail.DetailErreur;
      expect(detail.code).to.equal('MESSAGE_NON_CONFORME');
      const fields = detail.champEnErreur as Array<{ champ: string; regle: string; valeur?: string }>;
      expect(fields.map((f) => [f.champ, f.regle])).to.deep.equal([
        ['identifiantPrestation', 'pattern'],
        ['extra', 'inattendu']
      ]);
      expect(fields[0]!.valeur).to.equal('ftth 1');
    });

    it('reports a missing mandatory element by name', async () => {
      const r = await post(`<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body><p:ConsultationPrestationRequete xmlns:p="${PRESTATION_NS}"/></e:Body></e:Envelope>`);
      expect(r.body).to.include('<regle>obligatoire</regle>').and.include('identifiantPrestation');
    });
  });

  describe('contract publishing', () => {
    it('serves the WSDL with the address and schema locations rewritten to the URL asked', async () => {
      const r = await call(gw.url, { path: '/esav/prestation/v1?wsdl', client: gw.pki.opa, ca: gw.pki.ca, headers: { host: `127.0.0.1:${gw.port}` } });
      expect(r.status).to.equal(200);
      expect(r.body).to.include(`<soap:address location="https://127.0.0.1:${gw.port}/esav/prestation/v1"/>`);
      expect(r.body).to.include(`schemaLocation="https://127.0.0.1:${gw.port}/esav/prestation/v1?xsd=prestation.xsd"`);
      expect(r.body).not.to.include('../../../xsd');
    });

    it('serves the imported XSDs by name and refuses unknown ones', async () => {
      const ok = await call(gw.url, { path: '/esav/prestation/v1?xsd=esav-commun.xsd', client: gw.pki.opa, ca: gw.pki.ca });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.include('name="DetailErreur"');
      const ko = await call(gw.url, { path: '/esav/prestation/v1?xsd=../../etc/passwd', client: gw.pki.opa, ca: gw.pki.ca });
      expect(ko.status).to.equal(404);
    });

    it('answers an unknown version with the live versions in the fault', async () => {
      const r = await post(consultation('FTTH-21-0000001'), { path: '/esav/prestation/v7' });
      const detail = xml.parse(r.body).Envelope.Body.Fault.detail.DetailErreur;
      expect(detail.code).to.equal('VERSION_INDISPONIBLE');
      expect(detail.versionEnService.version).to.equal('v1');
    });
  });

  describe('logging', () => {
    it('writes one line per request with operator, service, version, operation, outcome and duration, and no payload', async () => {
      gw.logLines.length = 0;
      await post(consultation('FTTE-21-0000101'), { soapAction: PRESTATION_ACTION });
      await new Promise((r) => setTimeout(r, 20));
      const lines = gw.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ operator: 'OPA', service: 'prestation', version: 'v1', operation: 'consultationPrestation', outcome: 'OK', status: 200 });
      expect(lines[0]!.reqId).to.be.a('string');
      expect(lines[0]!.durationMs).to.be.a('number');
      expect(gw.logLines.join('')).not.to.include('FTTE-21-0000101').and.not.include('PRIVATE KEY');
    });
  });
});
