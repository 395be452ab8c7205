/** The appointment lifecycle, natureReport, cut-offs (src/domain/appointments.ts), the slot grid and the 01:00–04:00 search window. */
import { expect } from 'chai';
import {
  APPOINTMENT_EVENTS, APPOINTMENT_STATES, APPOINTMENT_TRANSITIONS, appointmentTransition, checkCutoff, reportEvent,
  type AppointmentActor, type AppointmentEvent, type AppointmentState
} from '../../../src/domain/appointments.js';
import { assertSlotSearchOpen, DEFAULT_GRID, gridRuleProblem, planSlots, searchPeriod, slotSearchReopensAt } from '../../../src/domain/appointment-slots.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { EsavError } from '../../../src/errors/esav-error.js';

const facts = (state: AppointmentState) => ({ reference: 'RDV-2026-0000001', state, slotStart: new Date('2026-12-10T09:00:00Z') });
const refusal = (fn: () => unknown): EsavError => {
  try { fn(); } catch (e) { if (e instanceof EsavError) return e; throw e; }
  throw new Error('not refused');
};

describe('appointment lifecycle', () => {
  const legal: Record<AppointmentEvent, [AppointmentState[], AppointmentState | 'same', AppointmentActor[]]> = {
    confirm: [['CREE'], 'CONFIRME', ['operator']],
    start: [['CREE', 'CONFIRME'], 'EN_COURS', ['oi']],
    complete: [['CREE', 'CONFIRME', 'EN_COURS'], 'TERMINE', ['oi']],
    fail: [['CREE', 'CONFIRME', 'EN_COURS'], 'ECHEC_CLIENT', ['oi']],
    miss: [['CREE', 'CONFIRME'], 'MANQUE_OI', ['oi']],
    cancel: [['CREE', 'CONFIRME'], 'ANNULE', ['operator', 'oi']],
    move: [['CREE', 'CONFIRME'], 'same', ['operator']],
    rebook: [['MANQUE_OI', 'ECHEC_CLIENT'], 'CREE', ['operator']]
  };

  it('declares exactly the moves this test lists', () => {
    expect(Object.keys(APPOINTMENT_TRANSITIONS).sort()).to.deep.equal([...APPOINTMENT_EVENTS].sort());
    for (const e of APPOINTMENT_EVENTS) expect([...APPOINTMENT_TRANSITIONS[e].from].sort(), e).to.deep.equal([...legal[e][0]].sort());
  });

  for (const event of APPOINTMENT_EVENTS) {
    for (const state of APPOINTMENT_STATES) {
      for (const actor of ['operator', 'oi'] as const) {
        const [from, to, by] = legal[event];
        if (from.includes(state) && by.includes(actor)) {
          it(`allows ${event} by ${actor} from ${state}`, () => {
            expect(appointmentTransition(facts(state), event, actor)).to.deep.equal({ from: state, to: to === 'same' ? state : to });
          });
        } else {
          it(`refuses ${event} by ${actor} from ${state}, naming the state`, () => {
            const e = refusal(() => appointmentTransition(facts(state), event, actor));
            expect(e.code).to.equal('ESAV_APPOINTMENT_TRANSITION');
            expect(e.message).to.include(`l’état ${state}`);
          });
        }
      }
    }
  }

  it('refuses an unknown event without crashing on Object.prototype names', () => {
    expect(refusal(() => appointmentTransition(facts('CREE'), 'toString' as AppointmentEvent, 'oi')).message).to.match(/inconnu/);
  });

  it('maps each natureReport to its move, and refuses one that does not match the state', () => {
    expect(reportEvent(facts('CREE'), 'REPORT_RDV_RESERVE')).to.equal('move');
    expect(reportEvent(facts('CONFIRME'), 'REPORT_RDV_CONFIRME')).to.equal('move');
    expect(reportEvent(facts('MANQUE_OI'), 'NOUVEAU_RDV')).to.equal('rebook');
    expect(reportEvent(facts('ECHEC_CLIENT'), 'NOUVEAU_RDV')).to.equal('rebook');
    expect(refusal(() => reportEvent(facts('CONFIRME'), 'REPORT_RDV_RESERVE')).message).to.match(/REPORT_RDV_RESERVE ne s'applique qu'à un rendez-vous CREE/);
    expect(refusal(() => reportEvent(facts('CREE'), 'REPORT_RDV_CONFIRME')).code).to.equal('ESAV_APPOINTMENT_TRANSITION');
    expect(refusal(() => reportEvent(facts('CREE'), 'NOUVEAU_RDV')).code).to.equal('ESAV_APPOINTMENT_TRANSITION');
  });

  it('refuses a cancel or move past its cut-off, per kind, naming the deadline in Paris time', () => {
    const a = { ...facts('CREE'), kind: 'SAV' as const };
    checkCutoff(a, 'cancel', new Date('2026-12-09T09:00:00Z'));
    const e = refusal(() => checkCutoff(a, 'cancel', new Date('2026-12-09T09:00:01Z')));
    expect(e.code).to.equal('ESAV_APPOINTMENT_CUTOFF');
    expect(e.message).to.include('2026-12-09T10:00:00+01:00').and.include('24 heure');
    checkCutoff({ ...a, kind: 'SAV_PLUS' }, 'move', new Date('2026-12-10T05:00:00Z'));
    expect(refusal(() => checkCutoff({ ...a, kind: 'EXPERTISE' }, 'move', new Date('2026-12-08T10:00:00Z'))).code).to.equal('ESAV_APPOINTMENT_CUTOFF');
  });
});

