import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CatalogError, loadCatalog } from '../../../src/catalog/catalog-loader.js';
import { findRootDir } from '../../../src/config/config.js';

/** A copy of the real catalogue with one file changed, loaded as the gateway would at boot. */
function bootWith(file: string, change: (text: string) => string): readonly string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-catalog-'));
  try {
    cpSync(path.join(findRootDir(), 'catalog'), path.join(dir, 'catalog'), { recursive: true });
    const target = path.join(dir, 'catalog', file);
    writeFileSync(target, change(readFileSync(target, 'utf8')));
    loadCatalog(dir);
    return [];
  } catch (e) {
    if (e instanceof CatalogError) return e.problems;
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('catalogue loading at boot', () => {
  it('loads the released catalogue', () => {
    expect([...loadCatalog(findRootDir()).forms.keys()].sort()).to.deep.equal(['ftte', 'ftth', 'lfo']);
  });

  it('refuses a form version announced less than 2 months before production, saying so', () => {
    const problems = bootWith('forms/ftth/form.json', (t) => t.replace('"2026-09-01"', '"2026-09-15"'));
    expect(problems.join('\n')).to.include('rule V3: form ftth v2 is announced on 2026-09-15, less than 2 months before its production date 2026-11-02');
  });

  it('refuses a third version that would be accepted with the two others', () => {
    const problems = bootWith('forms/ftth/form.json', (t) => {
      const plan = JSON.parse(t) as { versions: unknown[] };
      plan.versions.push({ version: 3, announced: '2026-09-20', production: '2026-11-20' });
      return JSON.stringify(plan);
    });
    expect(problems.join('\n')).to.match(/rule V2: on 2026-11-20 3 versions of form ftth would be accepted/);
  });

  it('refuses a definition that names an unknown code list', () => {
    const problems = bootWith('forms/ftte/v1/definition.json', (t) => t.replace('"type-defaut/v1"', '"type-defaut/v9"'));
    expect(problems.join('\n')).to.include('names unknown code list type-defaut/v9');
  });
});
