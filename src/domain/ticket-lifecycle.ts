/**
 * The life of a trouble ticket (DOMAIN.md S2), as a state machine. Wire names are the contract's French states;
 * the industry's TMF621 profile (Interop'Fibre ticketing) maps as noted. Every transition names who may make it;
 * an illegal one is refused with a fault that names the current state.
 *
 *   EN_DEPOT ─accept→ EN_QUALIFICATION ─start→ EN_COURS ⇄ GELE (freeze with what is awaited / unfreeze)
 *   EN_DEPOT ─reject→ EN_REJET                 EN_COURS ─close→ CLOS ─notify-closure→ VALIDE
 *   CLOS|VALIDE ─accept-closure (operator) or archive (system, after the acceptance delay)→ CLOS_TABLEAU_DE_BORD
 *   CLOS|VALIDE ─refuse-closure (operator, within the delay, with a reason)→ EN_COURS
 *   EN_DEPOT|EN_QUALIFICATION ─cancel (operator, v2)→ ANNULE
 */
import { EsavError } from '../errors/esav-error.js';

export const TICKET_STATES = [
  'EN_DEPOT', 'EN_QUALIFICATION', 'EN_REJET', 'EN_COURS', 'GELE', 'CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'ANNULE'
] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** TMF621 / Interop'Fibre names, for operators who map to the industry lifecycle. */
export const TMF621_STATE: Readonly<Record<TicketState, string>> = Object.freeze({
  EN_DEPOT: 'acknowledged', EN_QUALIFICATION: 'acknowledged', EN_REJET: 'rejected', EN_COURS: 'inProgress',
  GELE: 'pending', CLOS: 'resolved', VALIDE: 'resolved', CLOS_TABLEAU_DE_BORD: 'closed', ANNULE: 'cancelled'
});

export type TicketEvent =
  | 'accept' | 'reject' | 'start' | 'freeze' | 'unfreeze' | 'close' | 'notify-closure'
  | 'accept-closure' | 'refuse-closure' | 'archive' | 'cancel';

export type ActorKind = 'oi' | 'operator' | 'system';

/** How an event is named to the people who read a fault (operators never see the code names). */
export const EVENT_LABEL: Readonly<Record<TicketEvent, string>> = Object.freeze({
  accept: 'la prise en compte', reject: 'le rejet', start: 'le début du traitement', freeze: 'le gel', unfreeze: 'la levée du gel',
  close: 'la clôture', 'notify-closure': "l'avis de clôture", 'accept-closure': "l'acceptation de la clôture",
  'refuse-closure': 'le refus de la clôture', archive: "l'archivage", cancel: "l'annulation"
});

/** Why a ticket is frozen: what the operator must do (S2 "gelé"), and whether its answer unfreezes the ticket. */
export const FREEZE_REASONS = Object.freeze({
  ACCES_SITE: { label: "accès au site à organiser par l'opérateur", operatorAnswerUnfreezes: true },
  RENDEZ_VOUS: { label: 'rendez-vous à prendre avec le client final', operatorAnswerUnfreezes: false },
  INFORMATION_COMPLEMENTAIRE: { label: "information complémentaire attendue de l'opérateur", operatorAnswerUnfreezes: true },
  TEST_CLIENT: { label: "test à réaliser chez le client final par l'opérateur", operatorAnswerUnfreezes: true }
} as const);
export type FreezeReason = keyof typeof FREEZE_REASONS;

interface Rule { readonly from: readonly TicketState[]; readonly to: TicketState; readonly by: readonly ActorKind[]; readonly reasonRequired: boolean }

export const TRANSITIONS: Readonly<Record<TicketEvent, Rule>> = Object.freeze({
  accept: { from: ['EN_DEPOT'], to: 'EN_QUALIFICATION', by: ['oi', 'system'], reasonRequired: false },
  reject: { from: ['EN_DEPOT'], to: 'EN_REJET', by: ['oi', 'system'], reasonRequired: true },
  start: { from: ['EN_QUALIFICATION'], to: 'EN_COURS', by: ['oi'], reasonRequired: false },
  freeze: { from: ['EN_COURS'], to: 'GELE', by: ['oi'], reasonRequired: true },
  unfreeze: { from: ['GELE'], to: 'EN_COURS', by: ['oi', 'operator'], reasonRequired: false },
  close: { from: ['EN_COURS'], to: 'CLOS', by: ['oi'], reasonRequired: true },
  'notify-closure': { from: ['CLOS'], to: 'VALIDE', by: ['oi', 'system'], reasonRequired: false },
  'accept-closure': { from: ['CLOS', 'VALIDE'], to: 'CLOS_TABLEAU_DE_BORD', by: ['operator'], reasonRequired: false },
  'refuse-closure': { from: ['CLOS', 'VALIDE'], to: 'EN_COURS', by: ['operator'], reasonRequired: true },
  // Only the end of the operator's acceptance delay archives a closure; the OI cannot cut the operator's right to refuse.
  archive: { from: ['CLOS', 'VALIDE'], to: 'CLOS_TABLEAU_DE_BORD', by: ['system'], reasonRequired: false },
  cancel: { from: ['EN_DEPOT', 'EN_QUALIFICATION'], to: 'ANNULE', by: ['operator'], reasonRequired: true }
});

