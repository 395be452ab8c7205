/**
 * Appointments on e-SAV en ligne (DOMAIN.md S4, S2, A1, A6; issue 21): the operator's appointments, one with its
 * history and its cut-offs, and the person's actions — book an offered slot, confirm, move to another slot, cancel —
 * each through the use case the rendezvous web service calls (src/domain/appointment-service.ts). Another
 * operator's appointment is the same "not found" as a missing one. The slot search is on appointment-slots.ts.
 */
import {
  bookSlot, cancelAppointment, confirmAppointment, consultAppointment, listOwnAppointments, moveAppointment
} from '../../domain/appointment-service.js';
import type { AppointmentRecord } from '../../domain/appointment-records.js';
import { APPOINTMENT_CUTOFF_HOURS, APPOINTMENT_STATES, isAppointmentKind, isAppointmentState, type AppointmentState } from '../../domain/appointments.js';
import { freeTextProblem } from '../../domain/free-text.js';
import { isEsavError } from '../../errors/esav-error.js';
import { html, type Html } from '../html.js';
import { frenchDateTime, notice } from '../layout.js';
import { page, redirect, type PageRequest, type PageResult, type PortalPage } from '../page.js';
import { KIND_LABELS, slotSearchPage } from './appointment-slots.js';

export const APPOINTMENT_STATE_LABELS: Readonly<Record<AppointmentState, string>> = Object.freeze({
  CREE: 'Réservé', CONFIRME: 'Confirmé', EN_COURS: 'Intervention en cours', TERMINE: 'Terminé', MANQUE_OI: 'Manqué par BFC Fibre',
  ECHEC_CLIENT: 'Échec (client absent)', ANNULE: 'Annulé'
});
const EVENT_LABELS: Readonly<Record<string, string>> = {
  book: 'Réservation', confirm: 'Confirmation', start: "Début de l'intervention", complete: "Fin de l'intervention", fail: 'Échec (client absent)',
  miss: 'Manqué par BFC Fibre', cancel: 'Annulation', move: 'Report', rebook: 'Nouveau rendez-vous'
};
const MESSAGES: Readonly<Record<string, string>> = {
  pris: 'Rendez-vous réservé : confirmez-le pour le garantir.', confirme: 'Rendez-vous confirmé.', reporte: 'Rendez-vous reporté au nouveau créneau.',
  annule: 'Rendez-vous annulé.'
};
/** The refusals of an action a person can read and act on, shown on the appointment's page. */
const ACTION_REFUSALS = new Set(['ESAV_APPOINTMENT_TRANSITION', 'ESAV_APPOINTMENT_CUTOFF', 'ESAV_SLOT_FULL', 'ESAV_SLOT_STALE', 'ESAV_SLOT_UNKNOWN']);
const HOUR = 3_600_000;
const LIST_LIMIT = 200;
const LIVE: ReadonlySet<AppointmentState> = new Set(['CREE', 'CONFIRME']);

const stateBadge = (s: AppointmentState): Html => html`<span class="etat etat-rdv-${s.toLowerCase()}">${APPOINTMENT_STATE_LABELS[s]}</span>`;

