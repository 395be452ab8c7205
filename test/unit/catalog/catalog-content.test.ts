/**
 * The content of catalog/ (DOMAIN.md S1, V2, V3, D1): the forms of the three offers and their code lists load as the
 * gateway loads them at boot, every example of every form version gives exactly the errors it documents, and each
 * form definition says the same thing as its XSD (fields, mandatory/optional, lengths, types).
 * Examples are discovered on disk: adding one to catalog/forms/<form>/v<N>/examples/ adds a test.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../../../src/catalog/catalog-loader.js';
import type { Catalog, FieldType, FormVersion } from '../../../src/catalog/catalog-types.js';
import { validateFormDocument } from '../../../src/catalog/form-validator.js';
import { findRootDir } from '../../../src/config/config.js';
import { acceptedUntil } from '../../../src/domain/form-version-policy.js';
import { libxml, type XmlElement } from '../../../src/xml/libxml.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';

const LIMITS = { maxDepth: 32, maxAttributes: 32 };
const EXAMPLE_NAME = /^(valid|invalid)-[a-z0-9-]+\.xml$/;
const EXPECTED_NAME = /^invalid-[a-z0-9-]+\.expected\.json$/;
const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const CODE_PATTERN = '[A-Z][A-Z0-9_]{1,39}';

interface FieldErrorKey { readonly field: string; readonly rule: string }

const rootDir = findRootDir();
const formsDir = path.join(rootDir, 'catalog', 'forms');
const subdirs = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []);

/** Every form version folder on disk, found without the loader so that a catalogue that fails to load still lists its examples. */
const versionDirs = subdirs(formsDir).flatMap((form) => subdirs(path.join(formsDir, form)).filter((v) => /^v\d+$/.test(v)).map((v) => ({ form, version: Number(v.slice(1)), dir: path.join(formsDir, form, v) })));

const sorted = (errors: readonly FieldErrorKey[]): FieldErrorKey[] =>
  errors.map((e) => ({ field: e.field, rule: e.rule })).sort((a, b) => a.field.localeCompare(b.field) || a.rule.localeCompare(b.rule));

// ---- the XSD of a form version, read as a tree of leaf fields ----------------------------------------------------

const XS = 'http://www.w3.org/2001/XMLSchema';

interface XsdLeaf {
  /** Every step (the element and all its ancestors under the root) has minOccurs ≥ 1. */
  readonly mandatory: boolean;
  /** The XSD built-in type the value derives from, e.g. xs:string, xs:dateTime. */
  readonly base: string;
  readonly maxLength?: number;
  readonly patterns: readonly string[];
}

const xsChildren = (el: XmlElement, local?: string): XmlElement[] =>
  el.childNodes().filter((c) => c.type() === 'element' && c.namespace()?.href() === XS && (local === undefined || c.name() === local));
const attr = (el: XmlElement, name: string): string | undefined => el.getAttribute(name)?.value();
const localPart = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** The leaf fields of a form XSD, by path from the root element ("contactClient/telephone"). Only sequences are used by the catalogue's XSDs. */
function xsdLeaves(xsdText: string, rootElement: string): Map<string, XsdLeaf> {
  const schema = libxml.parseXml(xsdText).root()!;
  const named = (kind: string, name: string): XmlElement => {
    const found = xsChildren(schema, kind).find((t) => attr(t, 'name') === name);
    if (!found) throw new Error(`the XSD has no ${kind} ${name}`);
    return found;
  };
  const simple = (st: XmlElement): Omit<XsdLeaf, 'mandatory'> => {
    const restriction = xsChildren(st, 'restriction')[0];
    if (!restriction) throw new Error(`simple type ${attr(st, 'name') ?? '(anonymous)'}: only restrictions are used`);
    const baseName = attr(restriction, 'base')!;
    const inherited = baseName.startsWith('xs:') ? { base: baseName, patterns: [] as string[] } : simple(named('simpleType', localPart(baseName)));
    const max = xsChildren(restriction, 'maxLength')[0];
    const maxLength = max ? Number(attr(max, 'value')) : inherited.maxLength;
    return {
      base: inherited.base,
      ...(maxLength !== undefined ? { maxLength } : {}),
      patterns: [...inherited.patterns, ...xsChildren(restriction, 'pattern').map((p) => attr(p, 'value')!)]
    };
  };
  /** The child element declarations of a declaration with complex content, or null for a simple one. */
  const content = (decl: XmlElement, here: string): XmlElement[] | null => {
    const type = attr(decl, 'type');
    const inline = xsChildren(decl, 'complexType')[0];
    const complexType = inline ?? (type && xsChildren(schema, 'complexType').some((t) => attr(t, 'name') === localPart(type)) ? named('complexType', localPart(type)) : undefined);
    if (!complexType) return null;
    const compositors = xsChildren(complexType);
    if (compositors.length !== 1 || compositors[0]!.name() !== 'sequence') throw new Error(`${here}: only xs:sequence content is used by the catalogue's XSDs`);
    return xsChildren(compositors[0]!, 'element');
  };
  const leaves = new Map<string, XsdLeaf>();
  const walk = (decl: XmlElement, prefix: string, mandatory: boolean): void => {
    const name = attr(decl, 'name')!;
    const here = prefix === '' ? name : `${prefix}/${name}`;
    const required = mandatory && (attr(decl, 'minOccurs') ?? '1') !== '0';
    const children = content(decl, here);
    if (children) {
      for (const child of children) walk(child, here, required);
      return;
    }
    const type = attr(decl, 'type');
    const facets = type === undefined ? simple(xsChildren(decl, 'simpleType')[0]!) : type.startsWith('xs:') ? { base: type, patterns: [] } : simple(named('simpleType', localPart(type)));
    leaves.set(here, { mandatory: required, ...facets });
  };
  for (const child of content(named('element', rootElement), rootElement) ?? []) walk(child, '', true);
  return leaves;
}

