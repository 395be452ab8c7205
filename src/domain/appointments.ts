/**
 * Appointments (DOMAIN.md S4, issue 16): the kinds, the life of an appointment and the operator's cut-off times, as
 * pure rules. The lifecycle follows TM Forum TMF646 / MEF 137 (confirmed, in progress, completed, missed by the
 * provider, failed by the buyer, cancelled) with the Interop'Fibre PlanChargeFtthSav names where it has them (CREE,
 * CONFIRME):
 *
 *   CREE ─confirm (operator)→ CONFIRME ─start (OI)→ EN_COURS ─complete (OI)→ TERMINE
 *   CREE|CONFIRME|EN_COURS ─fail (OI: customer absent)→ ECHEC_CLIENT
 *   CREE|CONFIRME ─miss (OI: technician did not come)→ MANQUE_OI
 *   CREE|CONFIRME ─cancel (operator, before its cut-off; or the OI)→ ANNULE
 *   CREE ─move (operator, REPORT_RDV_RESERVE)→ CREE      CONFIRME ─move (REPORT_RDV_CONFIRME)→ CONFIRME
 *   MANQUE_OI|ECHEC_CLIENT ─rebook (operator, NOUVEAU_RDV)→ CREE   (the same appointment, a new slot)
 *
 * An illegal move is refused with a fault naming the current state (ESAV_APPOINTMENT_TRANSITION).
 */
import { EsavError } from '../errors/esav-error.js';
import { parisTimestamp } from './calendar.js';

export const APPOINTMENT_KINDS = ['SAV', 'SAV_PLUS', 'EXPERTISE'] as const;
export type AppointmentKind = (typeof APPOINTMENT_KINDS)[number];
export const isAppointmentKind = (v: unknown): v is AppointmentKind => (APPOINTMENT_KINDS as readonly unknown[]).includes(v);

export const APPOINTMENT_STATES = ['CREE', 'CONFIRME', 'EN_COURS', 'TERMINE', 'MANQUE_OI', 'ECHEC_CLIENT', 'ANNULE'] as const;
export type AppointmentState = (typeof APPOINTMENT_STATES)[number];
export const isAppointmentState = (v: unknown): v is AppointmentState => (APPOINTMENT_STATES as readonly unknown[]).includes(v);

export type AppointmentEvent = 'confirm' | 'start' | 'complete' | 'fail' | 'miss' | 'cancel' | 'move' | 'rebook';
export const APPOINTMENT_EVENTS: readonly AppointmentEvent[] = ['confirm', 'start', 'complete', 'fail', 'miss', 'cancel', 'move', 'rebook'];
export type AppointmentActor = 'operator' | 'oi';

/**
 * The events of an appointment's life in the contracts' words (rendezvous v1 NatureEvenementType, notification v2
 * notificationRendezVous): one map for both.
 */
export const APPOINTMENT_EVENT_WIRE: Readonly<Record<AppointmentEvent | 'book', string>> = Object.freeze({
  book: 'PRISE', confirm: 'CONFIRMATION', start: 'DEBUT_INTERVENTION', complete: 'FIN_INTERVENTION', fail: 'ECHEC_CLIENT', miss: 'MANQUE_OI',
  cancel: 'ANNULATION', move: 'REPORT', rebook: 'NOUVEAU_RENDEZ_VOUS'
});

interface Rule {
  readonly from: readonly AppointmentState[];
  /** null: the state does not change (a move keeps CREE or CONFIRME). */
  readonly to: AppointmentState | null;
  readonly by: readonly AppointmentActor[];
}

export const APPOINTMENT_TRANSITIONS: Readonly<Record<AppointmentEvent, Rule>> = Object.freeze({
  confirm: { from: ['CREE'], to: 'CONFIRME', by: ['operator'] },
  start: { from: ['CREE', 'CONFIRME'], to: 'EN_COURS', by: ['oi'] },
  complete: { from: ['CREE', 'CONFIRME', 'EN_COURS'], to: 'TERMINE', by: ['oi'] },
  fail: { from: ['CREE', 'CONFIRME', 'EN_COURS'], to: 'ECHEC_CLIENT', by: ['oi'] },
  miss: { from: ['CREE', 'CONFIRME'], to: 'MANQUE_OI', by: ['oi'] },
  cancel: { from: ['CREE', 'CONFIRME'], to: 'ANNULE', by: ['operator', 'oi'] },
  move: { from: ['CREE', 'CONFIRME'], to: null, by: ['operator'] },
  rebook: { from: ['MANQUE_OI', 'ECHEC_CLIENT'], to: 'CREE', by: ['operator'] }
});

