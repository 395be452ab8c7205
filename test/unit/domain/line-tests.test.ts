import { expect } from 'chai';
import { loadTestCatalogue } from '../../../src/catalog/test-catalogue-loader.js';
import {
  filingPrerequisite, resolveParameters, testCatalogueProblems, testsOfOffer, type TestCatalogue, type TestDefinition
} from '../../../src/domain/line-test-catalogue.js';
import { diagnose, locateBreak, measuresOf, readingsFor, type LineReadings, type LineTopology } from '../../../src/domain/line-test-diagnosis.js';
import { TEST_REFERENCE, testReference } from '../../../src/domain/line-tests.js';

const catalogue = loadTestCatalogue(process.cwd());
const NOW = new Date('2026-12-02T10:00:00Z');
const topo: LineTopology = { pboDistanceM: 450, ptoDistanceM: 510, pboWideSymptom: false };
const sound: LineReadings = {
  ont: { state: 'EN_LIGNE', lastEvent: null, rxDbm: -19.5 },
  pon: { state: 'UP', txDbm: 3.2, rxOltDbm: -21 },
  pmPort: 'UP',
  service: { provisioned: true, profile: 'FTTH-1G' },
  reflectometry: { breakAtM: null, lengthM: 510, lossDb: 17.4 },
  session: { state: 'CONNECTEE', uptimeS: 86_400 }
};

describe('line tests (S5): the catalogue', () => {
  it('offers every kind of S5 and the action on the activated FTTH offer, only the passive test on passive offers', () => {
    const active = testsOfOffer(catalogue, 'FTTHA', NOW).map((t) => t.kind);
    expect(active).to.have.members(['ETAT_EQUIPEMENT', 'ACTIVATION_SERVICE', 'ELEMENT_ACTIF', 'ELEMENT_PASSIF', 'ETAT_CONNEXION', 'ACTION']);
    for (const offer of ['FTTH', 'FTTE', 'LFO']) expect(testsOfOffer(catalogue, offer, NOW).map((t) => t.kind)).to.deep.equal(['ELEMENT_PASSIF']);
    expect(testsOfOffer(catalogue, 'INCONNUE', NOW)).to.deep.equal([]);
  });

  it('offers nothing before the catalogue goes live (V3: a version is announced, then in production)', () => {
    expect(testsOfOffer(catalogue, 'FTTHA', new Date('2026-11-30T10:00:00Z'))).to.deep.equal([]);
  });

  it('names the prerequisite to filing of the activated offer, and none for the passive ones', () => {
    expect(filingPrerequisite(catalogue, 'FTTHA', NOW)).to.deep.equal({ tests: ['PORT_PON_OLT', 'REFLECTOMETRIE'], delayHours: 24 });
    expect(filingPrerequisite(catalogue, 'FTTH', NOW)).to.equal(null);
  });

  it('refuses a catalogue that names an unknown test, lacks a kind, or announces a version late (V3)', () => {
    const v = catalogue.versions[0]!;
    const broken: TestCatalogue = { versions: [{ ...v, announced: '2026-11-01', tests: v.tests.filter((t) => t.kind !== 'ACTION'), offers: [...v.offers, { offer: 'X', tests: ['NOPE'] }] }] };
    const problems = testCatalogueProblems(broken);
    expect(problems.some((p) => p.includes('rule V3'))).to.equal(true);
    expect(problems.some((p) => p.includes('no test of kind ACTION'))).to.equal(true);
    expect(problems.some((p) => p.includes('unknown test NOPE'))).to.equal(true);
    expect(problems.some((p) => p.includes('unknown test REDEMARRAGE_ONT'))).to.equal(true);
  });

  it('fills parameters with their defaults and refuses an unknown one or a value outside the list', () => {
    const otdr = catalogue.versions[0]!.tests.find((t) => t.code === 'REFLECTOMETRIE') as TestDefinition;
    expect(resolveParameters(otdr, new Map())).to.deep.equal({ values: { longueurOnde: '1625' } });
    expect(resolveParameters(otdr, new Map([['longueurOnde', '1650']]))).to.deep.equal({ values: { longueurOnde: '1650' } });
    expect(resolveParameters(otdr, new Map([['longueurOnde', '1310']]))).to.have.nested.property('problem.rule', 'enumeration');
    expect(resolveParameters(otdr, new Map([['puissance', '3']]))).to.have.nested.property('problem.value', 'puissance');
  });
});

