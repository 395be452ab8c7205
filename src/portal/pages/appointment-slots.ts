/**
 * Free slots on e-SAV en ligne (DOMAIN.md S4, A1, A6; issue 21): the search of the rendezvous web service
 * (searchFreeSlots, rechercheCreneaux), each slot offered with a button that books it (priseRendezVous) or, when the
 * person is moving an appointment, moves it there (reportRendezVous, on appointments.ts). Closed from 01:00 to 04:00
 * Paris time: the page says so, and when it reopens, with HTTP 503 and Retry-After as the web service does.
 */
import { consultAppointment, searchFreeSlots, type OfferedSlot } from '../../domain/appointment-service.js';
import { slotSearchReopensAt } from '../../domain/appointment-slots.js';
import { APPOINTMENT_KINDS, isAppointmentKind, type AppointmentKind } from '../../domain/appointments.js';
import { parisDate, parisMidnight } from '../../domain/calendar.js';
import { readIsoDate } from '../../domain/strict-dates.js';
import { isEsavError } from '../../errors/esav-error.js';
import { html, type Html } from '../html.js';
import { frenchDateTime, notice } from '../layout.js';
import { page, type PageRequest, type PageResult, type PortalPage } from '../page.js';

export const KIND_LABELS: Readonly<Record<AppointmentKind, string>> = Object.freeze({
  SAV: 'SAV', SAV_PLUS: 'SAV+ (samedis et jours fériés)', EXPERTISE: 'Expertise conjointe'
});
const DAY = 86_400_000;
/** The Paris date n days after a Paris date. */
const addDays = (isoDate: string, n: number): string => parisDate(new Date(parisMidnight(isoDate).getTime() + n * DAY + 12 * 3_600_000));
/** The search's refusals a person can act on: shown beside the form. */
const SEARCH_REFUSALS = new Set(['ESAV_SLOT_PERIOD_INVALID', 'ESAV_COMMUNE_NOT_SERVED']);

const TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });

/** S4: the nightly closure of slot search, as a page: when it reopens, 503 and Retry-After. */
export function searchClosedPage(now: Date, reopens: Date): PageResult {
  const seconds = Math.max(1, Math.ceil((reopens.getTime() - now.getTime()) / 1000));
  return page('Recherche de créneaux fermée', html`${notice(html`La recherche de créneaux libres est fermée chaque nuit de 1 h à 4 h (heure de Paris).
    Elle rouvre le <strong>${frenchDateTime(reopens)}</strong>.`, 'alerte')}
    <p>Vos rendez-vous restent consultables : <a href="/rendez-vous">vos rendez-vous</a>.</p>`, 503, { 'retry-after': String(seconds) });
}

function slotTable(r: PageRequest, slots: readonly OfferedSlot[], q: { kind: AppointmentKind; commune: string; ticket: string; move: string | null }): Html {
  if (slots.length === 0) return html`<p role="status">Aucun créneau libre sur cette période.</p>`;
  const action = q.move ? `/rendez-vous/${q.move}/report` : '/rendez-vous';
  const canAct = q.move ? r.may('rendezvous.reportRendezVous') : r.may('rendezvous.priseRendezVous');
  return html`<p role="status">${slots.length} créneau${slots.length > 1 ? 'x' : ''} libre${slots.length > 1 ? 's' : ''}.</p>
    <div class="tableau" tabindex="0" role="region" aria-label="Tableau (défilable)"><table><caption>Créneaux libres ${KIND_LABELS[q.kind]}, commune ${q.commune}</caption>
    <thead><tr><th scope="col">Début</th><th scope="col">Fin</th><th scope="col">Places libres</th>${canAct ? html`<th scope="col">Action</th>` : null}</tr></thead>
    <tbody>${slots.map((s) => html`<tr><td>${frenchDateTime(s.start)}</td><td>${TIME.format(s.end)}</td><td>${s.free}</td>${canAct ? html`<td>
      <form method="post" action="${action}"><input type="hidden" name="_csrf" value="${r.csrf()}"><input type="hidden" name="idCreneau" value="${s.token}">
        <input type="hidden" name="codeInsee" value="${q.commune}"><input type="hidden" name="typeRendezVous" value="${q.kind}">
        ${q.ticket ? html`<input type="hidden" name="referenceSignalisation" value="${q.ticket}">` : null}
        <button type="submit">${q.move ? 'Reporter à ce créneau' : 'Réserver'}<span class="visuellement-cache"> le créneau du ${frenchDateTime(s.start)}</span></button></form></td>` : null}</tr>`)}</tbody></table></div>`;
}

