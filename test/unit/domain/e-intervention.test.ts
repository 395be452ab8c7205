import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { loadEInterventionContract } from '../../../src/contracts/e-intervention-contract.js';
import {
  closeWithReport, declare, endIntervention, isRefusal, repairConsent, reportImpacts, requestTest, visibleTo,
  type CutLineInput, type ImpactReport, type Intervention, type Move
} from '../../../src/domain/e-intervention.js';
import { codeFor, DEFAULT_E_INTERVENTION_POLICY as POLICY, type Refusal, type StandingConsent } from '../../../src/domain/e-intervention-rules.js';

const contract = loadEInterventionContract(findRootDir());
const T0 = new Date('2026-12-02T08:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const PRISES = new Map<string, string | null>([['FI-2123-1001-0007', 'FTTH-25-0020001'], ['FI-2123-1001-0014', null]]);

const declaration = {
  doOperator: 'OPA', refIntervDO: 'DO-1', refPM: '21231-PM-0042', refPMTechnique: '21231-PMT-0042-A', refPBO: '21231-PBO-0042-001',
  refPTO: null, nature: '4', elementReseau: 'PM', description: 'remplacement coupleur', startedAt: T0
};

function present(standing: StandingConsent = 'TOUJOURS', others: readonly string[] = ['OPB']) {
  return { pmKnown: true, pboAtPm: true, present: [{ operator: 'OPA', standing: 'TOUJOURS' as const }, ...others.map((o) => ({ operator: o, standing }))] };
}

function ok(m: Move): Extract<Move, { next: Intervention }> {
  if (isRefusal(m)) throw new Error(`refused: ${m.refused} ${m.field ?? ''} ${m.reason}`);
  // Every message the OI would send validates against its operation's request schema in the files.
  for (const msg of m.messages) expect(contract.operation(msg.operation).requestProblems(msg.body), msg.operation).to.deep.equal([]);
  return m;
}

function refused(m: Move): Refusal {
  if (!isRefusal(m)) throw new Error('expected a refusal');
  return m;
}

const cut = (refPTO: string, minutes = 5): CutLineInput => ({
  refPTO, refPBO: '21231-PBO-0042-001', nomModulePM: 'M01', positionModulePM: '03', positionCoupleurOC: 'C2-07', fibre: '4', tube: '2',
  couleurJarretiere: 'bleu', numeroSerieONT: 'ALCL0001', serviceId: null, cutAt: at(minutes)
});

const report = (over: Partial<ImpactReport> = {}): ImpactReport => ({
  operator: 'OPB', codeOcImpacte: 'OPB', numeroTest: null, testCloture: true, cut: [cut('FI-2123-1001-0007')], restored: [], repairAnswers: [], ...over
});
const ctx = (minutes: number, prises = PRISES) => ({ now: at(minutes), policy: POLICY, prises, otherOpenAtPm: false });

function started(standing: StandingConsent = 'TOUJOURS'): Intervention {
  return ok(declare(declaration, present(standing), 'EI-1', 'BFCF', T0)).next;
}

describe('e-intervention life (issue 18, DOMAIN.md E1–E3)', () => {
  describe('M1 declaration', () => {
    it('opens the intervention and relays M2 to every other operator present at the PM, not to the DO', () => {
      const m = ok(declare(declaration, present('TOUJOURS', ['OPB', 'OPC']), 'EI-1', 'BFCF', T0));
      expect(m.next.state).to.equal('EN_COURS');
      expect(m.next.test).to.equal(0);
      expect(m.messages.map((x) => [x.to, x.role, x.operation])).to.deep.equal([['OPB', 'OC', 'creerInterventionOI'], ['OPC', 'OC', 'creerInterventionOI']]);
      expect(m.messages[0]!.body).to.include({ refIntervOI: 'EI-1', codeOI: 'BFCF', refPBO: '21231-PBO-0042-001', message: 'M2' });
    });

    it('refuses an unknown PM, and a DO with no service at that PM, both as PM_INCONNU', () => {
      expect(refused(declare(declaration, { ...present(), pmKnown: false }, 'EI-1', 'BFCF', T0)).refused).to.equal('PM_INCONNU');
      const absent = { pmKnown: true, pboAtPm: true, present: [{ operator: 'OPB', standing: 'TOUJOURS' as const }] };
      expect(refused(declare(declaration, absent, 'EI-1', 'BFCF', T0)).refused).to.equal('PM_INCONNU');
    });

    it('refuses a PBO that is not under the PM, and a start without PBO (M2 needs one)', () => {
      expect(refused(declare(declaration, { ...present(), pboAtPm: false }, 'EI-1', 'BFCF', T0))).to.include({ refused: 'MAUVAIS_FORMAT', field: 'refPBO' });
      expect(refused(declare({ ...declaration, refPBO: null }, present(), 'EI-1', 'BFCF', T0))).to.include({ refused: 'CHAMPS_NON_RENSEIGNE', field: 'refPBO' });
    });
  });

  describe('M5TX impacts reported, relayed as M6TX', () => {
    it('records the cut line with the inventory’s service and relays it to the DO with the repair consent', () => {
      const m = ok(reportImpacts(started(), report(), ctx(6)));
      expect(m.next.lines).to.have.length(1);
      expect(m.next.lines[0]).to.include({ operator: 'OPB', refPTO: 'FI-2123-1001-0007', serviceId: 'FTTH-25-0020001', restoredAt: null });
      expect(m.messages).to.have.length(1);
      expect(m.messages[0]).to.include({ to: 'OPA', role: 'DO', operation: 'notifierImpacteClientsOIDO' });
      expect(m.messages[0]!.body).to.include({ codeOCImpacte: 'OPB', reparation: true, nombreOC: 1, numeroTest: 0, message: 'M6TX' });
    });

    it('refuses a report from an operator not told of the intervention, the DO included, as an unknown reference', () => {
      expect(refused(reportImpacts(started(), report({ operator: 'OPC', codeOcImpacte: 'OPC' }), ctx(6))).refused).to.equal('REF_INTERV_OI_INCONNUE');
      expect(refused(reportImpacts(started(), report({ operator: 'OPA', codeOcImpacte: 'OPA' }), ctx(6))).refused).to.equal('REF_INTERV_OI_INCONNUE');
    });

    it('refuses a codeOcImpacte that is not the caller', () => {
      expect(refused(reportImpacts(started(), report({ codeOcImpacte: 'OPC' }), ctx(6)))).to.include({ refused: 'MAUVAIS_FORMAT', field: 'codeOcImpacte' });
    });

    it('refuses a wrong iteration and a second closing report on one test (ERREUR_ITERATION)', () => {
      expect(refused(reportImpacts(started(), report({ numeroTest: 1 }), ctx(6))).refused).to.equal('ERREUR_ITERATION');
      const once = ok(reportImpacts(started(), report(), ctx(6))).next;
      expect(refused(reportImpacts(once, report(), ctx(7))).refused).to.equal('ERREUR_ITERATION');
    });

    it('accepts a report until the end of the report window, refuses it one millisecond later (DELAI_NON_RESPECTE)', () => {
      ok(reportImpacts(started(), report(), { ...ctx(30), now: new Date(T0.getTime() + POLICY.reportWindowMs) }));
      const late = refused(reportImpacts(started(), report(), { ...ctx(30), now: new Date(T0.getTime() + POLICY.reportWindowMs + 1) }));
      expect(late.refused).to.equal('DELAI_NON_RESPECTE');
    });

    it('refuses a prise that is not under the PM and a cut before the start', () => {
      expect(refused(reportImpacts(started(), report({ cut: [cut('FI-9999-0000-0001')] }), ctx(6)))).to.include({ refused: 'MAUVAIS_FORMAT', field: 'clientHSOC/0/refPTO' });
      expect(refused(reportImpacts(started(), report({ cut: [cut('FI-2123-1001-0007', -1)] }), ctx(6))).field).to.equal('clientHSOC/0/dateChangementEtat');
    });

    it('marks a reported line restored and relays it in ligneClientRetablie; refuses restoring a line never reported', () => {
      const first = ok(reportImpacts(started(), report({ testCloture: false }), ctx(6))).next;
      const m = ok(reportImpacts(first, report({ cut: [], restored: [{ refPTO: 'FI-2123-1001-0007', at: at(8) }] }), ctx(9)));
      expect(m.next.lines[0]!.restoredAt?.toISOString()).to.equal(at(8).toISOString());
      expect((m.messages[0]!.body.ligneClientRetablie as unknown[]).length).to.equal(1);
      expect(refused(reportImpacts(started(), report({ cut: [], restored: [{ refPTO: 'FI-2123-1001-0007', at: at(8) }] }), ctx(9))).field)
        .to.equal('ligneClientRetablie/0/refPTO');
    });

    it('refuses to restore a line with no service known (M6TX needs referencePrestationPrise)', () => {
      const first = ok(reportImpacts(started(), report({ cut: [cut('FI-2123-1001-0014')], testCloture: false }), ctx(6))).next;
      const m = reportImpacts(first, report({ cut: [], restored: [{ refPTO: 'FI-2123-1001-0014', at: at(8) }] }), ctx(9));
      expect(refused(m).refused).to.equal('CHAMPS_NON_RENSEIGNE');
    });
  });

  describe('E2 repair consent', () => {
    it('follows the standing setting: always, never, ask (pending, then refused after the window)', () => {
      expect(repairConsent(started('TOUJOURS'), 'OPB', at(1), POLICY)).to.equal('ACCORDEE');
      expect(repairConsent(started('JAMAIS'), 'OPB', at(1), POLICY)).to.equal('REFUSEE');
      expect(repairConsent(started('A_DEMANDER'), 'OPB', at(1), POLICY)).to.equal('EN_ATTENTE');
      expect(repairConsent(started('A_DEMANDER'), 'OPB', new Date(T0.getTime() + POLICY.consentWindowMs + 1), POLICY)).to.equal('REFUSEE');
    });

    it('lets the operator answer per intervention, over its standing setting, inside the window only', () => {
      const m = ok(reportImpacts(started('JAMAIS'), report({ repairAnswers: [{ codeDO: 'OPA', reparation: true }] }), ctx(6)));
      expect(repairConsent(m.next, 'OPB', at(6), POLICY)).to.equal('ACCORDEE');
      expect(m.messages[0]!.body.reparation).to.equal(true);
      const late = { ...ctx(20), now: new Date(T0.getTime() + POLICY.consentWindowMs + 1) };
      expect(refused(reportImpacts(started('A_DEMANDER'), report({ repairAnswers: [{ codeDO: 'OPA', reparation: true }] }), late)))
        .to.include({ refused: 'DELAI_NON_RESPECTE', field: 'demandeReparation' });
    });
  });

  describe('M3TX intermediate test, M3 end, report', () => {
    const reported = (): Intervention => ok(reportImpacts(started(), report(), ctx(6))).next;

    it('opens the next test and relays M4TX to every operator', () => {
      const m = ok(requestTest(reported(), { numeroTest: 1, natureTest: 'OPTIQUE', dateTest: at(10) }, 'BFCF', at(10), POLICY));
      expect(m.next.test).to.equal(1);
      expect(m.messages.map((x) => x.operation)).to.deep.equal(['demanderTestIntermediaireInterventionOI']);
    });

    it('refuses a test already asked, a skipped number, and one before the previous is acknowledged', () => {
      const one = ok(requestTest(reported(), { numeroTest: 1, natureTest: 'OPTIQUE', dateTest: at(10) }, 'BFCF', at(10), POLICY)).next;
      expect(refused(requestTest(one, { numeroTest: 1, natureTest: 'OPTIQUE', dateTest: at(11) }, 'BFCF', at(11), POLICY)).refused).to.equal('TEST_PRECEDENT_DEJA_EMIS');
      expect(refused(requestTest(reported(), { numeroTest: 3, natureTest: 'OPTIQUE', dateTest: at(11) }, 'BFCF', at(11), POLICY)).refused).to.equal('INCOHERENCE');
      expect(refused(requestTest(one, { numeroTest: 2, natureTest: 'OPTIQUE', dateTest: at(11) }, 'BFCF', at(11), POLICY)).refused).to.equal('TEST_PRECEDENT_NON_ACQUITTE');
      // Once the report window of test 1 passed, the DO may go on without the silent operator.
      ok(requestTest(one, { numeroTest: 2, natureTest: 'OPTIQUE', dateTest: at(41) }, 'BFCF', at(41), POLICY));
    });

    it('refuses the end while repairable cut lines were never checked by a test (M3TX_NON_DEMANDE), accepts it after one', () => {
      expect(refused(endIntervention(reported(), { endedAt: at(20), refPM: declaration.refPM }, 'BFCF', at(20), POLICY)).refused).to.equal('M3TX_NON_DEMANDE');
      const one = ok(requestTest(reported(), { numeroTest: 1, natureTest: 'OPTIQUE', dateTest: at(10) }, 'BFCF', at(10), POLICY)).next;
      const end = ok(endIntervention(one, { endedAt: at(20), refPM: declaration.refPM }, 'BFCF', at(20), POLICY));
      expect(end.next.state).to.equal('TERMINEE');
      expect(end.next.test).to.equal(2);
      expect(end.messages.map((x) => [x.to, x.operation])).to.deep.equal([['OPB', 'modifierInterventionOI']]);
    });

    it('ends without a test when repair was refused; refuses a second end, another PM and an end before the start', () => {
      const never = ok(reportImpacts(started('JAMAIS'), report(), ctx(6))).next;
      const end = ok(endIntervention(never, { endedAt: at(20), refPM: declaration.refPM }, 'BFCF', at(20), POLICY)).next;
      expect(refused(endIntervention(end, { endedAt: at(21), refPM: declaration.refPM }, 'BFCF', at(21), POLICY)).refused).to.equal('INCOHERENCE');
      expect(refused(endIntervention(never, { endedAt: at(20), refPM: '25056-PM-0007' }, 'BFCF', at(20), POLICY)).refused).to.equal('PM_INCONNU');
      expect(refused(endIntervention(never, { endedAt: at(-5), refPM: declaration.refPM }, 'BFCF', at(20), POLICY)).field).to.equal('dateFinIntervention');
    });

    it('refuses a report before the end; closes with it after, each operator getting its own lines only', () => {
      const both = ok(declare(declaration, present('JAMAIS', ['OPB', 'OPC']), 'EI-1', 'BFCF', T0)).next;
      const r = ok(reportImpacts(both, report(), ctx(6))).next;
      expect(refused(closeWithReport(r, { impacted: [], restored: [] }, 'BFCF', at(20))).refused).to.equal('INCOHERENCE');
      const ended = ok(endIntervention(r, { endedAt: at(20), refPM: declaration.refPM }, 'BFCF', at(20), POLICY)).next;
      const line = { refPTO: 'FI-2123-1001-0007', repaCodeOC: null, fields: { refPTO: 'FI-2123-1001-0007', referencePrestationPrise: 'FTTH-25-0020001' } };
      const m = ok(closeWithReport(ended, { impacted: [line], restored: [line] }, 'BFCF', at(25)));
      expect(m.next.state).to.equal('CLOTUREE');
      expect(m.next.lines[0]).to.include({ restoredByDo: true });
      const byOp = new Map(m.messages.map((x) => [x.to, x.body]));
      expect((byOp.get('OPB')!.lignesRetablies as unknown[]).length).to.equal(1);
      expect((byOp.get('OPC')!.lignesRetablies as unknown[]).length).to.equal(0);
      expect(refused(closeWithReport(m.next, { impacted: [], restored: [] }, 'BFCF', at(26))).refused).to.equal('INCOHERENCE');
      expect(refused(reportImpacts(m.next, report({ numeroTest: 2 }), ctx(27))).refused).to.equal('DELAI_NON_RESPECTE');
    });
  });

  it('shows an intervention to its DO and the operators told of it only', () => {
    const iv = started();
    expect([visibleTo(iv, 'OPA'), visibleTo(iv, 'OPB'), visibleTo(iv, 'OPC')]).to.deep.equal([true, true, false]);
  });

  it('answers a code the operation’s file lists, the nearest one otherwise', () => {
    expect(codeFor('REF_INTERV_OI_INCONNUE', ['CHAMPS_NON_RENSEIGNE', 'REF_INTERV_INCONNUE'])).to.equal('REF_INTERV_INCONNUE');
    expect(codeFor('INCOHERENCE', ['MAUVAIS_FORMAT', 'PM_INCONNU'])).to.equal('MAUVAIS_FORMAT');
    expect(codeFor('PM_INCONNU', ['PM_INCONNU'])).to.equal('PM_INCONNU');
  });
});