describe('line tests (S5): references', () => {
  it('formats TST-AAAAMMJJ-NNNNNN from the Paris day of the launch', () => {
    expect(testReference(new Date('2026-12-02T23:30:00Z'), 42)).to.equal('TST-20261203-000042');
    expect(testReference(new Date('2026-12-02T10:00:00Z'), 1_234_567)).to.equal('TST-20261202-234567');
    expect(TEST_REFERENCE.test('TST-20261202-000001')).to.equal(true);
    expect(TEST_REFERENCE.test('TST-2026-4127')).to.equal(false);
  });
});

describe('line tests (S5): measures and diagnosis', () => {
  it('finds no fault on a sound line, every measure within its threshold', () => {
    expect(diagnose(sound, topo)).to.equal('AUCUN_DEFAUT');
    const m = measuresOf(sound);
    expect(m.filter((x) => x.verdict === 'NON_CONFORME')).to.deep.equal([]);
    expect(m.find((x) => x.name === 'puissanceRecueONT')).to.deep.equal({ name: 'puissanceRecueONT', value: '-19.50', unit: 'dBm', threshold: '≥ -27', verdict: 'CONFORME' });
  });

  it('places a break by its distance on the line: PM patch, before the PBO, on the drop, beyond the socket', () => {
    expect(locateBreak(8, topo)).to.equal('PM');
    expect(locateBreak(340, topo)).to.equal('PBO');
    expect(locateBreak(480, topo)).to.equal('PTO');
    expect(locateBreak(600, topo)).to.equal('CLIENT');
    const cut: LineReadings = { ...sound, reflectometry: { breakAtM: 340, lengthM: 340, lossDb: 9 }, ont: { state: 'HORS_LIGNE', lastEvent: 'LOS', rxDbm: null } };
    expect(diagnose(cut, topo)).to.equal('PBO');
    expect(measuresOf(readingsFor('ELEMENT_PASSIF', cut)).find((x) => x.name === 'distanceCoupure')).to.include({ value: '340', unit: 'm', verdict: 'NON_CONFORME' });
  });

  it('says RESEAU when the OLT PON port is down and PM when the line\'s PM port is down', () => {
    expect(diagnose({ ...sound, pon: { state: 'DOWN', txDbm: null, rxOltDbm: null } }, topo)).to.equal('RESEAU');
    expect(diagnose({ ...sound, pmPort: 'DOWN' }, topo)).to.equal('PM');
  });

  it('says CLIENT for an ONT that lost its power, INDETERMINE for a loss of signal nothing locates', () => {
    expect(diagnose({ ont: { state: 'HORS_LIGNE', lastEvent: 'DYING_GASP', rxDbm: null } }, topo)).to.equal('CLIENT');
    expect(diagnose({ ont: { state: 'HORS_LIGNE', lastEvent: 'LOS', rxDbm: null } }, topo)).to.equal('INDETERMINE');
  });

  it('places a low optical level at the PBO when its other lines show it, else at the PTO', () => {
    const low: LineReadings = { pon: { state: 'UP', txDbm: 3, rxOltDbm: -24 }, ont: { state: 'EN_LIGNE', lastEvent: null, rxDbm: -28.4 } };
    expect(diagnose(low, topo)).to.equal('PTO');
    expect(diagnose(low, { ...topo, pboWideSymptom: true })).to.equal('PBO');
    expect(measuresOf(low).find((x) => x.name === 'puissanceRecueONT')).to.include({ verdict: 'NON_CONFORME', threshold: '≥ -27' });
    expect(diagnose(low, topo, { ontRxMinDbm: -29 })).to.equal('AUCUN_DEFAUT');
  });

  it('says RESEAU for a service not provisioned, CLIENT for a session down on a sound line, INDETERMINE when nothing was read', () => {
    expect(diagnose({ service: { provisioned: false, profile: null } }, topo)).to.equal('RESEAU');
    expect(diagnose({ session: { state: 'DECONNECTEE', uptimeS: null }, ont: sound.ont! }, topo)).to.equal('CLIENT');
    expect(diagnose({}, topo)).to.equal('INDETERMINE');
  });

  it('keeps to what each kind reads: the passive test shows no ONT measure', () => {
    expect(Object.keys(readingsFor('ELEMENT_PASSIF', sound))).to.deep.equal(['reflectometry', 'pmPort']);
    expect(Object.keys(readingsFor('ETAT_EQUIPEMENT', sound))).to.deep.equal(['ont']);
  });
});