async function detailPage(r: PageRequest, reference: string, problem: string | null): Promise<PageResult> {
  const { appointment: a, history } = await consultAppointment(r.deps.appointments, r.visitor!.caller, reference);
  const cutoff = APPOINTMENT_CUTOFF_HOURS[a.kind];
  const before = (hours: number): Date => new Date(a.slotStart.getTime() - hours * HOUR);
  const csrf = html`<input type="hidden" name="_csrf" value="${r.csrf()}">`;
  const actions: Html[] = [];
  if (a.state === 'CREE' && r.may('rendezvous.confirmationRendezVous')) {
    actions.push(html`<form method="post" action="/rendez-vous/${a.reference}/confirmation">${csrf}<h3>Confirmer</h3>
      <p>Le client sera présent au créneau réservé.</p><button type="submit">Confirmer le rendez-vous</button></form>`);
  }
  if (LIVE.has(a.state) && r.may('rendezvous.reportRendezVous') && r.may('rendezvous.rechercheCreneaux')) {
    actions.push(html`<div class="action"><h3>Reporter</h3><p>Possible jusqu'au ${frenchDateTime(before(cutoff.move))}.</p>
      <p><a class="bouton" href="/rendez-vous/creneaux?report=${a.reference}">Choisir un autre créneau</a></p></div>`);
  }
  if (LIVE.has(a.state) && r.may('rendezvous.annulationRendezVous')) {
    actions.push(html`<form method="post" action="/rendez-vous/${a.reference}/annulation">${csrf}<h3>Annuler</h3>
      <p>Possible jusqu'au ${frenchDateTime(before(cutoff.cancel))}.</p>
      <div class="champ"><label for="motif">Motif (facultatif)</label><textarea id="motif" name="motif" maxlength="500"></textarea></div>
      <button type="submit" class="secondaire">Annuler le rendez-vous</button></form>`);
  }
  return page(`Rendez-vous ${a.reference}`, html`
    ${r.query.message && MESSAGES[r.query.message] ? notice(MESSAGES[r.query.message]!, 'succes') : null}
    ${problem ? notice(problem, 'alerte') : null}
    <dl class="fiche"><dt>Référence</dt><dd>${a.reference}</dd><dt>Type</dt><dd>${KIND_LABELS[a.kind]}</dd><dt>État</dt><dd>${stateBadge(a.state)}</dd>
      <dt>Créneau</dt><dd>du ${frenchDateTime(a.slotStart)} au ${frenchDateTime(a.slotEnd)}</dd><dt>Commune (code INSEE)</dt><dd>${a.inseeCode}</dd>
      ${a.ticketReference ? html`<dt>Signalisation</dt><dd>${r.may('signalisation.consultationDetail') ? html`<a href="/signalisations/${a.ticketReference}">${a.ticketReference}</a>` : a.ticketReference}</dd>` : null}
      <dt>Réservé le</dt><dd>${frenchDateTime(a.createdAt)}</dd>${a.outcomeNote ? html`<dt>Compte rendu</dt><dd>${a.outcomeNote}</dd>` : null}</dl>
    ${actions.length ? html`<h2>Actions</h2><div class="actions">${actions}</div>` : null}
    <h2>Historique</h2><ol class="historique">${history.map((h) => html`<li>${frenchDateTime(h.at)} — <strong>${EVENT_LABELS[h.event] ?? h.event}</strong>
      (${h.actorKind === 'operator' ? 'Vous' : 'BFC Fibre'})${h.toSlotStart && h.event !== 'book' ? ` : créneau du ${frenchDateTime(h.toSlotStart)}` : ''}${h.reason ? ` — ${h.reason}` : ''}</li>`)}</ol>
    <p><a href="/rendez-vous">Tous vos rendez-vous</a></p>`, problem ? 409 : 200);
}

function listTable(rows: readonly AppointmentRecord[]): Html {
  return html`<div class="tableau" tabindex="0" role="region" aria-label="Tableau (défilable)"><table><caption>Rendez-vous, par date du créneau</caption>
    <thead><tr><th scope="col">Référence</th><th scope="col">Type</th><th scope="col">Créneau</th><th scope="col">Commune</th><th scope="col">État</th><th scope="col">Signalisation</th></tr></thead>
    <tbody>${rows.map((a) => html`<tr><td><a href="/rendez-vous/${a.reference}">${a.reference}</a></td><td>${KIND_LABELS[a.kind]}</td>
      <td>${frenchDateTime(a.slotStart)}</td><td>${a.inseeCode}</td><td>${stateBadge(a.state)}</td><td>${a.ticketReference ?? ''}</td></tr>`)}</tbody></table></div>`;
}

/** An action on an appointment: its use case, then its page with a message, or its page with the refusal. */
function action(path: string, fn: PortalPage['function'], message: string, run: (r: PageRequest, reference: string) => Promise<unknown>): PortalPage {
  return {
    method: 'POST', path, access: 'signed-in', function: fn,
    async handle(r) {
      const reference = r.params.reference ?? '';
      const reason = (r.form.motif ?? '').trim();
      const problem = reason === '' ? null : freeTextProblem('motif', reason, 500);
      if (problem) return detailPage(r, reference, `Motif : ${problem.rule === 'longueur-max' ? 'au plus 500 caractères' : `caractère interdit ${problem.character ?? ''}`}`);
      try {
        await run(r, reference);
      } catch (e) {
        if (isEsavError(e) && ACTION_REFUSALS.has(e.code)) return detailPage(r, reference, e.message);
        throw e;
      }
      await r.deps.directory.audit(r.visitor!.person, `rendez-vous-${message}`, { reference }, r.now);
      return redirect(`/rendez-vous/${reference}?message=${message}`);
    }
  };
}

