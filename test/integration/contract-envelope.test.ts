/**
 * A service version declares its contract's envelope (issue 13): the request and response header blocks of its WSDL
 * and a fault detail element of its own, as an industry contract (Interop'Fibre) does. The fixture contract
 * test/fixtures/envelope-contract is called through a client the `soap` package generates from its WSDL.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import path from 'node:path';
import { expect } from 'chai';
import * as soap from 'soap';
import { loadContracts } from '../../src/contracts/contract-loader.js';
import { fixedClock } from '../../src/domain/clock.js';
import { EsavError } from '../../src/errors/esav-error.js';
import type { FaultDialect, ServiceAdapter } from '../../src/soap/types.js';
import { element } from '../../src/xml/escape.js';
import { childText, type XmlTreeElement } from '../../src/xml/element-tree.js';
import { libxml } from '../../src/xml/libxml.js';
import { contractRootWithFixture, type ContractRoot } from '../support/contract-fixtures.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, SOAP11_ENV } from '../support/soap-client.js';

const NS = 'http://essai.test/v1';
const NOW = '2026-11-24T10:00:00.000Z';

const entete = (headers: readonly XmlTreeElement[]): XmlTreeElement | undefined =>
  headers.find((h) => h.namespace === NS && h.name === 'EnteteEssai');

/** The response header: the request's, with our answer time (as Interop'Fibre's EnteteType horodatageReponse). */
function responseHeader(headers: readonly XmlTreeElement[], now: Date): string[] {
  const h = entete(headers);
  if (!h) return [];
  return [`<e:EnteteEssai xmlns:e="${NS}">${element('versionWS', childText(h, 'versionWS') ?? '')}${element('horodatageRequete', childText(h, 'horodatageRequete') ?? '')}` +
    `${element('horodatageReponse', now.toISOString())}${element('appelant', childText(h, 'appelant') ?? '')}</e:EnteteEssai>`];
}

const faults: FaultDialect = {
  element: { namespace: NS, name: 'ErreurEssai' },
  unqualifiedChildren: true,
  codeElement: 'codeErreur',
  messageElement: 'messageErreur',
  codes: { RESSOURCE_INCONNUE: 4, SERVICE_EN_MAINTENANCE: 14, default: 99 },
  faultHeaders: (ctx) => responseHeader(ctx.requestHeaders, ctx.now)
};

const essaiAdapter: ServiceAdapter = {
  service: 'essai', version: 1, faults,
  operations: {
    async echo(request, ctx) {
      const texte = childText(request, 'texte') ?? '';
      if (texte === 'inconnu') throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'texte', id: texte } });
      return {
        body: `<e:EchoReponse xmlns:e="${NS}">${element('texte', texte)}${element('operateur', ctx.caller.operator.code)}</e:EchoReponse>`,
        headers: responseHeader(ctx.headers, ctx.now)
      };
    }
  }
};

type EchoAsync = (args: { texte: string }) => Promise<[{ texte: string; operateur: string }, string, Record<string, { horodatageReponse?: string; appelant?: string }>]>;
interface SoapFault { root?: { Envelope?: { Header?: { EnteteEssai?: { appelant?: string } }; Body?: { Fault?: { detail?: { ErreurEssai?: { codeErreur?: string; messageErreur?: string } } } } } } }

