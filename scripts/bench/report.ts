/** What a run produced: the table on stdout and the same figures as JSON in benchmarks/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load.js';
import type { LoadId } from './targets.js';

/** The targets of the performance issue (see benchmarks/README.md): throughput as ratios to the peer, p99 absolute. */
export const GOALS = [
  { id: 'c/b', what: 'ticket state read ÷ peer', atLeast: 2.0 },
  { id: 'd/b', what: 'ticket filing ÷ peer', atLeast: 1.0 },
  { id: 'p99(c)', what: 'p99 of the ticket state read, ms', atMost: 10 },
  { id: 'p99(d)', what: 'p99 of the ticket filing, ms', atMost: 20 }
] as const;

export interface GoalResult {
  readonly id: string;
  readonly what: string;
  readonly target: string;
  /** null when a load it needs was not run. */
  readonly value: number | null;
  readonly met: boolean | null;
}

export interface TargetResult extends LoadResult {
  readonly id: LoadId;
  readonly letter: string;
  readonly label: string;
}

export interface Machine {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly totalMemoryGiB: number;
  /** 1-minute load average when the run ended: a hint of how noisy the machine was. */
  readonly loadAverage1m: number;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine;
  readonly settings: {
    readonly connections: number; readonly pipelining: 1; readonly warmupS: number; readonly durationS: number;
    /** Configuration given to the gateway on top of the defaults (--gateway-env); empty for the reference figures. */
    readonly gatewayEnv: Readonly<Record<string, string>>;
    /** The gateway ran under --cpu-prof, which slows it: such figures are not reference figures. */
    readonly gatewayProfiled: boolean;
  };
  readonly results: readonly TargetResult[];
  /** Requests per second of one load divided by those of another, e.g. "c/b" (null when one was not run). */
  readonly ratios: Readonly<Record<string, number | null>>;
  readonly goals: readonly GoalResult[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100
  };
}

const RATIOS = [['c', 'b'], ['d', 'b'], ['e', 'b'], ['c', 'a'], ['d', 'a']] as const;

export function buildReport(startedAt: Date, settings: BenchReport['settings'], results: readonly TargetResult[]): BenchReport {
  const byLetter = (l: string): TargetResult | undefined => results.find((r) => r.letter === l);
  const ratio = (a: TargetResult | undefined, b: TargetResult | undefined): number | null =>
    a === undefined || b === undefined || b.requestsPerSecond === 0 ? null : Math.round((a.requestsPerSecond / b.requestsPerSecond) * 1000) / 1000;
  const ratios: Record<string, number | null> = {};
  for (const [x, y] of RATIOS) ratios[`${x}/${y}`] = ratio(byLetter(x), byLetter(y));
  const goals = GOALS.map((g): GoalResult => {
    if ('atLeast' in g) {
      const value = ratios[g.id] ?? null;
      return { id: g.id, what: g.what, target: `>= ${g.atLeast}`, value, met: value === null ? null : value >= g.atLeast };
    }
    const t = byLetter(g.id.slice(4, 5));
    const value = t === undefined ? null : Math.round(t.p99Ms * 100) / 100;
    return { id: g.id, what: g.what, target: `<= ${g.atMost}`, value, met: value === null ? null : value <= g.atMost && t!.errors === 0 };
  });
  return { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machine(), settings, results, ratios, goals };
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function formatReport(r: BenchReport): string {
  const header = ['target', 'requests/s', 'p50 ms', 'p99 ms', 'errors'];
  const rows = r.results.map((t) => [t.label, t.requestsPerSecond.toFixed(0), t.p50Ms.toFixed(2), t.p99Ms.toFixed(2), String(t.errors)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const m = r.machine;
  const fmt = (x: number | null): string => (x === null ? 'n/a (target not run)' : x.toFixed(2));
  const lines = [
    '',
    `machine: ${m.cpuCount} × ${m.cpuModel}, Node ${m.node}, ${m.platform} ${m.arch}, load average ${m.loadAverage1m}`,
    `load:    ${r.settings.connections} keep-alive mTLS connections, 1 request in flight each, ${r.settings.warmupS} s warm-up + ${r.settings.durationS} s measured per target`,
    ...(Object.keys(r.settings.gatewayEnv).length > 0
      ? [`gateway: ${Object.entries(r.settings.gatewayEnv).map(([k, v]) => `${k}=${v}`).join(' ')} (not the defaults)`] : []),
    ...(r.settings.gatewayProfiled ? ['gateway: under --cpu-prof (slower than it is: not reference figures)'] : []),
    '',
    pad(header, widths),
    pad(widths.map((w) => '-'.repeat(w)), widths),
    ...rows.map((row) => pad(row, widths)),
    '',
    ...Object.entries(r.ratios).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${fmt(v)}`),
    '',
    'targets:',
    ...r.goals.map((g) => `  ${g.id.padEnd(7)} ${g.target.padEnd(6)} ${g.value === null ? 'not measured' : String(g.value).padEnd(8)} ${g.met === null ? '' : g.met ? 'met' : 'NOT MET'}   (${g.what})`)
  ];
  for (const t of r.results) if (t.firstError !== null) lines.push(`first error of ${t.id}: ${t.firstError}`);
  return lines.join('\n') + '\n';
}

/**
 * Writes a timestamped file and latest.json; returns their paths. A profiled run is slowed down by the profiler,
 * so it does not replace latest.json (the reference figures).
 */
export function writeReport(dir: string, r: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(r, null, 2) + '\n';
  const stamped = path.join(dir, `bench-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  const latest = path.join(dir, 'latest.json');
  writeFileSync(stamped, json);
  if (r.settings.gatewayProfiled) return [stamped];
  writeFileSync(latest, json);
  return [latest, stamped];
}
