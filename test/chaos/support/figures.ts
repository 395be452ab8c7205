/** The figures a chaos scenario prints: percentiles and a short aligned table on stdout. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const ms = (v: number): string => (Number.isNaN(v) ? '–' : v < 10 ? `${v.toFixed(2)} ms` : `${Math.round(v)} ms`);

/** Counts of each value, as "A 3, B 1" (the fault codes or transport errors a run met). */
export function tally(values: readonly (string | null)[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v ?? 'OK', (m.get(v ?? 'OK') ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || '–';
}

export function printTable(title: string, rows: ReadonlyArray<readonly [string, string | number]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\n  ${title}\n${rows.map(([k, v]) => `    ${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
}
