/**
 * Home, the operator's services (search by Identifiant de Prestation, address or PM) and one service with its ends
 * and guarantees (S3, A6: only the operator's own; another's is the same "not found" as a missing one).
 */
import { readService } from '../../domain/service-inventory.js';
import type { RentedService, ServiceEnd } from '../../domain/service-inventory.js';
import { allowsOffer } from '../../domain/profile.js';
import { html } from '../html.js';
import { frenchDate, frenchDateTime, notice, paging, positiveInt } from '../layout.js';
import { page, type PortalPage } from '../page.js';

const PAGE_SIZE = 20;

function end(label: string, e: ServiceEnd): ReturnType<typeof html> {
  const a = e.address;
  return html`<h3>${label}</h3><dl class="fiche"><dt>Site</dt><dd>${e.label}</dd>
    <dt>Adresse</dt><dd>${[a.streetNumber, a.street].filter(Boolean).join(' ')}${a.complement ? `, ${a.complement}` : ''}, ${a.postcode} ${a.city}</dd>
    ${e.pmRef ? html`<dt>PM</dt><dd>${e.pmRef}</dd>` : null}${e.pboRef ? html`<dt>PBO</dt><dd>${e.pboRef}</dd>` : null}
    ${e.ptoRef ? html`<dt>PTO</dt><dd>${e.ptoRef}</dd>` : null}</dl>`;
}

const SERVICE_STATES: Readonly<Record<string, string>> = { active: 'Active', terminated: 'Résiliée', archived: 'Archivée' };

export function serviceSheet(s: RentedService): ReturnType<typeof html> {
  return html`<dl class="fiche"><dt>Identifiant de prestation</dt><dd>${s.serviceId}</dd><dt>Offre</dt><dd>${s.offer.label} (${s.offer.code})</dd>
    <dt>État</dt><dd>${SERVICE_STATES[s.state] ?? s.state}</dd><dt>Mise en service</dt><dd>${frenchDate(s.activatedOn)}</dd>
    ${s.complementaryInfo ? html`<dt>Informations complémentaires</dt><dd>${s.complementaryInfo}</dd>` : null}</dl>`;
}

