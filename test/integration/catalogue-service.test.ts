import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { fixedClock } from '../../src/domain/clock.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, SOAP11_ENV, textOf } from '../support/soap-client.js';

const NS = 'http://esav.bfc-fibre.fr/catalogue/v1';
const xml = new XMLParser({ removeNSPrefix: true, processEntities: false, isArray: (n) => ['formulaire', 'version', 'champ', 'regle', 'listeDeCodes', 'code'].includes(n) });
const envelope = (body: string): string => `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body>${body}</e:Body></e:Envelope>`;

interface Version { numero: number; etat: string; accepteJusquAu?: string; espaceDeNoms: string }
interface Form { identifiant: string; offre: string; version: Version[] }

describe('catalogue v1 web service', () => {
  let gw: TestGateway;
  const clock = fixedClock('2026-11-24T10:00:00Z');
  before(async () => { gw = await startGateway({ clock }); });
  after(async () => { await gw.close(); });

  const post = (body: string) => call(gw.url, { path: '/esav/catalogue/v1', body: envelope(body), client: gw.pki.opa, ca: gw.pki.ca });

  it('lists the forms of every offer with their versions, states and dates', async () => {
    const r = await post(`<k:ListeFormulairesRequete xmlns:k="${NS}"/>`);
    expect(r.status).to.equal(200);
    const forms = xml.parse(r.body).Envelope.Body.ListeFormulairesReponse.formulaire as Form[];
    expect(forms.map((f) => f.offre).sort()).to.deep.equal(['FTTE', 'FTTH', 'LFO']);
    const ftth = forms.find((f) => f.offre === 'FTTH')!;
    expect(ftth.version.map((v) => [v.numero, v.etat, v.accepteJusquAu])).to.deep.equal([[1, 'EN_SERVICE', '2026-12-02'], [2, 'EN_SERVICE', undefined]]);
  });

  it('filters by offer, and no longer lists a retired version', async () => {
    clock.set('2026-12-10T10:00:00Z');
    const r = await post(`<k:ListeFormulairesRequete xmlns:k="${NS}"><k:offre>FTTH</k:offre></k:ListeFormulairesRequete>`);
    clock.set('2026-11-24T10:00:00Z');
    const forms = xml.parse(r.body).Envelope.Body.ListeFormulairesReponse.formulaire as Form[];
    expect(forms).to.have.length(1);
    expect(forms[0]!.version.map((v) => v.numero)).to.deep.equal([2]);
  });

  it('returns a form version with its fields, rules, code lists and XSD, so an operator can build its screens', async () => {
    const r = await post(`<k:ConsultationFormulaireRequete xmlns:k="${NS}"><k:identifiant>ftth</k:identifiant><k:version>2</k:version></k:ConsultationFormulaireRequete>`);
    const f = xml.parse(r.body).Envelope.Body.ConsultationFormulaireReponse.formulaire[0];
    expect(f.offre).to.equal('FTTH');
    expect(f.champ.length).to.be.greaterThan(3);
    expect(f.champ.some((c: { obligatoire: boolean; type: string }) => c.obligatoire === true)).to.equal(true);
    const coded = f.champ.find((c: { type: string }) => c.type === 'code');
    // champ/listeDeCodes is a single string; the parser's isArray list makes every listeDeCodes an array.
    const codedList = ([] as string[]).concat(coded.listeDeCodes)[0];
    expect(f.listeDeCodes.map((l: { identifiant: string; version: number }) => `${l.identifiant}/v${l.version}`)).to.include(codedList);
    expect(f.regle.length).to.be.greaterThan(0);
    expect(f.xsd).to.include('targetNamespace="http://esav.bfc-fibre.fr/formulaires/ftth/v2"');
  });

  it('answers an unknown form version with RESSOURCE_INCONNUE', async () => {
    const r = await post(`<k:ConsultationFormulaireRequete xmlns:k="${NS}"><k:identifiant>ftth</k:identifiant><k:version>9</k:version></k:ConsultationFormulaireRequete>`);
    expect(textOf(r.body, 'code')).to.equal('RESSOURCE_INCONNUE');
  });
});
