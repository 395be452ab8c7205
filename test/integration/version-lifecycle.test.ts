/**
 * Two live versions of a service (DOMAIN.md V1), driven by an injected clock: the older one answers with the
 * Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers and the AvisVersion SOAP header; a retired or
 * not-yet-live version gets a fault naming the live versions.
 */
import { expect } from 'chai';
import { loadContracts } from '../../src/contracts/contract-loader.js';
import { fixedClock } from '../../src/domain/clock.js';
import { readService, type ServiceRepository } from '../../src/domain/service-inventory.js';
import { prestationXml } from '../../src/services/prestation/v1/prestation-v1.js';
import type { ServiceAdapter } from '../../src/soap/types.js';
import { createServiceRepository } from '../../src/store/service-repository.js';
import { contractRoot, type ContractRoot } from '../support/contract-fixtures.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, SOAP11_ENV, textOf } from '../support/soap-client.js';
import { childText } from '../../src/xml/element-tree.js';

const V2 = 'http://esav.bfc-fibre.fr/prestation/v2';

function v2Adapter(repo: ServiceRepository): ServiceAdapter {
  return {
    service: 'prestation', version: 2,
    operations: {
      async consultationPrestation(request, ctx) {
        const id = childText(request, 'identifiantPrestation') ?? '';
        return { body: `<ConsultationPrestationReponse xmlns="${V2}">${prestationXml(await readService(repo, ctx.caller, id))}</ConsultationPrestationReponse>` };
      }
    }
  };
}

const request = (ns: string) =>
  `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body><p:ConsultationPrestationRequete xmlns:p="${ns}"><p:identifiantPrestation>FTTH-21-0000001</p:identifiantPrestation></p:ConsultationPrestationRequete></e:Body></e:Envelope>`;

describe('two live versions of a service', () => {
  const clock = fixedClock('2026-11-24T10:00:00Z');
  let root: ContractRoot;
  let db: TestDatabase;
  let gw: TestGateway;

  before(async () => {
    root = contractRoot([
      { version: 1, change: 'major', announced: '2025-12-01', production: '2026-06-01', sunset: '2026-12-07' },
      { version: 2, change: 'major', announced: '2026-03-02', production: '2026-11-02', sunset: null }
    ]);
    db = await freshDatabase();
    gw = await startGateway({ clock, database: db, contracts: loadContracts(root.dir), extraAdapters: [v2Adapter(createServiceRepository(db.pool))] });
  });
  after(async () => { await gw.close(); await db.drop(); root.remove(); });

  const post = (version: number) =>
    call(gw.url, { path: `/esav/prestation/v${version}`, body: request(`http://esav.bfc-fibre.fr/prestation/v${version}`), client: gw.pki.opa, ca: gw.pki.ca });

  it('answers the current version without deprecation headers', async () => {
    clock.set('2026-11-24T10:00:00Z');
    const r = await post(2);
    expect(r.status).to.equal(200);
    expect(r.headers.deprecation).to.equal(undefined);
    expect(r.body).not.to.include('AvisVersion');
  });

  it('answers the older live version normally, with Deprecation, Sunset, Link and the AvisVersion header', async () => {
    clock.set('2026-11-24T10:00:00Z');
    const r = await post(1);
    expect(r.status).to.equal(200);
    expect(textOf(r.body, 'identifiantPrestation')).to.equal('FTTH-21-0000001');
    expect(r.headers.deprecation).to.equal(`@${Date.parse('2026-11-01T23:00:00Z') / 1000}`); // 2026-11-02 00:00 Paris
    expect(r.headers.sunset).to.equal('Sun, 06 Dec 2026 23:00:00 GMT'); // 2026-12-07 00:00 Paris
    expect(r.headers.link).to.equal(`<${gw.url}/esav/prestation/v2?wsdl>; rel="successor-version"`);
    expect(r.body).to.include('<soap:Header><AvisVersion xmlns="http://esav.bfc-fibre.fr/commun/v1"><versionAppelee>v1</versionAppelee><obsoleteDepuis>2026-11-02</obsoleteDepuis><dateRetrait>2026-12-07</dateRetrait>');
  });

  it('tells of the retirement on the faults of the older version too', async () => {
    clock.set('2026-11-24T10:00:00Z');
    const fault = await call(gw.url, { path: '/esav/prestation/v1', body: request('http://esav.bfc-fibre.fr/prestation/v1').replace('FTTH-21-0000001', 'FTTH-21-9999999'), client: gw.pki.opa, ca: gw.pki.ca });
    expect(textOf(fault.body, 'code')).to.equal('RESSOURCE_INCONNUE');
    expect(fault.headers.sunset).to.equal('Sun, 06 Dec 2026 23:00:00 GMT');
    expect(fault.headers.deprecation).to.be.a('string');
  });

  it('refuses a retired version with a fault that names the live versions', async () => {
    clock.set('2026-12-06T23:00:00Z'); // 2026-12-07 00:00 Paris
    const r = await post(1);
    expect(textOf(r.body, 'code')).to.equal('VERSION_INDISPONIBLE');
    expect(textOf(r.body, 'faultstring')).to.include('retirée depuis le 2026-12-07').and.include('Versions en service : v2');
    expect(r.body).to.include(`<versionEnService><version>v2</version><url>${gw.url}/esav/prestation/v2</url>`);
  });

  it('refuses a version that is not live yet, naming the live one, but publishes its WSDL in advance', async () => {
    clock.set('2026-10-15T10:00:00Z');
    const r = await post(2);
    expect(textOf(r.body, 'faultstring')).to.include("n'est pas encore en service (mise en production le 2026-11-02)").and.include('Versions en service : v1');
    const wsdl = await call(gw.url, { path: '/esav/prestation/v2?wsdl', client: gw.pki.opa, ca: gw.pki.ca });
    expect(wsdl.status).to.equal(200);
  });
});
