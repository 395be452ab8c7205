import { expect } from 'chai';
import { ContractError, loadContracts } from '../../../src/contracts/contract-loader.js';
import { findRootDir } from '../../../src/config/config.js';
import { contractRoot, contractRootWithFixture } from '../../support/contract-fixtures.js';

function bootProblems(dir: string): readonly string[] {
  try {
    loadContracts(dir);
  } catch (e) {
    if (e instanceof ContractError) return e.problems;
    throw e;
  }
  return [];
}

describe('contract loader', () => {
  it('loads the released contracts: operations read from the WSDL, SOAPAction from the binding', () => {
    const prestation = loadContracts(findRootDir()).services.get('prestation')!;
    const op = [...prestation.versions.get(1)!.operations.values()][0]!;
    expect(op).to.deep.include({ name: 'consultationPrestation', requestElement: 'ConsultationPrestationRequete', soapAction: 'http://esav.bfc-fibre.fr/prestation/v1/consultationPrestation' });
    expect([...prestation.versions.get(1)!.xsds.keys()].sort()).to.deep.equal(['esav-commun.xsd', 'prestation.xsd']);
  });

  it('reads each operation\'s soap:header blocks and wsdl:fault elements; a version understands its input headers', () => {
    const root = contractRootWithFixture('envelope-contract');
    try {
      const contracts = loadContracts(root.dir);
      const essai = contracts.services.get('essai')!.versions.get(1)!;
      const echo = [...essai.operations.values()][0]!;
      expect(echo).to.deep.include({ inputHeaders: ['{http://essai.test/v1}EnteteEssai'], outputHeaders: ['{http://essai.test/v1}EnteteEssai'],
        faults: ['{http://essai.test/v1}ErreurEssai'], soapAction: '' });
      expect([...essai.understoodHeaders]).to.deep.equal(['{http://essai.test/v1}EnteteEssai']);
      // Our own contracts declare AvisVersion as an output header only: they understand no request header.
      const prestation = contracts.services.get('prestation')!.versions.get(1)!;
      expect([...prestation.understoodHeaders]).to.deep.equal([]);
      expect([...prestation.operations.values()][0]!.outputHeaders).to.deep.equal(['{http://esav.bfc-fibre.fr/commun/v1}AvisVersion']);
      expect(contracts.services.get('exploitation')!.openDuringMaintenance).to.equal(true);
      expect(contracts.services.get('signalisation')!.openDuringMaintenance).to.equal(false);
    } finally {
      root.remove();
    }
  });

  describe('refuses to boot, naming the rule', () => {
    const cases: Array<[string, Parameters<typeof contractRoot>[0], RegExp]> = [
      ['more than two live versions (V1)', [
        { version: 1, change: 'major', announced: '2025-01-01', production: '2025-07-01', sunset: '2026-12-01' },
        { version: 2, change: 'major', announced: '2025-06-01', production: '2026-08-03', sunset: null },
        { version: 3, change: 'minor', announced: '2026-07-01', production: '2026-09-01', sunset: null }], /rule V1/],
      ['an old version kept less than a month (V1)', [
        { version: 1, change: 'major', announced: '2025-01-01', production: '2025-07-01', sunset: '2026-11-15' },
        { version: 2, change: 'major', announced: '2026-03-01', production: '2026-11-02', sunset: null }], /rule V1: prestation v1 is retired on 2026-11-15, less than 1 month/],
      ['an old version kept more than six months (V1)', [
        { version: 1, change: 'major', announced: '2025-01-01', production: '2025-07-01', sunset: '2027-06-01' },
        { version: 2, change: 'major', announced: '2026-03-01', production: '2026-11-02', sunset: null }], /more than 6 months/],
      ['a major version announced late (V3)', [
        { version: 1, change: 'major', announced: '2026-03-01', production: '2026-07-06', sunset: null }], /rule V3: prestation v1 is a major evolution/],
      ['a minor version announced late (V3)', [
        { version: 1, change: 'minor', announced: '2026-06-01', production: '2026-07-06', sunset: null }], /rule V3: .*less than 2 months/]
    ];
    for (const [what, versions, expected] of cases) {
      it(`refuses ${what}`, () => {
        const root = contractRoot(versions);
        try {
          expect(bootProblems(root.dir).join('\n')).to.match(expected);
        } finally {
          root.remove();
        }
      });
    }
  });
});
