/**
 * index.html: the pack's table of contents in French. One row per live form version, grouped by offer, with its
 * dates and a link to every file written for it; then the code lists.
 */
import { dayBefore, esc, frenchDateTime, link, page, time } from './html.js';
import { codeListFile, type PackModel, type PackVersion, usersOf } from './pack-model.js';

export const PACK_TITLE = 'Catalogue des formulaires e-SAV';

function documents(v: PackVersion): string {
  const items = [`<li><strong>${link(v.files.maquette, 'Maquette HTML')}</strong> · ${link(v.files.formulaire, 'Formulaire XML')} · ${link(v.files.xsd, 'Schéma XSD')}</li>`];
  const name = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  for (const [kind, prefix] of [['valides', 'valid-'], ['invalides', 'invalid-']] as const) {
    const examples = v.files.examples.filter((e) => name(e.file).startsWith(prefix));
    if (examples.length === 0) continue;
    // An invalid example is followed by the errors the gateway answers it with, when the catalogue gives them.
    const links = examples.map((e) => `${link(e.file, name(e.file).slice(prefix.length, -'.xml'.length))}${e.expected ? ` (${link(e.expected, 'erreurs attendues')})` : ''}`);
    items.push(`<li>Exemples ${kind} : ${links.join(', ')}</li>`);
  }
  if (v.codeLists.length > 0) {
    items.push(`<li>Listes de codes : ${v.codeLists.map((l) => `${esc(l.id)} v${l.version} (${link(codeListFile(l, 'xml'), 'XML')}, ${link(codeListFile(l, 'csv'), 'CSV')})`).join(', ')}</li>`);
  }
  return `<ul class="docs">${items.join('')}</ul>`;
}

function acceptedUntilCell(v: PackVersion): string {
  if (!v.refusedFrom) return '—';
  return `${time(dayBefore(v.refusedFrom))} inclus`;
}

/** One <tbody> per offer: the offer cell is then a true row-group header. */
function offerBodies(model: PackModel): string[] {
  const bodies: string[] = [];
  const offers = [...new Set(model.versions.map((v) => v.contract.offer))];
  for (const offer of offers) {
    const ofOffer = model.versions.filter((v) => v.contract.offer === offer);
    const rows: string[] = [];
    ofOffer.forEach((v, i) => {
      const sameForm = ofOffer.filter((o) => o.contract.id === v.contract.id);
      const firstOfForm = sameForm[0] === v;
      const badge = v.previous
        ? '<span class="badge previous" title="Version précédente, dans son mois de coexistence (règle V2)">précédente</span>'
        : '<span class="badge current">en vigueur</span>';
      rows.push([
        `<tr data-form="${esc(v.fv.form)}" data-version="${v.fv.version}">`,
        // rowspan keeps one offer cell and one form cell over their versions, so the coexistence reads at a glance.
        i === 0 ? `<th scope="rowgroup" rowspan="${ofOffer.length}">${esc(offer)}</th>` : '',
        firstOfForm ? `<td rowspan="${sameForm.length}">${esc(v.contract.title)}<br><code>${esc(v.fv.form)}</code></td>` : '',
        `<td>v${v.fv.version}<br>${badge}</td>`,
        `<td class="date">${time(v.fv.announced)}</td>`,
        `<td class="date">${time(v.fv.production)}</td>`,
        `<td class="date">${acceptedUntilCell(v)}</td>`,
        `<td>${documents(v)}</td>`,
        '</tr>'
      ].join(''));
    });
    bodies.push(`<tbody>\n${rows.join('\n')}\n</tbody>`);
  }
  return bodies;
}

function codeListRows(model: PackModel): string[] {
  return model.codeLists.map((l) => [
    '<tr>',
    `<td><code>${esc(l.id)}</code></td>`,
    `<td>${esc(l.title)}</td>`,
    `<td class="num">v${l.version}</td>`,
    `<td class="num">${l.codes.length}</td>`,
    `<td>${usersOf(model, l).map((v) => `${esc(v.fv.form)} v${v.fv.version}`).join(', ')}</td>`,
    `<td>${link(codeListFile(l, 'xml'), 'XML')} · ${link(codeListFile(l, 'csv'), 'CSV')}</td>`,
    '</tr>'
  ].join(''));
}

export function indexPage(model: PackModel, zipName: string): string {
  const forms = new Set(model.versions.map((v) => v.fv.form)).size;
  const body = [
    '<header class="bar">',
    '<p class="crumb">e-SAV intégré — pack catalogue (annexe 2)</p>',
    `<h1>${esc(PACK_TITLE)}</h1>`,
    '</header>',
    '<main>',
    `<p class="lead">Formulaires en production au ${time(model.date)} : ${forms} formulaire(s), ${model.versions.length} version(s). `
      + `Pour chaque version : la maquette HTML de l’écran de dépôt, le formulaire XML, le schéma XSD, des exemples de documents et les listes de codes. `
      + `Pack généré le ${esc(frenchDateTime(model.generatedAt))} (heure de Paris).</p>`,
    '<h2 id="formulaires">Formulaires par offre</h2>',
    '<table class="forms">',
    '<colgroup><col class="offer"><col class="form"><col class="version"><col class="date" span="3"><col class="docs"></colgroup>',
    '<thead><tr><th scope="col">Offre</th><th scope="col">Formulaire</th><th scope="col">Version</th><th scope="col">Annoncée le</th>'
      + '<th scope="col">En production depuis le</th><th scope="col">Acceptée jusqu’au</th><th scope="col">Documents</th></tr></thead>',
    ...offerBodies(model),
    '</table>',
    model.versions.length === 0 ? '<p class="note warn">Aucune version de formulaire n’est en production à cette date.</p>' : '',
    '<p class="note">Deux versions d’un même formulaire au plus sont en production : la version précédente reste acceptée un mois '
      + 'après la mise en production de la nouvelle, puis elle est refusée (règle V2). Une nouvelle version est annoncée deux mois '
      + 'avant sa mise en production (règle V3).</p>',
    '<h2 id="listes-de-codes">Listes de codes</h2>',
    '<table>',
    '<thead><tr><th scope="col">Liste</th><th scope="col">Intitulé</th><th scope="col">Version</th><th scope="col">Codes</th>'
      + '<th scope="col">Utilisée par</th><th scope="col">Fichiers</th></tr></thead>',
    `<tbody>\n${codeListRows(model).join('\n')}\n</tbody>`,
    '</table>',
    '</main>',
    `<footer>Le même pack est disponible en une archive : <code>${esc(zipName)}</code>. Les dates sont des dates de Paris.</footer>`
  ].filter((s) => s !== '').join('\n');
  return page({ title: `${PACK_TITLE} — ${model.date}`, body, kind: 'index', packDate: model.date });
}
