/**
 * npm run examples:projects — writes docs/examples/esav.soapui-project.xml and esav.postman_collection.json from the
 * released WSDLs and the examples (scripts/lib/client-projects.ts). test/unit/examples/client-projects.test.ts
 * fails when the committed files differ from what this writes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../src/catalog/catalog-loader.js';
import { formSchemaImports } from '../src/catalog/catalog-types.js';
import { findRootDir } from '../src/config/config.js';
import { loadContracts } from '../src/contracts/contract-loader.js';
import { postmanCollection, soapUiProject } from './lib/client-projects.js';
import { examplesDir, loadStories } from './lib/examples.js';

const root = findRootDir();
const contracts = loadContracts(root, formSchemaImports(loadCatalog(root)));
const stories = loadStories(root);
const dir = examplesDir(root);
writeFileSync(path.join(dir, 'esav.soapui-project.xml'), soapUiProject(contracts, stories));
writeFileSync(path.join(dir, 'esav.postman_collection.json'), postmanCollection(contracts, stories));
console.log(`docs/examples: esav.soapui-project.xml, esav.postman_collection.json (${stories.length} service versions, ${stories.reduce((n, s) => n + s.examples.length, 0)} examples)`);
