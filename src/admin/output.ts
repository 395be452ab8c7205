/** Plain-text tables, CSV and JSON for the administration commands; instants in Paris time with their offset. */
import { parisTimestamp } from '../domain/calendar.js';

export type Cell = string | number | boolean | Date | null | undefined;

function text(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return parisTimestamp(c);
  return String(c);
}

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = rows.map((r) => r.map(text));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function csv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const quote = (s: string): string => (/[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [headers, ...rows.map((r) => r.map(text))].map((r) => r.map(quote).join(',')).join('\n');
}

/** JSON: an array of objects keyed by the column names; instants as ISO 8601 in Paris time with their offset, empty cells as null. */
export function json(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const value = (c: Cell): string | number | boolean | null => (c === undefined || c === null ? null : c instanceof Date ? parisTimestamp(c) : c);
  return JSON.stringify(rows.map((r) => Object.fromEntries(headers.map((h, i) => [h, value(r[i])]))), null, 2);
}

/** A list in the format asked for: a table (`(none)` when empty), CSV (`true`, or 'csv') or JSON. */
export function render(headers: readonly string[], rows: readonly (readonly Cell[])[], format: boolean | 'table' | 'csv' | 'json'): string {
  const f = format === true ? 'csv' : format === false ? 'table' : format;
  if (f === 'json') return json(headers, rows);
  if (f === 'table' && rows.length === 0) return '(none)';
  return f === 'csv' ? csv(headers, rows) : table(headers, rows);
}
