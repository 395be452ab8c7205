import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import {
  contractFile, E_INTERVENTION_SHA256, generatedFile, generateTypes, sha256Of
} from '../../../scripts/lib/e-intervention-client.js';
import { sharedPath } from '../../support/shared.js';
import { E_INTERVENTION_FILES } from '../../../src/contracts/e-intervention-contract.js';

describe('the generated E-Intervention client types (openapi-typescript)', () => {
  const root = findRootDir();

  it('reads copies of the files identical to the published ones (their sha256)', () => {
    for (const file of ['DO', 'OI'] as const) {
      expect(sha256Of(contractFile(root, file)), file).to.equal(E_INTERVENTION_SHA256[file]);
      const original = sharedPath('interop', 'e-intervention', E_INTERVENTION_FILES[file]);
      if (existsSync(original)) expect(readFileSync(contractFile(root, file)).equals(readFileSync(original)), original).to.equal(true);
    }
  });

  it('are what npm run generate:e-intervention-client writes from those files', async function () {
    this.timeout(30_000);
    for (const file of ['DO', 'OI'] as const) {
      const committed = readFileSync(generatedFile(root, file), 'utf8');
      expect(committed, `${generatedFile(root, file)} is stale: npm run generate:e-intervention-client`).to.equal(await generateTypes(root, file));
      // The check can fail: the types name the files' operations.
      expect(committed).to.contain(file === 'DO' ? 'creerInterventionDO' : 'notifierImpacteClientsOC');
    }
  });
});
