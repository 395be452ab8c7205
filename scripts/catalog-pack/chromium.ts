/**
 * Headless Chromium from Debian (apt-get install chromium), driven by its command line: one process per page,
 * a fresh profile each time, nothing reaching the network. No Puppeteer: it would download a browser build of its
 * own, which this project's machines cannot fetch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const WINDOW = { width: 1280, height: 2000 } as const;

export class ChromiumError extends Error {
  override name = 'ChromiumError';
}

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--window-size=${WINDOW.width},${WINDOW.height}`
];

export function requireChromium(binary: string): void {
  if (!existsSync(binary)) {
    throw new ChromiumError(`no Chromium at ${binary}: install it with "apt-get install chromium" (Debian), or pass --chromium <path>`);
  }
}

/** Runs Chromium on one page with a throwaway profile; returns its stdout. */
function run(binary: string, extra: readonly string[], file: string): string {
  requireChromium(binary);
  const profile = mkdtempSync(path.join(tmpdir(), 'esav-chromium-'));
  try {
    const result = spawnSync(binary, [...FLAGS, `--user-data-dir=${profile}`, ...extra, pathToFileURL(file).href], {
      encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024,
      // Chromium on Linux takes its UI locale from LANGUAGE, not --lang: with Debian's chromium-l10n installed the
      // date fields then read "jj/mm/aaaa" as a French operator sees them; without it, Chromium falls back to en-US.
      env: { ...process.env, LANGUAGE: 'fr' }
    });
    if (result.error) throw new ChromiumError(`chromium on ${file}: ${result.error.message}`);
    if (result.status !== 0) {
      // Chromium is chatty on stderr (D-Bus, GPU probes) even when it works: shown only when it failed.
      throw new ChromiumError(`chromium on ${file} exited with ${result.status ?? result.signal}:\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`);
    }
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export function screenshot(binary: string, page: string, png: string): void {
  run(binary, [`--screenshot=${png}`], page);
  if (!existsSync(png)) throw new ChromiumError(`chromium wrote no screenshot ${png} for ${page}`);
}

/** The DOM after parsing and layout, serialised: what a browser made of the page, not the file's text. */
export function dumpDom(binary: string, page: string): string {
  return run(binary, ['--dump-dom'], page);
}
