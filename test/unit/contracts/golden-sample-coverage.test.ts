/**
 * Every operation of every service version in wsdl/ has at least one golden exchange in
 * test/samples/<service>/v<N>/<operation>__<behaviour>/ (docs/adding-a-web-service.md, step 6): a new service or
 * version cannot land without its samples, which the golden-exchange replay and the contract check then hold.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { loadContracts } from '../../../src/contracts/contract-loader.js';
import { contractRootWithFixture } from '../../support/contract-fixtures.js';

/** The operations of every version of the contracts under `rootDir` that have no sample under `samplesDir`. */
function operationsWithoutSample(rootDir: string, samplesDir: string): string[] {
  const missing: string[] = [];
  for (const [service, contract] of loadContracts(rootDir).services) {
    for (const [version, d] of contract.versions) {
      const dir = path.join(samplesDir, service, `v${version}`);
      const folders = existsSync(dir) ? readdirSync(dir) : [];
      for (const op of d.operations.values()) {
        if (!folders.some((f) => f.startsWith(`${op.name}__`))) missing.push(`${service}/v${version}/${op.name}`);
      }
    }
  }
  return missing;
}

describe('golden sample coverage', () => {
  const root = findRootDir();

  it('finds a golden sample for every operation of every service version', () => {
    expect(operationsWithoutSample(root, path.join(root, 'test/samples'))).to.deep.equal([]);
  });

  it('names the operation of a service version that has none', () => {
    const fixture = contractRootWithFixture('envelope-contract');
    try {
      expect(operationsWithoutSample(fixture.dir, path.join(root, 'test/samples'))).to.deep.equal(['essai/v1/echo']);
    } finally {
      fixture.remove();
    }
  });
});
