/**
 * Line tests on e-SAV en ligne (DOMAIN.md S5, A1, A5, A6; issue 21): launch a test on one of the operator's
 * services, then watch its state and result arrive on /tests/<ref>. Each page calls the same domain operation as the
 * test web service (src/domain/line-tests.ts): another operator's service or test is the same "not found" as a
 * missing one. While a test is pending the person may ask for an automatic refresh, sent as an HTTP Refresh header
 * (not a <meta http-equiv=refresh>, which RGAA/axe-core forbid in the page).
 */
import type { TestDefinition } from '../../domain/line-test-catalogue.js';
import { consultTest, launchTest, listTests, searchTests, type LineTestRecord, type LineTestState } from '../../domain/line-tests.js';
import { isEsavError } from '../../errors/esav-error.js';
import { html, type Html } from '../html.js';
import { frenchDateTime, notice } from '../layout.js';
import { page, redirect, type PageRequest, type PageResult, type PortalPage } from '../page.js';

/** Seconds between two automatic refreshes of a pending test. */
export const TEST_REFRESH_SECONDS = 5;

export const TEST_STATE_LABELS: Readonly<Record<LineTestState, string>> = Object.freeze({
  EN_COURS: 'En cours', TERMINE: 'Terminé', ECHEC: 'En échec'
});
const KIND_LABELS: Readonly<Record<string, string>> = {
  ETAT_EQUIPEMENT: "État de l'équipement", ACTIVATION_SERVICE: 'Activation du service', ELEMENT_ACTIF: 'Élément actif', ELEMENT_PASSIF: 'Élément passif',
  ETAT_CONNEXION: 'État de la connexion', ACTION: 'Action'
};
const DIAGNOSIS_LABELS: Readonly<Record<string, string>> = {
  AUCUN_DEFAUT: 'Aucun défaut', CLIENT: 'Chez le client', PTO: 'Prise terminale (PTO)', PBO: 'Point de branchement (PBO)',
  PM: 'Point de mutualisation (PM)', RESEAU: 'Réseau', INDETERMINE: 'Indéterminé'
};
const diagnosis = (d: string): string => `${DIAGNOSIS_LABELS[d] ?? d} (${d})`;
const VERDICT_LABELS: Readonly<Record<string, string>> = { CONFORME: 'Conforme', NON_CONFORME: 'Non conforme', INFORMATION: 'Information' };

const testState = (s: LineTestState): Html => html`<span class="etat etat-test-${s.toLowerCase()}">${TEST_STATE_LABELS[s]}</span>`;

function testForm(r: PageRequest, serviceId: string, tests: readonly TestDefinition[], problem: string | null): Html {
  if (tests.length === 0) return notice("Aucun test de ligne n'est proposé sur l'offre de cette prestation.");
  const chosen = r.form.codeTest ?? tests[0]!.code;
  return html`<form method="post" action="/prestations/${serviceId}/tests"><input type="hidden" name="_csrf" value="${r.csrf()}">
    ${problem ? html`<p class="erreur-champ" id="test-erreur">${problem}</p>` : null}
    <fieldset><legend>Test à lancer</legend>${tests.map((t) => html`<div class="choix"><label><input type="radio" name="codeTest" value="${t.code}"${t.code === chosen ? html` checked` : null}>
      <strong>${t.label}</strong> (${t.code}) — ${t.description}${t.actionsPerHour ? ` Au plus ${t.actionsPerHour} par heure sur une prestation.` : ''}</label></div>`)}</fieldset>
    ${tests.flatMap((t) => t.parameters.map((p) => html`<div class="champ"><label for="param-${t.code}-${p.name}">${p.label} (test ${t.code})</label>
      <select id="param-${t.code}-${p.name}" name="param-${t.code}-${p.name}">${p.values.map((v) => html`<option value="${v}"${v === p.default ? html` selected` : null}>${v}</option>`)}</select></div>`))}
    <button type="submit">Lancer le test</button></form>`;
}

