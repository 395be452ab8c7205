/** What a run produced: the table on stdout and the same figures as JSON in benchmarks/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, type ColdStartResult } from './coldstart.js';
import type { HandshakeResult, ResumedCall } from './handshake.js';
import type { LoadResult } from './load.js';
import { combine, type MemoryBreakdown, type MemorySummary } from './memory.js';
import type { LoadId } from './targets.js';

export interface TargetResult extends LoadResult {
  readonly id: LoadId;
  readonly letter: string;
  readonly label: string;
  /** RSS of the server child during this load's measured phase (the peer and the gateway). */
  readonly memory?: MemorySummary;
}

export type HandshakeId = 'h1-full' | 'h2-full' | 'h1-resumed' | 'h2-resumed';

export interface HandshakeRow extends HandshakeResult {
  readonly id: HandshakeId;
  readonly label: string;
  readonly server: 'bare' | 'gateway';
  readonly resume: boolean;
}

export interface HandshakeReport {
  /** What one measured connection is. */
  readonly method: string;
  readonly concurrency: number;
  /** Each row's measured window is cut in this many rounds, alternating bare and gateway. */
  readonly rounds: number;
  readonly rows: readonly HandshakeRow[];
  /** Gateway ÷ bare, connections per second, full and resumed. */
  readonly ratios: { readonly full: number | null; readonly resumed: number | null };
  /** A SOAP call on a resumed connection to the gateway: still authenticated against the registry. */
  readonly resumedCall: ResumedCall | null;
  /** Whether a session of one gateway instance is resumed by another (null: the instances were not run). */
  readonly resumesAcrossInstances: boolean | null;
}

export interface InstancesReport {
  /** os.availableParallelism(): the load generator, the gateway processes and PostgreSQL share these. */
  readonly cores: number;
  readonly connections: number;
  readonly one: LoadResult & { readonly memory: MemorySummary };
  readonly two: LoadResult & { readonly memory: readonly MemorySummary[] };
  /** two ÷ one, requests per second. */
  readonly ratio: number | null;
  readonly expectation: string;
}

export interface ColdStartReport {
  readonly readiness: string;
  readonly results: readonly ColdStartResult[];
}

export interface MemoryReport {
  /** The gateway child during the measured phases of (c), (d) and (e). */
  readonly gateway: MemorySummary;
  /** The peer's child during (b). */
  readonly peer: MemorySummary;
  /**
   * What tsx's loader (a thread with its own heap) adds to a server: the RSS at readiness of the cold start with
   * tsx minus that of the built server, medians; null without both cold starts.
   */
  readonly tsxOverheadMB: number | null;
}

export interface GoalResult {
  readonly id: string;
  readonly what: string;
  readonly target: string;
  /** null when a measurement it needs was not run. */
  readonly value: number | null;
  readonly met: boolean | null;
}

export interface Machine {
  readonly cpuModel: string;
  readonly cpuCount: number;
  /** os.availableParallelism(): the cores this process may use. */
  readonly availableParallelism: number;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly totalMemoryGiB: number;
  /** 1-minute load average when the run ended: a hint of how noisy the machine was. */
  readonly loadAverage1m: number;
}

export interface BenchSettings {
  readonly connections: number; readonly pipelining: 1; readonly warmupS: number; readonly durationS: number;
  /** Configuration given to the gateway on top of the defaults (--gateway-env); empty for the reference figures. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  /** The gateway ran under --cpu-prof, which slows it: such figures are not reference figures. */
  readonly gatewayProfiled: boolean;
  readonly handshakeConcurrency: number;
  readonly coldStartRuns: number;
  readonly historyPerOperator: number;
  /** --smoke: the figures only show that every measurement works. */
  readonly smoke: boolean;
  /** The server children ran compiled by tsc (as deployed); false under --tsx. */
  readonly serversCompiled: boolean;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine;
  readonly settings: BenchSettings;
  readonly results: readonly TargetResult[];
  /** Requests per second of one load divided by those of another, e.g. "c/b" (null when one was not run). */
  readonly ratios: Readonly<Record<string, number | null>>;
  readonly memory: MemoryReport;
  readonly handshakes: HandshakeReport | null;
  readonly instances: InstancesReport | null;
  readonly coldStart: ColdStartReport | null;
  readonly goals: readonly GoalResult[];
}

