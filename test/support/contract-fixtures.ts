/**
 * Contract roots for tests: a copy of the real wsdl/ and xsd/ with a different version plan, and, when asked, a
 * "prestation" v2 made from v1 with its own namespace, so that two live versions can be exercised.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRootDir } from '../../src/config/config.js';
import type { VersionDeclaration } from '../../src/domain/version-policy.js';

export interface ContractRoot {
  readonly dir: string;
  remove(): void;
}

export function contractRoot(versions: ReadonlyArray<VersionDeclaration>): ContractRoot {
  const root = findRootDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-contracts-'));
  cpSync(path.join(root, 'wsdl'), path.join(dir, 'wsdl'), { recursive: true });
  cpSync(path.join(root, 'xsd'), path.join(dir, 'xsd'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{}');
  if (versions.some((v) => v.version === 2)) {
    const wsdl = readFileSync(path.join(root, 'wsdl/prestation/v1/prestation.wsdl'), 'utf8').replaceAll('prestation/v1', 'prestation/v2');
    const xsd = readFileSync(path.join(root, 'xsd/prestation/v1/prestation.xsd'), 'utf8').replaceAll('prestation/v1', 'prestation/v2');
    cpSync(path.join(root, 'wsdl/prestation/v1'), path.join(dir, 'wsdl/prestation/v2'), { recursive: true });
    cpSync(path.join(root, 'xsd/prestation/v1'), path.join(dir, 'xsd/prestation/v2'), { recursive: true });
    rmSync(path.join(dir, 'wsdl/prestation/v2/prestation.wsdl'));
    writeFileSync(path.join(dir, 'wsdl/prestation/v2/prestation2.wsdl'), wsdl.replaceAll('xsd/prestation/v2/prestation.xsd', 'xsd/prestation/v2/prestation2.xsd'));
    rmSync(path.join(dir, 'xsd/prestation/v2/prestation.xsd'));
    writeFileSync(path.join(dir, 'xsd/prestation/v2/prestation2.xsd'), xsd);
  }
  const plan = {
    service: 'prestation',
    title: 'fixture',
    versions: versions.map((v) => ({ ...v, wsdl: v.version === 2 ? 'v2/prestation2.wsdl' : 'v1/prestation.wsdl' }))
  };
  writeFileSync(path.join(dir, 'wsdl/prestation/service.json'), JSON.stringify(plan, null, 2));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real contracts plus a fixture's own (test/fixtures/<name>/wsdl, xsd), for services that are never published. */
export function contractRootWithFixture(fixture: string): ContractRoot {
  const root = findRootDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-contracts-'));
  for (const part of ['wsdl', 'xsd']) {
    cpSync(path.join(root, part), path.join(dir, part), { recursive: true });
    cpSync(path.join(root, 'test/fixtures', fixture, part), path.join(dir, part), { recursive: true });
  }
  writeFileSync(path.join(dir, 'package.json'), '{}');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
