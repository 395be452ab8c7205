/**
 * Planned works (TP) and incidents (DERCO) on the operator's lines, on e-SAV en ligne (issue 15, issue 21; DOMAIN.md
 * A1, A6): the same view as the info-travaux web service (getInfoTravauxFTTH) — only the events that impact the
 * operator's own services or PM prestations, with only its own references in the impacted lists. Another operator's
 * event, or one that does not touch this operator, is the same "not found" as a missing one.
 */
import { EVENT_CATEGORIES, isCategory, type NetworkEventFilter, type VisibleNetworkEvent } from '../../domain/network-event.js';
import { NETWORK_EVENT_STATES, type NetworkEventState } from '../../domain/network-event-lifecycle.js';
import { EsavError } from '../../errors/esav-error.js';
import { html, type Html } from '../html.js';
import { frenchDateTime } from '../layout.js';
import { page, type PortalPage } from '../page.js';

/** The most events one page lists; more asks for narrower filters (as the web service's MAX_EVENTS does). */
const LIST_LIMIT = 200;

export const CATEGORY_LABELS: Readonly<Record<string, string>> = { TP: 'Travaux programmés', DERCO: 'Incident réseau' };
export const EVENT_STATE_LABELS: Readonly<Record<NetworkEventState, string>> = Object.freeze({
  NOUVEAU: 'Nouveau', MAJ: 'Mis à jour', REPLANIFICATION: 'Replanifié', CLOTURE: 'Clôturé', ANNULE: 'Annulé'
});
const NATURE_LABELS: Readonly<Record<string, string>> = {
  DEPL: 'Déplacement', REFE: 'Réfection', DSCM: 'Dissimulation', EXTE: 'Extension', INGE: 'Ingénierie', CHGC: 'Changement de câble', AUTR: 'Autre'
};
const EQUIPMENT_LABELS: Readonly<Record<string, string>> = { PM: 'PM', PMT: 'PM technique', PBO: 'PBO', LIENPMPBO: 'Lien PM–PBO' };

const stateBadge = (s: NetworkEventState): Html => html`<span class="etat etat-travaux-${s.toLowerCase()}">${EVENT_STATE_LABELS[s]}</span>`;
const when = (d: Date | null): string => (d ? frenchDateTime(d) : 'non communiquée');
const isState = (s: string | undefined): s is NetworkEventState => (NETWORK_EVENT_STATES as readonly string[]).includes(s ?? '');

function list(label: string, values: readonly string[]): Html | null {
  return values.length ? html`<dt>${label}</dt><dd>${values.length > 20 ? `${values.slice(0, 20).join(', ')} et ${values.length - 20} autres` : values.join(', ')}</dd>` : null;
}

function detail(e: VisibleNetworkEvent): Html {
  return html`<dl class="fiche"><dt>Référence</dt><dd>${e.reference}</dd><dt>Type</dt><dd>${CATEGORY_LABELS[e.category] ?? e.category}</dd>
    <dt>État</dt><dd>${stateBadge(e.state)}</dd><dt>Équipement concerné</dt><dd>${EQUIPMENT_LABELS[e.equipmentKind] ?? e.equipmentKind} ${e.equipmentRef}</dd>
    <dt>PM</dt><dd>${e.pmRef}</dd>${e.nature ? html`<dt>Nature</dt><dd>${NATURE_LABELS[e.nature] ?? e.nature}</dd>` : null}
    <dt>${e.category === 'DERCO' ? "Début de l'incident" : 'Début des travaux'}</dt><dd>${when(e.start)}</dd>
    <dt>${e.category === 'DERCO' ? 'Rétablissement prévu' : 'Fin des travaux'}</dt><dd>${when(e.end)}</dd>
    <dt>Intervention de votre part requise</dt><dd>${e.interventionRequired ? 'Oui' : 'Non'}</dd><dt>Travaux curatifs</dt><dd>${e.curative ? 'Oui' : 'Non'}</dd>
    ${e.comments ? html`<dt>Commentaires</dt><dd>${e.comments}</dd>` : null}${e.oiContact ? html`<dt>Contact BFC Fibre</dt><dd>${e.oiContact}</dd>` : null}
    <dt>Déclaré le</dt><dd>${frenchDateTime(e.createdAt)}</dd><dt>Dernière modification</dt><dd>${frenchDateTime(e.modifiedAt)}</dd>
    ${list('Vos prises impactées', e.impactedPrises)}${list('Immeubles', e.buildings)}</dl>`;
}

