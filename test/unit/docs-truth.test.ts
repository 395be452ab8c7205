/**
 * The docs say what the code does (issue 19 item 7): each statement a new user relied on and found false is checked
 * here against the code it describes, so that it cannot drift again.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import { findRootDir, loadConfig } from '../../src/config/config.js';
import { acceptedUntil } from '../../src/domain/form-version-policy.js';
import { AUDIT_ENTITIES } from '../../src/store/registry/audit.js';
import { auditCommands } from '../../src/admin/commands/profiles-trust-audit.js';

const ROOT = findRootDir();
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
/** What operators (and their developers) read: the documentation pack and the pages it points to. */
const OPERATOR_DOCS = ['README.md', 'docs/integration-guide.md', 'docs/faults.md', 'docs/examples/README.md', 'catalog/README.md', 'packages/esav-test-pack/README.md'];

function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

describe('docs that are true', () => {
  it('give the FTTH v1 form’s last day accepted and first day refused as the version policy computes them', () => {
    const ftth = loadCatalog(ROOT).forms.get('ftth')!;
    const refusedFrom = acceptedUntil(ftth.versions, 1)!;
    const lastDay = previousDay(refusedFrom);
    for (const file of ['README.md', 'catalog/README.md']) {
      const text = read(file);
      expect(text, file).to.contain(`accepted until ${lastDay} included`);
      expect(text, file).to.contain(`refused from ${refusedFrom}`);
      expect(text, `${file} must not say v1 is accepted on its first day refused`).to.not.contain(`v1 accepted until ${refusedFrom}`);
    }
  });

  it('give ESAV_PKI_DIR’s default as the configuration computes it', () => {
    expect(loadConfig({}, ROOT).pkiDir).to.equal(path.join(ROOT, 'var', 'pki'));
    expect(loadConfig({ ESAV_DATA_DIR: 'elsewhere' }, ROOT).pkiDir).to.equal(path.join(ROOT, 'elsewhere', 'pki'));
    expect(loadConfig({ ESAV_ENV: 'integration' }, ROOT).pkiDir).to.equal(path.join(ROOT, 'var', 'pki'));
    const row = read('README.md').split('\n').find((l) => l.startsWith('| `ESAV_PKI_DIR` |'))!;
    expect(row).to.contain('`<ESAV_DATA_DIR>/pki`').and.contain('*int.* `var/pki`');
  });

  it('list every audit entity the trail records, in the README and in the CLI’s usage', () => {
    const readme = read('README.md');
    const usage = auditCommands.commands.find((c) => c.name === 'list')!.usage;
    for (const entity of AUDIT_ENTITIES) {
      expect(readme, `README: ${entity}`).to.contain(`\`${entity}\``);
      expect(usage, `audit list usage: ${entity}`).to.contain(entity);
    }
    // Every entity the code records is one of the list (the type enforces it; this reads the sources).
    const recorded = new Set<string>();
    for (const file of ['src/store', 'src/admin'].flatMap((d) => listTs(path.join(ROOT, d)))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/entity: '([a-z_]+)'/g)) recorded.add(m[1]!);
    }
    expect([...recorded].sort()).to.deep.equal([...AUDIT_ENTITIES].sort());
  });

  it('make the CSR subject UTF-8 in every openssl req with a non-ASCII subject (else « Opérateur » is garbled)', () => {
    let seen = 0;
    for (const file of OPERATOR_DOCS) {
      for (const line of read(file).split('\n').filter((l) => /openssl req\b/.test(l) && /-subj/.test(l))) {
        seen++;
        if (/[^\x00-\x7f]/.test(line)) expect(line, file).to.match(/\s-utf8\b/);
      }
    }
    expect(seen).to.be.greaterThan(0);
  });

  it('never show a notification port that is one of the gateway’s own listeners', () => {
    const taken = new Set<number>();
    for (const env of [{}, { ESAV_ENV: 'integration' }]) {
      const c = loadConfig(env, ROOT);
      for (const p of [c.port, c.internalPort, c.opsPort, c.embeddedPgPort]) taken.add(p);
    }
    let seen = 0;
    for (const file of OPERATOR_DOCS) {
      for (const m of read(file).matchAll(/--notifications-port\s+(\d+)/g)) {
        seen++;
        expect(taken.has(Number(m[1])), `${file}: --notifications-port ${m[1]} is a port of the gateway`).to.equal(false);
      }
    }
    expect(seen).to.be.greaterThan(0);
  });

  it('link nothing outside the repository in what operators read', () => {
    for (const file of OPERATOR_DOCS) {
      for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        expect(target, `${file}: ${m[1]}`).to.not.match(/^[a-z]+:/i);
        if (target === '') continue;
        const resolved = path.resolve(path.dirname(path.join(ROOT, file)), target);
        expect(resolved.startsWith(`${ROOT}${path.sep}`), `${file}: ${m[1]} leaves the repository`).to.equal(true);
        expect(existsSync(resolved), `${file}: ${m[1]} does not exist`).to.equal(true);
      }
      // A path into the OI's notes next to the repository, even unlinked, is not something an operator can open.
      expect(read(file), file).to.not.match(/\.\.\/shared\//);
    }
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listTs(full) : name.endsWith('.ts') ? [full] : [];
  });
}
