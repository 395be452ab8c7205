import { expect } from 'chai';
import { operatorStatus, siretValid, terminationEndDate } from '../../../src/domain/operator-subscription.js';
import { allowsOffer, allowsOperation, FULL_PROFILE, profileProblems } from '../../../src/domain/profile.js';

describe('operator subscription (DOMAIN.md O1)', () => {
  it('checks the SIRET key (Luhn on SIREN and SIRET, digit sum for La Poste)', () => {
    expect(siretValid('55210055400013')).to.equal(true);
    expect(siretValid('55210055400014')).to.equal(false);
    expect(siretValid('5521005540001')).to.equal(false);
    expect(siretValid('35600000000001')).to.equal(true); // digit sum 15
    expect(siretValid('35600000000002')).to.equal(false);
  });

  it('ends a termination two months after notice by default and refuses a shorter notice', () => {
    expect(terminationEndDate('2026-11-30', null)).to.deep.equal({ endDate: '2027-01-30' });
    expect(terminationEndDate('2026-12-31', null)).to.deep.equal({ endDate: '2027-02-28' });
    expect(terminationEndDate('2026-11-30', '2027-03-01')).to.deep.equal({ endDate: '2027-03-01' });
    expect(terminationEndDate('2026-11-30', '2027-01-29')).to.have.property('error').that.includes('au plus tôt le 2027-01-30');
  });

  it('runs the service from the activation date until the day before the end date', () => {
    expect(operatorStatus('2026-12-01', null, '2026-11-30')).to.deep.equal({ state: 'not-yet-active', activationDate: '2026-12-01' });
    expect(operatorStatus('2026-12-01', null, '2026-12-01')).to.deep.equal({ state: 'active' });
    expect(operatorStatus('2026-01-01', '2027-01-30', '2027-01-29')).to.deep.equal({ state: 'active' });
    expect(operatorStatus('2026-01-01', '2027-01-30', '2027-01-30')).to.deep.equal({ state: 'terminated', endDate: '2027-01-30' });
  });
});

describe('profiles (DOMAIN.md A5)', () => {
  const p = { name: 'ftth', operations: ['prestation.consultationPrestation', 'signalisation.*'], offers: ['FTTH'] };

  it('allows an operation by name, by service wildcard or by *', () => {
    expect(allowsOperation(p, 'prestation', 'consultationPrestation')).to.equal(true);
    expect(allowsOperation(p, 'signalisation', 'depot')).to.equal(true);
    expect(allowsOperation(p, 'prestation', 'autre')).to.equal(false);
    expect(allowsOperation(FULL_PROFILE, 'x', 'y')).to.equal(true);
  });

  it('allows listed offers only', () => {
    expect(allowsOffer(p, 'FTTH')).to.equal(true);
    expect(allowsOffer(p, 'FTTE')).to.equal(false);
  });

  it('names every malformed entry of a profile', () => {
    expect(profileProblems({ name: 'Bad Name', operations: ['x y'], offers: ['ftth'] })).to.have.length(3);
  });
});
