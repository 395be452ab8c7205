/**
 * The sandbox of the integration platform (DOMAIN.md A4, D1): services whose tickets the simulated after-sales back
 * office moves on its own along a documented path, so that an operator can test its whole ticket handling
 * (filing, tracking, notifications, freeze answers, closure answers, cancellation) without a human at the OI.
 * Pure: what the next step of a ticket is, from its scenario and its history.
 *
 *   NOMINAL          accept → start → OI comment → close → notify-closure (VALIDE; the operator accepts, or it is archived)
 *   REJET            reject with a reason (EN_REJET)
 *   GEL              accept → start → freeze INFORMATION_COMPLEMENTAIRE … the operator answers (ajoutComplement
 *                    with reponseAuGel) … close → notify-closure
 *   CLOTURE_REFUSEE  accept → start → close → notify-closure … the operator refuses (reponseCloture REFUSEE) …
 *                    close again → notify-closure
 *   ANNULATION       stays EN_DEPOT: the operator cancels it (v2 annulationSignalisation)
 *   RENDEZ_VOUS      accept → start → freeze RENDEZ_VOUS … the operator books an appointment for it (rendezvous v1
 *                    priseRendezVous with referenceSignalisation), which lifts the freeze (S2) … close → notify-closure
 */
import type { FreezeReason, TicketEvent, TicketState } from './ticket-lifecycle.js';

export const SANDBOX_SCENARIOS = ['NOMINAL', 'REJET', 'GEL', 'CLOTURE_REFUSEE', 'ANNULATION', 'RENDEZ_VOUS'] as const;
export type SandboxScenario = (typeof SANDBOX_SCENARIOS)[number];

/** What the OI's back office says at each step (French: operators read it). */
export const SANDBOX_TEXT = Object.freeze({
  agent: 'SAV simulé (bac à sable)',
  rejection: "Signalisation non recevable (scénario REJET du bac à sable) : défaut non constaté sur la prestation.",
  comment: 'Technicien dépêché sur site, intervention en cours (scénario du bac à sable).',
  freeze: "Merci de préciser les horaires d'accès au logement du client final (scénario GEL du bac à sable).",
  appointment: "Intervention chez le client final : prenez un rendez-vous pour cette signalisation (scénario RENDEZ_VOUS du bac à sable).",
  appointmentClosure: 'Intervention réalisée au rendez-vous, signal rétabli (clôture simulée par le bac à sable).',
  closure: 'Fibre ressoudée au PBO, signal rétabli (clôture simulée par le bac à sable).',
  reclosure: 'Nouvelle intervention après votre refus : connecteur remplacé à la PTO, signal rétabli (bac à sable).'
});

/** The service id of a scenario for an offer and an operator (XSD pattern [A-Z0-9][A-Z0-9-]{3,39}); null if too long. */
export function sandboxServiceId(offer: string, scenario: SandboxScenario, operator: string): string | null {
  const id = `SBX-${offer.replace(/_/g, '-')}-${scenario.replace(/_/g, '-')}-${operator}`;
  return /^[A-Z0-9][A-Z0-9-]{3,39}$/.test(id) ? id : null;
}

const ID = /^SBX-.+-(NOMINAL|REJET|GEL|CLOTURE-REFUSEE|ANNULATION|RENDEZ-VOUS)-[A-Z0-9]+$/;

export function sandboxScenarioOf(serviceId: string): SandboxScenario | null {
  const m = ID.exec(serviceId);
  return m ? (m[1]!.replace(/-/g, '_') as SandboxScenario) : null;
}

export type SandboxStep =
  | { readonly kind: 'event'; readonly event: TicketEvent; readonly reason?: string; readonly freezeReason?: FreezeReason }
  | { readonly kind: 'comment'; readonly text: string };

export interface SandboxTicketFacts {
  readonly state: TicketState;
  /** The states the ticket went through, oldest first (transitions' "to"). */
  readonly visited: readonly TicketState[];
  readonly oiComments: number;
}

