/**
 * Reading the CSV files the OI's people export from spreadsheets: UTF-8 (with or without a byte-order mark) or
 * Windows-1252 (what Excel writes on a French Windows), separated by ";" (French Excel), "," or a tab, quoted per
 * RFC 4180 (a quoted field may hold the separator, "" and line breaks). Lines are counted as the file's lines.
 */
import { AdminError } from '../errors/admin-error.js';

export const CSV_ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/**
 * The text of the file. Without a given encoding: UTF-8 if the bytes are valid UTF-8, else Windows-1252 (valid
 * UTF-8 with accents is practically never Windows-1252 text, so the guess is safe in this direction).
 */
export function decodeCsv(bytes: Uint8Array, encoding?: string): { text: string; encoding: CsvEncoding } {
  if (encoding !== undefined && !(CSV_ENCODINGS as readonly string[]).includes(encoding.toLowerCase())) {
    throw new AdminError('ADMIN_INVALID_INPUT', `--encoding ${encoding}: ${CSV_ENCODINGS.join(' or ')} expected`);
  }
  const chosen = encoding?.toLowerCase() as CsvEncoding | undefined;
  if (chosen !== 'windows-1252') {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
    } catch {
      if (chosen === 'utf-8') throw new AdminError('ADMIN_INVALID_INPUT', 'the file is not valid UTF-8 (try --encoding windows-1252)');
    }
  }
  return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
}

/** Windows-1252's 0x80-0x9F (the rest is Latin-1); 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned (kept as C1). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Decoded by hand: Node's TextDecoder decodes "windows-1252" as Latin-1 (0x96 gives U+0096, not "–"). */
function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192)).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
  }
  return out;
}

export interface CsvRecord { readonly line: number; readonly cells: readonly string[] }

function separatorOf(firstLine: string): string {
  const count = (c: string): number => firstLine.split(c).length - 1;
  return [';', ',', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ';');
}

/** The records of the text, each with the line it starts on; blank lines are skipped. Throws on an unclosed quote. */
export function* csvRecords(text: string): Generator<CsvRecord> {
  const sep = separatorOf(text.slice(0, text.search(/\r?\n|$/)));
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) throw new AdminError('ADMIN_INVALID_INPUT', `line ${start}: a quoted field is not closed`);
        cells.push(cell);
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
        if (c === '"') { quoted = false; i++; continue; }
        if (c === '\n') line++;
        cell += c;
        i++;
        continue;
      }
      if (c === '"' && cell === '') { quoted = true; i++; continue; }
      if (c === sep) { cells.push(cell); cell = ''; i++; continue; }
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (c === '\n' || c === '\r') { cells.push(cell); i++; line++; break; }
      cell += c;
      i++;
    }
    if (cells.length === 1 && cells[0]!.trim() === '') continue;
    yield { line: start, cells };
  }
}
