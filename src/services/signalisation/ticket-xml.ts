/**
 * The XML of tickets, written once for every version of the signalisation service; the differences between
 * versions (structured ends, the TMF621 state) are options.
 */
import { FREEZE_REASONS, TMF621_STATE, type TicketState } from '../../domain/ticket-lifecycle.js';
import type { CommentRecord, TicketRecord, TicketStateView, TicketSummary, TransitionRecord } from '../../domain/tickets.js';
import type { RentedService, ServiceEnd } from '../../domain/service-inventory.js';
import { restorationDeadline } from '../../domain/restoration.js';
import { closureAnswerDeadline } from '../../domain/ticket-service.js';
import { element, optionalElement } from '../../xml/escape.js';
import { iso } from './wire.js';

export interface TicketXmlOptions {
  readonly structuredEnds: boolean;
  readonly tmf621: boolean;
  /** A state as this version's EtatType writes it (v1 has no ANNULE: every answer validates against its own schema). */
  readonly wireState: (s: TicketState) => string;
}

/** Every state as it is (v2). */
export const SAME_STATE = (s: TicketState): string => s;

/**
 * v1 knows no cancellation (v2 added it): a ticket cancelled through v2 is shown to v1 as CLOS_TABLEAU_DE_BORD, the
 * terminal state of v1 that says "nothing more will happen to it". A v1 search for CLOS_TABLEAU_DE_BORD finds it too.
 */
export const V1_STATE = (s: TicketState): string => (s === 'ANNULE' ? 'CLOS_TABLEAU_DE_BORD' : s);

const ACTOR = { oi: 'OI', operator: 'OPERATEUR', system: 'SYSTEME' } as const;

export function freezeXml(t: TicketStateView): string {
  if (t.state !== 'GELE' || !t.freezeReason) return '';
  const r = FREEZE_REASONS[t.freezeReason];
  return `<gel>${element('motif', t.freezeReason)}${element('attendu', r.label)}${optionalElement('precision', t.freezeDetail)}${element('leveParReponseOperateur', String(r.operatorAnswerUnfreezes))}</gel>`;
}

export function stateXml(t: TicketStateView, o: TicketXmlOptions): string {
  const deadline = closureAnswerDeadline(t);
  return `${element('referenceSignalisation', t.reference)}${element('etat', o.wireState(t.state))}${o.tmf621 ? element('etatTMF621', TMF621_STATE[t.state]) : ''}${element('dateEtat', iso(t.stateChangedAt))}${freezeXml(t)}${optionalElement('finDelaiReponseCloture', deadline ? iso(deadline) : null)}`;
}

function endText(e: ServiceEnd): string {
  return [e.label, [e.address.streetNumber, e.address.street].filter(Boolean).join(' '), `${e.address.postcode} ${e.address.city}`,
    e.pmRef ? `PM ${e.pmRef}` : '', e.pboRef ? `PBO ${e.pboRef}` : '', e.ptoRef ? `PTO ${e.ptoRef}` : ''].filter(Boolean).join(', ');
}

function endXml(name: string, e: ServiceEnd, structured: boolean): string {
  if (!structured) return element(name, endText(e));
  return `<${name}>${element('libelle', e.label)}${element('adresse', [e.address.streetNumber, e.address.street].filter(Boolean).join(' '))}${element('codePostal', e.address.postcode)}${element('commune', e.address.city)}${optionalElement('referencePM', e.pmRef)}${optionalElement('referencePBO', e.pboRef)}${optionalElement('referencePTO', e.ptoRef)}</${name}>`;
}

export function detailXml(t: TicketRecord, s: RentedService, history: { transitions: TransitionRecord[]; comments: CommentRecord[] }, o: TicketXmlOptions): string {
  const prestation = `<prestation>${element('identifiantPrestation', s.serviceId)}${element('offre', s.offer.code)}${endXml('extremiteA', s.endA, o.structuredEnds)}${endXml('extremiteZ', s.endZ, o.structuredEnds)}${optionalElement('informationsComplementaires', s.complementaryInfo)}</prestation>`;
  const fault = `<defautDeclare>${element('formulaire', t.formId)}${element('versionFormulaire', t.formVersion)}${t.formFields.map((f) => `<champ>${element('chemin', f.path)}${element('libelle', f.label)}${element('valeur', f.value)}</champ>`).join('')}</defautDeclare>`;
  const guarantees = s.guarantees.map((g) => {
    const due = g.restorationHours !== null && g.hours !== null ? iso(restorationDeadline(t.acceptedAt, g.restorationHours, g.hours)) : null;
    return `<garantie>${element('type', g.kind)}${element('libelle', g.label)}${optionalElement('delaiRetablissementHeures', g.restorationHours)}${optionalElement('plageHoraire', g.hours)}${optionalElement('echeanceRetablissement', due)}</garantie>`;
  }).join('');
  const comments = history.comments.map((c) => `<commentaire>${element('date', iso(c.at))}${element('auteur', c.authorKind === 'oi' ? 'OI' : 'OPERATEUR')}${element('texte', c.text)}</commentaire>`).join('');
  const transitions = history.transitions.map((h) => `<transition>${optionalElement('de', h.from === null ? null : o.wireState(h.from))}${element('vers', o.wireState(h.to))}${element('date', iso(h.at))}${element('acteur', ACTOR[h.actorKind])}${optionalElement('motif', h.reason)}</transition>`).join('');
  const deadline = closureAnswerDeadline(t);
  return `<signalisation>${element('referenceSignalisation', t.reference)}${element('referenceOperateur', t.operatorReference)}${element('dateAcceptation', iso(t.acceptedAt))}${element('etat', o.wireState(t.state))}${o.tmf621 ? element('etatTMF621', TMF621_STATE[t.state]) : ''}${element('dateEtat', iso(t.stateChangedAt))}${freezeXml(t)}${optionalElement('finDelaiReponseCloture', deadline ? iso(deadline) : null)}${prestation}${fault}${guarantees}${comments}${transitions}</signalisation>`;
}

export function summaryXml(t: TicketSummary, o: TicketXmlOptions): string {
  return `<signalisation>${element('referenceSignalisation', t.reference)}${element('referenceOperateur', t.operatorReference)}${element('identifiantPrestation', t.serviceId)}${element('etat', o.wireState(t.state))}${element('dateAcceptation', iso(t.acceptedAt))}${element('dateEtat', iso(t.stateChangedAt))}</signalisation>`;
}
