import { expect } from 'chai';
import { EsavError } from '../../../src/errors/esav-error.js';
import {
  closureDeadline, DEFAULT_LIFECYCLE_POLICY, FREEZE_REASONS, HISTORY_VISIBILITY_DAYS, TERMINAL_STATES, TICKET_STATES,
  oiStepsToClose, TMF621_STATE, transition, TRANSITIONS, visibleToOperator,
  type ActorKind, type FreezeReason, type LifecyclePolicy, type TicketEvent, type TicketFacts, type TicketState,
  type TransitionRequest, EVENT_LABEL } from '../../../src/domain/ticket-lifecycle.js';

/*
 * The expectations below are written out by hand from DOMAIN.md S2 and the issue, independently of TRANSITIONS:
 * deriving them from the table under test would make these tests unable to fail.
 */
const STATES: readonly TicketState[] = [
  'EN_DEPOT', 'EN_QUALIFICATION', 'EN_REJET', 'EN_COURS', 'GELE', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'ANNULE'
];
const EVENTS: readonly TicketEvent[] = [
  'accept', 'reject', 'start', 'freeze', 'unfreeze', 'close', 'notify-closure', 'accept-closure', 'refuse-closure',
  'archive', 'cancel'
];
const ACTORS: readonly ActorKind[] = ['oi', 'operator', 'system'];

/** Every legal move: state → event → (the actors allowed, the state reached). Anything not listed is refused. */
const LEGAL: Readonly<Record<TicketState, Partial<Record<TicketEvent, { by: readonly ActorKind[]; to: TicketState }>>>> = {
  EN_DEPOT: {
    accept: { by: ['oi', 'system'], to: 'EN_QUALIFICATION' },
    reject: { by: ['oi', 'system'], to: 'EN_REJET' },
    cancel: { by: ['operator'], to: 'ANNULE' }
  },
  EN_QUALIFICATION: {
    start: { by: ['oi'], to: 'EN_COURS' },
    cancel: { by: ['operator'], to: 'ANNULE' }
  },
  EN_REJET: {},
  EN_COURS: {
    freeze: { by: ['oi'], to: 'GELE' },
    close: { by: ['oi'], to: 'CLOS' }
  },
  GELE: {
    unfreeze: { by: ['oi', 'operator'], to: 'EN_COURS' }
  },
  CLOS: {
    'notify-closure': { by: ['oi', 'system'], to: 'VALIDE' },
    'accept-closure': { by: ['operator'], to: 'CLOS_TABLEAU_DE_BORD' },
    'refuse-closure': { by: ['operator'], to: 'EN_COURS' },
    archive: { by: ['system'], to: 'CLOS_TABLEAU_DE_BORD' }
  },
  VALIDE: {
    'accept-closure': { by: ['operator'], to: 'CLOS_TABLEAU_DE_BORD' },
    'refuse-closure': { by: ['operator'], to: 'EN_COURS' },
    archive: { by: ['system'], to: 'CLOS_TABLEAU_DE_BORD' }
  },
  CLOS_TABLEAU_DE_BORD: {},
  ANNULE: {}
};

const DAY = 86_400_000;
const CLOSED_AT = new Date('2026-03-02T10:00:00.000Z');
const at = (base: Date, ms: number): Date => new Date(base.getTime() + ms);

const reference = (state: TicketState): string => `SIG-2026-${state}-000042`;

/** A ticket in the given state whose other facts are favourable (closed a day ago, frozen for site access). */
function ticket(state: TicketState, over: Partial<TicketFacts> = {}): TicketFacts {
  return {
    reference: reference(state),
    state,
    closedAt: ['CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD'].includes(state) ? CLOSED_AT : null,
    freezeReason: state === 'GELE' ? 'ACCES_SITE' : null,
    ...over
  };
}

/** A request that satisfies every condition but state and actor: a reason, a known freeze reason. */
const request = (event: TicketEvent, actor: ActorKind, over: Partial<TransitionRequest> = {}): TransitionRequest =>
  ({ event, actor, reason: 'motif de test', freezeReason: 'RENDEZ_VOUS', ...over });

