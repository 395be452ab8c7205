import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { loadEInterventionContract } from '../../../src/contracts/e-intervention-contract.js';
import { loadTestCatalogue } from '../../../src/catalog/test-catalogue-loader.js';
import { declare, isRefusal, reportImpacts, requestTest, type Intervention, type Move } from '../../../src/domain/e-intervention.js';
import { interventionLineTest, relayLineTests, testNotRealised } from '../../../src/domain/e-intervention-tests.js';
import { DEFAULT_E_INTERVENTION_POLICY as POLICY } from '../../../src/domain/e-intervention-rules.js';

const contract = loadEInterventionContract(findRootDir());
const T0 = new Date('2026-12-02T08:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const P7 = 'FI-2123-1001-0007';
const P14 = 'FI-2123-1001-0014';

function ok(m: Move | null): Extract<Move, { next: Intervention }> {
  if (m === null || isRefusal(m)) throw new Error(`no move: ${JSON.stringify(m)}`);
  for (const msg of m.messages) expect(contract.operation(msg.operation).requestProblems(msg.body), msg.operation).to.deep.equal([]);
  return m;
}

/** Declared, OPB reported P7 and P14 cut, then P14 restored by itself; test 1 asked. */
function withTestAsked(): { iv: Intervention; asked: Extract<Move, { next: Intervention }> } {
  const d = { doOperator: 'OPA', refIntervDO: 'DO-1', refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A', refPBO: '21231-PBO-0042-001',
    refPTO: null, nature: '4', elementReseau: 'PM', description: null, startedAt: T0 };
  const facts = { pmKnown: true, pboAtPm: true, present: [{ operator: 'OPA', standing: 'TOUJOURS' as const }, { operator: 'OPB', standing: 'TOUJOURS' as const }] };
  let iv = ok(declare(d, facts, 'EI-1', 'BFCF', T0)).next;
  const line = (refPTO: string) => ({ refPTO, refPBO: '21231-PBO-0042-001', nomModulePM: 'M01', positionModulePM: '03', positionCoupleurOC: 'C2-07',
    fibre: '4', tube: '2', couleurJarretiere: null, numeroSerieONT: null, serviceId: null, cutAt: at(2) });
  const prises = new Map<string, string | null>([[P7, 'FTTH-1'], [P14, 'FTTH-2'], ['FI-X', null]]);
  iv = ok(reportImpacts(iv, { operator: 'OPB', codeOcImpacte: 'OPB', numeroTest: null, testCloture: true, cut: [line(P7), line(P14), line('FI-X')],
    restored: [], repairAnswers: [] }, { now: at(3), policy: POLICY, prises, otherOpenAtPm: false })).next;
  const asked = ok(requestTest(iv, { numeroTest: 1, natureTest: 'OPTIQUE', dateTest: at(5) }, 'BFCF', at(5), POLICY));
  return { iv: asked.next, asked };
}

describe('e-intervention intermediate tests (issue 18): the OI tests the impacted lines', () => {
  it('asks a test of every impacted line still cut whose service is known (not of a prise with no service)', () => {
    const { asked } = withTestAsked();
    expect(asked.tests).to.deep.equal([{ operator: 'OPB', refPTO: P7, serviceId: 'FTTH-1' }, { operator: 'OPB', refPTO: P14, serviceId: 'FTTH-2' }]);
  });

  it('relays the results as M6TX: sound lines restored (and recorded), the others still cut, a test not realised left out', () => {
    const { iv } = withTestAsked();
    const m = ok(relayLineTests(iv, 'OPB', 1, [
      { refPTO: P7, state: 'TERMINE', diagnosis: 'PM', finishedAt: at(6) },
      { refPTO: P14, state: 'TERMINE', diagnosis: 'AUCUN_DEFAUT', finishedAt: at(6) }
    ], { now: at(6), policy: POLICY, otherOpenAtPm: false }));
    expect(m.messages.map((x) => [x.to, x.role, x.operation, x.body.numeroTest])).to.deep.equal([['OPA', 'DO', 'notifierImpacteClientsOIDO', 1]]);
    expect((m.messages[0]!.body.clientHSOC as { refPTO: string }[]).map((l) => l.refPTO)).to.deep.equal([P7]);
    expect((m.messages[0]!.body.ligneClientRetablie as { refPTO: string }[]).map((l) => l.refPTO)).to.deep.equal([P14]);
    expect(m.next.lines.filter((l) => l.restoredAt !== null).map((l) => [l.refPTO, l.restoredAt!.toISOString()])).to.deep.equal([[P14, at(6).toISOString()]]);
    const partial = ok(relayLineTests(iv, 'OPB', 1, [{ refPTO: P7, state: 'ECHEC', diagnosis: null, finishedAt: at(6) },
      { refPTO: P14, state: 'TERMINE', diagnosis: 'AUCUN_DEFAUT', finishedAt: at(6) }], { now: at(6), policy: POLICY, otherOpenAtPm: false }));
    expect(partial.messages[0]!.body.clientHSOC).to.deep.equal([]);
  });

  it('relays nothing when no test was realised, for an operator not told, or once the intervention is closed', () => {
    const { iv } = withTestAsked();
    const failed = [{ refPTO: P7, state: 'ECHEC' as const, diagnosis: null, finishedAt: at(6) }];
    expect(relayLineTests(iv, 'OPB', 1, failed, { now: at(6), policy: POLICY, otherOpenAtPm: false })).to.equal(null);
    const sound = [{ refPTO: P7, state: 'TERMINE' as const, diagnosis: 'AUCUN_DEFAUT' as const, finishedAt: at(6) }];
    expect(relayLineTests(iv, 'OPC', 1, sound, { now: at(6), policy: POLICY, otherOpenAtPm: false })).to.equal(null);
    expect(relayLineTests({ ...iv, state: 'CLOTUREE' }, 'OPB', 1, sound, { now: at(6), policy: POLICY, otherOpenAtPm: false })).to.equal(null);
  });

  it('closes the report of an operator that answers TEST_NON_REALISE, on the current test only', () => {
    const { iv } = withTestAsked();
    const m = ok(testNotRealised(iv, 'OPB', 1));
    expect(m.next.recipients).to.deep.include({ operator: 'OPB', standing: 'TOUJOURS', answer: null, reportedTest: 1, closedTest: true });
    expect(m.messages).to.deep.equal([]);
    expect(testNotRealised(iv, 'OPB', 0)).to.equal(null);
    expect(testNotRealised(m.next, 'OPB', 1)).to.equal(null);
    expect(testNotRealised(iv, 'OPC', 1)).to.equal(null);
  });

  it('tests the passive element (the OI’s fibre) of every fibre offer of the catalogue', () => {
    const catalogue = loadTestCatalogue(findRootDir());
    for (const offer of ['FTTH', 'FTTHA']) expect(interventionLineTest(catalogue, offer, T0)?.code, offer).to.equal('REFLECTOMETRIE');
    expect(interventionLineTest(catalogue, 'INCONNUE', T0)).to.equal(null);
  });
});
