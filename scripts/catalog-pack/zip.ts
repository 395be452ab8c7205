/**
 * The pack as one zip next to its folder, for sending by mail or putting on the extranet. Written with fflate
 * (pure JavaScript): no `zip` binary to install on developers' machines or CI.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';

/** Every file under a folder, as sorted POSIX paths relative to it (zip entries always use "/"). */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

export interface ZipResult {
  readonly file: string;
  readonly bytes: number;
  readonly entries: number;
}

/**
 * Zips `dir` into `zipFile`, every entry under one top folder named `topFolder`, so that unzipping makes one folder
 * rather than scattering files in the current one.
 */
export function zipFolder(dir: string, zipFile: string, topFolder: string, mtime: Date): ZipResult {
  const files = listFiles(dir);
  const tree: Zippable = {};
  for (const rel of files) {
    // Already-compressed formats (the screenshots) are stored: deflating them again only costs time.
    const level = /\.(png|zip)$/i.test(rel) ? 0 : 6;
    tree[`${topFolder}/${rel}`] = [new Uint8Array(readFileSync(path.join(dir, rel))), { level, mtime }];
  }
  const data = zipSync(tree);
  writeFileSync(zipFile, data);
  return { file: zipFile, bytes: statSync(zipFile).size, entries: files.length };
}
