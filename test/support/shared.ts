/**
 * The shared reference material (industry contracts, attack corpora) sits next to the checkout (../shared); CI may
 * check out elsewhere, so /work/shared is looked at too, and ESAV_SHARED_DIR names another place.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findRootDir } from '../../src/config/config.js';

export function sharedPath(...parts: string[]): string {
  const candidates = [process.env.ESAV_SHARED_DIR, path.resolve(findRootDir(), '..', 'shared'), '/work/shared']
    .filter((dir): dir is string => dir !== undefined).map((dir) => path.join(dir, ...parts));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
