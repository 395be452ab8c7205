import { expect } from 'chai';
import {
  afterFailure, isLocked, LOCKOUT_MS, LOCKOUT_THRESHOLD, onlineAccessProblem, passwordProblems, personProblems, SESSION_IDLE_MS, sessionExpiry,
  sessionRefusal, signInRefusal, type Person
} from '../../../src/domain/portal-access.js';

const now = new Date('2026-12-02T10:00:00Z');
const person = (over: Partial<Person> = {}): Person => ({
  id: '1', operator: { id: '1', code: 'OPA', name: 'OPA' }, login: 'opa.jeanne', fullName: 'Jeanne', email: 'j@opa.example',
  profile: { name: 'p', operations: ['*'], offers: ['*'] }, state: 'active', failedAttempts: 0, lockedUntil: null, ...over
});

describe('portal access rules (issue 21)', () => {
  it('locks after the threshold of consecutive failures, for the lockout time, and starts counting again', () => {
    let state = { failedAttempts: 0, lockedUntil: null as Date | null };
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) {
      state = afterFailure(state.failedAttempts, now);
      expect(state).to.deep.equal({ failedAttempts: i, lockedUntil: null });
    }
    state = afterFailure(state.failedAttempts, now);
    expect(state.failedAttempts).to.equal(0);
    expect(state.lockedUntil!.getTime()).to.equal(now.getTime() + LOCKOUT_MS);
    expect(isLocked(state, new Date(now.getTime() + LOCKOUT_MS - 1))).to.equal(true);
    expect(isLocked(state, new Date(now.getTime() + LOCKOUT_MS))).to.equal(false);
  });

  it('refuses sign-in to a disabled, invited or locked person, or when the operator lost online access (O1)', () => {
    expect(signInRefusal(person(), true, true, now)).to.equal(null);
    expect(signInRefusal(person({ state: 'disabled' }), true, true, now)).to.equal('disabled');
    expect(signInRefusal(person({ state: 'invited' }), true, true, now)).to.equal('invited');
    expect(signInRefusal(person({ lockedUntil: new Date(now.getTime() + 1000) }), true, true, now)).to.equal('locked');
    expect(signInRefusal(person(), true, false, now)).to.equal('operator');
    expect(signInRefusal(person(), false, true, now)).to.equal('operator');
  });

  it('keeps a locked person\'s open session (a guesser must not sign them out), not a disabled one\'s', () => {
    expect(sessionRefusal(person({ lockedUntil: new Date(now.getTime() + 1000) }), true, true)).to.equal(null);
    expect(sessionRefusal(person({ state: 'disabled' }), true, true)).to.equal('disabled');
  });

  it('moves a session\'s expiry by the idle time, never past its absolute end', () => {
    const far = new Date(now.getTime() + 10 * SESSION_IDLE_MS);
    expect(sessionExpiry(now, far).getTime()).to.equal(now.getTime() + SESSION_IDLE_MS);
    const near = new Date(now.getTime() + 1000);
    expect(sessionExpiry(now, near)).to.deep.equal(near);
  });

  it('names every problem of a password, a person and an operator without online access', () => {
    expect(passwordProblems('court', 'opa.jeanne')).to.deep.equal(['au moins 12 caractères (5 saisis)']);
    expect(passwordProblems('xx-opa.jeanne-xx', 'opa.jeanne')).to.deep.equal(["ne doit pas contenir l'identifiant"]);
    expect(passwordProblems('aaaaaaaaaaaaaaa', 'opa.jeanne')).to.deep.equal(['ne doit pas répéter un seul caractère']);
    expect(passwordProblems('une phrase de passe correcte', 'opa.jeanne')).to.deep.equal([]);
    expect(personProblems({ login: 'A', fullName: '', email: 'x' })).to.have.length(3);
    expect(onlineAccessProblem({ code: 'OPC', access_online: false })).to.include('no online access');
    expect(onlineAccessProblem({ code: 'OPA', access_online: true })).to.equal(null);
  });
});
