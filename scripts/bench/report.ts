/** What a run produced: the table on stdout and the same figures as JSON in benchmarks/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load.js';
import type { TargetId } from './targets.js';

/** The goal the gateway is held to (see benchmarks/README.md). */
export const GOAL = { gatewayOverPeerAtLeast: 1.5, gatewayP99AtMostMs: 10 } as const;

export interface TargetResult extends LoadResult {
  readonly id: TargetId;
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
  /** Requests per second of the gateway divided by those of the other target (null when one was not run). */
  readonly ratios: { readonly gatewayOverCeiling: number | null; readonly gatewayOverPeer: number | null };
  readonly goal: typeof GOAL & { readonly met: boolean | null };
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

export function buildReport(startedAt: Date, settings: BenchReport['settings'], results: readonly TargetResult[]): BenchReport {
  const rps = (id: TargetId): number | undefined => results.find((r) => r.id === id)?.requestsPerSecond;
  const ratio = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;
  const gatewayOverPeer = ratio(rps('gateway'), rps('peer'));
  const gateway = results.find((r) => r.id === 'gateway');
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    settings,
    results,
    ratios: { gatewayOverCeiling: ratio(rps('gateway'), rps('ceiling')), gatewayOverPeer },
    goal: {
      ...GOAL,
      met: gatewayOverPeer === null || gateway === undefined ? null
        : gatewayOverPeer >= GOAL.gatewayOverPeerAtLeast && gateway.p99Ms <= GOAL.gatewayP99AtMostMs && gateway.errors === 0
    }
  };
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
    `c/a (gateway / ceiling): ${fmt(r.ratios.gatewayOverCeiling)}`,
    `c/b (gateway / peer):    ${fmt(r.ratios.gatewayOverPeer)}`,
    `goal: c/b >= ${GOAL.gatewayOverPeerAtLeast} and gateway p99 <= ${GOAL.gatewayP99AtMostMs} ms, no errors: ${r.goal.met === null ? 'not evaluated' : r.goal.met ? 'MET' : 'NOT MET'}`
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
