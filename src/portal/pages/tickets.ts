/**
 * The operator's tickets (S3: open ones, closed ones for 90 days; filters and paging), a ticket's detail with its
 * history and comments, and the operator's actions on it — a comment or an answer to a freeze, accepting or
 * refusing a closure, cancelling — each through the domain operation the web services call.
 */
import { addComplement, answerClosure, cancelTicket, closureAnswerDeadline, searchTickets, visibleTicket } from '../../domain/ticket-service.js';
import { FREEZE_REASONS, TERMINAL_STATES, TICKET_STATES, type TicketState } from '../../domain/ticket-lifecycle.js';
import { freeTextProblem } from '../../domain/free-text.js';
import { isEsavError } from '../../errors/esav-error.js';
import { parisMidnight } from '../../domain/calendar.js';
import { readIsoDate } from '../../domain/strict-dates.js';
import { html, type Html } from '../html.js';
import { frenchDateTime, notice, paging, positiveInt, stateBadge, STATE_LABELS } from '../layout.js';
import { page, redirect, type PageRequest, type PageResult, type PortalPage } from '../page.js';

const PAGE_SIZE = 20;
const DAY = 86_400_000;

const MESSAGES: Readonly<Record<string, string>> = {
  deposee: 'Signalisation déposée : sa référence est votre accusé de réception.',
  'deja-deposee': 'Cette signalisation était déjà déposée avec la même référence : la voici.',
  complement: 'Votre complément est enregistré.',
  'gel-leve': 'Votre réponse est enregistrée et le gel est levé : la signalisation reprend son traitement.',
  'cloture-acceptee': 'Clôture acceptée.',
  'cloture-refusee': 'Clôture refusée : la signalisation reprend son traitement.',
  annulee: 'Signalisation annulée.'
};

function dateFilter(v: string | undefined): { date: string | null; problem: string | null } {
  if (!v) return { date: null, problem: null };
  const r = readIsoDate(v);
  return r.problem ? { date: null, problem: r.problem } : { date: r.value!, problem: null };
}

export const ticketListPage: PortalPage = {
  method: 'GET', path: '/signalisations', access: 'signed-in', function: 'signalisation.rechercheSignalisations', nav: { label: 'Signalisations', order: 20 },
  async handle(r) {
    const states = r.queryAll('etat').filter((s): s is TicketState => (TICKET_STATES as readonly string[]).includes(s));
    const serviceId = (r.query.prestation ?? '').trim().toUpperCase().slice(0, 40);
    const from = dateFilter(r.query.du);
    const to = dateFilter(r.query.au);
    const pageNo = positiveInt(r.query.page, 1, 10_000);
    const criteria = {
      states, serviceId: serviceId || null,
      from: from.date ? parisMidnight(from.date) : null, to: to.date ? new Date(parisMidnight(to.date).getTime() + DAY) : null
    };
    const { rows, total } = await searchTickets(r.deps.tickets, r.visitor!.caller, criteria, { page: pageNo, size: PAGE_SIZE }, r.now);
    const problems = [from.problem && `Date « du » : ${from.problem}`, to.problem && `Date « au » : ${to.problem}`].filter((p): p is string => !!p);
    return page('Vos signalisations', html`
      ${r.query.message && MESSAGES[r.query.message] ? notice(MESSAGES[r.query.message]!, 'succes') : null}
      ${problems.length ? notice(problems.join(' ; '), 'alerte') : null}
      <form method="get" action="/signalisations" class="filtres">
        <fieldset><legend>États</legend>${TICKET_STATES.map((s) => html`<label><input type="checkbox" name="etat" value="${s}"${states.includes(s) ? html` checked` : null}> ${STATE_LABELS[s]}</label> `)}</fieldset>
        <div class="champ"><label for="prestation">Identifiant de prestation</label><input type="text" id="prestation" name="prestation" value="${serviceId}"></div>
        <div class="champ"><label for="du">Déposées du</label><input type="date" id="du" name="du" value="${r.query.du ?? ''}"></div>
        <div class="champ"><label for="au">au</label><input type="date" id="au" name="au" value="${r.query.au ?? ''}"></div>
        <div class="champ"><button type="submit">Filtrer</button></div>
      </form>
      <p role="status">${total === 0 ? 'Aucune signalisation ne correspond.' : `${total} signalisation${total > 1 ? 's' : ''}`} (les signalisations closes restent visibles 90 jours).</p>
      ${rows.length ? html`<div class="tableau"><table><caption>Signalisations, les plus récentes d'abord</caption>
        <thead><tr><th scope="col">Référence</th><th scope="col">Votre référence</th><th scope="col">Prestation</th><th scope="col">État</th><th scope="col">Déposée le</th><th scope="col">Dernier changement</th></tr></thead>
        <tbody>${rows.map((t) => html`<tr><td><a href="/signalisations/${t.reference}">${t.reference}</a></td><td>${t.operatorReference}</td><td>${t.serviceId}</td>
          <td>${stateBadge(t.state)}</td><td>${frenchDateTime(t.acceptedAt)}</td><td>${frenchDateTime(t.stateChangedAt)}</td></tr>`)}</tbody></table></div>` : null}
      ${paging('/signalisations', { ...r.query, etat: states }, pageNo, PAGE_SIZE, total)}`);
  }
};

