/**
 * maquette.html: the HTML mock-up of one form version (DOMAIN.md D1). It shows the form as an operator's filing
 * screen would, in French, with the XML details beside it: namespace, root element, rules, documents.
 */
import type { CodeList, CrossFieldRule, FieldDefinition } from '../../src/catalog/catalog-types.js';
import { fieldBlock } from './field-controls.js';
import { dayBefore, esc, link, page, time } from './html.js';
import { codeListFile, codeListKey, fromFormFolder, INDEX_FILE, type PackVersion } from './pack-model.js';

interface Group { readonly name: string; readonly items: Array<{ field: FieldDefinition; index: number } | Group> }

const isGroup = (item: Group['items'][number]): item is Group => 'items' in item;

/** Paths like "accesSite/horaires" become nested groups, in the order their first field appears in the definition. */
function groupFields(fields: readonly FieldDefinition[]): Group {
  const root: Group = { name: '', items: [] };
  fields.forEach((field, index) => {
    let group = root;
    for (const name of field.path.split('/').slice(0, -1)) {
      let next = group.items.find((i): i is Group => isGroup(i) && i.name === name);
      if (!next) { next = { name, items: [] }; group.items.push(next); }
      group = next;
    }
    group.items.push({ field, index });
  });
  return root;
}

/** "si « Type de défaut » vaut « COUPURE (Coupure totale) » ou « CASSE (…) »", as plain text. */
function ruleCondition(v: PackVersion, rule: CrossFieldRule): string {
  const field = v.fv.definition.fields.find((f) => f.path === rule.when.field);
  const list = v.codeLists.find((l) => codeListKey(l) === field?.codeList);
  const values = rule.when.in.map((code) => {
    const label = list?.codes.find((c) => c.code === code)?.label;
    return `« ${label ? `${code} (${label})` : code} »`;
  });
  return `si « ${field?.label ?? rule.when.field} » vaut ${values.join(' ou ')}`;
}

function renderGroup(v: PackVersion, group: Group): string {
  const lists = new Map<string, CodeList>(v.codeLists.map((l) => [codeListKey(l), l]));
  return group.items.map((item) => {
    if (isGroup(item)) return `<fieldset>\n<legend>Groupe <code>${esc(item.name)}</code></legend>\n${renderGroup(v, item)}\n</fieldset>`;
    const { field, index } = item;
    return fieldBlock({
      id: `champ-${index + 1}`,
      field,
      codeList: field.codeList ? lists.get(field.codeList) : undefined,
      requiredBy: v.fv.definition.rules.filter((r) => r.require.includes(field.path)),
      describeRule: (rule) => ruleCondition(v, rule)
    });
  }).join('\n');
}

function rulesBox(v: PackVersion): string {
  const labelOf = (p: string): string => v.fv.definition.fields.find((f) => f.path === p)?.label ?? p;
  const items = v.fv.definition.rules.map((r) => [
    `<li><strong>${esc(r.id)}</strong> — ${esc(r.message)}`,
    `<span class="when">${esc(ruleCondition(v, r))}, alors obligatoire(s) : ${r.require.map((p) => `« ${esc(labelOf(p))} » (<code>${esc(p)}</code>)`).join(', ')}.</span></li>`
  ].join('\n'));
  const body = items.length > 0 ? `<ol>\n${items.join('\n')}\n</ol>` : '<p>Aucune règle entre champs pour cette version.</p>';
  return `<section class="rules" aria-labelledby="regles">\n<h2 id="regles">Règles</h2>\n${body}\n</section>`;
}

function documentsBox(v: PackVersion): string {
  const here = (p: string): string => p.slice(v.files.folder.length + 1);
  const docs = [
    `<li>${link(here(v.files.formulaire), 'Formulaire XML')} (<code>formulaire.xml</code>)</li>`,
    `<li>${link(here(v.files.xsd), 'Schéma XSD')} (<code>${esc(here(v.files.xsd))}</code>)</li>`,
    ...v.files.examples.map((e) => `<li>Exemple ${link(here(e.file), here(e.file).replace(/^exemples\//, ''))}${e.expected ? ` (${link(here(e.expected), 'erreurs attendues')})` : ''}</li>`),
    ...v.codeLists.map((l) => `<li>Liste de codes ${esc(l.title)} v${l.version} : ${link(fromFormFolder(codeListFile(l, 'xml')), 'XML')}, ${link(fromFormFolder(codeListFile(l, 'csv')), 'CSV')}</li>`)
  ];
  return `<section aria-labelledby="documents">\n<h2 id="documents">Documents</h2>\n<ul class="docs">\n${docs.join('\n')}\n</ul>\n</section>`;
}

function metaList(v: PackVersion): string {
  const { fv } = v;
  const rows: Array<[string, string]> = [
    ['Offre', esc(v.contract.offer)],
    ['Formulaire', `<code>${esc(fv.form)}</code>, version ${fv.version}`],
    ['Espace de noms', `<code>${esc(fv.definition.namespace)}</code>`],
    ['Élément racine', `<code>${esc(fv.definition.rootElement)}</code>`],
    ['Annoncée le', time(fv.announced)],
    ['En production depuis le', time(fv.production)],
    ['Acceptée jusqu’au', v.refusedFrom ? `${time(dayBefore(v.refusedFrom))} inclus` : 'sans date de fin']
  ];
  return `<dl class="meta">\n${rows.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join('\n')}\n</dl>`;
}

export function mockupPage(v: PackVersion, packDate: string): string {
  const { fv } = v;
  const title = `${v.contract.title} — version ${fv.version}`;
  const notice = v.previous && v.refusedFrom
    ? `<p class="note warn">Version précédente, encore acceptée pendant la période de coexistence d’un mois (règle V2) : refusée à partir du ${time(v.refusedFrom)}. Préparez le passage à la version suivante.</p>`
    : '';
  const body = [
    '<header class="bar">',
    `<p class="crumb">${link(fromFormFolder(INDEX_FILE), 'Catalogue des formulaires e-SAV')} › Offre ${esc(v.contract.offer)}</p>`,
    `<h1>${esc(title)}</h1>`,
    '</header>',
    '<main>',
    metaList(v),
    notice,
    '<div class="layout">',
    '<div class="screen">',
    `<div class="titlebar">Nouvelle signalisation — ${esc(v.contract.offer)}</div>`,
    // A form with no action: the mock-up is never submitted, and needs no script.
    `<form method="post" aria-label="${esc(v.contract.title)}">`,
    `<p class="legend-req">Les champs marqués d’un <abbr class="req" title="obligatoire">*</abbr> sont obligatoires.</p>`,
    renderGroup(v, groupFields(fv.definition.fields)),
    '<div class="actions"><button type="button" disabled>Déposer la signalisation</button><span>Maquette : aucun envoi.</span></div>',
    '</form>',
    '</div>',
    '<aside>',
    rulesBox(v),
    `<section aria-labelledby="xml">\n<h2 id="xml">Élément XML</h2>\n<pre class="xml">&lt;${esc(fv.definition.rootElement)}\n    xmlns="${esc(fv.definition.namespace)}"&gt;\n  …\n&lt;/${esc(fv.definition.rootElement)}&gt;</pre>\n</section>`,
    documentsBox(v),
    '</aside>',
    '</div>',
    '</main>'
  ].filter((s) => s !== '').join('\n');
  return page({ title: `${title} — maquette`, body, kind: 'maquette', packDate });
}
