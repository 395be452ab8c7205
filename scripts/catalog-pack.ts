/**
 * npm run catalog:pack: writes the catalogue pack (DOMAIN.md D1) of the form versions live on a date.
 * Progress goes to stderr, the summary to stdout; exit 1 on a catalogue or output problem, 2 on bad usage.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CatalogError } from '../src/catalog/catalog-loader.js';
import { findRootDir } from '../src/config/config.js';
import { parisDate } from '../src/domain/calendar.js';
import { buildCatalogPack, formatBytes, PackError } from './catalog-pack/build.js';

const USAGE = `npm run catalog:pack [-- --out <dir>] [--date <YYYY-MM-DD>] [--root <dir>]
  Writes the catalogue pack: for every form version live on the date, an HTML mock-up (maquette.html), the XML
  form (formulaire.xml), the XSD and the examples; the code lists those versions use (XML and CSV); index.html;
  and a zip of the folder next to it (<out>.zip).
  --out <dir>    the pack folder (default var/catalogue-pack under the project root); emptied first, and only if
                 it is empty or an earlier pack
  --date <date>  the Paris date the pack describes (default: today in Paris). The older version of a form is in
                 the pack during its one-month coexistence window (rule V2), not after
  --root <dir>   the project root whose catalog/ is read (default: found from this script)
  --help         this text
`;

function main(argv: readonly string[]): number {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' }, out: { type: 'string' }, date: { type: 'string' }, root: { type: 'string' } },
      strict: true, allowPositionals: false
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) { process.stdout.write(USAGE); return 0; }
  const root = args.root ? path.resolve(args.root) : findRootDir();
  const out = args.out ? path.resolve(args.out) : path.join(root, 'var', 'catalogue-pack');
  const date = args.date ?? parisDate(new Date());
  try {
    const result = buildCatalogPack({ root, out, date, log: (line) => process.stderr.write(`catalog:pack ${line}\n`) });
    const forms = new Set(result.model.versions.map((v) => v.fv.form)).size;
    process.stdout.write([
      `Catalogue pack as of ${date}: ${forms} form(s), ${result.model.versions.length} live version(s), `
        + `${result.model.codeLists.length} code list(s), ${result.files.length} files`,
      `  folder ${result.out}`,
      `  zip    ${result.zip.file} (${formatBytes(result.zip.bytes)})`,
      ''
    ].join('\n'));
    return 0;
  } catch (e) {
    if (e instanceof CatalogError || e instanceof PackError) {
      process.stderr.write(`catalog:pack: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
