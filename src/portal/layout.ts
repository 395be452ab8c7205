/**
 * The frame of every page (French, RGAA: language, skip link, landmarks, one h1, visible focus) and the small
 * pieces pages share: dates in Paris time, state names, field errors beside their field, paging.
 */
import type { FieldError } from '../errors/esav-error.js';
import type { TicketState } from '../domain/ticket-lifecycle.js';
import { html, raw, type Html, type HtmlValue } from './html.js';
import type { PortalPage, Visitor } from './page.js';

const DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
const DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });

export const frenchDateTime = (d: Date): string => DATE_TIME.format(d);
export const frenchDate = (isoDate: string): string => DATE.format(new Date(`${isoDate}T12:00:00Z`));

export const STATE_LABELS: Readonly<Record<TicketState, string>> = Object.freeze({
  EN_DEPOT: 'En dépôt', EN_QUALIFICATION: 'En qualification', EN_REJET: 'En rejet', EN_COURS: 'En cours', GELE: 'Gelé',
  CLOS: 'Clos', VALIDE: 'Validé', CLOS_TABLEAU_DE_BORD: 'Clos tableau de bord', ANNULE: 'Annulé'
});

export function stateBadge(state: TicketState): Html {
  return html`<span class="etat etat-${state.toLowerCase()}">${STATE_LABELS[state]}</span>`;
}

export interface Frame {
  readonly title: string;
  readonly body: Html;
  readonly visitor: Visitor | null;
  readonly csrf: () => string;
  readonly nav: readonly PortalPage[];
  readonly currentPath: string;
}

function navigation(f: Frame): Html | null {
  if (!f.visitor) return null;
  const links = f.nav.map((p) => {
    const current = f.currentPath === p.path || (p.path !== '/' && f.currentPath.startsWith(`${p.path}/`));
    return html`<li><a href="${p.path}"${current ? raw(' aria-current="page"') : ''}>${p.nav!.label}</a></li>`;
  });
  return html`<nav aria-label="Menu principal"><ul>${links}</ul></nav>`;
}

export function frame(f: Frame): string {
  const who = f.visitor
    ? html`<div class="compte"><span>${f.visitor.person.fullName} — ${f.visitor.person.operator.name}</span>
        <form method="post" action="/deconnexion"><input type="hidden" name="_csrf" value="${f.csrf()}"><button type="submit" class="lien">Se déconnecter</button></form></div>`
    : null;
  return `<!DOCTYPE html>${html`<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${f.title} — e-SAV en ligne</title><link rel="stylesheet" href="/static/portail.css"></head>
<body><a class="evitement" href="#contenu">Aller au contenu</a>
<header class="bandeau"><p class="marque"><a href="/">e-SAV en ligne</a> <span>BFC Fibre</span></p>${who}${navigation(f)}</header>
<main id="contenu" tabindex="-1"><h1>${f.title}</h1>${f.body}</main>
<footer><p>e-SAV en ligne, le service après-vente de BFC Fibre pour ses opérateurs. Les signalisations FTTH se déposent par les web services (e-SAV intégré).</p></footer>
</body></html>`.text}`;
}

/** The errors of a form, listed first (each a link to its field) as RGAA asks, then shown beside each field. */
export function errorSummary(errors: readonly FieldError[], labelOf: (field: string) => string, idOf: (field: string) => string): Html | null {
  if (errors.length === 0) return null;
  return html`<div class="erreurs" role="alert" tabindex="-1" id="erreurs"><h2>${errors.length === 1 ? 'Une erreur empêche' : `${errors.length} erreurs empêchent`} l'envoi</h2><ul>${
    errors.map((e) => html`<li><a href="#${idOf(e.field)}">${labelOf(e.field)}</a> : ${e.message}</li>`)}</ul></div>`;
}

export function notice(text: HtmlValue, kind: 'info' | 'succes' | 'alerte' = 'info'): Html {
  return html`<div class="message message-${kind}" role="${kind === 'alerte' ? 'alert' : 'status'}">${text}</div>`;
}

/** Previous / next links keeping the other query parameters. */
export function paging(path: string, query: Readonly<Record<string, string | string[]>>, page: number, size: number, total: number): Html | null {
  const pages = Math.max(1, Math.ceil(total / size));
  if (pages <= 1) return null;
  const link = (n: number): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) if (k !== 'page' && one !== '') q.append(k, one);
    q.set('page', String(n));
    return `${path}?${q.toString()}`;
  };
  return html`<nav class="pagination" aria-label="Pagination"><p>Page ${page} sur ${pages}</p><ul>
    ${page > 1 ? html`<li><a href="${link(page - 1)}" rel="prev">Page précédente</a></li>` : null}
    ${page < pages ? html`<li><a href="${link(page + 1)}" rel="next">Page suivante</a></li>` : null}</ul></nav>`;
}

/** A whole positive integer from a query value, or the default. */
export function positiveInt(v: string | undefined, dflt: number, max: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : dflt;
}