export interface Measurements {
  readonly results: readonly TargetResult[];
  readonly handshakes: HandshakeReport | null;
  readonly instances: InstancesReport | null;
  readonly coldStart: ColdStartReport | null;
}

type Goal = {
  readonly id: string;
  readonly what: string;
  readonly value: (m: Measurements, ratios: Readonly<Record<string, number | null>>) => number | null;
} & ({ readonly atLeast: number } | { readonly atMost: number });

const byLetter = (m: Measurements, l: string): TargetResult | undefined => m.results.find((r) => r.letter === l);
/** p99 of a load, null when not run or when it had errors (its figures measure a broken setup). */
const p99 = (m: Measurements, l: string): number | null => {
  const t = byLetter(m, l);
  return t === undefined ? null : Math.round(t.p99Ms * 100) / 100;
};
const coldMedian = (m: Measurements, mode: 'tsx' | 'built'): number | null => {
  const r = m.coldStart?.results.find((x) => x.mode === mode);
  return r?.medianMs == null ? null : Math.round(r.medianMs) / 1000;
};

/** The targets of the performance issues (see benchmarks/README.md). */
export const GOALS: readonly Goal[] = [
  { id: 'c/b', what: 'ticket state read ÷ peer', atLeast: 2.0, value: (_m, r) => r['c/b'] ?? null },
  { id: 'd/b', what: 'ticket filing ÷ peer', atLeast: 1.0, value: (_m, r) => r['d/b'] ?? null },
  { id: 'p99(c)', what: 'p99 of the ticket state read, ms', atMost: 10, value: (m) => p99(m, 'c') },
  { id: 'p99(d)', what: 'p99 of the ticket filing, ms', atMost: 20, value: (m) => p99(m, 'd') },
  { id: 'f/d', what: 'ticket filing with 1,000 open planned works and incidents ÷ without (issue 15: within 10 %)', atLeast: 0.9, value: (_m, r) => r['f/d'] ?? null },
  { id: 'hs(full)', what: 'new mTLS connections/s, full handshakes, gateway ÷ bare Node', atLeast: 0.9, value: (m) => m.handshakes?.ratios.full ?? null },
  { id: 'hs(res)', what: 'new mTLS connections/s, resumed sessions, gateway ÷ bare Node', atLeast: 0.9, value: (m) => m.handshakes?.ratios.resumed ?? null },
  {
    id: 'rss', what: 'max RSS of the gateway under load (c)–(h), MB', atMost: 200,
    value: (m) => combine(m.results.filter((r) => r.letter >= 'c' && r.memory).map((r) => r.memory!)).maxMB
  },
  { id: 'cold', what: 'cold start to ready, npm start (tsx), median, s', atMost: 1.5, value: (m) => coldMedian(m, 'tsx') },
  { id: 'cold(b)', what: 'cold start to ready, npm run build output, median, s', atMost: 1.5, value: (m) => coldMedian(m, 'built') }
];

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    availableParallelism: os.availableParallelism(),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100
  };
}

const RATIOS = [['c', 'b'], ['d', 'b'], ['e', 'b'], ['c', 'a'], ['d', 'a'], ['f', 'd'], ['g', 'd']] as const;

export const ratioOf = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

