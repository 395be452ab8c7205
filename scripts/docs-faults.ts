/** Writes docs/faults.md from the error registry. Usage: npm run docs:faults [-- --check] */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findRootDir } from '../src/config/config.js';
import { faultCatalogueMarkdown } from '../src/errors/fault-catalogue.js';

const file = path.join(findRootDir(), 'docs', 'faults.md');
if (process.argv.includes('--help')) {
  process.stdout.write('npm run docs:faults [-- --check]\n  writes docs/faults.md from src/errors/registry.ts; --check exits 1 when it is stale\n');
} else if (process.argv.includes('--check')) {
  const stale = readFileSync(file, 'utf8') !== faultCatalogueMarkdown();
  process.stdout.write(stale ? 'docs/faults.md is stale: run npm run docs:faults\n' : 'docs/faults.md is up to date\n');
  process.exitCode = stale ? 1 : 0;
} else {
  writeFileSync(file, faultCatalogueMarkdown());
  process.stdout.write(`wrote ${file}\n`);
}
