/**
 * The catalogue pack (DOMAIN.md D1), built from a small catalogue written in a temporary project root: the index
 * links every live form version to files that exist, each mock-up shows the French labels, the mandatory marks and
 * a <select> of every code, the zip holds the same files, labels are escaped, and the older version of a form is
 * in the pack during its one-month coexistence window (V2) and not after. No browser here: see
 * scripts/catalog-screenshots.ts for the rendered pages.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import type { Catalog, FieldDefinition } from '../../src/catalog/catalog-types.js';
import { findRootDir } from '../../src/config/config.js';
import { parisDate } from '../../src/domain/calendar.js';
import { libxml, type XmlElement } from '../../src/xml/libxml.js';
import { buildCatalogPack, PackError, type BuildResult } from '../../scripts/catalog-pack/build.js';

const TRICKY_LABEL = 'Remarque <b>&"opérateur"';
const NS = (form: string, v: number): string => `http://esav.bfc-fibre.fr/formulaires/${form}/v${v}`;

/** The HTML text of a string, written here rather than imported so that the test does not check the code with itself. */
const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const FTTH_V1: FieldDefinition[] = [
  { path: 'typeDefaut', label: 'Type de défaut', type: 'code', mandatory: true, codeList: 'type-defaut/v1', help: 'Le symptôme constaté.' },
  { path: 'dateConstat', label: 'Date du constat', type: 'date', mandatory: true },
  { path: 'description', label: 'Description du défaut', type: 'text', mandatory: false, maxLength: 80 }
];
const FTTH_V2: FieldDefinition[] = [
  ...FTTH_V1,
  { path: 'localisation', label: 'Localisation présumée', type: 'code', mandatory: false, codeList: 'localisation/v1' },
  { path: 'contact/telephone', label: 'Téléphone du contact', type: 'phone', mandatory: true, maxLength: 20 },
  { path: 'contact/accompagnement', label: 'Accompagnement requis', type: 'boolean', mandatory: false },
  { path: 'remarque', label: TRICKY_LABEL, type: 'text', mandatory: false, maxLength: 200, help: 'Texte libre < 200 & "citations".' }
];
const FTTE_V1: FieldDefinition[] = [
  { path: 'typeDefaut', label: 'Type de défaut', type: 'code', mandatory: true, codeList: 'type-defaut/v1' },
  { path: 'debut', label: 'Début du défaut', type: 'dateTime', mandatory: true },
  { path: 'postes', label: 'Postes impactés', type: 'integer', mandatory: false }
];

/** A project root with catalog/: ftth v1 (live 2026-01-05) and v2 (live 2026-06-01, v1 refused from 2026-07-01), ftte v1. */
function fixtureRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'esav-pack-'));
  const write = (rel: string, content: unknown): void => {
    const file = path.join(root, 'catalog', ...rel.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  };
  const dates = { announced: '2025-09-01', production: '2026-01-05' };
  write('code-lists/type-defaut/v1/code-list.json', { id: 'type-defaut', version: 1, ...dates, title: 'Types de défaut', codes: [
    { code: 'COUPURE', label: 'Coupure totale' }, { code: 'DEGRADATION', label: 'Service dégradé' }, { code: 'CASSE', label: 'Casse "PTO" & câble' }] });
  write('code-lists/localisation/v1/code-list.json', { id: 'localisation', version: 1, ...dates, title: 'Localisations', codes: [
    { code: 'PTO', label: 'Prise terminale' }, { code: 'PBO', label: 'Point de branchement' }, { code: 'PM', label: 'Point de mutualisation' }] });
  const form = (id: string, offer: string, title: string, versions: Array<{ v: number; announced: string; production: string; root: string; fields: FieldDefinition[] }>): void => {
    write(`forms/${id}/form.json`, { id, offer, title, versions: versions.map(({ v, announced, production }) => ({ version: v, announced, production })) });
    for (const { v, root: element, fields } of versions) {
      const xsd = `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${NS(id, v)}" elementFormDefault="qualified">\n`
        + `  <xs:element name="${element}"><xs:complexType><xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>\n</xs:schema>\n`;
      write(`forms/${id}/v${v}/formulaire-${id}.xsd`, xsd);
      write(`forms/${id}/v${v}/definition.json`, { rootElement: element, namespace: NS(id, v), xsd: `formulaire-${id}.xsd`, fields,
        rules: v === 2 ? [{ id: 'localisation-casse', when: { field: 'typeDefaut', in: ['CASSE'] }, require: ['localisation'], message: 'La localisation est obligatoire pour une casse.' }] : [] });
      write(`forms/${id}/v${v}/examples/valid-minimal.xml`, `<${element} xmlns="${NS(id, v)}"/>\n`);
      write(`forms/${id}/v${v}/examples/invalid-vide.xml`, `<${element} xmlns="${NS(id, v)}"><x/></${element}>\n`);
      write(`forms/${id}/v${v}/examples/invalid-vide.expected.json`, '[]\n');
    }
  };
  form('ftth', 'FTTH', 'Signalisation FTTH', [
    { v: 1, announced: '2025-10-01', production: '2026-01-05', root: 'FormulaireFTTH', fields: FTTH_V1 },
    { v: 2, announced: '2026-03-02', production: '2026-06-01', root: 'FormulaireFTTH', fields: FTTH_V2 }
  ]);
  form('ftte', 'FTTE', 'Signalisation FTTE', [{ v: 1, announced: '2025-10-01', production: '2026-01-05', root: 'FormulaireFTTE', fields: FTTE_V1 }]);
  return root;
}