export const networkEventPages: readonly PortalPage[] = [
  {
    method: 'GET', path: '/travaux', access: 'signed-in', function: 'info-travaux.getInfoTravauxFTTH', nav: { label: 'Travaux et incidents', order: 50 },
    async handle(r) {
      const category = isCategory(r.query.type ?? '') ? r.query.type! : '';
      const state = isState(r.query.etat) ? r.query.etat : '';
      const commune = (r.query.commune ?? '').trim().slice(0, 60);
      const filter: { -readonly [K in keyof NetworkEventFilter]: NetworkEventFilter[K] } = {};
      if (category) filter.category = category as NetworkEventFilter['category'];
      if (state) filter.state = state;
      if (commune) filter.commune = commune;
      const events = await r.deps.networkEvents(r.visitor!.caller.operator.id, filter, LIST_LIMIT + 1);
      const shown = [...events.slice(0, LIST_LIMIT)].sort((a, b) => (b.start?.getTime() ?? 0) - (a.start?.getTime() ?? 0));
      return page('Travaux et incidents sur vos lignes', html`
        <p>Les travaux programmés et incidents du réseau de BFC Fibre qui touchent vos prestations.</p>
        <form method="get" action="/travaux" class="filtres">
          <div class="champ"><label for="type">Type</label><select id="type" name="type"><option value="">Tous</option>
            ${EVENT_CATEGORIES.map((c) => html`<option value="${c}"${c === category ? html` selected` : null}>${CATEGORY_LABELS[c]}</option>`)}</select></div>
          <div class="champ"><label for="etat">État</label><select id="etat" name="etat"><option value="">Tous</option>
            ${NETWORK_EVENT_STATES.map((s) => html`<option value="${s}"${s === state ? html` selected` : null}>${EVENT_STATE_LABELS[s]}</option>`)}</select></div>
          <div class="champ"><label for="commune">Commune (code INSEE, code postal ou nom)</label><input type="text" id="commune" name="commune" value="${commune}"></div>
          <div class="champ"><button type="submit">Filtrer</button></div>
        </form>
        <p role="status">${shown.length === 0 ? 'Aucun travaux ni incident ne correspond.' : events.length > LIST_LIMIT
          ? `Les ${LIST_LIMIT} premiers : précisez les filtres pour voir les autres.` : `${shown.length} travaux ou incident${shown.length > 1 ? 's' : ''}`}</p>
        ${shown.length ? html`<div class="tableau" tabindex="0" role="region" aria-label="Tableau (défilable)"><table><caption>Travaux et incidents, les plus récents d'abord</caption>
          <thead><tr><th scope="col">Référence</th><th scope="col">Type</th><th scope="col">État</th><th scope="col">Équipement</th><th scope="col">Début</th><th scope="col">Fin</th><th scope="col">Vos prestations impactées</th></tr></thead>
          <tbody>${shown.map((e) => html`<tr><td><a href="/travaux/${e.reference}">${e.reference}</a></td><td>${CATEGORY_LABELS[e.category] ?? e.category}</td>
            <td>${stateBadge(e.state)}</td><td>${e.equipmentKind} ${e.equipmentRef}</td><td>${when(e.start)}</td><td>${when(e.end)}</td>
            <td>${e.impactedServices.length + e.pmPrestations.length}</td></tr>`)}</tbody></table></div>` : null}`);
    }
  },
  {
    method: 'GET', path: '/travaux/:reference', access: 'signed-in', function: 'info-travaux.getInfoTravauxFTTH',
    async handle(r) {
      const reference = (r.params.reference ?? '').slice(0, 64);
      const [e] = await r.deps.networkEvents(r.visitor!.caller.operator.id, { reference }, 1);
      if (!e) throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'travaux', id: reference } });
      const services = [...e.impactedServices, ...e.pmPrestations];
      return page(`${CATEGORY_LABELS[e.category] ?? e.category} ${e.reference}`, html`${detail(e)}
        ${services.length ? html`<h2>Vos prestations impactées</h2><ul>${services.slice(0, 50).map((s) => html`<li>${r.may('prestation.consultationPrestation') ? html`<a href="/prestations/${s}">${s}</a>` : s}</li>`)}</ul>
          ${services.length > 50 ? html`<p>et ${services.length - 50} autres.</p>` : null}` : null}
        <p><a href="/travaux">Tous les travaux et incidents</a></p>`);
    }
  }
];
