/**
 * Filing a ticket from the offer's form of the catalogue (S1), through the same domain operation as the web
 * services (ticket-service.ts fileTicket: same admissibility, same store statement, same idempotency on the
 * operator's reference). Every error is shown beside its field with the catalogue's French label. FTTH tickets are
 * filed through the web services only (S6): the portal says so instead of showing a form.
 */
import type { Catalog, FieldDefinition, FormVersion } from '../../catalog/catalog-types.js';
import { randomBytes } from 'node:crypto';
import { readService, type RentedService } from '../../domain/service-inventory.js';
import { fileTicket } from '../../domain/ticket-service.js';
import type { FieldError } from '../../errors/esav-error.js';
import { checkFiling, liveFormFor, type FormValues } from '../filing-form.js';
import { html, type Html } from '../html.js';
import { errorSummary, notice } from '../layout.js';
import { page, redirect, type PageRequest, type PageResult, type PortalPage } from '../page.js';
import { serviceSheet } from './services.js';

const REFERENCE = /^[A-Za-z0-9._:/-]{1,64}$/;
const REFERENCE_FIELD = 'referenceOperateur';
const idOf = (path: string): string => `champ-${path.replace(/\//g, '-')}`;
const LONG_TEXT = 120;
const INPUT_TYPES = { text: 'text', date: 'date', dateTime: 'datetime-local', integer: 'number', phone: 'tel', email: 'email' } as const;

const GROUP_LABELS: Readonly<Record<string, string>> = {
  site: 'Site', adresse: 'Adresse du site', contactSite: 'Contact sur site', accesSite: 'Accès au site', contactClient: 'Contact client',
  extremiteA: 'Extrémité A', extremiteZ: 'Extrémité Z', mesureReflectometrique: 'Mesure réflectométrique'
};

function control(catalog: Catalog, f: FieldDefinition, value: string, error: FieldError | undefined): Html {
  const id = idOf(f.path);
  const described = [f.help ? `${id}-aide` : null, error ? `${id}-erreur` : null].filter(Boolean).join(' ');
  const attrs = html` id="${id}" name="${f.path}"${described ? html` aria-describedby="${described}"` : null}${f.mandatory ? html` aria-required="true"` : null}${error ? html` aria-invalid="true"` : null}`;
  if (f.type === 'code' && f.codeList) {
    const list = catalog.codeLists.get(f.codeList)!;
    return html`<select${attrs}><option value="">— choisir —</option>${list.codes.map((c) => html`<option value="${c.code}"${c.code === value ? html` selected` : null}>${c.label}</option>`)}</select>`;
  }
  if (f.type === 'boolean') {
    return html`<select${attrs}><option value="">— non renseigné —</option><option value="true"${value === 'true' ? html` selected` : null}>Oui</option><option value="false"${value === 'false' ? html` selected` : null}>Non</option></select>`;
  }
  if (f.type === 'text' && (f.maxLength ?? 0) > LONG_TEXT) return html`<textarea${attrs} maxlength="${f.maxLength!}">${value}</textarea>`;
  const type = INPUT_TYPES[f.type as keyof typeof INPUT_TYPES];
  return html`<input type="${type}"${attrs} value="${value}"${f.maxLength && ['text', 'phone', 'email'].includes(f.type) ? html` maxlength="${f.maxLength}"` : null}>`;
}

function field(catalog: Catalog, f: FieldDefinition, values: FormValues, errors: readonly FieldError[]): Html {
  const error = errors.find((e) => e.field === f.path);
  const id = idOf(f.path);
  const help = f.type === 'dateTime' ? `${f.help ? `${f.help} ` : ''}Heure de Paris.` : f.help;
  return html`<div class="champ${error ? ' champ-erreur' : ''}"><label for="${id}">${f.label}${f.mandatory ? html` <span class="obligatoire">(obligatoire)</span>` : null}</label>
    ${help ? html`<span class="aide" id="${id}-aide">${help}</span>` : null}
    ${error ? html`<span class="erreur-champ" id="${id}-erreur">${error.message}</span>` : null}
    ${control(catalog, f, values[f.path] ?? '', error)}</div>`;
}

/** The form's fields, those of one group (site/…, contactSite/…) in a fieldset of their own. */
function fields(catalog: Catalog, fv: FormVersion, values: FormValues, errors: readonly FieldError[]): Html[] {
  const out: Html[] = [];
  let group: { name: string; items: Html[] } | null = null;
  const flush = (): void => {
    if (group) out.push(html`<fieldset><legend>${GROUP_LABELS[group.name] ?? group.name}</legend>${group.items}</fieldset>`);
    group = null;
  };
  for (const f of fv.definition.fields) {
    const top = f.path.includes('/') ? f.path.split('/')[0]! : null;
    if (top === null) { flush(); out.push(field(catalog, f, values, errors)); continue; }
    if (group === null || (group as { name: string }).name !== top) { flush(); group = { name: top, items: [] }; }
    (group as { name: string; items: Html[] }).items.push(field(catalog, f, values, errors));
  }
  flush();
  return out;
}

