/**
 * npm run catalog:screenshots: looks at the catalogue pack the way a person would. Builds the pack if it is not
 * there, screenshots index.html and one mock-up with Debian's headless Chromium into <pack>/captures/, checks the
 * PNGs are real pictures, and checks the rendered DOM of the mock-up (title, the codes in its <select>s).
 * Exit 1 when Chromium is missing or a check fails, 2 on bad usage.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CatalogError, loadCatalog } from '../src/catalog/catalog-loader.js';
import { findRootDir } from '../src/config/config.js';
import { parisDate } from '../src/domain/calendar.js';
import { buildCatalogPack, formatBytes, PackError } from './catalog-pack/build.js';
import { ChromiumError, DEFAULT_CHROMIUM, dumpDom, requireChromium, screenshot, WINDOW } from './catalog-pack/chromium.js';
import { checkMockupDom, type CodedField } from './catalog-pack/dom-checks.js';
import { INDEX_FILE, packModel, type PackVersion } from './catalog-pack/pack-model.js';
import { checkPng, COLOUR_COUNT_LIMIT } from './catalog-pack/png.js';

const USAGE = `npm run catalog:screenshots [-- --pack <dir>] [--root <dir>] [--chromium <path>]
  Screenshots the catalogue pack's index.html and one mock-up into <pack>/captures/ with headless Chromium, checks
  each PNG (signature, ${WINDOW.width}×${WINDOW.height}, more than 10 kB) and the rendered DOM of the mock-up (its French title,
  a <select> with every code of each coded field). Builds the pack first (as of today) when <pack>/index.html is missing.
  --pack <dir>       the pack folder (default var/catalogue-pack under the project root)
  --root <dir>       the project root whose catalog/ is read (default: found from this script)
  --chromium <path>  the browser (default ${DEFAULT_CHROMIUM}; Debian: apt-get install chromium)
  --help             this text
`;

const say = (line: string): void => { process.stderr.write(`catalog:screenshots ${line}\n`); };

/** The mock-up to look at: the current version with the most coded fields, the richest page of the pack. */
function pickMockup(versions: readonly PackVersion[]): PackVersion | undefined {
  const coded = (v: PackVersion): number => v.fv.definition.fields.filter((f) => f.type === 'code').length;
  return [...versions].sort((a, b) => Number(a.previous) - Number(b.previous) || coded(b) - coded(a))[0];
}

function run(argv: readonly string[]): number {
  const args = parseArgs({
    args: [...argv], strict: true, allowPositionals: false,
    options: { help: { type: 'boolean', short: 'h' }, pack: { type: 'string' }, root: { type: 'string' }, chromium: { type: 'string' } }
  }).values;
  if (args.help) { process.stdout.write(USAGE); return 0; }
  const chromium = args.chromium ?? DEFAULT_CHROMIUM;
  requireChromium(chromium); // before building anything: the one missing piece a developer can fix at once
  const root = args.root ? path.resolve(args.root) : findRootDir();
  const pack = args.pack ? path.resolve(args.pack) : path.join(root, 'var', 'catalogue-pack');
  const catalog = loadCatalog(root);
  const index = path.join(pack, INDEX_FILE);
  if (!existsSync(index)) {
    say(`no pack in ${pack}: building it`);
    buildCatalogPack({ root, out: pack, date: parisDate(new Date()), catalog, log: say });
  }
  // The pack says which date it describes; the catalogue then says what each of its mock-ups must show.
  const date = /data-pack-date="(\d{4}-\d{2}-\d{2})"/.exec(readFileSync(index, 'utf8'))?.[1];
  if (!date) throw new PackError(`${index} is not a catalogue pack index (no data-pack-date): rebuild it with npm run catalog:pack`);
  const chosen = pickMockup(packModel(catalog, date, new Date()).versions);
  if (!chosen) throw new PackError(`the pack of ${date} has no form version: nothing to screenshot`);
  const mockup = path.join(pack, ...chosen.files.maquette.split('/'));
  if (!existsSync(mockup)) throw new PackError(`${mockup} is missing: the pack is stale, rebuild it with npm run catalog:pack`);

  const captures = path.join(pack, 'captures');
  mkdirSync(captures, { recursive: true });
  const problems: string[] = [];
  const shots: Array<[string, string]> = [[index, path.join(captures, 'index.png')], [mockup, path.join(captures, `${chosen.files.folder}-maquette.png`)]];
  for (const [page, png] of shots) {
    screenshot(chromium, page, png);
    const { info, problems: found } = checkPng(png, WINDOW);
    problems.push(...found);
    say(`${path.relative(pack, png)}: ${info ? `${info.width}×${info.height}, ${formatBytes(info.bytes)}, ${info.colours === COLOUR_COUNT_LIMIT ? `${COLOUR_COUNT_LIMIT}+` : info.colours ?? '?'} colours` : 'unreadable'}`);
  }

  const coded: CodedField[] = chosen.fv.definition.fields
    .filter((f) => f.type === 'code' && f.codeList !== undefined)
    .map((f) => ({ path: f.path, list: catalog.codeLists.get(f.codeList!)! }));
  const domProblems = checkMockupDom(dumpDom(chromium, mockup), chosen.contract.title, coded);
  problems.push(...domProblems);
  say(`${chosen.files.maquette} DOM: title and ${coded.length} coded field(s) ${domProblems.length === 0 ? 'found' : 'NOT all found'}`);

  if (problems.length > 0) {
    process.stderr.write(`catalog:screenshots: ${problems.length} check(s) failed:\n  - ${problems.join('\n  - ')}\n`);
    return 1;
  }
  process.stdout.write(`Screenshots of the pack of ${date} in ${captures}: ${shots.map(([, png]) => path.basename(png)).join(', ')}; all checks passed\n`);
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (e) {
  const known = e instanceof ChromiumError || e instanceof PackError || e instanceof CatalogError;
  if (!known && !(e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) throw e;
  process.stderr.write(`catalog:screenshots: ${(e as Error).message}\n${known ? '' : `\n${USAGE}`}`);
  process.exitCode = known ? 1 : 2;
}
