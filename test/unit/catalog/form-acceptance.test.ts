/**
 * The coexistence window of two FTTH form versions (DOMAIN.md V2), on the real catalogue, with a test clock:
 * v2 goes live on 2026-11-02; v1 is accepted until 2026-12-02 (one month later), then refused naming v2.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '../../../src/catalog/catalog-loader.js';
import type { FormVersion } from '../../../src/catalog/catalog-types.js';
import { acceptedFormVersion, checkFormPayload } from '../../../src/catalog/form-acceptance.js';
import { readFormFields } from '../../../src/catalog/form-validator.js';
import { elementTree } from '../../../src/xml/element-tree.js';
import { findRootDir } from '../../../src/config/config.js';
import { EsavError } from '../../../src/errors/esav-error.js';
import { parseXmlHardened } from '../../../src/xml/hardened-parser.js';

const limits = { maxDepth: 32, maxAttributes: 32 };
const catalog = loadCatalog(findRootDir());

function example(fv: FormVersion, prefix: string) {
  const name = fv.examples.find((e) => e.startsWith(prefix))!;
  return elementTree(parseXmlHardened(readFileSync(path.join(fv.dir, 'examples', name)), limits));
}

function fault(fn: () => unknown): EsavError {
  try { fn(); } catch (e) { if (e instanceof EsavError) return e; throw e; }
  throw new Error('expected a fault');
}

describe('form acceptance (DOMAIN.md V2)', () => {
  let v1: FormVersion;
  let v2: FormVersion;
  before(() => {
    const ftth = catalog.forms.get('ftth');
    if (!ftth || ftth.versions.length < 2) throw new Error('the catalogue must hold two FTTH form versions');
    [v1, v2] = ftth.versions as [FormVersion, FormVersion];
  });

  it('accepts FTTH v1 alone before v2 goes live, and refuses v2 until its production date, naming v1', () => {
    const before = new Date('2026-11-01T22:59:59Z'); // 23:59:59 Paris, 1 November
    expect(acceptedFormVersion(catalog, example(v1, 'valid-'), before)).to.equal(v1);
    const e = fault(() => acceptedFormVersion(catalog, example(v2, 'valid-'), before));
    expect(e.definition.wireCode).to.equal('FORMULAIRE_PAS_EN_SERVICE');
    expect(e.message).to.include('à partir du 2026-11-02').and.include('Version à utiliser : v1');
  });

  it('accepts both versions during the one-month window', () => {
    const inside = new Date('2026-12-01T22:59:59Z'); // 23:59:59 Paris, 1 December
    expect(acceptedFormVersion(catalog, example(v1, 'valid-'), inside)).to.equal(v1);
    expect(acceptedFormVersion(catalog, example(v2, 'valid-'), inside)).to.equal(v2);
  });

  it('refuses v1 from one month after v2 went live, naming the version to use', () => {
    const after = new Date('2026-12-01T23:00:00Z'); // 00:00 Paris, 2 December
    const e = fault(() => acceptedFormVersion(catalog, example(v1, 'valid-'), after));
    expect(e.definition.wireCode).to.equal('FORMULAIRE_RETIRE');
    expect(e.message).to.include('depuis le 2026-12-02').and.include(`v2 (${v2.definition.namespace})`);
  });

  it('refuses an element that is no form of the catalogue, listing those in service', () => {
    const el = elementTree(parseXmlHardened(Buffer.from('<x:Autre xmlns:x="urn:autre"/>'), limits));
    const e = fault(() => acceptedFormVersion(catalog, el, new Date('2026-11-24T10:00:00Z')));
    expect(e.definition.wireCode).to.equal('FORMULAIRE_INCONNU');
    expect(e.message).to.include(v2.definition.namespace);
  });

  it('lists every code-list and cross-field error of a payload in one fault', () => {
    for (const fv of catalog.forms.values()) {
      for (const v of fv.versions) {
        expect(() => checkFormPayload(catalog, v, readFormFields(example(v, 'valid-'), v))).not.to.throw();
      }
    }
    const bad = v2.examples.find((n) => n.startsWith('invalid-') && /code|regle|rule|liste/.test(n));
    if (bad) {
      const e = fault(() => checkFormPayload(catalog, v2, readFormFields(example(v2, bad), v2)));
      expect(e.definition.wireCode).to.equal('FORMULAIRE_NON_CONFORME');
      expect(e.detail.fields!.length).to.be.greaterThan(0);
    }
  });
});