/** What two instances on one PostgreSQL can give on this many cores (printed next to the ratio). */
export function instancesExpectation(cores: number): string {
  if (cores <= 2) {
    return `${cores} core${cores === 1 ? '' : 's'}: the load generator, two gateway processes and PostgreSQL share them, and one instance `
      + 'already keeps them busy: expect about 1 or somewhat below (a second process adds its own event loop, process switches and pool '
      + 'of PostgreSQL connections). It shows that two instances share the database correctly, not how the gateway scales.';
  }
  return `${cores} cores: a second instance can use cores the first leaves idle; the ratio is bounded by what PostgreSQL and the `
    + 'load generator can take, so expect between 1 and 2.';
}

export function buildReport(startedAt: Date, settings: BenchSettings, m: Measurements): BenchReport {
  const ratios: Record<string, number | null> = {};
  for (const [x, y] of RATIOS) ratios[`${x}/${y}`] = ratioOf(byLetter(m, x)?.requestsPerSecond, byLetter(m, y)?.requestsPerSecond);
  const errored = (id: string): boolean => {
    const letter = { 'p99(c)': 'c', 'p99(d)': 'd' }[id];
    return letter !== undefined && (byLetter(m, letter)?.errors ?? 0) > 0;
  };
  const goals = GOALS.map((g): GoalResult => {
    const value = g.value(m, ratios);
    const met = value === null ? null : 'atLeast' in g ? value >= g.atLeast : value <= g.atMost && !errored(g.id);
    return { id: g.id, what: g.what, target: 'atLeast' in g ? `>= ${g.atLeast}` : `<= ${g.atMost}`, value, met };
  });
  const rssAtReady = (mode: 'tsx' | 'built'): number | null => {
    const runs = m.coldStart?.results.find((x) => x.mode === mode)?.runs ?? [];
    return median(runs.flatMap((x) => (x.rssAtReadyMB === null ? [] : [x.rssAtReadyMB])));
  };
  const [tsxRss, builtRss] = [rssAtReady('tsx'), rssAtReady('built')];
  const memory: MemoryReport = {
    gateway: combine(m.results.filter((r) => r.letter >= 'c' && r.memory).map((r) => r.memory!)),
    peer: combine(m.results.filter((r) => r.letter === 'b' && r.memory).map((r) => r.memory!)),
    tsxOverheadMB: tsxRss === null || builtRss === null ? null : Math.round((tsxRss - builtRss) * 10) / 10
  };
  return {
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machine(), settings,
    results: m.results, ratios, memory, handshakes: m.handshakes, instances: m.instances, coldStart: m.coldStart, goals
  };
}

/** Whether the run measured a broken setup: an error in any load or measurement. */
export function failures(r: BenchReport): string[] {
  const out: string[] = [];
  for (const t of r.results) if (t.errors > 0) out.push(`${t.id}: ${t.errors} errors`);
  for (const h of r.handshakes?.rows ?? []) if (h.errors > 0) out.push(`${h.id}: ${h.errors} errors`);
  if (r.handshakes?.resumedCall && !r.handshakes.resumedCall.authenticated) out.push('handshakes: the call on a resumed connection was not answered as expected');
  if (r.instances && (r.instances.one.errors > 0 || r.instances.two.errors > 0)) out.push('instances: errors');
  for (const c of r.coldStart?.results ?? []) if (c.error) out.push(`cold start (${c.mode}): ${c.error.split('\n')[0]}`);
  return out;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const pad = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [pad(header), pad(widths.map((w) => '-'.repeat(w))), ...rows.map(pad)];
}

const mb = (m: MemorySummary | undefined): string => (m === undefined ? '' : m.maxMB === null ? 'n/a' : `${m.maxMB.toFixed(0)}/${m.meanMB!.toFixed(0)}`);
const s = (ms: number | null | undefined): string => (ms == null ? 'n/a' : (ms / 1000).toFixed(2));