export const TERMINAL_STATES: ReadonlySet<TicketState> = new Set(['EN_REJET', 'CLOS_TABLEAU_DE_BORD', 'ANNULE']);

/**
 * The OI's moves that bring a ticket from its state to CLOS (issue 15 part 5: the tickets of a closed incident are
 * closed on the OI's command): accepted, started, unfrozen as needed, then closed; none when it is closed already or
 * over (CLOS, VALIDE and the terminal states).
 */
export function oiStepsToClose(state: TicketState): TicketEvent[] {
  switch (state) {
    case 'EN_DEPOT': return ['accept', 'start', 'close'];
    case 'EN_QUALIFICATION': return ['start', 'close'];
    case 'EN_COURS': return ['close'];
    case 'GELE': return ['unfreeze', 'close'];
    default: return [];
  }
}

/** The facts of a ticket the lifecycle needs. */
export interface TicketFacts {
  readonly reference: string;
  readonly state: TicketState;
  readonly closedAt: Date | null;
  readonly freezeReason: FreezeReason | null;
}

export interface TransitionRequest {
  readonly event: TicketEvent;
  readonly actor: ActorKind;
  readonly reason?: string | null;
  /** For 'freeze': what the operator must do. */
  readonly freezeReason?: FreezeReason | null;
}

export interface TransitionOutcome { readonly from: TicketState; readonly to: TicketState }

export interface LifecyclePolicy {
  /** Days after closure during which the operator may accept or refuse it; then the ticket is archived. */
  readonly closureAcceptanceDays: number;
}

export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = Object.freeze({ closureAcceptanceDays: 7 });

const DAY = 86_400_000;

/** The end of the delay in which a closed ticket may be refused (S2). */
export function closureDeadline(closedAt: Date, policy: LifecyclePolicy): Date {
  return new Date(closedAt.getTime() + policy.closureAcceptanceDays * DAY);
}

/**
 * S2: the system archives a CLOS or VALIDE ticket once `now` is past its closureDeadline, i.e. when it was closed
 * strictly before this instant (or has no closure date). The set-based archiving selects by it; transition() says the same.
 */
export function archivableClosedBefore(now: Date, policy: LifecyclePolicy): Date {
  return new Date(now.getTime() - policy.closureAcceptanceDays * DAY);
}

function illegal(t: TicketFacts, why: string): EsavError {
  return new EsavError('ESAV_TICKET_TRANSITION', { params: { reference: t.reference, state: t.state, why } });
}

/** Checks one transition against the rules; returns from/to, or throws a fault naming the state. */
export function transition(t: TicketFacts, r: TransitionRequest, now: Date, policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY): TransitionOutcome {
  // Own keys only: an event or freeze reason named after an Object.prototype property is refused, not crashed on.
  if (!Object.hasOwn(TRANSITIONS, r.event)) return thrown(illegal(t, `événement inconnu « ${String(r.event)} »`));
  const rule = TRANSITIONS[r.event];
  if (!rule.from.includes(t.state)) {
    return thrown(illegal(t, `${EVENT_LABEL[r.event]} n'est possible que depuis ${rule.from.join(' ou ')}`));
  }
  if (!rule.by.includes(r.actor)) return thrown(illegal(t, `${EVENT_LABEL[r.event]} n'est pas permis à l'acteur ${r.actor}`));
  if (rule.reasonRequired && !(r.reason && r.reason.trim())) return thrown(illegal(t, `${EVENT_LABEL[r.event]} demande un motif`));
  if (r.event === 'freeze' && (!r.freezeReason || !Object.hasOwn(FREEZE_REASONS, r.freezeReason))) {
    return thrown(illegal(t, `le gel doit dire ce qui est attendu : ${Object.keys(FREEZE_REASONS).join(', ')}`));
  }
  if (r.event === 'unfreeze' && r.actor === 'operator' && !(t.freezeReason && FREEZE_REASONS[t.freezeReason].operatorAnswerUnfreezes)) {
    return thrown(illegal(t, `le gel pour « ${t.freezeReason ?? '?'} » est levé par l'OI, pas par la réponse de l'opérateur`));
  }
  if ((r.event === 'accept-closure' || r.event === 'refuse-closure') && t.closedAt && now.getTime() > closureDeadline(t.closedAt, policy).getTime()) {
    return thrown(illegal(t, `le délai de ${policy.closureAcceptanceDays} jours pour répondre à la clôture est passé`));
  }
  if (r.event === 'archive' && r.actor === 'system' && t.closedAt && now.getTime() <= closureDeadline(t.closedAt, policy).getTime()) {
    return thrown(illegal(t, "le délai de réponse de l'opérateur à la clôture court encore"));
  }
  return { from: t.state, to: rule.to };
}

function thrown(e: EsavError): never {
  throw e;
}

/** S3: a closed ticket stays visible to the operator for 90 calendar days after its closure, no longer. */
export const HISTORY_VISIBILITY_DAYS = 90;

export function visibleToOperator(closedAt: Date | null, state: TicketState, now: Date): boolean {
  if (!TERMINAL_STATES.has(state) || closedAt === null) return true;
  return now.getTime() < closedAt.getTime() + HISTORY_VISIBILITY_DAYS * DAY;
}