function filingForm(r: PageRequest, s: RentedService, fv: FormVersion, values: FormValues, errors: readonly FieldError[]): PageResult {
  const labelOf = (path: string): string => (path === REFERENCE_FIELD ? 'Votre référence' : fv.definition.fields.find((f) => f.path === path)?.label ?? path);
  const refError = errors.find((e) => e.field === REFERENCE_FIELD);
  return page(`Déposer une signalisation sur ${s.serviceId}`, html`
    ${errorSummary(errors, labelOf, (p) => (p === REFERENCE_FIELD ? 'champ-reference' : idOf(p)))}
    ${serviceSheet(s)}
    <p>Formulaire « ${fv.title} », version ${fv.version}. Les champs marqués (obligatoire) doivent être remplis.</p>
    <form method="post" action="/prestations/${s.serviceId}/signalisation" novalidate>
      <input type="hidden" name="_csrf" value="${r.csrf()}">
      <div class="champ${refError ? ' champ-erreur' : ''}"><label for="champ-reference">Votre référence</label>
        <span class="aide" id="champ-reference-aide">La référence de cette signalisation dans votre système (lettres, chiffres, . _ : / -). Laissée vide, une référence est créée.</span>
        ${refError ? html`<span class="erreur-champ" id="champ-reference-erreur">${refError.message}</span>` : null}
        <input type="text" id="champ-reference" name="${REFERENCE_FIELD}" value="${values[REFERENCE_FIELD] ?? ''}" maxlength="64" aria-describedby="champ-reference-aide${refError ? ' champ-reference-erreur' : ''}"></div>
      ${fields(r.deps.catalog, fv, values, errors)}
      <button type="submit">Déposer la signalisation</button>
    </form>`, errors.length > 0 ? 422 : 200);
}

/** The service, its live form and whether the portal may file on it; a refusal page otherwise (S6, S7). */
async function target(r: PageRequest): Promise<{ service: RentedService; form: FormVersion } | PageResult> {
  const s = await readService(r.deps.services, r.visitor!.caller, r.params.serviceId ?? '');
  if (!(await r.deps.onlineFilingAllowed(s.offer.code))) {
    await r.deps.directory.audit(r.visitor!.person, 'filing-refused-online', { serviceId: s.serviceId, offer: s.offer.code }, r.now);
    return page('Dépôt impossible sur e-SAV en ligne', html`${notice(html`Les signalisations sur l'offre <strong>${s.offer.label}</strong> (${s.offer.code}) se déposent
      <strong>uniquement par les web services</strong> (e-SAV intégré, service « signalisation », opération depotSignalisation), et non sur e-SAV en ligne
      (Conditions Spécifiques e-SAV, annexe 1).`, 'alerte')}
      <p>Vous pouvez suivre ici les signalisations déjà déposées sur cette prestation : <a href="/signalisations?prestation=${s.serviceId}">signalisations de ${s.serviceId}</a>.</p>`, 403);
  }
  const form = liveFormFor(r.deps.catalog, s.offer.code, r.now);
  if (!form) return page('Dépôt impossible', notice(`Aucun formulaire n'est en production pour l'offre ${s.offer.code}.`, 'alerte'), 409);
  return { service: s, form };
}

export const filingPages: readonly PortalPage[] = [
  {
    // Showing the form is not a filing: counted neither as one nor limited as one (L1).
    method: 'GET', path: '/prestations/:serviceId/signalisation', access: 'signed-in', function: 'signalisation.depotSignalisation', counted: false,
    async handle(r) {
      const t = await target(r);
      return 'kind' in t ? t : filingForm(r, t.service, t.form, {}, []);
    }
  },
  {
    method: 'POST', path: '/prestations/:serviceId/signalisation', access: 'signed-in', function: 'signalisation.depotSignalisation',
    async handle(r) {
      const t = await target(r);
      if ('kind' in t) return t;
      const given = (r.form[REFERENCE_FIELD] ?? '').trim();
      if (given !== '' && !REFERENCE.test(given)) {
        return filingForm(r, t.service, t.form, r.form, [{ field: REFERENCE_FIELD, rule: 'pattern', message: '1 à 64 lettres, chiffres ou . _ : / -' }]);
      }
      const reference = given || `PORTAIL-${r.now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(5).toString('hex').toUpperCase()}`;
      const check = checkFiling(r.deps.catalog, t.form, t.service.serviceId, reference, r.form, r.now);
      if ('errors' in check) return filingForm(r, t.service, t.form, r.form, check.errors);
      const { ticket, replay } = await fileTicket(r.deps.tickets, r.visitor!.caller, check.input, r.now);
      await r.deps.directory.audit(r.visitor!.person, 'file-ticket', { reference: ticket.reference, serviceId: ticket.serviceId, operatorReference: reference, replay }, r.now);
      return redirect(`/signalisations/${ticket.reference}?message=${replay ? 'deja-deposee' : 'deposee'}`);
    }
  }
];
