/**
 * Loads catalog/tests/ at boot (issue 17 part 2): the plan (tests.json: versions with their announcement and
 * production dates, V2/V3) and each version's definition. Every inconsistency is reported at once and the gateway
 * does not start, as for the forms.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CatalogueVersion } from '../domain/form-version-policy.js';
import { testCatalogueProblems, type TestCatalogue, type TestCatalogueVersion } from '../domain/line-test-catalogue.js';
import { CatalogError } from './catalog-loader.js';

const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export function loadTestCatalogue(rootDir: string): TestCatalogue {
  const root = path.join(rootDir, 'catalog', 'tests');
  const plan = json<{ versions: CatalogueVersion[] }>(path.join(root, 'tests.json'));
  const problems: string[] = [];
  const versions: TestCatalogueVersion[] = [];
  for (const v of plan.versions) {
    const file = path.join(root, `v${v.version}`, 'definition.json');
    if (!existsSync(file)) { problems.push(`tests v${v.version}: no ${file}`); continue; }
    versions.push(Object.freeze({ ...json<Omit<TestCatalogueVersion, keyof CatalogueVersion>>(file), ...v }));
  }
  const catalogue: TestCatalogue = Object.freeze({ versions: Object.freeze(versions) });
  problems.push(...testCatalogueProblems(catalogue));
  if (problems.length > 0) throw new CatalogError(problems);
  return catalogue;
}
