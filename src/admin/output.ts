/** Plain-text tables and CSV for the administration commands. */
export type Cell = string | number | boolean | Date | null | undefined;

function text(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().replace('.000Z', 'Z');
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

export function render(headers: readonly string[], rows: readonly (readonly Cell[])[], asCsv: boolean): string {
  if (!asCsv && rows.length === 0) return '(none)';
  return asCsv ? csv(headers, rows) : table(headers, rows);
}