export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const fmt = (x: number | null): string => (x === null ? 'n/a (target not run)' : x.toFixed(2));
  const lines = [
    '',
    `machine: ${m.cpuCount} × ${m.cpuModel} (available parallelism ${m.availableParallelism}), Node ${m.node}, ${m.platform} ${m.arch}, load average ${m.loadAverage1m}`,
    `load:    ${r.settings.connections} keep-alive mTLS connections, 1 request in flight each, ${r.settings.warmupS} s warm-up + ${r.settings.durationS} s measured per load`,
    ...(r.settings.smoke ? ['smoke:   --smoke run: these figures only show that every measurement works'] : []),
    ...(Object.keys(r.settings.gatewayEnv).length > 0
      ? [`gateway: ${Object.entries(r.settings.gatewayEnv).map(([k, v]) => `${k}=${v}`).join(' ')} (not the defaults)`] : []),
    ...(r.settings.gatewayProfiled ? ['gateway: under --cpu-prof (slower than it is: not reference figures)'] : [])
  ];
  if (r.results.length > 0) {
    lines.push('', ...table(['target', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'RSS max/mean MB'],
      r.results.map((t) => [t.label, t.requestsPerSecond.toFixed(0), t.p50Ms.toFixed(2), t.p99Ms.toFixed(2), String(t.errors), mb(t.memory)])));
    lines.push('', ...Object.entries(r.ratios).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${fmt(v)}`));
    if (r.memory.gateway.samples > 0 || r.memory.peer.samples > 0) {
      lines.push(`memory (RSS, MB = 10^6 bytes): gateway under (c)–(h) max ${r.memory.gateway.maxMB ?? 'n/a'}, mean ${r.memory.gateway.meanMB ?? 'n/a'}; `
        + `peer under (b) max ${r.memory.peer.maxMB ?? 'n/a'}, mean ${r.memory.peer.meanMB ?? 'n/a'}`);
      for (const t of r.results) {
        const b = t.memory?.breakdown;
        if (!b?.atEnd) continue;
        const part = (x: MemoryBreakdown): string => `RSS ${x.rssMB}, V8 heap ${x.heapUsedMB} used of ${x.heapTotalMB}, external ${x.externalMB}`
          + `${x.libxml2MB !== undefined ? `, libxml2 ${x.libxml2MB} (${x.libxml2Nodes} nodes)` : ''}`;
        lines.push(`  (${t.letter}) when the load stopped: ${part(b.atEnd)}`);
        if (b.afterGc) lines.push(`      after ${b.afterGc.gcRounds} full GCs: ${part(b.afterGc)}`);
      }
      if (r.memory.tsxOverheadMB !== null) {
        lines.push(r.settings.serversCompiled
          ? `  (the servers ran compiled, as deployed; under tsx, as npm start runs it, the gateway holds ${r.memory.tsxOverheadMB} MB more at readiness)`
          : `  (--tsx: the servers ran under tsx; at readiness, the server under tsx held ${r.memory.tsxOverheadMB} MB more than the built one)`);
      }
    }
  }
  const i = r.instances;
  if (i) {
    lines.push('', `instances: the read (c), ${i.connections} connections, on one gateway then split over two on the same PostgreSQL`);
    lines.push(...table(['', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'per instance', 'RSS max MB'], [
      ['one instance', i.one.requestsPerSecond.toFixed(0), i.one.p50Ms.toFixed(2), i.one.p99Ms.toFixed(2), String(i.one.errors), '', mb(i.one.memory).split('/')[0]!],
      ['two instances', i.two.requestsPerSecond.toFixed(0), i.two.p50Ms.toFixed(2), i.two.p99Ms.toFixed(2), String(i.two.errors),
        (i.two.perTarget ?? []).map((n) => (n / (i.two.durationMs / 1000)).toFixed(0)).join(' + '), i.two.memory.map((x) => mb(x).split('/')[0]).join(' + ')]
    ]).map((l) => `  ${l}`));
    lines.push(`  two ÷ one: ${fmt(i.ratio)} on ${i.cores} cores. ${i.expectation}`);
  }
  const h = r.handshakes;
  if (h) {
    lines.push('', `handshakes: ${h.concurrency} parallel connect loops, ${h.rounds} alternated round${h.rounds > 1 ? 's' : ''} per row; ${h.method}`);
    lines.push(...table(['', 'connections/s', 'p50 ms', 'p99 ms', 'resumed', 'errors', 'TLS'],
      h.rows.map((x) => [x.label, x.perSecond.toFixed(0), x.p50Ms.toFixed(2), x.p99Ms.toFixed(2), `${(x.reusedShare * 100).toFixed(0)} %`, String(x.errors), x.protocol ?? '?'])).map((l) => `  ${l}`));
    lines.push(`  gateway ÷ bare: full ${fmt(h.ratios.full)}, resumed ${fmt(h.ratios.resumed)}`);
    if (h.resumedCall) {
      const c = h.resumedCall;
      lines.push(`  a SOAP call on a resumed connection: ${c.resumed ? 'resumed' : 'NOT resumed'}, HTTP ${c.status ?? '-'}, ${c.authenticated ? 'answered for the registered operator' : `NOT answered as expected${c.error ? ` (${c.error})` : ''}`}`);
    }
    if (h.resumesAcrossInstances !== null) lines.push(`  a session of instance 1 offered to instance 2: ${h.resumesAcrossInstances ? 'resumed' : 'not resumed (full handshake): each instance has its own ticket keys'}`);
  }
  const c = r.coldStart;
  if (c) {
    lines.push('', `cold start: spawn → ready (${c.readiness})`);
    lines.push(...table(['', 'median s', 'runs s', 'first SOAP s', '/health/ready s', 'RSS MB'], c.results.map((x) => [
      x.command, s(x.medianMs), x.runs.map((y) => s(y.readyMs)).join(' '), x.runs.map((y) => s(y.soapMs)).join(' '),
      x.runs.map((y) => s(y.opsReadyMs)).join(' '), x.runs.map((y) => (y.rssAtReadyMB ?? 'n/a').toString()).join(' ')
    ])).map((l) => `  ${l}`));
    for (const x of c.results) {
      if (x.buildMs !== undefined) lines.push(`  (build by tsc: ${(x.buildMs / 1000).toFixed(1)} s, not counted${x.buildWarning ? `; ${x.buildWarning}` : ''})`);
      if (x.error) lines.push(`  ${x.mode}: FAILED: ${x.error}`);
    }
  }
  lines.push('', 'targets:',
    ...r.goals.map((g) => `  ${g.id.padEnd(8)} ${g.target.padEnd(6)} ${g.value === null ? 'not measured' : String(g.value).padEnd(8)} ${g.met === null ? '' : g.met ? 'met' : 'NOT MET'}   (${g.what})`));
  for (const t of r.results) if (t.firstError !== null) lines.push(`first error of ${t.id}: ${t.firstError}`);
  for (const x of h?.rows ?? []) if (x.firstError !== null) lines.push(`first error of ${x.id}: ${x.firstError}`);
  if (i?.one.firstError) lines.push(`first error of instances (one): ${i.one.firstError}`);
  if (i?.two.firstError) lines.push(`first error of instances (two): ${i.two.firstError}`);
  return lines.join('\n') + '\n';
}

/**
 * Writes a timestamped file and latest.json; returns their paths. A profiled run is slowed down by the profiler,
 * so it does not replace latest.json (the reference figures); a smoke run neither. With `out`, only that file.
 */
export function writeReport(dir: string, r: BenchReport, out: string | null = null): string[] {
  const json = JSON.stringify(r, null, 2) + '\n';
  if (out !== null) {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, json);
    return [out];
  }
  mkdirSync(dir, { recursive: true });
  const stamped = path.join(dir, `bench-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  const latest = path.join(dir, 'latest.json');
  writeFileSync(stamped, json);
  if (r.settings.gatewayProfiled || r.settings.smoke) return [stamped];
  writeFileSync(latest, json);
  return [latest, stamped];
}