/** A time at which the closure delay does not stand in the way of the event: within it, or after it for archive. */
const favourableNow = (event: TicketEvent): Date => event === 'archive' ? at(CLOSED_AT, 8 * DAY) : at(CLOSED_AT, DAY);

type Outcome = { ok: true; from: TicketState; to: TicketState } | { ok: false; error: unknown };

function attempt(t: TicketFacts, r: TransitionRequest, now: Date, policy?: LifecyclePolicy): Outcome {
  try {
    const o = policy ? transition(t, r, now, policy) : transition(t, r, now);
    return { ok: true, from: o.from, to: o.to };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Why a refusal is not the expected fault (EsavError, TRANSITION_INTERDITE, naming state and reference), or null. */
function badRefusal(t: TicketFacts, o: Outcome): string | null {
  if (o.ok) return `was allowed (${o.from} → ${o.to})`;
  const e = o.error;
  if (!(e instanceof EsavError)) return `threw ${String(e)} instead of an EsavError`;
  if (e.definition.wireCode !== 'TRANSITION_INTERDITE') return `fault ${e.definition.wireCode} instead of TRANSITION_INTERDITE`;
  if (!e.message.includes(t.state)) return `fault message does not name the state ${t.state}: ${e.message}`;
  if (!e.message.includes(t.reference)) return `fault message does not name the ticket ${t.reference}: ${e.message}`;
  return null;
}

function expectAllowed(t: TicketFacts, r: TransitionRequest, now: Date, to: TicketState, policy?: LifecyclePolicy): void {
  const o = attempt(t, r, now, policy);
  const label = `${r.actor} ${r.event} on ${t.state} at ${now.toISOString()}`;
  if (!o.ok) expect.fail(`${label} was refused: ${o.error instanceof Error ? o.error.message : String(o.error)}`);
  expect(o, label).to.deep.equal({ ok: true, from: t.state, to });
}

function expectRefused(t: TicketFacts, r: TransitionRequest, now: Date, policy?: LifecyclePolicy): EsavError {
  const o = attempt(t, r, now, policy);
  const why = badRefusal(t, o);
  if (why !== null) expect.fail(`${r.actor} ${r.event} on ${t.state} at ${now.toISOString()} ${why}`);
  return (o as { ok: false; error: EsavError }).error;
}

describe('ticket lifecycle (DOMAIN.md S2)', () => {
  describe('the transition table', () => {
    it('knows exactly the states and events of S2 and the issue', () => {
      expect([...TICKET_STATES].sort()).to.deep.equal([...STATES].sort());
      expect(Object.keys(TRANSITIONS).sort()).to.deep.equal([...EVENTS].sort());
    });

    for (const state of STATES) {
      const moves = Object.entries(LEGAL[state]) as [TicketEvent, { by: readonly ActorKind[]; to: TicketState }][];
      const summary = moves.length === 0
        ? 'allows no move at all'
        : `allows only ${moves.map(([e, m]) => `${e} by ${m.by.join('/')} → ${m.to}`).join('; ')}`;
      it(`from ${state}, ${summary}`, () => {
        const problems: string[] = [];
        for (const event of EVENTS) {
          for (const actor of ACTORS) {
            const t = ticket(state);
            const o = attempt(t, request(event, actor), favourableNow(event));
            const legal = LEGAL[state][event];
            const label = `${actor} ${event} on ${state}`;
            if (legal && legal.by.includes(actor)) {
              if (!o.ok) problems.push(`${label} was refused: ${o.error instanceof Error ? o.error.message : String(o.error)}`);
              else if (o.from !== state || o.to !== legal.to) problems.push(`${label} gave ${o.from} → ${o.to}, expected ${state} → ${legal.to}`);
            } else {
              const why = badRefusal(t, o);
              if (why !== null) problems.push(`${label} ${why}`);
            }
          }
        }
        expect(problems, problems.join('\n')).to.deep.equal([]);
      });
    }

    it('refuses every one of the other state × event × actor combinations with a TRANSITION_INTERDITE naming the state', () => {
      let refused = 0;
      const problems: string[] = [];
      for (const state of STATES) {
        for (const event of EVENTS) {
          for (const actor of ACTORS) {
            if (LEGAL[state][event]?.by.includes(actor)) continue;
            const t = ticket(state);
            const why = badRefusal(t, attempt(t, request(event, actor), favourableNow(event)));
            if (why === null) refused += 1;
            else problems.push(`${actor} ${event} on ${state} ${why}`);
          }
        }
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
      // 9 states × 11 events × 3 actors = 297 combinations, 19 of them legal (archive is the system's only).
      expect(refused).to.equal(297 - 19);
    });

    it('gives the refused event and the rule broken in the fault, and the state in its parameters', () => {
      const e = expectRefused(ticket('EN_REJET'), request('start', 'oi'), at(CLOSED_AT, DAY));
      expect(e.code).to.equal('ESAV_TICKET_TRANSITION');
      expect(e.definition.role).to.equal('Client');
      expect(e.message).to.include(EVENT_LABEL.start).and.include('EN_QUALIFICATION');
      expect(e.detail.params).to.include({ reference: reference('EN_REJET'), state: 'EN_REJET' });
      const byActor = expectRefused(ticket('EN_QUALIFICATION'), request('start', 'operator'), at(CLOSED_AT, DAY));
      expect(byActor.message).to.include('operator');
    });

    it('returns only from and to, and leaves the ticket facts untouched', () => {
      const t = ticket('EN_COURS');
      const copy = { ...t };
      expect(transition(t, request('close', 'oi'), at(CLOSED_AT, DAY))).to.deep.equal({ from: 'EN_COURS', to: 'CLOS' });
      expect(t).to.deep.equal(copy);
    });
  });

  describe('reasons', () => {
    const needingReason: readonly [TicketState, TicketEvent, ActorKind, TicketState][] = [
      ['EN_DEPOT', 'reject', 'oi', 'EN_REJET'],
      ['EN_DEPOT', 'reject', 'system', 'EN_REJET'],
      ['EN_COURS', 'freeze', 'oi', 'GELE'],
      ['EN_COURS', 'close', 'oi', 'CLOS'],
      ['CLOS', 'refuse-closure', 'operator', 'EN_COURS'],
      ['VALIDE', 'refuse-closure', 'operator', 'EN_COURS'],
      ['EN_DEPOT', 'cancel', 'operator', 'ANNULE'],
      ['EN_QUALIFICATION', 'cancel', 'operator', 'ANNULE']
    ];
    const blanks: readonly (string | null | undefined)[] = [undefined, null, '', ' ', '   ', '\t\n'];

    for (const [state, event, actor, to] of needingReason) {
      it(`refuses ${event} by ${actor} from ${state} without a non-blank reason, and allows it with one`, () => {
        for (const reason of blanks) {
          const e = expectRefused(ticket(state), request(event, actor, { reason }), favourableNow(event));
          expect(e.message, JSON.stringify(reason)).to.include('motif').and.include(EVENT_LABEL[event]);
        }
        expectAllowed(ticket(state), request(event, actor, { reason: '  le client final est injoignable ' }), favourableNow(event), to);
      });
    }

    it('does not ask a reason for accept, start, unfreeze, notify-closure, accept-closure and archive', () => {
      const free: readonly [TicketState, TicketEvent, ActorKind, TicketState][] = [
        ['EN_DEPOT', 'accept', 'system', 'EN_QUALIFICATION'],
        ['EN_QUALIFICATION', 'start', 'oi', 'EN_COURS'],
        ['GELE', 'unfreeze', 'oi', 'EN_COURS'],
        ['GELE', 'unfreeze', 'operator', 'EN_COURS'],
        ['CLOS', 'notify-closure', 'system', 'VALIDE'],
        ['VALIDE', 'accept-closure', 'operator', 'CLOS_TABLEAU_DE_BORD'],
        ['CLOS', 'archive', 'system', 'CLOS_TABLEAU_DE_BORD'],
        ['VALIDE', 'archive', 'system', 'CLOS_TABLEAU_DE_BORD']
      ];
      for (const [state, event, actor, to] of free) {
        expectAllowed(ticket(state), { event, actor }, favourableNow(event), to);
        expectAllowed(ticket(state), { event, actor, reason: null }, favourableNow(event), to);
      }
    });

    it('lists exactly four freeze reasons, each saying what the operator must do', () => {
      expect(Object.keys(FREEZE_REASONS).sort()).to.deep.equal(['ACCES_SITE', 'INFORMATION_COMPLEMENTAIRE', 'RENDEZ_VOUS', 'TEST_CLIENT']);
      for (const [key, r] of Object.entries(FREEZE_REASONS)) expect(r.label.trim(), key).to.not.equal('');
    });

    it('freezes a ticket for each known freeze reason', () => {
      for (const freezeReason of ['ACCES_SITE', 'RENDEZ_VOUS', 'INFORMATION_COMPLEMENTAIRE', 'TEST_CLIENT'] as const) {
        expectAllowed(ticket('EN_COURS'), request('freeze', 'oi', { freezeReason }), at(CLOSED_AT, DAY), 'GELE');
      }
    });

    it('refuses to freeze without a freeze reason or with an unknown one, listing the known ones', () => {
      for (const freezeReason of [undefined, null, '', 'AUTRE', 'acces_site', 'ACCES SITE'] as unknown as (FreezeReason | null | undefined)[]) {
        const e = expectRefused(ticket('EN_COURS'), request('freeze', 'oi', { freezeReason }), at(CLOSED_AT, DAY));
        expect(e.message, String(freezeReason)).to.include('ACCES_SITE').and.include('TEST_CLIENT');
      }
    });

    it('refuses to freeze with an inherited object property as freeze reason', () => {
      for (const freezeReason of ['constructor', 'toString', 'hasOwnProperty', '__proto__'] as unknown as FreezeReason[]) {
        expectRefused(ticket('EN_COURS'), request('freeze', 'oi', { freezeReason }), at(CLOSED_AT, DAY));
      }
    });
  });

  describe("unfreezing on the operator's answer", () => {
    const answerUnfreezes: Readonly<Record<FreezeReason, boolean>> = {
      ACCES_SITE: true, INFORMATION_COMPLEMENTAIRE: true, TEST_CLIENT: true, RENDEZ_VOUS: false
    };

    it('marks which freeze reasons an answer of the operator lifts', () => {
      for (const [key, expected] of Object.entries(answerUnfreezes) as [FreezeReason, boolean][]) {
        expect(FREEZE_REASONS[key].operatorAnswerUnfreezes, key).to.equal(expected);
      }
    });

    it("unfreezes on the operator's answer when frozen for site access, further information or a customer test", () => {
      for (const freezeReason of ['ACCES_SITE', 'INFORMATION_COMPLEMENTAIRE', 'TEST_CLIENT'] as const) {
        expectAllowed(ticket('GELE', { freezeReason }), request('unfreeze', 'operator'), at(CLOSED_AT, DAY), 'EN_COURS');
      }
    });

    it("refuses the operator's unfreeze when frozen for an appointment, or with no recorded freeze reason", () => {
      const e = expectRefused(ticket('GELE', { freezeReason: 'RENDEZ_VOUS' }), request('unfreeze', 'operator'), at(CLOSED_AT, DAY));
      expect(e.message).to.include('RENDEZ_VOUS');
      expectRefused(ticket('GELE', { freezeReason: null }), request('unfreeze', 'operator'), at(CLOSED_AT, DAY));
    });

    it('lets the OI unfreeze whatever the freeze reason, and never the system', () => {
      for (const freezeReason of ['ACCES_SITE', 'RENDEZ_VOUS', 'INFORMATION_COMPLEMENTAIRE', 'TEST_CLIENT', null] as const) {
        expectAllowed(ticket('GELE', { freezeReason }), request('unfreeze', 'oi'), at(CLOSED_AT, DAY), 'EN_COURS');
        expectRefused(ticket('GELE', { freezeReason }), request('unfreeze', 'system'), at(CLOSED_AT, DAY));
      }
    });
  });

  describe('the closure acceptance delay', () => {
    const deadline = at(CLOSED_AT, 7 * DAY);

    it('ends 7 days after closure by default, or after the policy days', () => {
      expect(DEFAULT_LIFECYCLE_POLICY.closureAcceptanceDays).to.equal(7);
      expect(closureDeadline(CLOSED_AT, DEFAULT_LIFECYCLE_POLICY).toISOString()).to.equal('2026-03-09T10:00:00.000Z');
      expect(closureDeadline(CLOSED_AT, { closureAcceptanceDays: 2 }).toISOString()).to.equal('2026-03-04T10:00:00.000Z');
    });

    for (const state of ['CLOS', 'VALIDE'] as const) {
      it(`lets the operator accept or refuse the closure of a ${state} ticket up to closedAt + 7 days exactly`, () => {
        for (const now of [CLOSED_AT, at(CLOSED_AT, 3 * DAY), at(deadline, -1), deadline]) {
          expectAllowed(ticket(state), request('accept-closure', 'operator'), now, 'CLOS_TABLEAU_DE_BORD');
          expectAllowed(ticket(state), request('refuse-closure', 'operator'), now, 'EN_COURS');
        }
      });

      it(`refuses the operator's acceptance or refusal of a ${state} closure one millisecond after the delay`, () => {
        for (const now of [at(deadline, 1), at(deadline, DAY), at(CLOSED_AT, 365 * DAY)]) {
          for (const event of ['accept-closure', 'refuse-closure'] as const) {
            const e = expectRefused(ticket(state), request(event, 'operator'), now);
            expect(e.message).to.include('7 jours');
          }
        }
      });

      it(`refuses the system's archiving of a ${state} ticket within the delay and allows it after`, () => {
        for (const now of [CLOSED_AT, at(CLOSED_AT, 3 * DAY), deadline]) {
          expectRefused(ticket(state), request('archive', 'system'), now);
        }
        for (const now of [at(deadline, 1), at(deadline, DAY)]) {
          expectAllowed(ticket(state), request('archive', 'system'), now, 'CLOS_TABLEAU_DE_BORD');
        }
      });

      it(`never lets the OI archive a ${state} ticket: only the operator's answer or the end of the delay does (S2)`, () => {
        for (const now of [CLOSED_AT, at(CLOSED_AT, DAY), deadline, at(deadline, 1), at(CLOSED_AT, 365 * DAY)]) {
          expectRefused(ticket(state), request('archive', 'oi'), now);
        }
      });
    }

    it('moves the edge with a custom policy of 2 days', () => {
      const policy: LifecyclePolicy = { closureAcceptanceDays: 2 };
      const edge = at(CLOSED_AT, 2 * DAY);
      for (const state of ['CLOS', 'VALIDE'] as const) {
        expectAllowed(ticket(state), request('accept-closure', 'operator'), edge, 'CLOS_TABLEAU_DE_BORD', policy);
        expectAllowed(ticket(state), request('refuse-closure', 'operator'), edge, 'EN_COURS', policy);
        expectRefused(ticket(state), request('archive', 'system'), edge, policy);
        const late = at(edge, 1);
        const e = expectRefused(ticket(state), request('accept-closure', 'operator'), late, policy);
        expect(e.message).to.include('2 jours');
        expectRefused(ticket(state), request('refuse-closure', 'operator'), late, policy);
        expectAllowed(ticket(state), request('archive', 'system'), late, 'CLOS_TABLEAU_DE_BORD', policy);
        // 3 days after closure: too late under the custom policy, still in time under the default one.
        const threeDays = at(CLOSED_AT, 3 * DAY);
        expectRefused(ticket(state), request('accept-closure', 'operator'), threeDays, policy);
        expectAllowed(ticket(state), request('accept-closure', 'operator'), threeDays, 'CLOS_TABLEAU_DE_BORD');
      }
    });
  });

  describe('visibility to the operator (DOMAIN.md S3)', () => {
    const terminal: readonly TicketState[] = ['EN_REJET', 'CLOS_TABLEAU_DE_BORD', 'ANNULE'];
    const open = STATES.filter((s) => !terminal.includes(s));
    const edge = at(CLOSED_AT, 90 * DAY);

    it('counts EN_REJET, CLOS_TABLEAU_DE_BORD and ANNULE as terminal, and keeps history 90 days', () => {
      expect([...TERMINAL_STATES].sort()).to.deep.equal([...terminal].sort());
      expect(HISTORY_VISIBILITY_DAYS).to.equal(90);
    });

    for (const state of terminal) {
      it(`shows a ${state} ticket until closedAt + 90 days − 1 ms, not at closedAt + 90 days`, () => {
        expect(visibleToOperator(CLOSED_AT, state, CLOSED_AT)).to.equal(true);
        expect(visibleToOperator(CLOSED_AT, state, at(edge, -1))).to.equal(true);
        expect(visibleToOperator(CLOSED_AT, state, edge)).to.equal(false);
        expect(visibleToOperator(CLOSED_AT, state, at(edge, DAY))).to.equal(false);
      });
    }

    it('always shows a ticket in a non-terminal state, however long ago it was closed', () => {
      for (const state of open) {
        for (const now of [CLOSED_AT, at(edge, -1), edge, at(CLOSED_AT, 1000 * DAY)]) {
          expect(visibleToOperator(CLOSED_AT, state, now), `${state} at ${now.toISOString()}`).to.equal(true);
        }
      }
    });

    it('always shows a ticket that has no closure date', () => {
      for (const state of STATES) {
        expect(visibleToOperator(null, state, at(CLOSED_AT, 1000 * DAY)), state).to.equal(true);
      }
    });
  });

  describe('TMF621 mapping', () => {
    it('maps every state to its TMF621 / Interop\'Fibre name', () => {
      expect(TMF621_STATE).to.deep.equal({
        EN_DEPOT: 'acknowledged', EN_QUALIFICATION: 'acknowledged', EN_REJET: 'rejected', EN_COURS: 'inProgress',
        GELE: 'pending', CLOS: 'resolved', VALIDE: 'resolved', CLOS_TABLEAU_DE_BORD: 'closed', ANNULE: 'cancelled'
      });
      const tmf621 = ['acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'closed', 'resolved'];
      for (const state of STATES) expect(tmf621, state).to.include(TMF621_STATE[state]);
      expect(Object.isFrozen(TMF621_STATE)).to.equal(true);
    });
  });
  describe('oiStepsToClose (the tickets of a closed network incident, closed on the OI’s command)', () => {
    it('brings every open state to CLOS through moves the OI may make, and leaves closed and final states alone', () => {
      const open: TicketState[] = ['EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE'];
      for (const start of TICKET_STATES) {
        const steps = oiStepsToClose(start);
        if (!open.includes(start)) {
          expect(steps, start).to.deep.equal([]);
          continue;
        }
        let facts: TicketFacts = { reference: 'SIG-2026-0000001', state: start, closedAt: null, freezeReason: start === 'GELE' ? 'RENDEZ_VOUS' : null };
        for (const event of steps) {
          const to = transition(facts, { event, actor: 'oi', reason: 'Incident réseau DERCO-0000001 clos' }, new Date('2026-12-03T10:00:00Z')).to;
          facts = { ...facts, state: to };
        }
        expect(facts.state, start).to.equal('CLOS');
      }
    });
  });
});