const dateOr = (v: string | undefined, dflt: string): { value: string; problem: string | null } => {
  if (!v) return { value: dflt, problem: null };
  const d = readIsoDate(v);
  return d.problem ? { value: v, problem: d.problem } : { value: d.value!, problem: null };
};

export const slotSearchPage: PortalPage = {
  method: 'GET', path: '/rendez-vous/creneaux', access: 'signed-in', function: 'rendezvous.rechercheCreneaux',
  // L1: a search is counted when it has a commune (or an appointment to move); the empty form is not a search.
  counted: (r) => (r.query.commune ?? '').trim() !== '' || (r.query.report ?? '').trim() !== '',
  async handle(r) {
    const reopens = slotSearchReopensAt(r.now);
    if (reopens) return searchClosedPage(r.now, reopens);
    const moveRef = (r.query.report ?? '').trim();
    const moving = moveRef ? (await consultAppointment(r.deps.appointments, r.visitor!.caller, moveRef)).appointment : null;
    const kind: AppointmentKind = moving?.kind ?? (isAppointmentKind(r.query.type) ? r.query.type : 'SAV');
    const commune = moving?.inseeCode ?? (r.query.commune ?? '').trim().toUpperCase().slice(0, 5);
    const ticket = (r.query.signalisation ?? '').trim().slice(0, 40);
    const today = parisDate(r.now);
    const from = dateOr(r.query.du, addDays(today, 1));
    const to = dateOr(r.query.au, addDays(from.problem ? today : from.value, 6));
    const problems = [from.problem && `Du : ${from.problem}`, to.problem && `Au : ${to.problem}`].filter((p): p is string => !!p);
    let results: Html | null = null;
    let status: number | undefined;
    if (commune !== '' && problems.length === 0) {
      try {
        const slots = await searchFreeSlots(r.deps.appointments, r.visitor!.caller, {
          kind, inseeCode: commune, from: parisMidnight(from.value), to: new Date(parisMidnight(to.value).getTime() + DAY)
        }, r.now);
        results = html`<h2>Créneaux libres</h2>${slotTable(r, slots, { kind, commune, ticket, move: moving?.reference ?? null })}`;
      } catch (e) {
        if (!isEsavError(e) || !SEARCH_REFUSALS.has(e.code)) throw e;
        problems.push(e.message);
        status = 422;
      }
    } else if (problems.length) status = 422;
    return page(moving ? `Reporter le rendez-vous ${moving.reference}` : 'Rechercher un créneau', html`
      ${problems.length ? notice(problems.join(' ; '), 'alerte') : null}
      ${moving ? html`<p>Rendez-vous actuel : ${frenchDateTime(moving.slotStart)} (${KIND_LABELS[moving.kind]}, commune ${moving.inseeCode}). Choisissez le nouveau créneau.</p>` : null}
      <form method="get" action="/rendez-vous/creneaux" class="filtres">
        ${moving ? html`<input type="hidden" name="report" value="${moving.reference}">` : html`
        <div class="champ"><label for="type">Type de rendez-vous</label><select id="type" name="type">${APPOINTMENT_KINDS.map((k) => html`<option value="${k}"${k === kind ? html` selected` : null}>${KIND_LABELS[k]}</option>`)}</select></div>
        <div class="champ"><label for="commune">Code INSEE de la commune</label><input type="text" id="commune" name="commune" value="${commune}" inputmode="numeric" maxlength="5" required></div>
        <div class="champ"><label for="signalisation">Signalisation concernée (facultatif)</label><input type="text" id="signalisation" name="signalisation" value="${ticket}"></div>`}
        <div class="champ"><label for="du">Du</label><input type="date" id="du" name="du" value="${from.value}"></div>
        <div class="champ"><label for="au">Au</label><input type="date" id="au" name="au" value="${to.value}"></div>
        <div class="champ"><button type="submit">Rechercher</button></div>
      </form>
      <p>Les créneaux sont proposés jusqu'à 90 jours à l'avance, sur 31 jours au plus par recherche ; un créneau proposé reste réservable 30 minutes.</p>
      ${results}`, status);
  }
};