function recentTests(rows: readonly LineTestRecord[]): Html {
  if (rows.length === 0) return html`<p>Aucun test sur cette prestation depuis 90 jours.</p>`;
  return html`<div class="tableau" tabindex="0" role="region" aria-label="Tableau (défilable)"><table><caption>Tests récents, les plus récents d'abord</caption>
    <thead><tr><th scope="col">Référence</th><th scope="col">Test</th><th scope="col">État</th><th scope="col">Lancé le</th><th scope="col">Diagnostic</th></tr></thead>
    <tbody>${rows.map((t) => html`<tr><td><a href="/tests/${t.reference}">${t.reference}</a></td><td>${t.testCode}</td><td>${testState(t.state)}</td>
      <td>${frenchDateTime(t.launchedAt)}</td><td>${t.diagnosis ? diagnosis(t.diagnosis) : ''}</td></tr>`)}</tbody></table></div>`;
}

async function launchPage(r: PageRequest, problem: string | null, status?: number, headers?: Record<string, string>): Promise<PageResult> {
  const serviceId = r.params.serviceId ?? '';
  const { line, tests, prerequisite } = await listTests(r.deps.lineTests.store, r.deps.lineTests.catalogue, r.visitor!.caller, serviceId, r.now);
  const recent = r.may('test.rechercheTests') ? await searchTests(r.deps.lineTests.store, r.visitor!.caller, line.serviceId, 10, r.now) : null;
  return page(`Tests de la prestation ${line.serviceId}`, html`
    ${problem ? notice(problem, 'alerte') : null}
    <p>Offre ${line.offerCode}. Un test s'exécute en quelques secondes à quelques minutes : sa page montre son état puis son résultat.</p>
    ${prerequisite ? html`<p>Avant de déposer une signalisation sur cette offre, un test ${prerequisite.tests.join(' ou ')} terminé depuis moins de ${prerequisite.delayHours} heures est exigé.</p>` : null}
    ${r.may('test.lancementTest') ? html`<h2>Lancer un test</h2>${testForm(r, line.serviceId, tests, problem)}` : null}
    ${recent ? html`<h2>Tests récents</h2>${recentTests(recent.rows)}` : null}
    <p><a href="/prestations/${line.serviceId}">Retour à la prestation</a></p>`, status, headers);
}