const ACTOR_KIND: Readonly<Record<string, string>> = { oi: 'BFC Fibre', operator: 'Vous', system: 'Automatique' };

async function detailPage(r: PageRequest, reference: string, problem: { form: string; text: string } | null): Promise<PageResult> {
  const t = await visibleTicket(r.deps.tickets, r.visitor!.caller, reference, r.now);
  const { transitions, comments } = await r.deps.tickets.history(t.id);
  const deadline = closureAnswerDeadline(t);
  const open = !TERMINAL_STATES.has(t.state);
  const formProblem = (form: string): Html | null => (problem?.form === form ? html`<span class="erreur-champ" id="${form}-erreur">${problem.text}</span>` : null);
  const csrf = html`<input type="hidden" name="_csrf" value="${r.csrf()}">`;
  const actions: Html[] = [];
  if (open && r.may('signalisation.ajoutComplement')) {
    const frozen = t.state === 'GELE' && t.freezeReason !== null;
    actions.push(html`<form method="post" action="/signalisations/${t.reference}/complement">${csrf}
      <h3>${frozen ? 'Répondre au gel' : 'Ajouter un complément'}</h3>
      <div class="champ"><label for="texte">Votre message</label>${formProblem('complement')}
        <textarea id="texte" name="texte" maxlength="1000"${problem?.form === 'complement' ? html` aria-describedby="complement-erreur" aria-invalid="true"` : null}></textarea></div>
      ${frozen ? html`<input type="hidden" name="reponseAuGel" value="true">` : null}
      <button type="submit">${frozen ? 'Envoyer la réponse' : 'Envoyer'}</button></form>`);
  }
  if ((t.state === 'CLOS' || t.state === 'VALIDE') && r.may('signalisation.reponseCloture')) {
    actions.push(html`<form method="post" action="/signalisations/${t.reference}/cloture">${csrf}
      <h3>Répondre à la clôture</h3>${deadline ? html`<p>Vous pouvez répondre jusqu'au ${frenchDateTime(deadline)}.</p>` : null}
      <div class="champ"><label for="motif-cloture">Motif (obligatoire pour un refus)</label>${formProblem('cloture')}
        <textarea id="motif-cloture" name="motif" maxlength="500"${problem?.form === 'cloture' ? html` aria-describedby="cloture-erreur" aria-invalid="true"` : null}></textarea></div>
      <button type="submit" name="decision" value="ACCEPTEE">Accepter la clôture</button> <button type="submit" name="decision" value="REFUSEE" class="secondaire">Refuser la clôture</button></form>`);
  }
  if ((t.state === 'EN_DEPOT' || t.state === 'EN_QUALIFICATION') && r.may('signalisation.annulationSignalisation')) {
    actions.push(html`<form method="post" action="/signalisations/${t.reference}/annulation">${csrf}
      <h3>Annuler la signalisation</h3>
      <div class="champ"><label for="motif-annulation">Motif de l'annulation</label>${formProblem('annulation')}
        <textarea id="motif-annulation" name="motif" maxlength="500"${problem?.form === 'annulation' ? html` aria-describedby="annulation-erreur" aria-invalid="true"` : null}></textarea></div>
      <button type="submit" class="secondaire">Annuler la signalisation</button></form>`);
  }
  return page(`Signalisation ${t.reference}`, html`
    ${r.query.message && MESSAGES[r.query.message] ? notice(MESSAGES[r.query.message]!, 'succes') : null}
    ${problem ? notice(problem.text, 'alerte') : null}
    <dl class="fiche"><dt>Référence</dt><dd>${t.reference}</dd><dt>Votre référence</dt><dd>${t.operatorReference}</dd>
      <dt>État</dt><dd>${stateBadge(t.state)}</dd>
      ${t.state === 'GELE' && t.freezeReason ? html`<dt>En attente de votre part</dt><dd>${FREEZE_REASONS[t.freezeReason].label}${t.freezeDetail ? ` : ${t.freezeDetail}` : ''}</dd>` : null}
      <dt>Acceptée le</dt><dd>${frenchDateTime(t.acceptedAt)}</dd>
      <dt>Prestation</dt><dd>${r.may('prestation.consultationPrestation') ? html`<a href="/prestations/${t.serviceId}">${t.serviceId}</a>` : t.serviceId} (${t.offerCode})</dd>
      ${t.closedAt ? html`<dt>Close le</dt><dd>${frenchDateTime(t.closedAt)}</dd>` : null}</dl>
    ${actions.length ? html`<h2>Actions</h2><div class="actions">${actions}</div>` : null}
    <h2>Défaut déclaré</h2><dl class="fiche">${t.formFields.map((f) => html`<dt>${f.label}</dt><dd>${shown(r, t.formId, t.formVersion, f.path, f.value)}</dd>`)}</dl>
    <h2>Historique</h2><ol class="historique">${transitions.map((h) => html`<li>${frenchDateTime(h.at)} — ${h.from ? `${STATE_LABELS[h.from]} → ` : ''}<strong>${STATE_LABELS[h.to]}</strong>
      (${ACTOR_KIND[h.actorKind] ?? h.actorKind})${h.reason ? ` : ${h.reason}` : ''}</li>`)}</ol>
    <h2>Commentaires</h2>${comments.length ? html`<ul class="historique">${comments.map((c) => html`<li>${frenchDateTime(c.at)} — <strong>${c.authorKind === 'oi' ? 'SAV BFC Fibre' : c.author}</strong> : ${c.text}</li>`)}</ul>`
      : html`<p>Aucun commentaire.</p>`}`, problem ? 422 : 200);
}

/** A form field's value as a person reads it: a code by its label in the catalogue, an instant in Paris time. */
function shown(r: PageRequest, formId: string, version: number, path: string, value: string): string {
  const def = r.deps.catalog.forms.get(formId)?.versions.find((v) => v.version === version)?.definition.fields.find((f) => f.path === path);
  if (def?.type === 'code' && def.codeList) return r.deps.catalog.codeLists.get(def.codeList)?.codes.find((c) => c.code === value)?.label ?? value;
  if (def?.type === 'dateTime' && !Number.isNaN(Date.parse(value))) return frenchDateTime(new Date(value));
  if (def?.type === 'boolean') return value === 'true' || value === '1' ? 'Oui' : 'Non';
  return value;
}

/** A text the person typed, or the problem to show beside its field. */
function textProblem(v: string, required: boolean, max: number): string | null {
  if (v.trim() === '') return required ? 'champ obligatoire' : null;
  const p = freeTextProblem('texte', v, max);
  return p ? (p.rule === 'longueur-max' ? `au plus ${max} caractères` : `caractère interdit ${p.character ?? ''}`) : null;
}

/** An action on a ticket: its domain operation, or the detail page again with the refusal beside the form. */
function action(path: string, fn: PortalPage['function'], form: string,
  run: (r: PageRequest, reference: string) => Promise<string | { problem: string }>): PortalPage {
  return {
    method: 'POST', path, access: 'signed-in', function: fn,
    async handle(r) {
      const reference = r.params.reference ?? '';
      let outcome: string | { problem: string };
      try {
        outcome = await run(r, reference);
      } catch (e) {
        if (isEsavError(e) && e.code === 'ESAV_TICKET_TRANSITION') outcome = { problem: e.message };
        else throw e;
      }
      if (typeof outcome !== 'string') return detailPage(r, reference, { form, text: outcome.problem });
      await r.deps.directory.audit(r.visitor!.person, form, { reference, outcome }, r.now);
      return redirect(`/signalisations/${reference}?message=${outcome}`);
    }
  };
}

export const ticketPages: readonly PortalPage[] = [
  ticketListPage,
  {
    method: 'GET', path: '/signalisations/:reference', access: 'signed-in', function: 'signalisation.consultationDetail',
    handle: (r) => detailPage(r, r.params.reference ?? '', null)
  },
  action('/signalisations/:reference/complement', 'signalisation.ajoutComplement', 'complement', async (r, reference) => {
    const text = r.form.texte ?? '';
    const problem = textProblem(text, true, 1000);
    if (problem) return { problem: `Votre message : ${problem}` };
    const before = (await visibleTicket(r.deps.tickets, r.visitor!.caller, reference, r.now)).state;
    const state = await addComplement(r.deps.tickets, r.visitor!.caller, reference, text.trim(), r.form.reponseAuGel === 'true', r.now);
    return before === 'GELE' && state !== 'GELE' ? 'gel-leve' : 'complement';
  }),
  action('/signalisations/:reference/cloture', 'signalisation.reponseCloture', 'cloture', async (r, reference) => {
    const accept = r.form.decision === 'ACCEPTEE';
    const reason = (r.form.motif ?? '').trim();
    const problem = textProblem(reason, !accept, 500);
    if (problem) return { problem: `Motif : ${problem === 'champ obligatoire' ? 'obligatoire pour refuser une clôture' : problem}` };
    await answerClosure(r.deps.tickets, r.visitor!.caller, reference, accept, reason || null, r.now);
    return accept ? 'cloture-acceptee' : 'cloture-refusee';
  }),
  action('/signalisations/:reference/annulation', 'signalisation.annulationSignalisation', 'annulation', async (r, reference) => {
    const reason = (r.form.motif ?? '').trim();
    const problem = textProblem(reason, true, 500);
    if (problem) return { problem: `Motif de l'annulation : ${problem}` };
    await cancelTicket(r.deps.tickets, r.visitor!.caller, reference, reason, r.now);
    return 'annulee';
  })
];
