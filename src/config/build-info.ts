/**
 * What esav_build_info says of the running gateway: the package's version and the commit it was built from — the
 * build's ESAV_BUILD_COMMIT when set (the Docker image), else the checkout's HEAD read from its git files (a gateway
 * started from a clone or a worktree), else unknown. No git process is started: the files are read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface BuildFacts { readonly version: string; readonly commit: string | null }

const COMMIT = /^[0-9a-f]{40}$/;

/** The commit HEAD points to in the checkout at `root`, or null when it is not a git checkout or HEAD is unreadable. */
export function checkoutCommit(root: string): string | null {
  try {
    let gitDir = path.join(root, '.git');
    // A worktree (or a submodule) has a .git file naming its git directory.
    if (statSync(gitDir).isFile()) {
      const named = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!named) return null;
      gitDir = path.resolve(root, named[1]!.trim());
    }
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (COMMIT.test(head)) return head; // a detached HEAD
    const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
    if (ref === undefined) return null;
    // A worktree's branches live in the main repository's directory (its commondir).
    const commonFile = path.join(gitDir, 'commondir');
    const common = existsSync(commonFile) ? path.resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = path.join(dir, ref);
      if (existsSync(loose)) {
        const id = readFileSync(loose, 'utf8').trim();
        return COMMIT.test(id) ? id : null;
      }
    }
    const packed = path.join(common, 'packed-refs');
    if (!existsSync(packed)) return null;
    const line = readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
    const id = line?.split(' ')[0];
    return id !== undefined && COMMIT.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** The version of package.json at `root` and the commit: `configured` (ESAV_BUILD_COMMIT) first, else the checkout's. */
export function buildFacts(root: string, configured: string | null): BuildFacts {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { version, commit: configured ?? checkoutCommit(root) };
}
