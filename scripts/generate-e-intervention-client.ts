/**
 * npm run generate:e-intervention-client — writes test/support/generated/e-intervention-{do,oi}.ts, the
 * openapi-typescript types of the original E-Intervention v2.5 files, for openapi-fetch clients
 * (scripts/lib/e-intervention-client.ts). Refuses to write when a copy of the files differs from the published one.
 */
import { writeFileSync } from 'node:fs';
import { findRootDir } from '../src/config/config.js';
import { contractFile, E_INTERVENTION_SHA256, generatedFile, generateTypes, sha256Of } from './lib/e-intervention-client.js';

const root = findRootDir();
for (const file of ['DO', 'OI'] as const) {
  const actual = sha256Of(contractFile(root, file));
  if (actual !== E_INTERVENTION_SHA256[file]) {
    console.error(`${contractFile(root, file)}: sha256 ${actual}, the published file's is ${E_INTERVENTION_SHA256[file]}`);
    process.exitCode = 1;
    continue;
  }
  writeFileSync(generatedFile(root, file), await generateTypes(root, file));
  console.log(`written ${generatedFile(root, file)}`);
}
