/**
 * esav-admin network …: the OI's network inventory (issue 15 part 1), imported from CSV files, and the planned works
 * and incidents declared on it (network-events.ts).
 */
import { parisTimestamp } from '../../domain/calendar.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkInventory, headerProblems, INVENTORY_COLUMNS, type InventoryColumn, type InventoryProblem, type RawInventoryRow
} from '../../domain/network-inventory.js';
import { AdminError } from '../../errors/admin-error.js';
import { findKnownElements, importInventory, viewElement } from '../../store/network-inventory-store.js';
import { stringOption, type Command, type CommandGroup } from '../command.js';
import { csvRecords, decodeCsv } from '../csv-file.js';
import { render } from '../output.js';
import { elementStateCommands } from './network-element-states.js';
import { networkEventCommands } from './network-events.js';

/** Every this many lines read, the import says how far it is (a 100k-line file takes a few seconds). */
export const PROGRESS_EVERY = 10_000;
const PROBLEMS_SHOWN = 100;

function problemsText(problems: readonly InventoryProblem[]): string[] {
  const shown = problems.slice(0, PROBLEMS_SHOWN).map((p) => `line ${p.line}, ${p.field}: ${p.message}`);
  return problems.length > PROBLEMS_SHOWN ? [...shown, `… and ${problems.length - PROBLEMS_SHOWN} more`] : shown;
}

/** The file's rows by column name, or every problem of its header and shape. */
export function readInventoryFile(bytes: Uint8Array, encoding: string | undefined, progress: (lines: number) => void):
  { rows: RawInventoryRow[]; encoding: string } {
  const decoded = decodeCsv(bytes, encoding);
  const records = csvRecords(decoded.text);
  const first = records.next();
  if (first.done) throw new AdminError('ADMIN_INVALID_INPUT', `the file is empty (header expected: ${INVENTORY_COLUMNS.join(';')})`);
  const header = first.value.cells.map((h) => h.trim().toLowerCase());
  const problems = headerProblems(header);
  if (problems.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', 'the header is not the documented one, nothing imported', problemsText(problems));
  const rows: RawInventoryRow[] = [];
  const shape: InventoryProblem[] = [];
  let read = 0;
  for (const r of records) {
    if (r.cells.length > header.length) shape.push({ line: r.line, field: 'ligne', message: `${r.cells.length} champs pour ${header.length} colonnes` });
    const fields: Partial<Record<InventoryColumn, string>> = {};
    header.forEach((h, i) => { fields[h as InventoryColumn] = r.cells[i] ?? ''; });
    rows.push({ line: r.line, fields });
    if (++read % PROGRESS_EVERY === 0) progress(r.line);
  }
  if (shape.length > 0) throw new AdminError('ADMIN_INVALID_INPUT', `${shape.length} rows refused, nothing imported`, problemsText(shape));
  return { rows, encoding: decoded.encoding };
}

const importCommand: Command = {
  name: 'import', usage: '<file.csv> [--encoding utf-8|windows-1252]',
  summary: 'import the inventory from a CSV file: all or nothing; the PMs of the file are its scope',
  details: [`Header (any order, ";" "," or tab): ${INVENTORY_COLUMNS.join(';')} — type PM|PMT|PBO|PTO; parent: the PM of a PMT or PBO, the PBO of a PTO;`,
    'pmt: the technical PM of a PBO (optional); immeuble: the building of a PTO (mandatory for a PTO).',
    'Scope: every element under a PM named by the file (directly or through its parents) and absent from it is retired.',
    'Re-importing the same file changes nothing. Services attach by their ends\' references (PTO of end Z, else PM of end A).'].join('\n'),
  positionals: ['file'], options: { encoding: { type: 'string', description: 'the file\'s encoding (default: UTF-8 if valid, else Windows-1252)' } },
  async run(ctx, args) {
    const file = args.positionals[0]!;
    const { rows, encoding } = readInventoryFile(readFileSync(file), stringOption(args, 'encoding'), (line) => ctx.out(`… ${line} lines read`));
    const named = new Set(rows.map((r) => r.fields.reference?.trim() ?? ''));
    const parents = [...new Set(rows.flatMap((r) => [r.fields.parent?.trim() ?? '', r.fields.pmt?.trim() ?? '']))].filter((p) => p !== '' && !named.has(p));
    const { elements, problems } = checkInventory(rows, await findKnownElements(ctx.pool, parents));
    if (problems.length > 0) {
      const refused = new Set(problems.map((p) => p.line)).size;
      throw new AdminError('ADMIN_INVALID_INPUT', `${path.basename(file)}: ${refused} rows refused, nothing imported`, problemsText(problems));
    }
    const c = await importInventory(ctx.pool, elements, path.basename(file), ctx.actor, ctx.clock.now());
    ctx.out(`imported ${path.basename(file)} (${encoding}, ${rows.length} rows, scope ${c.scope.join(' ') || '—'}): `
      + `${c.created} created, ${c.updated} updated, ${c.retired} retired; ${c.attachments} service attachments changed`);
  }
};

const showCommand: Command = {
  name: 'show', usage: '<reference> [--first <n>]', summary: 'an element: upstream, downstream (counts, the first n) and the services it carries',
  positionals: ['reference'], options: { first: { type: 'string', description: 'how many references to list per kind', default: '10' } },
  async run(ctx, args) {
    const first = Number(stringOption(args, 'first') ?? '10');
    if (!Number.isInteger(first) || first < 0 || first > 10_000) throw new AdminError('ADMIN_INVALID_INPUT', '--first: an integer from 0 to 10000');
    const v = await viewElement(ctx.pool, args.positionals[0]!, first);
    if (!v) throw new AdminError('ADMIN_NOT_FOUND', `no network element ${args.positionals[0]!}`);
    const e = v.element;
    const up = [e.pm_ref && `PM ${e.pm_ref}`, e.pmt_ref && `PMT ${e.pmt_ref}`, e.pbo_ref && `PBO ${e.pbo_ref}`].filter(Boolean).join(' → ');
    ctx.out([`${e.kind} ${e.ref}${e.label ? ` — ${e.label}` : ''}${e.retired_at ? ` (retired ${parisTimestamp(e.retired_at)})` : ''}`,
      `  upstream:   ${up || '—'}`,
      ...(e.building_id ? [`  building:   ${e.building_id}`] : []),
      ...(e.insee_code ? [`  INSEE:      ${e.insee_code}`] : []),
      '  downstream:',
      ...(v.downstream.length ? v.downstream.map((d) => `    ${d.kind} ${d.count}: ${d.refs.join(' ')}${d.count > d.refs.length ? ' …' : ''}`) : ['    —']),
      '  services:'].join('\n'));
    ctx.out(render(['operator', 'role', 'count', 'first'], v.services.map((s) => [s.operator, s.role, s.count, s.services.join(' ')]), false));
  }
};

export const networkCommands: CommandGroup = {
  name: 'network',
  summary: 'the network inventory (PM, PMT, PBO, PTO), its planned works (TP) and incidents (DERCO), the simulated elements\' states',
  commands: [importCommand, showCommand, ...networkEventCommands, ...elementStateCommands]
};