/** The back office's next step for a ticket, or null when it waits for the operator (or the path is over). */
export function nextSandboxStep(scenario: SandboxScenario, t: SandboxTicketFacts): SandboxStep | null {
  switch (t.state) {
    case 'EN_DEPOT':
      if (scenario === 'ANNULATION') return null;
      if (scenario === 'REJET') return { kind: 'event', event: 'reject', reason: SANDBOX_TEXT.rejection };
      return { kind: 'event', event: 'accept' };
    case 'EN_QUALIFICATION':
      return scenario === 'ANNULATION' ? null : { kind: 'event', event: 'start' };
    case 'EN_COURS': {
      if (scenario === 'NOMINAL' && t.oiComments === 0) return { kind: 'comment', text: SANDBOX_TEXT.comment };
      if (scenario === 'GEL' && !t.visited.includes('GELE')) return { kind: 'event', event: 'freeze', freezeReason: 'INFORMATION_COMPLEMENTAIRE', reason: SANDBOX_TEXT.freeze };
      if (scenario === 'RENDEZ_VOUS') {
        return t.visited.includes('GELE') ? { kind: 'event', event: 'close', reason: SANDBOX_TEXT.appointmentClosure }
          : { kind: 'event', event: 'freeze', freezeReason: 'RENDEZ_VOUS', reason: SANDBOX_TEXT.appointment };
      }
      const reclose = t.visited.filter((s) => s === 'CLOS').length > 0;
      return { kind: 'event', event: 'close', reason: reclose ? SANDBOX_TEXT.reclosure : SANDBOX_TEXT.closure };
    }
    case 'CLOS':
      return { kind: 'event', event: 'notify-closure' };
    default:
      return null; // GELE, VALIDE: the operator's turn; EN_REJET, ANNULE, CLOS_TABLEAU_DE_BORD: over
  }
}

/**
 * Line-test scenarios of the sandbox (issue 17): services of the activated offer, SBX-FTTHA-TEST-<scenario>-<operator>,
 * each on a prise of the sandbox's own network whose element carries a fixed state of the simulated network, so that
 * an operator sees every outcome of a test without asking the OI:
 *   SAIN            a sound line: every test TERMINE, AUCUN_DEFAUT
 *   COUPURE_PBO     the fibre is cut at 340 m, on its PBO (reflectometry: PBO; every line of that PBO shows it)
 *   ONT_HORS_LIGNE  the customer's ONT lost its power (ONT state: CLIENT)
 *   NIVEAU_BAS      9 dB more loss at the prise (optical levels under their thresholds: PTO)
 *   SANS_REPONSE    the element does not answer: retried, then ECHEC with the reason
 */
export const SANDBOX_LINE_SCENARIOS = ['SAIN', 'COUPURE_PBO', 'ONT_HORS_LIGNE', 'NIVEAU_BAS', 'SANS_REPONSE'] as const;
export type SandboxLineScenario = (typeof SANDBOX_LINE_SCENARIOS)[number];

/** The state each scenario's element carries: on its PBO or its prise (null: none). */
export const SANDBOX_LINE_STATES: Readonly<Record<SandboxLineScenario, { readonly on: 'PBO' | 'PTO'; readonly fault: string; readonly value: number | null } | null>> = Object.freeze({
  SAIN: null,
  COUPURE_PBO: { on: 'PBO', fault: 'COUPURE', value: 340 },
  ONT_HORS_LIGNE: { on: 'PTO', fault: 'HORS_LIGNE', value: null },
  NIVEAU_BAS: { on: 'PTO', fault: 'NIVEAU_BAS', value: 9 },
  SANS_REPONSE: { on: 'PTO', fault: 'SANS_REPONSE', value: null }
});

/** The service id of a line-test scenario for an operator; null if too long for the XSD pattern. */
export function sandboxLineServiceId(scenario: SandboxLineScenario, operator: string): string | null {
  const id = `SBX-FTTHA-TEST-${scenario.replace(/_/g, '-')}-${operator}`;
  return /^[A-Z0-9][A-Z0-9-]{3,39}$/.test(id) ? id : null;
}
