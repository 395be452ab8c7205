/** The infoTravaux v1 adapter's wire reading and writing (issue 15 part 3), without a gateway. */
import { expect } from 'chai';
import { filterOf, travauxXml, wireInstant } from '../../../src/services/info-travaux/v1/info-travaux-v1.js';
import { INFO_FTTH_CODES } from '../../../src/services/info-travaux/v1/fault-codes.js';
import type { VisibleNetworkEvent } from '../../../src/domain/network-event.js';
import { treeFromText } from '../../../src/xml/element-tree.js';

const NS = 'http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0';
const request = (inner: string) => treeFromText(`<v1:getInfoTravauxFTTHRequest xmlns:v1="${NS}">${inner}</v1:getInfoTravauxFTTHRequest>`)!;

describe('infoTravaux v1 adapter', () => {
  it('reads a dateTime without offset as Paris wall-clock time, winter and summer, and one with an offset as given', () => {
    expect(wireInstant('2026-12-10T08:00:00').toISOString()).to.equal('2026-12-10T07:00:00.000Z');
    expect(wireInstant('2026-07-10T08:00:00').toISOString()).to.equal('2026-07-10T06:00:00.000Z');
    expect(wireInstant('2026-03-29T03:30:00').toISOString(), 'just after the spring change').to.equal('2026-03-29T01:30:00.000Z');
    expect(wireInstant('2026-12-10T08:00:00Z').toISOString()).to.equal('2026-12-10T08:00:00.000Z');
    expect(wireInstant('2026-12-10T08:00:00+02:00').toISOString()).to.equal('2026-12-10T06:00:00.000Z');
  });

  it('makes no filter of an empty request, and one filter of each criterion given', () => {
    expect(filterOf(request(''))).to.deep.equal({});
    const f = filterOf(request('<referenceTPDERCO>TP-0000001</referenceTPDERCO><type>DERCO</type>' +
      '<referencePrestationPm><prestationPm>PM-A</prestationPm><prestationPm>PM-B</prestationPm></referencePrestationPm>' +
      '<dateCreation><dateDebutRecherche>2026-12-01T00:00:00Z</dateDebutRecherche><dateFinRecherche>2026-12-02T00:00:00Z</dateFinRecherche></dateCreation>' +
      '<interventionRequiseOC>NON</interventionRequiseOC><etat>MAJ</etat><referencePriseImpactee>P1</referencePriseImpactee>' +
      '<referencePrestationPriseImpactee>S1</referencePrestationPriseImpactee>'));
    expect(f).to.deep.equal({
      reference: 'TP-0000001', category: 'DERCO', pmPrestations: ['PM-A', 'PM-B'],
      created: { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') },
      interventionRequired: false, state: 'MAJ', impactedPrise: 'P1', impactedService: 'S1'
    });
  });

  it('writes a travaux in the order of typeTravaux, leaving out what is unknown, escaping what it writes', () => {
    const e: VisibleNetworkEvent = {
      reference: 'DERCO-0000002', category: 'DERCO', equipmentKind: 'PM', equipmentRef: 'PM-1', pmRef: 'PM-1', state: 'NOUVEAU', nature: null,
      start: new Date('2026-12-02T07:30:00Z'), end: null, curative: true, interventionRequired: false, comments: 'Câble <coupé> & réparé', oiContact: null,
      createdAt: new Date('2026-12-02T08:00:00Z'), modifiedAt: new Date('2026-12-02T08:00:00Z'), closedAt: null,
      pmtRef: null, pboRef: null, pmPrestations: [], impactedPrises: ['P1'], impactedServices: ['S1'], buildings: []
    };
    expect(travauxXml(e, 'OPA')).to.equal('<travaux reference="DERCO-0000002" serviceProviderID="OPA">' +
      '<type>DERCO</type><equipementConcerne>PM</equipementConcerne>' +
      '<referencePm>PM-1</referencePm><referencePrestationPm></referencePrestationPm><dateModification>2026-12-02T08:00:00.000Z</dateModification>' +
      '<interventionRequiseOC>NON</interventionRequiseOC><dateDebutTravaux>2026-12-02T07:30:00.000Z</dateDebutTravaux><travauxCuratifs>OUI</travauxCuratifs>' +
      '<etat>NOUVEAU</etat><commentairesIntervention>Câble &lt;coupé&gt; &amp; réparé</commentairesIntervention>' +
      '<referencePriseImpactees><prise>P1</prise></referencePriseImpactees>' +
      '<referencePrestationPriseImpactees><prestation>S1</prestation></referencePrestationPriseImpactees></travaux>');
  });

  it('maps maintenance to code 14, the one code Interop’Fibre documents, and every other code to the default', () => {
    expect(INFO_FTTH_CODES.SERVICE_EN_MAINTENANCE).to.equal(14);
    expect(INFO_FTTH_CODES.default).to.not.equal(14);
  });
});