const EVENT_LABEL: Readonly<Record<AppointmentEvent, string>> = Object.freeze({
  confirm: 'la confirmation', start: "le début de l'intervention", complete: "la fin de l'intervention", fail: "l'échec (client absent)",
  miss: "le rendez-vous manqué par l'OI", cancel: "l'annulation", move: 'le report', rebook: 'la prise d’un nouveau rendez-vous'
});

export interface AppointmentFacts {
  readonly reference: string;
  readonly state: AppointmentState;
  readonly slotStart: Date;
}

/** The state after an event, or the fault that names the current state. */
export function appointmentTransition(a: AppointmentFacts, event: AppointmentEvent, actor: AppointmentActor): { from: AppointmentState; to: AppointmentState } {
  const refuse = (why: string): never => {
    throw new EsavError('ESAV_APPOINTMENT_TRANSITION', { params: { reference: a.reference, state: a.state, why } });
  };
  if (!Object.hasOwn(APPOINTMENT_TRANSITIONS, event)) return refuse(`événement inconnu « ${String(event)} »`);
  const rule = APPOINTMENT_TRANSITIONS[event];
  if (!rule.from.includes(a.state)) return refuse(`${EVENT_LABEL[event]} n'est possible que depuis ${rule.from.join(' ou ')}`);
  if (!rule.by.includes(actor)) return refuse(`${EVENT_LABEL[event]} n'est pas permis ${actor === 'oi' ? "à l'OI" : "à l'opérateur"}`);
  return { from: a.state, to: rule.to ?? a.state };
}

// ---- Interop'Fibre reportRDV: its three natureReport ------------------------------------------------------------

export const REPORT_NATURES = ['REPORT_RDV_RESERVE', 'REPORT_RDV_CONFIRME', 'NOUVEAU_RDV'] as const;
export type ReportNature = (typeof REPORT_NATURES)[number];

/**
 * What each natureReport asks: moving a booked (CREE) appointment, moving a confirmed one (it stays CONFIRME), or a
 * new appointment after one that did not take place (MANQUE_OI, ECHEC_CLIENT). A nature that does not match the
 * appointment's state is refused, naming both (the operator's system believes another state than ours).
 */
export function reportEvent(a: AppointmentFacts, nature: ReportNature): AppointmentEvent {
  const expected: Readonly<Record<ReportNature, readonly AppointmentState[]>> = {
    REPORT_RDV_RESERVE: ['CREE'], REPORT_RDV_CONFIRME: ['CONFIRME'], NOUVEAU_RDV: ['MANQUE_OI', 'ECHEC_CLIENT']
  };
  if (!expected[nature].includes(a.state)) {
    throw new EsavError('ESAV_APPOINTMENT_TRANSITION', {
      params: { reference: a.reference, state: a.state, why: `natureReport ${nature} ne s'applique qu'à un rendez-vous ${expected[nature].join(' ou ')}` }
    });
  }
  return nature === 'NOUVEAU_RDV' ? 'rebook' : 'move';
}

// ---- Cut-off times (data) -----------------------------------------------------------------------------------------

/**
 * How long before its slot's start the operator may still cancel or move an appointment, per kind (hours). SAV+
 * is the premium repair: its late changes are the point of it. The OI's own moves (miss, fail…) have no cut-off.
 */
export const APPOINTMENT_CUTOFF_HOURS: Readonly<Record<AppointmentKind, { readonly cancel: number; readonly move: number }>> = Object.freeze({
  SAV: { cancel: 24, move: 24 },
  SAV_PLUS: { cancel: 4, move: 4 },
  EXPERTISE: { cancel: 48, move: 48 }
});

const HOUR = 3_600_000;

/** Refuses an operator's cancel or move once its cut-off has passed. */
export function checkCutoff(a: AppointmentFacts & { readonly kind: AppointmentKind }, action: 'cancel' | 'move', now: Date,
  cutoffs: typeof APPOINTMENT_CUTOFF_HOURS = APPOINTMENT_CUTOFF_HOURS): void {
  const hours = cutoffs[a.kind][action];
  const deadline = new Date(a.slotStart.getTime() - hours * HOUR);
  if (now.getTime() > deadline.getTime()) {
    throw new EsavError('ESAV_APPOINTMENT_CUTOFF', {
      params: { action: action === 'cancel' ? "L'annulation" : 'Le report', reference: a.reference, deadline: parisTimestamp(deadline), hours }
    });
  }
}

/**
 * The reference of an appointment: RDV-YYYY-NNNNNNN (the Paris year of its booking, a number from a sequence, made
 * by the store). Anything else names no appointment and is not looked up (a NUL would be refused by PostgreSQL).
 */
export const APPOINTMENT_REFERENCE = /^RDV-[0-9]{4}-[0-9]{7,}$/;
