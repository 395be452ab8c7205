import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildFacts, checkoutCommit } from '../../../src/config/build-info.js';
import { findRootDir } from '../../../src/config/config.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('build facts (esav_build_info)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'esav-build-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (p: string, text: string): void => { mkdirSync(path.dirname(path.join(dir, p)), { recursive: true }); writeFileSync(path.join(dir, p), text); };

  it('reads the branch HEAD points to, loose or packed, and a detached HEAD', () => {
    file('repo/.git/HEAD', 'ref: refs/heads/main\n');
    file('repo/.git/refs/heads/main', `${A}\n`);
    expect(checkoutCommit(path.join(dir, 'repo'))).to.equal(A);
    rmSync(path.join(dir, 'repo/.git/refs/heads/main'));
    file('repo/.git/packed-refs', `# pack-refs with: peeled fully-peeled sorted\n${B} refs/heads/main\n`);
    expect(checkoutCommit(path.join(dir, 'repo'))).to.equal(B);
    file('repo/.git/HEAD', `${A}\n`);
    expect(checkoutCommit(path.join(dir, 'repo'))).to.equal(A);
  });

  it('follows a worktree to its git directory and the branches of the main repository', () => {
    file('main/.git/refs/heads/wt-x', `${B}\n`);
    file('main/.git/worktrees/wt-x/HEAD', 'ref: refs/heads/wt-x\n');
    file('main/.git/worktrees/wt-x/commondir', '../..\n');
    file('wt-x/.git', `gitdir: ${path.join(dir, 'main/.git/worktrees/wt-x')}\n`);
    expect(checkoutCommit(path.join(dir, 'wt-x'))).to.equal(B);
  });

  it('knows no commit outside a checkout, or for a HEAD it cannot read', () => {
    expect(checkoutCommit(dir)).to.equal(null);
    file('.git/HEAD', 'ref: refs/heads/gone\n');
    expect(checkoutCommit(dir)).to.equal(null);
    file('.git/HEAD', 'garbage\n');
    expect(checkoutCommit(dir)).to.equal(null);
  });

  it('gives this checkout\'s HEAD as git does, and ESAV_BUILD_COMMIT before it', () => {
    const root = findRootDir();
    const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
    const facts = buildFacts(root, null);
    expect(facts.version).to.match(/^\d+\.\d+\.\d+/);
    if (git.status === 0) expect(facts.commit).to.equal(git.stdout.trim());
    expect(buildFacts(root, '0123abc').commit).to.equal('0123abc');
  });
});
