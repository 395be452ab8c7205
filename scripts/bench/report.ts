/** What a run produced: the table on stdout and the same figures as JSON in benchmarks/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, type ColdStartResult } from './coldstart.js';
import type { HandshakeResult, ResumedCall } from './handshake.js';
import type { LoadResult } from './load.js';
import { combine, type MemoryBreakdown, type MemorySummary } from './memory.js';
import type { LoadId, PeerServerId, ServerId } from './targets.js';

export interface TargetResult extends LoadResult {
  readonly id: LoadId;
  readonly letter: string;
  readonly label: string;
  /** Which server answered (the memory and the ratios are grouped by it). */
  readonly server: ServerId;
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
  /** The ceiling's child during (a). */
  readonly ceiling: MemorySummary;
  /** The peer's child during (b). */
  readonly peer: MemorySummary;
  /** The same-work peers during their loads (p2: its JVM). */
  readonly peers: Readonly<Partial<Record<PeerServerId, MemorySummary>>>;
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
  /** --gateway-node-flag, --gateway-process-env: empty for the reference figures. */
  readonly gatewayNodeFlags: readonly string[];
  readonly gatewayProcessEnv: Readonly<Record<string, string>>;
  /** The gateway ran under --cpu-prof, which slows it: such figures are not reference figures. */
  readonly gatewayProfiled: boolean;
  readonly handshakeConcurrency: number;
  readonly coldStartRuns: number;
  readonly historyPerOperator: number;
  /** --smoke: the figures only show that every measurement works. */
  readonly smoke: boolean;
  /** The server children ran compiled by tsc (as deployed); false under --tsx. */
  readonly serversCompiled: boolean;
  /** --runs: whole runs, one after the other. */
  readonly runs: number;
  /** The longest warm-up of a load warmed until stable (0: the fixed warm-up only, as in --smoke). */
  readonly maxStableWarmupS: number;
}

/** A same-work peer of issue 20: run, or skipped and why. */
export interface PeerStatus {
  readonly id: PeerServerId;
  readonly ran: boolean;
  readonly skipped?: string;
  /** p2: the wsimport + javac build (cached under .tmp/ by the hash of its inputs). */
  readonly build?: { readonly ms: number; readonly cached: boolean };
  /** Its runtime flags (p2: the JVM's). */
  readonly flags?: readonly string[];
}

/** The figures of issue 20 under stable keys (null when a load it needs was not run or was skipped). */
export interface Headline {
  readonly 'read/p1': number | null;
  readonly 'read/p2': number | null;
  readonly 'filing/p1': number | null;
  readonly 'filing/p2': number | null;
  readonly 'read/a': number | null;
  /** The gateway's max RSS under its loads (c)–(h), MB. */
  readonly 'rss.max': number | null;
}

/** One figure over --runs N runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) ÷ median. */
  readonly spread: number;
  readonly values: readonly (number | null)[];
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
  readonly headline: Headline;
  readonly peers: readonly PeerStatus[];
  /** What each side does per request, as the table prints it. */
  readonly perRequest: readonly PerRequest[];
  /**
   * --runs N (N > 1): every run's own report; then `headline`, `ratios`, `goals` hold the medians over the runs,
   * `results` etc. are those of the last run, and `spread` has the median, range and values of every figure.
   */
  readonly runs?: readonly BenchReport[];
  readonly spread?: Readonly<Record<string, Spread>>;
}

export interface PerRequest {
  readonly side: string;
  readonly validation: string;
  readonly authentication: string;
  readonly durability: string;
  readonly batching: string;
}

/** What each side of the same-work comparison does per request (the table of issue 20, item 2). */
export const PER_REQUEST: readonly PerRequest[] = [
  {
    side: 'gateway (c, d)',
    validation: 'hardened parse; request and answer validated against the v2 XSD; the form against the catalogue (d): fields, offer, service conditions',
    authentication: 'client certificate in the registry (cache ≤ 2 s), scoped per operator',
    durability: 'read: one statement; filing: committed (fsync on) before the answer, with its delivery row for the notifications',
    batching: 'reads and filings of one event-loop turn share one statement (one round trip each)'
  },
  {
    side: 'p1 soap + pg',
    validation: 'soap package parse, no XSD validation, no form validation (trusts its input)',
    authentication: 'registry read in the same query, every request',
    durability: 'filing: BEGIN, 3 INSERTs, COMMIT per request (fsync on) before the answer',
    batching: 'none: one query (read) or one transaction (filing) per request, pg Pool of 20'
  },
  {
    side: 'p2 JAX-WS + JDBC',
    validation: 'JAXB unmarshalling, no XSD validation, no form validation (trusts its input)',
    authentication: 'registry read in the same statement, every request',
    durability: 'filing: 3 INSERTs and a commit per request (fsync on) before the answer',
    batching: 'none: one statement or transaction per request, HikariCP pool of 20, cached thread pool'
  }
];

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
const coldMedian = (m: Measurements, mode: 'tsx' | 'built'): number | null => {
  const r = m.coldStart?.results.find((x) => x.mode === mode);
  return r?.medianMs == null ? null : Math.round(r.medianMs) / 1000;
};

