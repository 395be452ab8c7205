import { expect } from 'chai';
import {
  CLOSED_EVENT_RETENTION_DAYS, moveNetworkEvent, purgeBefore, refusalText, type NetworkEventMove, type NetworkEventState
} from '../../../src/domain/network-event-lifecycle.js';
import { eventFieldProblems, type EventFields } from '../../../src/domain/network-event.js';

/*
 * Written out by hand from the issue's diagram (NOUVEAU → MAJ ↔ REPLANIFICATION → CLOTURE | ANNULE, read in the
 * module's comment), not derived from the table under test.
 */
const STATES: readonly NetworkEventState[] = ['NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE'];
const MOVES: readonly NetworkEventMove[] = ['update', 'replan', 'close', 'cancel'];
const LEGAL: Readonly<Record<NetworkEventState, Partial<Record<NetworkEventMove, NetworkEventState>>>> = {
  NOUVEAU: { update: 'MAJ', replan: 'REPLANIFICATION', close: 'CLOTURE', cancel: 'ANNULE' },
  MAJ: { update: 'MAJ', replan: 'REPLANIFICATION', close: 'CLOTURE', cancel: 'ANNULE' },
  REPLANIFICATION: { update: 'MAJ', replan: 'REPLANIFICATION', close: 'CLOTURE', cancel: 'ANNULE' },
  CLOTURE: {},
  ANNULE: {}
};

const dates = { start: new Date('2026-12-10T08:00:00Z'), end: new Date('2026-12-10T12:00:00Z') };
const later = { start: new Date('2026-12-11T08:00:00Z'), end: new Date('2026-12-11T12:00:00Z') };

describe('network event lifecycle', () => {
  for (const state of STATES) {
    for (const move of MOVES) {
      const to = LEGAL[state][move];
      it(`${to ? 'allows' : 'refuses'} ${move} from ${state}${to ? ` (→ ${to})` : ''}`, () => {
        const outcome = moveNetworkEvent(state, dates, { move, dates: later, changesSomething: true });
        if (to) expect(outcome).to.deep.equal({ ok: true, from: state, to });
        else expect(outcome).to.deep.equal({ ok: false, refusal: { kind: 'final-state', move, state } });
      });
    }
  }

  it('refuses an unknown move, even one named after an Object property', () => {
    for (const move of ['reopen', 'toString', '__proto__']) {
      expect(moveNetworkEvent('NOUVEAU', dates, { move })).to.deep.equal({ ok: false, refusal: { kind: 'unknown-move', move } });
    }
  });

  it('refuses a replan that changes no date, and one that ends before it starts', () => {
    expect(moveNetworkEvent('MAJ', dates, { move: 'replan', dates })).to.deep.equal({ ok: false, refusal: { kind: 'dates-unchanged', state: 'MAJ' } });
    const back = { start: later.start, end: dates.start };
    expect(moveNetworkEvent('MAJ', dates, { move: 'replan', dates: back })).to.deep.equal({ ok: false, refusal: { kind: 'end-before-start', ...back } });
    expect(moveNetworkEvent('MAJ', dates, { move: 'replan', dates: { start: dates.start, end: later.end } }).ok).to.equal(true);
  });

  it('refuses an update that changes nothing', () => {
    expect(moveNetworkEvent('NOUVEAU', dates, { move: 'update', changesSomething: false })).to.deep.equal({ ok: false, refusal: { kind: 'nothing-to-update', state: 'NOUVEAU' } });
  });

  it('says every refusal in words naming the event', () => {
    expect(refusalText('TP-0000001', { kind: 'final-state', move: 'close', state: 'ANNULE' })).to.equal('TP-0000001 is ANNULE: it cannot be closed any more');
    expect(refusalText('TP-0000001', { kind: 'dates-unchanged', state: 'MAJ' })).to.include('needs a new start or end');
  });

  it('keeps closed events 8 days', () => {
    expect(CLOSED_EVENT_RETENTION_DAYS).to.equal(8);
    expect(purgeBefore(new Date('2026-12-20T03:00:00Z')).toISOString()).to.equal('2026-12-12T03:00:00.000Z');
  });
});

describe('network event fields', () => {
  const base: EventFields = { nature: 'REFE', start: dates.start, end: dates.end, curative: false, interventionRequired: false, comments: null, oiContact: null };
  it('asks a planned work for its nature and both dates, an incident for its start only', () => {
    expect(eventFieldProblems('TP', base)).to.deep.equal([]);
    expect(eventFieldProblems('TP', { ...base, nature: null, end: null })).to.have.length(2);
    expect(eventFieldProblems('DERCO', { ...base, nature: null, end: null })).to.deep.equal([]);
    expect(eventFieldProblems('DERCO', { ...base, start: null })).to.deep.equal(['start: an incident has a start']);
  });
  it('refuses comments over 512 characters (typeCommentaire) and an end before the start', () => {
    expect(eventFieldProblems('TP', { ...base, comments: 'x'.repeat(512) })).to.deep.equal([]);
    expect(eventFieldProblems('TP', { ...base, comments: 'x'.repeat(513) })[0]).to.match(/^comments: 512/);
    expect(eventFieldProblems('TP', { ...base, end: new Date('2026-12-09T00:00:00Z') })).to.deep.equal(['end: before the start']);
  });
});
