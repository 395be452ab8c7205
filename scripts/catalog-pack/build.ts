/**
 * Builds the catalogue pack (DOMAIN.md D1) as of a Paris date: for every form version live that day, its HTML
 * mock-up, its XML form, its XSD and examples; the code lists those versions use; an index; and a zip of it all.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import type { Catalog } from '../../src/catalog/catalog-types.js';
import { parseIsoDate } from '../../src/domain/calendar.js';
import { codeListCsv, codeListXml } from './code-list-files.js';
import { writeFile, writeFormVersion } from './form-files.js';
import { GENERATOR } from './html.js';
import { indexPage } from './index-page.js';
import { codeListFile, INDEX_FILE, packModel, type PackModel } from './pack-model.js';
import { zipFolder, type ZipResult } from './zip.js';

export class PackError extends Error {
  override name = 'PackError';
}

export interface BuildOptions {
  /** The project root: the catalogue is read from <root>/catalog. */
  readonly root: string;
  /** The pack folder; the zip is written next to it as <out>.zip. */
  readonly out: string;
  /** The Paris date (YYYY-MM-DD) the pack describes. */
  readonly date: string;
  /** The generation instant shown in the index; injectable so tests can pin it. */
  readonly now?: Date;
  /** One progress line per group of files (the CLI sends them to stderr). */
  readonly log?: (line: string) => void;
  /** An already-loaded catalogue, to skip loading it again. */
  readonly catalog?: Catalog;
}

export interface BuildResult {
  readonly out: string;
  readonly model: PackModel;
  /** The pack's files, POSIX paths relative to `out`, sorted. */
  readonly files: readonly string[];
  readonly zip: ZipResult;
  readonly warnings: readonly string[];
}

/**
 * Empties the output folder, but only one that is empty or that this builder wrote (its index.html carries the
 * generator mark): a mistyped --out must never delete someone's folder.
 */
function prepareOutput(out: string): void {
  if (existsSync(out)) {
    const entries = readdirSync(out);
    const index = path.join(out, INDEX_FILE);
    const ours = existsSync(index) && readFileSync(index, 'utf8').includes(`<meta name="generator" content="${GENERATOR}">`);
    if (entries.length > 0 && !ours) {
      throw new PackError(`${out} exists and is not a catalogue pack: choose another --out or empty that folder`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
}

export function buildCatalogPack(opts: BuildOptions): BuildResult {
  if (!parseIsoDate(opts.date)) throw new PackError(`--date ${JSON.stringify(opts.date)}: expected a date YYYY-MM-DD`);
  const log = opts.log ?? ((): void => undefined);
  const out = path.resolve(opts.out);
  const catalog = opts.catalog ?? loadCatalog(opts.root);
  const now = opts.now ?? new Date();
  const model = packModel(catalog, opts.date, now);
  prepareOutput(out);

  const files: string[] = [];
  const warnings: string[] = [];
  for (const v of model.versions) {
    const written = writeFormVersion(out, v, model.date);
    files.push(...written.files);
    warnings.push(...written.warnings);
    const examples = v.files.examples.length;
    log(`${v.fv.form} v${v.fv.version}${v.previous ? ' (previous version, in its coexistence month)' : ''}: maquette.html, formulaire.xml, ${path.basename(v.files.xsd)}, ${examples} example(s)`);
  }
  for (const list of model.codeLists) {
    writeFile(out, codeListFile(list, 'xml'), codeListXml(list));
    writeFile(out, codeListFile(list, 'csv'), codeListCsv(list));
    files.push(codeListFile(list, 'xml'), codeListFile(list, 'csv'));
  }
  log(`listes-de-codes: ${model.codeLists.length} code list version(s), ${model.codeLists.length * 2} XML and CSV files`);

  const zipPath = `${out}.zip`;
  writeFile(out, INDEX_FILE, indexPage(model, path.basename(zipPath)));
  files.push(INDEX_FILE);
  log(`${INDEX_FILE}: ${model.versions.length} live form version(s)`);
  for (const w of warnings) log(`warning: ${w}`);

  const zip = zipFolder(out, zipPath, path.basename(out), now);
  log(`${path.basename(zipPath)}: ${zip.entries} file(s), ${formatBytes(zip.bytes)}`);
  return { out, model, files: files.sort(), zip, warnings };
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