/** Every file under a folder, POSIX paths, walked here independently of the builder's own listing. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, rel) : [rel];
  }).sort();
}

const decodeHref = (href: string): string => decodeURIComponent(href.replace(/&amp;/g, '&'));
const hrefs = (page: string): string[] => [...page.matchAll(/href="([^"]+)"/g)].map((m) => decodeHref(m[1]!));

/** The block of one field in a mock-up, found by its XML path. */
function fieldBlock(page: string, fieldPath: string): { classes: string; body: string } {
  const m = new RegExp(`<div class="([^"]*)" data-path="${fieldPath}">([\\s\\S]*?)</div>`).exec(page);
  expect(m, `a block for field ${fieldPath}`).to.not.equal(null);
  return { classes: m![1]!, body: m![2]! };
}

describe('the catalogue pack', () => {
  let root: string;
  let work: string;
  let catalog: Catalog;
  const build = (date: string, name = date): BuildResult =>
    buildCatalogPack({ root, catalog, out: path.join(work, name, 'catalogue-pack'), date, now: new Date('2026-06-15T08:00:00Z') });

  before(() => {
    root = fixtureRoot();
    work = mkdtempSync(path.join(tmpdir(), 'esav-pack-out-'));
    catalog = loadCatalog(root);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  describe('during the coexistence month of ftth v1 and v2', () => {
    let pack: BuildResult;
    let index: string;
    const read = (rel: string): string => readFileSync(path.join(pack.out, ...rel.split('/')), 'utf8');

    before(() => {
      pack = build('2026-06-15');
      index = read('index.html');
    });

    it('has an index in French listing every live form version with its dates', () => {
      expect(index).to.match(/^<!DOCTYPE html>\n<html lang="fr">/);
      expect(index).to.include('<meta charset="utf-8">');
      expect(index).to.include('<h1>Catalogue des formulaires e-SAV</h1>');
      expect(index).to.include('<time datetime="2026-06-15">15 juin 2026</time>');
      for (const [form, v] of [['ftth', 1], ['ftth', 2], ['ftte', 1]] as const) expect(index).to.include(`<tr data-form="${form}" data-version="${v}">`);
      // v1 is refused from 2026-07-01: its last accepted day is shown.
      expect(index).to.include('<time datetime="2026-06-30">30 juin 2026</time> inclus');
      expect(pack.model.versions.map((v) => `${v.fv.form}-v${v.fv.version}`)).to.deep.equal(['ftte-v1', 'ftth-v1', 'ftth-v2']);
    });

    it('links the index and every mock-up only to files of the pack', () => {
      const links = hrefs(index);
      for (const v of ['ftth-v1', 'ftth-v2', 'ftte-v1']) {
        for (const file of ['maquette.html', 'formulaire.xml', 'formulaire-' + v.split('-')[0] + '.xsd', 'exemples/valid-minimal.xml', 'exemples/invalid-vide.expected.json']) {
          expect(links).to.include(`${v}/${file}`);
        }
      }
      expect(links).to.include.members(['listes-de-codes/type-defaut-v1.xml', 'listes-de-codes/type-defaut-v1.csv', 'listes-de-codes/localisation-v1.csv']);
      for (const href of links) expect(existsSync(path.join(pack.out, href)), `index link ${href}`).to.equal(true);
      for (const v of pack.model.versions) {
        const folder = path.join(pack.out, v.files.folder);
        for (const href of hrefs(read(v.files.maquette))) expect(existsSync(path.join(folder, href)), `${v.files.maquette} link ${href}`).to.equal(true);
      }
    });

    it('shows each field of each mock-up with its French label, and marks the mandatory ones', () => {
      for (const v of pack.model.versions) {
        const page = read(v.files.maquette);
        expect(page).to.include(`<h1>${html(v.contract.title)} — version ${v.fv.version}</h1>`);
        expect(page).to.include(v.fv.definition.namespace);
        expect(page).to.include('sont obligatoires');
        for (const field of v.fv.definition.fields) {
          const block = fieldBlock(page, field.path);
          expect(block.body, field.path).to.include(html(field.label));
          expect(block.classes.split(' '), field.path).to.include(field.mandatory ? 'mandatory' : 'optional');
          expect(block.body.includes('class="req"'), `${field.path} asterisk`).to.equal(field.mandatory);
          if (field.type !== 'boolean') expect(/\srequired[\s>]/.test(block.body), `${field.path} required`).to.equal(field.mandatory);
          if (field.help) expect(block.body).to.include(html(field.help));
        }
      }
    });

    it('gives each coded field a <select> with every code of its list, and each type its input', () => {
      const page = read('ftth-v2/maquette.html');
      for (const field of FTTH_V2.filter((f) => f.type === 'code')) {
        const select = new RegExp(`<select [^>]*name="${field.path}"[^>]*>([\\s\\S]*?)</select>`).exec(page);
        expect(select, field.path).to.not.equal(null);
        for (const code of catalog.codeLists.get(field.codeList!)!.codes) {
          expect(select![1]).to.include(`<option value="${code.code}">${code.code} — ${html(code.label)}</option>`);
        }
      }
      expect(page).to.match(/<input type="date" [^>]*name="dateConstat"/);
      expect(page).to.match(/<input type="tel" [^>]*name="contact\/telephone"[^>]*maxlength="20"/);
      expect(page).to.match(/<input type="checkbox" [^>]*name="contact\/accompagnement"/);
      expect(page).to.match(/<fieldset>\n<legend>Groupe <code>contact<\/code><\/legend>/);
      expect(read('ftte-v1/maquette.html')).to.match(/<input type="datetime-local" [^>]*name="debut"/).and.match(/<input type="number" [^>]*name="postes"/);
      expect(page).to.match(/<h2 id="regles">Règles<\/h2>[\s\S]*localisation-casse[\s\S]*La localisation est obligatoire pour une casse\./);
    });

    it('escapes the HTML special characters of labels, help texts and code labels', () => {
      const page = read('ftth-v2/maquette.html');
      expect(page).to.include('Remarque &lt;b&gt;&amp;&quot;opérateur&quot;');
      expect(page).to.include('Texte libre &lt; 200 &amp; &quot;citations&quot;.');
      expect(page).to.include('CASSE — Casse &quot;PTO&quot; &amp; câble');
      expect(page).not.to.include('<b>');
      expect(page).not.to.include(TRICKY_LABEL);
      expect(page).not.to.match(/<script|<link |src="|url\(/); // self-contained: no script, no external resource
    });

    it('writes the XML forms and the code lists as well-formed XML, and the code lists as CSV', () => {
      const form = read('ftth-v2/formulaire.xml');
      const doc = libxml.parseXml(form);
      expect(doc.root()!.name()).to.equal('formulaire');
      expect(doc.root()!.getAttribute('accepteJusquau')).to.equal(null);
      expect(doc.find('//champ').map((c) => (c as XmlElement).getAttribute('chemin')!.value())).to.deep.equal(FTTH_V2.map((f) => f.path));
      expect(form).to.include(`<libelle>Remarque &lt;b&gt;&amp;"opérateur"</libelle>`);
      expect(libxml.parseXml(read('ftth-v1/formulaire.xml')).root()!.getAttribute('accepteJusquau')!.value()).to.equal('2026-06-30');
      expect(libxml.parseXml(read('listes-de-codes/type-defaut-v1.xml')).find('//code')).to.have.length(3);
      expect(read('listes-de-codes/type-defaut-v1.csv')).to.equal('\uFEFFcode;libelle;description\r\nCOUPURE;Coupure totale;\r\nDEGRADATION;Service dégradé;\r\nCASSE;"Casse ""PTO"" & câble";\r\n');
      expect(read('ftth-v2/formulaire-ftth.xsd')).to.equal(readFileSync(path.join(root, 'catalog/forms/ftth/v2/formulaire-ftth.xsd'), 'utf8'));
    });

    it('zips the same files next to the folder', () => {
      expect(pack.zip.file).to.equal(`${pack.out}.zip`);
      const entries = unzipSync(new Uint8Array(readFileSync(pack.zip.file)));
      const names = Object.keys(entries).sort();
      expect(names.every((n) => n.startsWith('catalogue-pack/'))).to.equal(true);
      expect(names.map((n) => n.slice('catalogue-pack/'.length))).to.deep.equal(walk(pack.out)).and.to.deep.equal([...pack.files]);
      expect(Buffer.from(entries['catalogue-pack/ftth-v2/maquette.html']!).toString('utf8')).to.equal(read('ftth-v2/maquette.html'));
    });
  });

  it('has the older version on the last day of its window, and not from the day it is refused', () => {
    const forms = (r: BuildResult): string[] => r.model.versions.map((v) => `${v.fv.form}-v${v.fv.version}`);
    const last = build('2026-06-30');
    expect(forms(last)).to.deep.equal(['ftte-v1', 'ftth-v1', 'ftth-v2']);
    const after = build('2026-07-01');
    expect(forms(after)).to.deep.equal(['ftte-v1', 'ftth-v2']);
    expect(existsSync(path.join(after.out, 'ftth-v1'))).to.equal(false);
    const index = readFileSync(path.join(after.out, 'index.html'), 'utf8');
    expect(index).not.to.include('data-form="ftth" data-version="1"');
    expect(index).not.to.include('ftth-v1/');
    // Before v2 goes live, only v1 is in the pack: v2 is announced, not live.
    expect(forms(build('2026-05-31'))).to.deep.equal(['ftte-v1', 'ftth-v1']);
  });

  it('rebuilds over its own earlier pack, dropping what is no longer live, but never empties a foreign folder', () => {
    const out = path.join(work, 'rebuild', 'catalogue-pack');
    buildCatalogPack({ root, catalog, out, date: '2026-06-15' });
    expect(existsSync(path.join(out, 'ftth-v1'))).to.equal(true);
    buildCatalogPack({ root, catalog, out, date: '2026-07-15' });
    expect(existsSync(path.join(out, 'ftth-v1'))).to.equal(false);

    const foreign = path.join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'notes.txt'), 'keep me');
    expect(() => buildCatalogPack({ root, catalog, out: foreign, date: '2026-06-15' })).to.throw(PackError, /not a catalogue pack/);
    expect(readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).to.equal('keep me');
    expect(() => buildCatalogPack({ root, catalog, out, date: '2026-02-30' })).to.throw(PackError, /YYYY-MM-DD/);
  });

  it('builds the project’s own catalogue as of today', () => {
    const own = buildCatalogPack({ root: findRootDir(), out: path.join(work, 'own', 'catalogue-pack'), date: parisDate(new Date()) });
    for (const v of own.model.versions) {
      expect(existsSync(path.join(own.out, v.files.maquette)), v.files.maquette).to.equal(true);
      for (const href of hrefs(readFileSync(path.join(own.out, v.files.maquette), 'utf8'))) {
        expect(existsSync(path.join(own.out, v.files.folder, href)), `${v.files.maquette} link ${href}`).to.equal(true);
      }
    }
    expect(existsSync(own.zip.file)).to.equal(true);
  });
});
