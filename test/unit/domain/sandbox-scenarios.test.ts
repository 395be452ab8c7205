import { expect } from 'chai';
import { nextSandboxStep, sandboxScenarioOf, sandboxServiceId, SANDBOX_SCENARIOS } from '../../../src/domain/sandbox-scenarios.js';

describe('sandbox scenarios', () => {
  it('names services with ids of the contract pattern, and reads the scenario back', () => {
    for (const s of SANDBOX_SCENARIOS) {
      const id = sandboxServiceId('FTTH', s, 'OPA')!;
      expect(id).to.match(/^[A-Z0-9][A-Z0-9-]{3,39}$/);
      expect(sandboxScenarioOf(id)).to.equal(s);
    }
    expect(sandboxServiceId('FTTE', 'CLOTURE_REFUSEE', 'OPB')).to.equal('SBX-FTTE-CLOTURE-REFUSEE-OPB');
    expect(sandboxServiceId('FTTE', 'CLOTURE_REFUSEE', 'OPERATEURTRESLONG')).to.equal(null);
    expect(sandboxScenarioOf('FTTH-21-0000001')).to.equal(null);
  });

  it('walks each path and waits for the operator where the scenario says', () => {
    const step = (scenario: Parameters<typeof nextSandboxStep>[0], state: Parameters<typeof nextSandboxStep>[1]['state'], visited: string[] = [], oiComments = 0) =>
      nextSandboxStep(scenario, { state, visited: visited as never, oiComments });
    expect(step('NOMINAL', 'EN_DEPOT')).to.deep.include({ event: 'accept' });
    expect(step('NOMINAL', 'EN_COURS')).to.deep.include({ kind: 'comment' });
    expect(step('NOMINAL', 'EN_COURS', [], 1)).to.deep.include({ event: 'close' });
    expect(step('NOMINAL', 'CLOS')).to.deep.include({ event: 'notify-closure' });
    expect(step('NOMINAL', 'VALIDE')).to.equal(null);
    expect(step('REJET', 'EN_DEPOT')).to.deep.include({ event: 'reject' });
    expect(step('GEL', 'EN_COURS')).to.deep.include({ event: 'freeze', freezeReason: 'INFORMATION_COMPLEMENTAIRE' });
    expect(step('GEL', 'GELE')).to.equal(null);
    expect(step('GEL', 'EN_COURS', ['GELE', 'EN_COURS'])).to.deep.include({ event: 'close' });
    expect(step('CLOTURE_REFUSEE', 'EN_COURS', ['CLOS', 'VALIDE', 'EN_COURS'])).to.deep.include({ event: 'close' });
    expect(step('ANNULATION', 'EN_DEPOT')).to.equal(null);
    // RENDEZ_VOUS: frozen awaiting an appointment; the operator's booking lifts the freeze (S2), then the OI closes.
    expect(step('RENDEZ_VOUS', 'EN_COURS')).to.deep.include({ event: 'freeze', freezeReason: 'RENDEZ_VOUS' });
    expect(step('RENDEZ_VOUS', 'GELE', ['GELE'])).to.equal(null);
    expect(step('RENDEZ_VOUS', 'EN_COURS', ['GELE', 'EN_COURS'])).to.deep.include({ event: 'close' });
    expect(sandboxScenarioOf('SBX-FTTH-RENDEZ-VOUS-OPA')).to.equal('RENDEZ_VOUS');
  });
});