export const appointmentPages: readonly PortalPage[] = [
  {
    method: 'GET', path: '/rendez-vous', access: 'signed-in', function: 'rendezvous.consultationRendezVous', nav: { label: 'Rendez-vous', order: 40 },
    async handle(r) {
      const state = isAppointmentState(r.query.etat) ? r.query.etat : null;
      const rows = await listOwnAppointments(r.deps.appointments, r.visitor!.caller, { state }, LIST_LIMIT + 1);
      return page('Vos rendez-vous', html`
        ${r.may('rendezvous.rechercheCreneaux') && r.may('rendezvous.priseRendezVous') ? html`<p><a class="bouton" href="/rendez-vous/creneaux">Prendre un rendez-vous</a></p>` : null}
        <form method="get" action="/rendez-vous" class="filtres"><div class="champ"><label for="etat">État</label><select id="etat" name="etat">
          <option value="">Tous</option>${APPOINTMENT_STATES.map((s) => html`<option value="${s}"${s === state ? html` selected` : null}>${APPOINTMENT_STATE_LABELS[s]}</option>`)}</select></div>
          <div class="champ"><button type="submit">Filtrer</button></div></form>
        <p role="status">${rows.length === 0 ? 'Aucun rendez-vous.' : rows.length > LIST_LIMIT ? `Les ${LIST_LIMIT} premiers rendez-vous : filtrez par état pour voir les autres.` : `${rows.length} rendez-vous`}</p>
        ${rows.length ? listTable(rows.slice(0, LIST_LIMIT)) : null}`);
    }
  },
  slotSearchPage,
  {
    method: 'POST', path: '/rendez-vous', access: 'signed-in', function: 'rendezvous.priseRendezVous',
    async handle(r) {
      const kind = r.form.typeRendezVous;
      const ticket = (r.form.referenceSignalisation ?? '').trim();
      let a: AppointmentRecord;
      try {
        a = await bookSlot(r.deps.appointments, r.visitor!.caller, {
          token: r.form.idCreneau ?? '', inseeCode: (r.form.codeInsee ?? '').trim(), marketSegment: null,
          kind: isAppointmentKind(kind) ? kind : null, ticketReference: ticket === '' ? null : ticket
        }, r.now);
      } catch (e) {
        if (isEsavError(e) && ACTION_REFUSALS.has(e.code)) {
          return page('Réservation impossible', html`${notice(e.message, 'alerte')}<p><a href="/rendez-vous/creneaux">Rechercher d'autres créneaux</a></p>`, 409);
        }
        throw e;
      }
      await r.deps.directory.audit(r.visitor!.person, 'rendez-vous-pris', { reference: a.reference }, r.now);
      return redirect(`/rendez-vous/${a.reference}?message=pris`);
    }
  },
  {
    method: 'GET', path: '/rendez-vous/:reference', access: 'signed-in', function: 'rendezvous.consultationRendezVous',
    handle: (r) => detailPage(r, r.params.reference ?? '', null)
  },
  action('/rendez-vous/:reference/confirmation', 'rendezvous.confirmationRendezVous', 'confirme',
    (r, reference) => confirmAppointment(r.deps.appointments, r.visitor!.caller, reference, r.now)),
  action('/rendez-vous/:reference/report', 'rendezvous.reportRendezVous', 'reporte',
    (r, reference) => moveAppointment(r.deps.appointments, r.visitor!.caller, reference, r.form.idCreneau ?? '', null, r.now)),
  action('/rendez-vous/:reference/annulation', 'rendezvous.annulationRendezVous', 'annule', (r, reference) => {
    const reason = (r.form.motif ?? '').trim();
    return cancelAppointment(r.deps.appointments, r.visitor!.caller, reference, reason === '' ? null : reason, r.now);
  })
];