export const servicePages: readonly PortalPage[] = [
  {
    method: 'GET', path: '/', access: 'signed-in', nav: { label: 'Accueil', order: 0 },
    async handle(r) {
      const coming = r.deps.maintenance.coming(r.now, 7).slice(0, 3);
      const links = [
        r.may('prestation.consultationPrestation') ? html`<li><a href="/prestations">Rechercher une prestation</a> et y déposer une signalisation</li>` : null,
        r.may('signalisation.rechercheSignalisations') ? html`<li><a href="/signalisations">Suivre vos signalisations</a></li>` : null,
        r.may('signalisation.rechercheSignalisations') ? html`<li><a href="/signalisations?etat=GELE">Signalisations gelées</a>, qui attendent une action de votre part</li>` : null,
        r.may('test.listeTests') ? html`<li><a href="/tests">Tester une ligne</a> et suivre le résultat</li>` : null,
        r.may('rendezvous.consultationRendezVous') ? html`<li><a href="/rendez-vous">Vos rendez-vous</a>${r.may('rendezvous.rechercheCreneaux') ? html` et les <a href="/rendez-vous/creneaux">créneaux libres</a>` : null}</li>` : null,
        r.may('info-travaux.getInfoTravauxFTTH') ? html`<li><a href="/travaux">Travaux programmés et incidents</a> sur vos lignes</li>` : null
      ];
      return page(`Bonjour ${r.visitor!.person.fullName}`, html`<p>Opérateur : <strong>${r.visitor!.person.operator.name}</strong></p>
        <ul>${links}</ul>
        ${coming.length ? html`<h2>Prochaines interruptions du service</h2><ul>${coming.map((w) => html`<li>${frenchDateTime(w.start)} – ${frenchDateTime(w.end)} : ${w.reason}</li>`)}</ul>` : null}`);
    }
  },
  {
    method: 'GET', path: '/prestations', access: 'signed-in', function: 'prestation.consultationPrestation', nav: { label: 'Prestations', order: 10 },
    async handle(r) {
      const text = (r.query.q ?? '').trim().slice(0, 100);
      const pageNo = positiveInt(r.query.page, 1, 10_000);
      const offers = r.visitor!.caller.profile.offers.includes('*') ? null : r.visitor!.caller.profile.offers;
      const { rows, total } = await r.deps.directory.searchServices(r.visitor!.caller.operator.id, text === '' ? null : text, offers, { page: pageNo, size: PAGE_SIZE });
      return page('Vos prestations', html`
        <form method="get" action="/prestations" class="filtres" role="search">
          <div class="champ"><label for="q">Identifiant de prestation, adresse ou PM</label><input type="text" id="q" name="q" value="${text}"></div>
          <div class="champ"><button type="submit">Rechercher</button></div>
        </form>
        <p role="status">${total === 0 ? 'Aucune prestation ne correspond.' : `${total} prestation${total > 1 ? 's' : ''}`}</p>
        ${rows.length ? html`<div class="tableau"><table><caption>Prestations${text ? ` correspondant à « ${text} »` : ''}</caption>
          <thead><tr><th scope="col">Identifiant de prestation</th><th scope="col">Offre</th><th scope="col">Adresse</th><th scope="col">État</th></tr></thead>
          <tbody>${rows.map((s) => html`<tr><td><a href="/prestations/${s.serviceId}">${s.serviceId}</a></td><td>${s.offerCode}</td><td>${s.address ?? ''}</td>
            <td>${SERVICE_STATES[s.state] ?? s.state}</td></tr>`)}</tbody></table></div>` : null}
        ${paging('/prestations', r.query, pageNo, PAGE_SIZE, total)}`);
    }
  },
  {
    method: 'GET', path: '/prestations/:serviceId', access: 'signed-in', function: 'prestation.consultationPrestation',
    async handle(r) {
      const s = await readService(r.deps.services, r.visitor!.caller, r.params.serviceId ?? '');
      const canFile = r.may('signalisation.depotSignalisation') && allowsOffer(r.visitor!.caller.profile, s.offer.code) && s.state === 'active';
      const online = await r.deps.onlineFilingAllowed(s.offer.code);
      return page(`Prestation ${s.serviceId}`, html`${serviceSheet(s)}
        <h2>Garanties de service</h2>
        ${s.guarantees.length ? html`<ul>${s.guarantees.map((g) => html`<li>${g.label}${g.restorationHours !== null ? ` : rétablissement en ${g.restorationHours} h` : ''}${g.hours ? ` (${g.hours === 'HO' ? 'heures ouvrées' : 'heures non ouvrées comprises'})` : ''}</li>`)}</ul>`
          : html`<p>Aucune garantie de temps de rétablissement sur cette prestation.</p>`}
        <h2>Extrémités</h2>${end('Extrémité A (réseau)', s.endA)}${end('Extrémité Z (client)', s.endZ)}
        ${r.may('test.listeTests') && s.state === 'active' ? html`<h2>Tests de ligne</h2><p><a href="/prestations/${s.serviceId}/tests">Lancer un test ou voir les tests de cette prestation</a></p>` : null}
        <h2>Signalisations</h2>
        ${r.may('signalisation.rechercheSignalisations') ? html`<p><a href="/signalisations?prestation=${s.serviceId}">Les signalisations de cette prestation</a></p>` : null}
        ${canFile && online ? html`<p><a class="bouton" href="/prestations/${s.serviceId}/signalisation">Déposer une signalisation</a></p>` : null}
        ${canFile && !online ? notice(html`Les signalisations sur l'offre ${s.offer.code} se déposent uniquement par les web services (e-SAV intégré), pas sur e-SAV en ligne.`) : null}`);
    }
  }
];