const byId = (m: Measurements, id: LoadId): TargetResult | undefined => m.results.find((r) => r.id === id);

/** The faster of the peers for a gateway load (by requests/s, among those run without errors). */
function fasterPeer(m: Measurements, op: 'read' | 'filing'): TargetResult | undefined {
  const peers = [byId(m, `p1-${op}`), byId(m, `p2-${op}`)].filter((t): t is TargetResult => t !== undefined && t.errors === 0 && t.requests > 0);
  return peers.sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Gateway ÷ faster peer, requests/s. */
const overFasterPeer = (m: Measurements, op: 'read' | 'filing'): number | null => {
  const g = byId(m, op);
  const p = fasterPeer(m, op);
  return g && p ? ratioOf(g.requestsPerSecond, p.requestsPerSecond) : null;
};
/** Gateway's p99 ÷ the faster peer's p99 (≤ 1: the gateway's tail is no worse). */
const p99OverFasterPeer = (m: Measurements, op: 'read' | 'filing'): number | null => {
  const g = byId(m, op);
  const p = fasterPeer(m, op);
  return g && p && p.p99Ms > 0 ? round3(g.p99Ms / p.p99Ms) : null;
};

const gatewayMemory = (m: Measurements): MemorySummary => combine(m.results.filter((r) => r.server === 'gateway' && r.memory).map((r) => r.memory!));

/** The targets of the performance issues (issue 20 restates those of the first bench; see benchmarks/README.md). */
export const GOALS: readonly Goal[] = [
  { id: 'read/peer', what: 'ticket state read ÷ the faster same-work peer (p1, p2), requests/s', atLeast: 1.5, value: (m) => overFasterPeer(m, 'read') },
  { id: 'filing/peer', what: 'ticket filing ÷ the faster same-work peer (p1, p2), requests/s', atLeast: 2.5, value: (m) => overFasterPeer(m, 'filing') },
  { id: 'p99 read', what: 'p99 of the read ÷ p99 of that peer\'s read', atMost: 1, value: (m) => p99OverFasterPeer(m, 'read') },
  { id: 'p99 filing', what: 'p99 of the filing ÷ p99 of that peer\'s filing', atMost: 1, value: (m) => p99OverFasterPeer(m, 'filing') },
  { id: 'read/a', what: 'ticket state read ÷ ceiling (bare Fastify, fixed reply)', atLeast: 0.35, value: (_m, r) => r['c/a'] ?? null },
  { id: 'f/d', what: 'ticket filing with 1,000 open planned works and incidents ÷ without (issue 15: within 10 %)', atLeast: 0.9, value: (_m, r) => r['f/d'] ?? null },
  { id: 'hs(full)', what: 'new mTLS connections/s, full handshakes, gateway ÷ bare Node', atLeast: 0.9, value: (m) => m.handshakes?.ratios.full ?? null },
  { id: 'hs(res)', what: 'new mTLS connections/s, resumed sessions, gateway ÷ bare Node', atLeast: 0.9, value: (m) => m.handshakes?.ratios.resumed ?? null },
  { id: 'rss', what: 'max RSS of the gateway under load (c)–(h), MB', atMost: 160, value: (m) => gatewayMemory(m).maxMB },
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
/** The same-work ratios of issue 20: a gateway load ÷ the same operation on a peer. */
const SAME_WORK = [['read/p1', 'read', 'p1-read'], ['read/p2', 'read', 'p2-read'], ['filing/p1', 'filing', 'p1-filing'], ['filing/p2', 'filing', 'p2-filing']] as const;

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

export function buildReport(startedAt: Date, settings: BenchSettings, m: Measurements, peers: readonly PeerStatus[] = []): BenchReport {
  const ratios: Record<string, number | null> = {};
  for (const [x, y] of RATIOS) ratios[`${x}/${y}`] = ratioOf(byLetter(m, x)?.requestsPerSecond, byLetter(m, y)?.requestsPerSecond);
  for (const [key, x, y] of SAME_WORK) ratios[key] = ratioOf(byId(m, x)?.requestsPerSecond, byId(m, y)?.requestsPerSecond);
  // The read on two gateway instances on one PostgreSQL (the instances measurement) ÷ each peer's read: what two
  // instances per host would give against a JVM that uses both cores (on 2 shared cores, about what one gives).
  for (const n of ['1', '2'] as const) ratios[`read(2 instances)/p${n}`] = ratioOf(m.instances?.two.requestsPerSecond, byId(m, `p${n}-read`)?.requestsPerSecond);
  const errored = (id: string): boolean => {
    const load = ({ 'p99 read': 'read', 'p99 filing': 'filing' } as Record<string, LoadId>)[id];
    return load !== undefined && (byId(m, load)?.errors ?? 0) > 0;
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
  const ofServer = (id: ServerId): MemorySummary => combine(m.results.filter((r) => r.server === id && r.memory).map((r) => r.memory!));
  const peerMemory: Partial<Record<PeerServerId, MemorySummary>> = {};
  for (const id of ['soap-pg', 'jaxws'] as const) if (m.results.some((r) => r.server === id)) peerMemory[id] = ofServer(id);
  const memory: MemoryReport = {
    gateway: ofServer('gateway'),
    ceiling: ofServer('ceiling'),
    peer: ofServer('peer'),
    peers: peerMemory,
    tsxOverheadMB: tsxRss === null || builtRss === null ? null : Math.round((tsxRss - builtRss) * 10) / 10
  };
  return {
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machine(), settings,
    results: m.results, ratios, memory, handshakes: m.handshakes, instances: m.instances, coldStart: m.coldStart, goals,
    headline: {
      'read/p1': ratios['read/p1'] ?? null, 'read/p2': ratios['read/p2'] ?? null,
      'filing/p1': ratios['filing/p1'] ?? null, 'filing/p2': ratios['filing/p2'] ?? null,
      'read/a': ratios['c/a'] ?? null, 'rss.max': memory.gateway.maxMB
    },
    peers, perRequest: PER_REQUEST
  };
}

/** Every figure of a run, by a stable name: what --runs N gives the median and the spread of. */
export function figuresOf(r: BenchReport): Record<string, number | null> {
  const f: Record<string, number | null> = {};
  for (const t of r.results) {
    f[`${t.id}.requestsPerSecond`] = Math.round(t.requestsPerSecond);
    f[`${t.id}.p50Ms`] = Math.round(t.p50Ms * 100) / 100;
    f[`${t.id}.p99Ms`] = Math.round(t.p99Ms * 100) / 100;
    if (t.memory) f[`${t.id}.rssMaxMB`] = t.memory.maxMB;
  }
  for (const [k, v] of Object.entries(r.ratios)) f[`ratio.${k}`] = v;
  for (const [k, v] of Object.entries(r.headline)) f[`headline.${k}`] = v;
  for (const g of r.goals) f[`goal.${g.id}`] = g.value;
  for (const h of r.handshakes?.rows ?? []) f[`handshakes.${h.id}.perSecond`] = Math.round(h.perSecond);
  if (r.instances) f['instances.ratio'] = r.instances.ratio;
  for (const c of r.coldStart?.results ?? []) f[`coldstart.${c.mode}.medianS`] = c.medianMs == null ? null : Math.round(c.medianMs) / 1000;
  return f;
}

function spreadOf(values: readonly (number | null)[]): Spread | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return null;
  const med = round3(median(xs)!);
  const [min, max] = [Math.min(...xs), Math.max(...xs)];
  return { median: med, min, max, spread: med === 0 ? 0 : round3((max - min) / Math.abs(med)), values };
}

/**
 * --runs N: the report of the last run, with the medians over the runs in headline, ratios and goals, the median,
 * range and values of every figure in `spread`, and every run's own report in `runs`.
 */
export function combineRuns(runs: readonly BenchReport[]): BenchReport {
  const last = runs[runs.length - 1]!;
  if (runs.length === 1) return last;
  const figures = runs.map(figuresOf);
  const names = [...new Set(figures.flatMap((f) => Object.keys(f)))];
  const spread: Record<string, Spread> = {};
  for (const n of names) {
    const s = spreadOf(figures.map((f) => f[n] ?? null));
    if (s) spread[n] = s;
  }
  const med = (n: string): number | null => spread[n]?.median ?? null;
  const goals = last.goals.map((g) => {
    const value = med(`goal.${g.id}`);
    const [op, bound] = g.target.split(' ');
    return { ...g, value, met: value === null ? null : op === '>=' ? value >= Number(bound) : value <= Number(bound) };
  });
  const headline = Object.fromEntries(Object.keys(last.headline).map((k) => [k, med(`headline.${k}`)])) as unknown as Headline;
  const ratios = Object.fromEntries(Object.keys(last.ratios).map((k) => [k, med(`ratio.${k}`)]));
  return { ...last, startedAt: runs[0]!.startedAt, headline, ratios, goals, spread, runs };
}

/** Whether the run measured a broken setup: an error in any load or measurement. */
export function failures(r: BenchReport): string[] {
  const out: string[] = [];
  for (const t of r.results) {
    if (t.errors > 0) out.push(`${t.id}: ${t.errors} errors`);
    else if (t.requests === 0) out.push(`${t.id}: no answer in the measured window`);
  }
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
    ...(r.settings.gatewayNodeFlags.length > 0 || Object.keys(r.settings.gatewayProcessEnv).length > 0
      ? [`gateway: process ${[...r.settings.gatewayNodeFlags, ...Object.entries(r.settings.gatewayProcessEnv).map(([k, v]) => `${k}=${v}`)].join(' ')} (not as deployed)`] : []),
    ...(r.settings.gatewayProfiled ? ['gateway: under --cpu-prof (slower than it is: not reference figures)'] : [])
  ];
  if (r.results.length > 0) {
    lines.push('', ...table(['target', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'RSS max/mean MB'],
      r.results.map((t) => [t.label, t.requestsPerSecond.toFixed(0), t.p50Ms.toFixed(2), t.p99Ms.toFixed(2), String(t.errors), mb(t.memory)])));
    const warmed = r.results.filter((t) => t.stableWarmup);
    if (warmed.length > 0) {
      lines.push('', 'warmed until stable (last windows within the tolerance), warm-up s and requests/s of its windows:');
      for (const t of warmed) {
        const w = t.stableWarmup!;
        lines.push(`  ${t.label}: ${(w.warmupMs / 1000).toFixed(1)} s${w.stable ? '' : ' (NOT stable: the longest warm-up was reached)'}, ${w.windowsPerSecond.join(' ')}`);
      }
    }
    for (const p of r.peers) {
      if (!p.ran) lines.push(`(${p.id === 'soap-pg' ? 'p1' : 'p2'}) ${p.id}: SKIPPED: ${p.skipped ?? 'not asked for'}`);
      else if (p.build) lines.push(`(p2) ${p.id}: built by wsimport + javac in ${(p.build.ms / 1000).toFixed(1)} s${p.build.cached ? ' (cached build)' : ''}; JVM flags ${(p.flags ?? []).join(' ')}`);
    }
    if (r.results.some((t) => t.server === 'soap-pg' || t.server === 'jaxws')) {
      lines.push('', 'what each side does per request (same-work comparison):');
      for (const x of r.perRequest) {
        lines.push(`  ${x.side}`, `    validation:     ${x.validation}`, `    authentication: ${x.authentication}`,
          `    durability:     ${x.durability}`, `    batching:       ${x.batching}`);
      }
    }
    lines.push('', ...Object.entries(r.ratios).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${fmt(v)}`));
    lines.push(`headline: ${Object.entries(r.headline).map(([k, v]) => `${k} ${v === null ? 'n/a' : v}`).join(', ')}`);
    if (r.memory.gateway.samples > 0 || r.memory.peer.samples > 0) {
      lines.push(`memory (RSS, MB = 10^6 bytes): gateway under (c)–(h) max ${r.memory.gateway.maxMB ?? 'n/a'}, mean ${r.memory.gateway.meanMB ?? 'n/a'}; `
        + `ceiling under (a) max ${r.memory.ceiling.maxMB ?? 'n/a'}; peer under (b) max ${r.memory.peer.maxMB ?? 'n/a'}, mean ${r.memory.peer.meanMB ?? 'n/a'}`
        + Object.entries(r.memory.peers).map(([id, x]) => `; ${id} max ${x?.maxMB ?? 'n/a'}, mean ${x?.meanMB ?? 'n/a'}`).join(''));
      for (const t of r.results) {
        const x = t.memory;
        if (x?.maxAnonMB != null) lines.push(`  (${t.letter}) RSS max ${x.maxMB}: anonymous (heaps, stacks) up to ${x.maxAnonMB}, file-backed (the runtime's code and libraries) up to ${x.maxFileMB ?? 'n/a'}; `
          + `proportional (shared pages divided between their processes) up to ${x.maxPssMB ?? 'n/a'}`);
      }
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
  if (r.spread && r.runs) {
    lines.push('', `over ${r.runs.length} runs: median [min – max] spread (the table above is the last run; headline, ratios and targets are medians)`);
    lines.push(...table(['figure', 'median', 'min – max', 'spread', 'runs'], Object.entries(r.spread).map(([k, x]) => [
      k, String(x.median), `${x.min} – ${x.max}`, `${(x.spread * 100).toFixed(0)} %`, x.values.map((v) => (v === null ? '-' : String(v))).join(' ')
    ])).map((l) => `  ${l}`));
  }
  lines.push('', 'targets:',
    ...r.goals.map((g) => `  ${g.id.padEnd(11)} ${g.target.padEnd(7)} ${g.value === null ? 'not measured' : String(g.value).padEnd(12)} ${g.met === null ? '' : g.met ? 'met' : 'NOT MET'}   (${g.what})`));
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
