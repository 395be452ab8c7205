import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { faultCatalogueMarkdown } from '../../../src/errors/fault-catalogue.js';
import { errorRegistry } from '../../../src/errors/registry.js';

describe('error registry', () => {
  const entries = Object.values(errorRegistry);

  it('gives every entry a unique wire code that matches the XSD pattern of CodeErreurType', () => {
    const codes = entries.map((e) => e.wireCode);
    expect(new Set(codes).size).to.equal(codes.length);
    for (const c of codes) expect(c).to.match(/^[A-Z][A-Z0-9_]{2,63}$/);
  });

  it('is documented: docs/faults.md is the catalogue generated from the registry (npm run docs:faults)', () => {
    expect(readFileSync('docs/faults.md', 'utf8')).to.equal(faultCatalogueMarkdown());
  });
});