/** The XSD built-in types a field type may derive from. */
const BASES: Record<FieldType, readonly string[]> = {
  text: ['xs:string'], code: ['xs:string'], phone: ['xs:string'], email: ['xs:string'],
  date: ['xs:date'], dateTime: ['xs:dateTime'], integer: ['xs:integer', 'xs:int', 'xs:long', 'xs:nonNegativeInteger', 'xs:positiveInteger'], boolean: ['xs:boolean']
};

// ---- the tests ---------------------------------------------------------------------------------------------------

describe('the form catalogue content', () => {
  let catalog: Catalog;
  const formVersion = (form: string, version: number): FormVersion => {
    const fv = catalog.forms.get(form)?.versions.find((v) => v.version === version);
    if (!fv) throw new Error(`the loaded catalogue has no form ${form} v${version}`);
    return fv;
  };

  before(() => {
    catalog = loadCatalog(rootDir);
  });

  it('loads as the gateway loads it at boot (version plans, definitions, XSDs, code lists)', () => {
    expect(catalog.forms.size).to.be.at.least(3);
    expect(versionDirs.length).to.equal([...catalog.forms.values()].reduce((n, f) => n + f.versions.length, 0));
  });

  it('has a form for each offer FTTH, FTTE and LFO', () => {
    const offers = new Map([...catalog.forms.values()].map((f) => [f.offer, f.id]));
    expect(offers.get('FTTH')).to.equal('ftth');
    expect(offers.get('FTTE')).to.equal('ftte');
    expect(offers.get('LFO')).to.equal('lfo');
  });

  it('has two versions of the FTTH form, v1 accepted until one month after v2 goes live (V2)', () => {
    const ftth = catalog.forms.get('ftth')!;
    expect(ftth.versions.map((v) => v.version)).to.deep.equal([1, 2]);
    expect(ftth.versions.map((v) => v.production)).to.deep.equal(['2026-01-05', '2026-11-02']);
    expect(acceptedUntil(ftth.versions, 1)).to.equal('2026-12-02');
    expect(acceptedUntil(ftth.versions, 2)).to.equal(null);
    expect(formVersion('ftth', 1).definition.fields.find((f) => f.path === 'typeDefaut')?.codeList).to.equal('type-defaut/v1');
    expect(formVersion('ftth', 2).definition.fields.find((f) => f.path === 'typeDefaut')?.codeList).to.equal('type-defaut/v2');
  });

  it('has code lists of UPPER_SNAKE codes with French labels; type-defaut v2 only adds codes to v1', () => {
    for (const [key, list] of catalog.codeLists) {
      expect(list.codes.length, key).to.be.at.least(2);
      for (const c of list.codes) {
        expect(c.code, key).to.match(CODE);
        expect(c.label.trim(), `${key} ${c.code}`).to.not.equal('');
      }
    }
    for (const id of ['type-defaut', 'localisation-defaut', 'contrainte-acces', 'type-site']) expect(catalog.codeLists.has(`${id}/v1`), id).to.equal(true);
    const v1 = catalog.codeLists.get('type-defaut/v1')!.codes.map((c) => c.code);
    const v2 = catalog.codeLists.get('type-defaut/v2')!.codes.map((c) => c.code);
    expect(v2).to.include.members(v1);
    expect(v2.length).to.be.greaterThan(v1.length);
  });

  it('uses in each form version only code list versions in production by the form version\'s production date', () => {
    for (const form of catalog.forms.values()) {
      for (const fv of form.versions) {
        for (const f of fv.definition.fields.filter((x) => x.type === 'code')) {
          const list = catalog.codeLists.get(f.codeList!)!;
          expect(list.production <= fv.production, `${form.id} v${fv.version} ${f.path} uses ${f.codeList}, live on ${list.production}`).to.equal(true);
        }
      }
    }
  });

  it('triggers cross-field rules on codes of the trigger field\'s code list (a misspelt value would never trigger)', () => {
    for (const form of catalog.forms.values()) {
      for (const fv of form.versions) {
        for (const rule of fv.definition.rules) {
          const trigger = fv.definition.fields.find((f) => f.path === rule.when.field)!;
          expect(trigger.type, `${form.id} v${fv.version} rule ${rule.id}`).to.equal('code');
          const codes = catalog.codeLists.get(trigger.codeList!)!.codes.map((c) => c.code);
          expect(codes, `${form.id} v${fv.version} rule ${rule.id}`).to.include.members([...rule.when.in]);
          expect(rule.message.trim(), `${form.id} v${fv.version} rule ${rule.id}`).to.not.equal('');
        }
      }
    }
  });

  for (const { form, version, dir } of versionDirs) {
    describe(`${form} v${version}`, () => {
      const exampleDir = path.join(dir, 'examples');
      const files = existsSync(exampleDir) ? readdirSync(exampleDir).sort() : [];
      const examples = files.filter((f) => EXAMPLE_NAME.test(f));
      const expectedOf = (example: string): FieldErrorKey[] =>
        JSON.parse(readFileSync(path.join(exampleDir, example.replace(/\.xml$/, '.expected.json')), 'utf8')) as FieldErrorKey[];

      it('names its examples valid-*.xml and invalid-*.xml, each invalid one with its .expected.json, and the loader sees them all', () => {
        expect(files.filter((f) => !EXAMPLE_NAME.test(f) && !EXPECTED_NAME.test(f)), 'misnamed files').to.deep.equal([]);
        const invalid = examples.filter((f) => f.startsWith('invalid-'));
        expect(files.filter((f) => EXPECTED_NAME.test(f))).to.deep.equal(invalid.map((f) => f.replace(/\.xml$/, '.expected.json')));
        expect(formVersion(form, version).examples).to.deep.equal(examples);
      });

      it('has at least two valid examples and invalid ones covering XSD, code list and every cross-field rule', () => {
        expect(examples.filter((f) => f.startsWith('valid-')).length).to.be.at.least(2);
        const invalid = examples.filter((f) => f.startsWith('invalid-'));
        expect(invalid.length).to.be.at.least(3);
        const rules = new Set(invalid.flatMap((f) => expectedOf(f).map((e) => e.rule)));
        const xsdErrors = invalid.flatMap((f) => expectedOf(f)).filter((e) => e.rule !== 'codeList' && !e.rule.startsWith('obligatoire-si:'));
        expect(xsdErrors.length, 'XSD errors').to.be.at.least(3);
        expect(rules.has('codeList'), 'a code list error').to.equal(true);
        for (const rule of formVersion(form, version).definition.rules) expect(rules.has(`obligatoire-si:${rule.id}`), `rule ${rule.id}`).to.equal(true);
      });

      for (const example of examples) {
        const valid = example.startsWith('valid-');
        it(`${example} ${valid ? 'is valid' : 'gives exactly the errors of its .expected.json'}`, () => {
          const fv = formVersion(form, version);
          const doc = parseXmlHardened(readFileSync(path.join(exampleDir, example)), LIMITS);
          expect(doc.root()!.name()).to.equal(fv.definition.rootElement);
          expect(doc.root()!.namespace()?.href()).to.equal(fv.definition.namespace);
          const errors = validateFormDocument(catalog, fv, doc);
          if (valid) {
            expect(errors).to.deep.equal([]);
          } else {
            const expected = expectedOf(example);
            expect(expected.length, 'an invalid example documents at least one error').to.be.at.least(1);
            expect(sorted(errors)).to.deep.equal(sorted(expected));
          }
        });
      }

      it('declares in its definition exactly the leaf elements of its XSD, in order, with the same mandatory flags, lengths and types', () => {
        const fv = formVersion(form, version);
        const leaves = xsdLeaves(fv.xsdText, fv.definition.rootElement);
        expect(fv.definition.fields.map((f) => f.path), 'the fields, in document order').to.deep.equal([...leaves.keys()]);
        for (const f of fv.definition.fields) {
          const leaf = leaves.get(f.path)!;
          expect(f.mandatory, `${f.path}: mandatory ⇔ minOccurs ≥ 1 for the element and its ancestors`).to.equal(leaf.mandatory);
          expect(f.maxLength, `${f.path}: maxLength`).to.equal(leaf.maxLength);
          expect(BASES[f.type], `${f.path}: type ${f.type} vs ${leaf.base}`).to.include(leaf.base);
          if (f.type === 'code') expect(leaf.patterns, `${f.path}: a coded field is checked by the XSD on its form only`).to.deep.equal([CODE_PATTERN]);
          expect(f.label.trim(), `${f.path}: label`).to.not.equal('');
        }
      });

      it('has an XSD with its own target namespace, qualified elements and one global element, the root', () => {
        const fv = formVersion(form, version);
        const schema = libxml.parseXml(fv.xsdText).root()!;
        expect(attr(schema, 'targetNamespace')).to.equal(`http://esav.bfc-fibre.fr/formulaires/${form}/v${version}`);
        expect(attr(schema, 'elementFormDefault')).to.equal('qualified');
        expect(xsChildren(schema, 'element').map((e) => attr(e, 'name'))).to.deep.equal([fv.definition.rootElement]);
      });
    });
  }
});