describe('a service version that declares its contract’s envelope (headers and its own fault element)', () => {
  let root: ContractRoot;
  let gw: TestGateway;
  let agent: Agent;
  const xsd = () => libxml.parseXml(readFileSync(path.join(root.dir, 'xsd/essai/v1/essai.xsd')));

  before(async () => {
    root = contractRootWithFixture('envelope-contract');
    gw = await startGateway({ clock: fixedClock(NOW), contracts: loadContracts(root.dir), extraAdapters: [essaiAdapter] });
    agent = new Agent({ ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem, keepAlive: true });
  });
  after(async () => { agent.destroy(); await gw.close(); root.remove(); });

  async function client(): Promise<soap.Client> {
    const c = await soap.createClientAsync(`${gw.url}/esav/essai/v1?wsdl`, { wsdl_options: { httpsAgent: agent } });
    c.setSecurity(new soap.ClientSSLSecurity(Buffer.from(gw.pki.opa.keyPem), Buffer.from(gw.pki.opa.certPem), Buffer.from(gw.pki.ca)));
    c.addSoapHeader({ EnteteEssai: { versionWS: '1', horodatageRequete: '2026-11-24T09:59:59Z', appelant: 'SI-OPA' } }, '', 'e', NS);
    return c;
  }

  /** An element of an answer, checked against the fixture's own XSD (the contract the client was generated from). */
  function validAgainstContract(xml: string, local: string): void {
    const found = libxml.parseXml(xml).get(`//*[local-name()='${local}']`) as { toString(): string } | null;
    expect(found, `${local} in ${xml}`).to.not.equal(null);
    const doc = libxml.parseXml(found!.toString());
    expect(doc.validate(xsd()), JSON.stringify(doc.validationErrors.map((e) => e.message))).to.equal(true);
  }

  it('answers the generated client with its body and the response header block the WSDL declares', async () => {
    const echo = (await client() as unknown as { echoAsync: EchoAsync }).echoAsync;
    const [result, raw, header] = await echo({ texte: 'bonjour' });
    expect(result).to.deep.include({ texte: 'bonjour', operateur: 'OPA' });
    expect(header.EnteteEssai?.appelant).to.equal('SI-OPA');
    expect(header.EnteteEssai?.horodatageReponse).to.equal(NOW);
    validAgainstContract(raw, 'EchoReponse');
    validAgainstContract(raw, 'EnteteEssai');
  });

  it('answers a fault in the contract’s own detail element, code mapped, with the response header', async () => {
    const echo = (await client() as unknown as { echoAsync: EchoAsync }).echoAsync;
    let fault: SoapFault | undefined;
    try { await echo({ texte: 'inconnu' }); } catch (e) { fault = e as SoapFault; }
    const envelope = fault?.root?.Envelope;
    expect(envelope?.Body?.Fault?.detail?.ErreurEssai?.codeErreur).to.equal('4');
    expect(envelope?.Body?.Fault?.detail?.ErreurEssai?.messageErreur).to.match(/inconnu/);
    expect(envelope?.Header?.EnteteEssai?.appelant).to.equal('SI-OPA');
  });

  it('writes a schema fault as the contract’s default code, valid against the contract, never as DetailErreur', async () => {
    const body = `<s:Envelope xmlns:s="${SOAP11_ENV}"><s:Header><e:EnteteEssai xmlns:e="${NS}"><versionWS>1</versionWS>` +
      `<horodatageRequete>pas une date</horodatageRequete><appelant>X</appelant></e:EnteteEssai></s:Header>` +
      `<s:Body><e:EchoRequete xmlns:e="${NS}"><texte>a</texte></e:EchoRequete></s:Body></s:Envelope>`;
    const r = await call(gw.url, { path: '/esav/essai/v1', body, client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status).to.equal(500);
    expect(r.body).to.include('<codeErreur>99</codeErreur>').and.not.include('DetailErreur');
    expect(r.body).to.match(/<messageErreur>[^<]*horodatageRequete[^<]*<\/messageErreur>/);
    validAgainstContract(r.body, 'ErreurEssai');
  });

  const withHeader = (block: string): string =>
    `<s:Envelope xmlns:s="${SOAP11_ENV}"><s:Header>${block}</s:Header><s:Body><e:EchoRequete xmlns:e="${NS}"><texte>a</texte></e:EchoRequete></s:Body></s:Envelope>`;

  it('understands a header block its WSDL declares even when marked mustUnderstand', async () => {
    const block = `<e:EnteteEssai xmlns:e="${NS}" s:mustUnderstand="1"><versionWS>1</versionWS><horodatageRequete>2026-11-24T09:00:00Z</horodatageRequete><appelant>X</appelant></e:EnteteEssai>`;
    const r = await call(gw.url, { path: '/esav/essai/v1', body: withHeader(block), client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status, r.body).to.equal(200);
    expect(r.body).to.include('<operateur>OPA</operateur>');
  });

  it('still refuses an undeclared header block marked mustUnderstand', async () => {
    const r = await call(gw.url, { path: '/esav/essai/v1', body: withHeader('<x:Autre xmlns:x="urn:autre" s:mustUnderstand="1"/>'), client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status).to.equal(500);
    expect(r.body).to.include('<faultcode>soap:MustUnderstand</faultcode>');
  });

  it('answers a body over the limit in the contract’s own fault element too (413)', async () => {
    const r = await call(gw.url, { path: '/esav/essai/v1', body: withHeader(`<!--${'x'.repeat(300 * 1024)}-->`), client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status).to.equal(413);
    expect(r.body).to.include('<codeErreur>99</codeErreur>').and.not.include('DetailErreur');
  });

  it('refuses to start when an adapter’s fault element is not the one its WSDL names in wsdl:fault', async () => {
    const wrong: ServiceAdapter = { ...essaiAdapter, faults: { ...faults, element: { namespace: NS, name: 'EchoReponse' } } };
    let error: unknown;
    try { await startGateway({ contracts: loadContracts(root.dir), extraAdapters: [wrong] }); } catch (e) { error = e; }
    expect((error as Error | undefined)?.message).to.match(/faults are written as \{http:\/\/essai\.test\/v1\}EchoReponse, which operation echo does not declare/);
  });
});