function resultPage(r: PageRequest, t: LineTestRecord): PageResult {
  const pending = t.state === 'EN_COURS';
  const auto = pending && r.query.auto === '1';
  const self = `/tests/${t.reference}`;
  const params = Object.entries(t.parameters);
  return page(`Test ${t.reference}`, html`
    ${r.query.message === 'lance' ? notice('Test lancé : sa référence est votre accusé de réception.', 'succes') : null}
    <dl class="fiche"><dt>Référence</dt><dd>${t.reference}</dd><dt>Prestation</dt><dd>${r.may('prestation.consultationPrestation') ? html`<a href="/prestations/${t.serviceId}">${t.serviceId}</a>` : t.serviceId}</dd>
      <dt>Test</dt><dd>${t.testCode} (${KIND_LABELS[t.kind] ?? t.kind})</dd><dt>État</dt><dd>${testState(t.state)}</dd>
      <dt>Lancé le</dt><dd>${frenchDateTime(t.launchedAt)}</dd>${t.finishedAt ? html`<dt>Fini le</dt><dd>${frenchDateTime(t.finishedAt)}</dd>` : null}
      ${params.length ? html`<dt>Paramètres</dt><dd>${params.map(([n, v]) => `${n} = ${v}`).join(', ')}</dd>` : null}
      ${t.diagnosis ? html`<dt>Diagnostic</dt><dd><strong>${diagnosis(t.diagnosis)}</strong></dd>` : null}
      ${t.failureReason ? html`<dt>Motif de l'échec</dt><dd>${t.failureReason}</dd>` : null}</dl>
    ${pending ? html`<p>Le test est en cours. <a href="${self}">Actualiser</a> pour voir où il en est${auto
      ? html` ; la page s'actualise toute seule toutes les ${TEST_REFRESH_SECONDS} secondes tant que le test est en cours (<a href="${self}">arrêter l'actualisation automatique</a>).`
      : html`, ou <a href="${self}?auto=1">actualiser automatiquement</a> toutes les ${TEST_REFRESH_SECONDS} secondes.`}</p>`
      : html`<p><a href="${self}">Actualiser</a></p>`}
    ${t.measures.length ? html`<h2>Mesures</h2><div class="tableau" tabindex="0" role="region" aria-label="Tableau (défilable)"><table><caption>Mesures du test ${t.reference}</caption>
      <thead><tr><th scope="col">Mesure</th><th scope="col">Valeur</th><th scope="col">Seuil</th><th scope="col">Verdict</th></tr></thead>
      <tbody>${t.measures.map((m) => html`<tr><td>${m.name}</td><td>${m.value}${m.unit ? ` ${m.unit}` : ''}</td><td>${m.threshold ?? ''}</td>
        <td>${VERDICT_LABELS[m.verdict] ?? m.verdict}</td></tr>`)}</tbody></table></div>` : null}
    ${r.may('test.listeTests') ? html`<p><a href="/prestations/${t.serviceId}/tests">Les tests de cette prestation</a></p>` : null}`,
  undefined, auto ? { refresh: `${TEST_REFRESH_SECONDS}; url=${self}?auto=1` } : undefined);
}

/** The launch's refusals a person can act on: shown on the form again; anything else is the server's error page. */
const FORM_REFUSALS: Readonly<Record<string, number>> = {
  ESAV_LINE_TEST_NOT_OFFERED: 422, ESAV_LINE_TEST_PARAMETER: 422, ESAV_LINE_TEST_ACTION_LIMIT: 429
};

export const lineTestPages: readonly PortalPage[] = [
  {
    method: 'GET', path: '/tests', access: 'signed-in', function: 'test.listeTests', nav: { label: 'Tests de ligne', order: 30 },
    // The form and its redirect are not listeTests: the service's own page, where the tests are listed, is counted.
    counted: false,
    async handle(r) {
      const serviceId = (r.query.prestation ?? '').trim().toUpperCase().slice(0, 40);
      if (serviceId !== '') return redirect(`/prestations/${encodeURIComponent(serviceId)}/tests`);
      return page('Tests de ligne', html`<p>Un test de ligne se lance sur une de vos prestations ; son résultat s'affiche sur sa page.</p>
        <form method="get" action="/tests" class="filtres"><div class="champ"><label for="prestation">Identifiant de prestation</label>
          <input type="text" id="prestation" name="prestation" required></div><div class="champ"><button type="submit">Voir les tests</button></div></form>`);
    }
  },
  { method: 'GET', path: '/prestations/:serviceId/tests', access: 'signed-in', function: 'test.listeTests', handle: (r) => launchPage(r, null) },
  {
    method: 'POST', path: '/prestations/:serviceId/tests', access: 'signed-in', function: 'test.lancementTest',
    async handle(r) {
      const code = r.form.codeTest ?? '';
      const parameters = new Map<string, string>();
      const prefix = `param-${code}-`;
      for (const [k, v] of Object.entries(r.form)) if (k.startsWith(prefix)) parameters.set(k.slice(prefix.length), v);
      try {
        const reference = await launchTest(r.deps.lineTests.store, r.deps.lineTests.catalogue, r.visitor!.caller,
          { serviceId: r.params.serviceId ?? '', testCode: code, parameters }, r.now);
        await r.deps.directory.audit(r.visitor!.person, 'lancement-test', { serviceId: r.params.serviceId, test: code, reference }, r.now);
        return redirect(`/tests/${reference}?message=lance`);
      } catch (e) {
        if (isEsavError(e) && FORM_REFUSALS[e.code]) {
          const retry = e.detail.retryAfterSeconds;
          return launchPage(r, e.message, FORM_REFUSALS[e.code], retry !== undefined ? { 'retry-after': String(retry) } : undefined);
        }
        throw e;
      }
    }
  },
  {
    method: 'GET', path: '/tests/:reference', access: 'signed-in', function: 'test.consultationTest',
    async handle(r) {
      return resultPage(r, await consultTest(r.deps.lineTests.store, r.visitor!.caller, r.params.reference ?? '', r.now));
    }
  }
];