describe('slot search window (S4: closed 01:00–04:00 Paris time)', () => {
  const cases: Array<[string, string, string | null]> = [
    // An ordinary winter day (UTC+1): 00:00Z–03:00Z closed.
    ['2026-12-02T23:59:59Z', 'just before 01:00', null],
    ['2026-12-03T00:00:00Z', '01:00 Paris', '2026-12-03T03:00:00.000Z'],
    ['2026-12-03T02:59:59Z', '03:59:59 Paris', '2026-12-03T03:00:00.000Z'],
    ['2026-12-03T03:00:00Z', '04:00 Paris', null],
    // An ordinary summer day (UTC+2): 23:00Z–02:00Z closed.
    ['2026-07-01T23:00:00Z', '01:00 Paris (summer)', '2026-07-02T02:00:00.000Z'],
    ['2026-07-02T02:00:00Z', '04:00 Paris (summer)', null],
    // Spring forward, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z; closed 00:00Z–02:00Z (two hours).
    ['2026-03-28T23:59:59Z', '00:59:59 CET', null],
    ['2026-03-29T00:00:00Z', '01:00 CET', '2026-03-29T02:00:00.000Z'],
    ['2026-03-29T01:00:00Z', '03:00 CEST (02:00 never happened)', '2026-03-29T02:00:00.000Z'],
    ['2026-03-29T01:59:59Z', '03:59:59 CEST', '2026-03-29T02:00:00.000Z'],
    ['2026-03-29T02:00:00Z', '04:00 CEST', null],
    // Fall back, Sunday 2026-10-25: 03:00 CEST returns to 02:00 CET at 01:00Z; closed 23:00Z–03:00Z (four hours).
    ['2026-10-24T22:59:59Z', '00:59:59 CEST', null],
    ['2026-10-24T23:00:00Z', '01:00 CEST', '2026-10-25T03:00:00.000Z'],
    ['2026-10-25T00:30:00Z', '02:30 CEST (first pass)', '2026-10-25T03:00:00.000Z'],
    ['2026-10-25T01:30:00Z', '02:30 CET (second pass)', '2026-10-25T03:00:00.000Z'],
    ['2026-10-25T02:59:59Z', '03:59:59 CET', '2026-10-25T03:00:00.000Z'],
    ['2026-10-25T03:00:00Z', '04:00 CET', null]
  ];
  for (const [at, label, reopens] of cases) {
    it(`${reopens ? 'is closed' : 'is open'} at ${at} (${label}), with an injected clock`, () => {
      const clock = fixedClock(at);
      expect(slotSearchReopensAt(clock.now())?.toISOString() ?? null).to.equal(reopens);
    });
  }

  it('refuses with the time to retry (Paris) and a retry-after in seconds', () => {
    const e = refusal(() => assertSlotSearchOpen(new Date('2026-03-29T01:30:00Z')));
    expect(e.code).to.equal('ESAV_SLOT_SEARCH_CLOSED');
    expect(e.message).to.include('2026-03-29T04:00:00+02:00');
    expect(e.detail.retryAfterSeconds).to.equal(1800);
  });
});

