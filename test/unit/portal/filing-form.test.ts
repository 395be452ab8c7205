import { expect } from 'chai';
import { loadCatalog } from '../../../src/catalog/catalog-loader.js';
import { findRootDir } from '../../../src/config/config.js';
import { checkFiling, liveFormFor, parisLocalToDateTime } from '../../../src/portal/filing-form.js';
import { html, raw } from '../../../src/portal/html.js';

const catalog = loadCatalog(findRootDir());
const now = new Date('2026-12-02T10:00:00Z');
const VALID = {
  typeDefaut: 'PERTE_SIGNAL', niveauImpact: 'INTERRUPTION_TOTALE', dateConstat: '2026-12-02T08:30', description: 'Plus de signal.',
  'site/typeSite': 'RESIDENTIEL', 'site/adresse/voie': 'rue de Mulhouse', 'site/adresse/codePostal': '21000', 'site/adresse/commune': 'Dijon',
  'contactSite/nom': 'M. Garnier', 'contactSite/telephone': '03 80 11 22 33'
};

describe('the portal\'s filing form (S1, A1)', () => {
  it('reads a datetime-local value as Paris time, daylight saving included', () => {
    expect(parisLocalToDateTime('2026-12-02T08:30')).to.equal('2026-12-02T08:30:00+01:00');
    expect(parisLocalToDateTime('2026-07-14T08:30')).to.equal('2026-07-14T08:30:00+02:00');
    expect(parisLocalToDateTime('demain')).to.equal('demain');
  });

  it('makes the same filing input as the web services for a valid form (the content hash included)', () => {
    const fv = liveFormFor(catalog, 'FTTE', now)!;
    const check = checkFiling(catalog, fv, 'FTTE-21-0000101', 'REF-1', VALID, now);
    expect('input' in check).to.equal(true);
    if (!('input' in check)) return;
    expect(check.input.formOffer).to.equal('FTTE');
    expect(check.input.formFields.find((f) => f.path === 'contactSite/telephone')?.value).to.equal('0380112233');
    expect(check.input.contentHash).to.match(/^[0-9a-f]{64}$/);
    const again = checkFiling(catalog, fv, 'FTTE-21-0000101', 'REF-1', { ...VALID, description: '  Plus de signal.  ' }, now);
    expect('input' in again && again.input.contentHash).to.equal(check.input.contentHash);
  });

  it('lists every error at once, by field path: missing, XSD facets, code lists and cross-field rules', () => {
    const fv = liveFormFor(catalog, 'FTTE', now)!;
    const check = checkFiling(catalog, fv, 'FTTE-21-0000101', 'REF-1',
      { ...VALID, typeDefaut: '', 'site/typeSite': 'SITE_SENSIBLE', 'site/adresse/codePostal': '2100', niveauImpact: 'INCONNU_ICI' }, now);
    expect('errors' in check).to.equal(true);
    if (!('errors' in check)) return;
    expect(check.errors.map((e) => [e.field, e.rule])).to.deep.equal([
      ['typeDefaut', 'obligatoire'], ['site/adresse/codePostal', 'pattern'], ['niveauImpact', 'codeList'],
      ['accesSite/horaires', 'obligatoire-si:horaires-acces'], ['accesSite/consignes', 'obligatoire-si:consignes-site-sensible']
    ]);
  });

  it('escapes every value in its HTML', () => {
    expect(html`<p title="${'"><script>'}">${'<b>&'}</p>${raw('<hr>')}`.text).to.equal('<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;&amp;</p><hr>');
  });
});