describe('slot grid', () => {
  it('makes no SAV slot on a public holiday or a closed date, but SAV+ opens on holidays', () => {
    // 2026-12-25 is a Friday and Christmas; 2026-12-24 a Thursday.
    const slots = planSlots(DEFAULT_GRID, '2026-12-24', '2026-12-25', new Set());
    const sav = slots.filter((s) => s.kind === 'SAV').map((s) => s.start.toISOString());
    expect(sav).to.have.length(5);
    expect(sav.every((s) => s.startsWith('2026-12-24'))).to.equal(true);
    expect(slots.filter((s) => s.kind === 'SAV_PLUS' && s.start.toISOString().startsWith('2026-12-25'))).to.have.length(7);
    expect(planSlots(DEFAULT_GRID, '2026-12-24', '2026-12-24', new Set(['2026-12-24']))).to.deep.equal([]);
    // Easter Monday 2027 (2027-03-29): no SAV.
    expect(planSlots(DEFAULT_GRID.filter((r) => r.kind === 'SAV'), '2027-03-29', '2027-03-29', new Set())).to.deep.equal([]);
  });

  it('starts slots on the Paris wall clock, in winter and in summer', () => {
    const [winter] = planSlots(DEFAULT_GRID.filter((r) => r.kind === 'SAV'), '2026-12-02', '2026-12-02', new Set());
    const [summer] = planSlots(DEFAULT_GRID.filter((r) => r.kind === 'SAV'), '2026-07-01', '2026-07-01', new Set());
    expect(winter!.start.toISOString()).to.equal('2026-12-02T07:00:00.000Z');
    expect(winter!.end.toISOString()).to.equal('2026-12-02T09:00:00.000Z');
    expect(summer!.start.toISOString()).to.equal('2026-07-01T06:00:00.000Z');
  });

  it('makes SAV on weekdays only, SAV+ on Saturdays too, none on Sundays', () => {
    const week = planSlots(DEFAULT_GRID, '2026-12-05', '2026-12-06', new Set()); // Saturday, Sunday
    expect(week.map((s) => s.kind)).to.deep.equal(Array(7).fill('SAV_PLUS'));
  });

  it('refuses a grid outside 05:00–24:00 or with no weekday', () => {
    const base = DEFAULT_GRID[0]!;
    expect(gridRuleProblem(base)).to.equal(null);
    expect(gridRuleProblem({ ...base, firstStartMinute: 60 })).to.match(/05:00/);
    expect(gridRuleProblem({ ...base, weekdays: [] })).to.match(/weekdays/);
    expect(gridRuleProblem({ ...base, slotsPerDay: 20 })).to.match(/24:00/);
  });

  it('bounds a search period to a month and to the booking horizon', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(refusal(() => searchPeriod(new Date('2026-12-03T00:00:00Z'), new Date('2027-01-05T00:00:00Z'), now)).code).to.equal('ESAV_SLOT_PERIOD_INVALID');
    expect(refusal(() => searchPeriod(new Date('2026-12-05T00:00:00Z'), new Date('2026-12-04T00:00:00Z'), now)).message).to.match(/la fin doit suivre/);
    expect(searchPeriod(new Date('2026-12-01T00:00:00Z'), new Date('2026-12-10T00:00:00Z'), now).from).to.deep.equal(now);
  });
});

describe('slot search window and slot times against the time-zone database (Intl)', () => {
  const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit' });
  const wall = (at: Date): { date: string; hour: number; minute: number } => {
    const p = Object.fromEntries(paris.formatToParts(at).map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute) };
  };

  it('is closed exactly when the Paris wall clock reads 01:00–03:59, every quarter of an hour of 2026 and 2027', () => {
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2028, 0, 1); t += 15 * 60_000) {
      const at = new Date(t);
      const w = wall(at);
      const reopens = slotSearchReopensAt(at);
      expect(reopens !== null, at.toISOString()).to.equal(w.hour >= 1 && w.hour < 4);
      if (reopens) expect(wall(reopens), at.toISOString()).to.deep.equal({ date: w.date, hour: 4, minute: 0 });
    }
  });

  it('starts every SAV+ slot of two years at its Paris wall-clock time', () => {
    const rule = DEFAULT_GRID.find((r) => r.kind === 'SAV_PLUS')!;
    for (const s of planSlots([rule], '2026-01-01', '2027-12-31', new Set())) {
      const w = wall(s.start);
      expect((w.hour * 60 + w.minute - rule.firstStartMinute) % rule.slotMinutes, s.start.toISOString()).to.equal(0);
      expect(s.end.getTime() - s.start.getTime()).to.equal(rule.slotMinutes * 60_000);
    }
  });
});
