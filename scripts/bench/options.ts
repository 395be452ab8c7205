/** The command line of `npm run bench`. */
import { parseArgs } from 'node:util';
import type { LoadId } from './targets.js';

/** The measurements beyond the five loads; memory has no id: it is taken during every load of the peer and the gateway. */
export type MeasurementId = 'handshakes' | 'instances' | 'coldstart';
export type BenchId = LoadId | MeasurementId;

export interface BenchOptions {
  readonly warmupS: number;
  readonly durationS: number;
  readonly connections: number;
  readonly only: readonly BenchId[];
  readonly profile: boolean;
  /** Run the server children through tsx instead of compiled (faster to start, not as deployed). */
  readonly tsx: boolean;
  /** Configuration variables for the gateway on top of its defaults, to try a setting without editing src/. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  /** Parallel connect loops of the handshake measurement. */
  readonly handshakeConcurrency: number;
  readonly coldStartRuns: number;
  /** Tickets per operator seeded in the gateway's history. */
  readonly historyPerOperator: number;
  readonly smoke: boolean;
  /** Write the JSON report here only (not latest.json nor a timestamped copy). */
  readonly out: string | null;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

Loads, one after the other, over mutual TLS with keep-alive (certificates generated for the run):
  (a) ceiling  a bare Fastify HTTPS server answering a fixed SOAP reply
  (b) peer     the soap package's own server answering an echo operation (scripts/bench/echo.wsdl)
  (c) read     the gateway: state of one of OPA's open tickets (consultationEtat, signalisation v2)
  (d) filing   the gateway: a new FTTH ticket (depotSignalisation: form validation, durable commit)
  (f) filing-events  the filing (d) again, once 100k prises (an OPA service on every 4th) and 1,000 open
               planned works and incidents are in the database (none on the filed line)
  (g) filing-inside  the filing (d) again, inside an open incident declared on the filed line's PBO: each
               filing is linked to it and gets the OI's comment (issue 15's cross-check at filing)
  (h) works    the gateway: getInfoTravauxFTTH (info-travaux v1) for one of OPA's impacted services
  (e) search   the gateway: one day of OPA's tickets, first page (rechercheSignalisations)
(c)–(h) run against one gateway on an embedded PostgreSQL holding 90 days of history (20,000 tickets
per operator), in the order above. The resident memory (RSS) of the peer and of the gateway is sampled during each measured phase.
Every server runs compiled by tsc (src/ and scripts/bench, as npm run build and the Docker image do), unless --tsx.
Then, with the same gateway and database:
  instances    the read (c) on one instance, then split over two instances on the same PostgreSQL
  handshakes   new mTLS connections per second, full and resumed, against a bare Node https server
               with the gateway's TLS options (h1) and against the gateway's listener (h2)
  coldstart    spawn → ready of the real server (src/server.ts, tsx as npm start runs it, and the
               npm run build output), on the already migrated database, median of 3 runs
Prints requests/s, p50, p99 and errors per load, the ratios, the other measurements, the targets met or
not, and writes benchmarks/results/latest.json (and a timestamped copy).

Options:
  --duration <s>     measured phase per load, in seconds (default 10)
  --warmup <s>       warm-up per load, not measured, in seconds (default 3)
  --quick            quick run: 1 s warm-up, 2 s measured (explicit --duration/--warmup still win)
  --smoke            check that every measurement works, not its figures: 0.3 s warm-up, 0.5 s measured,
                     4 connections, 2 handshake loops, 1 cold start run, 2,000 tickets per operator
  --connections <n>  keep-alive connections, one request in flight on each (default 50)
  --handshake-concurrency <n>  parallel connect loops of the handshake measurement (default 8)
  --coldstart-runs <n>         runs per way of starting, the median is reported (default 3)
  --only <ids>       comma-separated subset of ceiling,peer,read,filing,filing-events,filing-inside,works,search,
                     instances,handshakes,coldstart
                     (default: all)
  --tsx              run the server children through tsx instead of compiled (no build; not as deployed:
                     the loader thread adds memory)
  --out <file>       write the JSON report to this file only (neither latest.json nor a timestamped copy)
  --gateway-env K=V  a configuration variable for the gateway (repeatable), e.g. ESAV_DB_POOL_SIZE=20;
                     the reference figures are taken with none
  --profile          run the gateway child with --cpu-prof (profile in benchmarks/results/) and print
                     where its CPU time goes
  -h, --help         this text
`;

export class UsageError extends Error {}

export const IDS: readonly BenchId[] = [
  'ceiling', 'peer', 'read', 'filing', 'filing-events', 'filing-inside', 'works', 'search', 'instances', 'handshakes', 'coldstart'
];

function positive(name: string, raw: string | undefined, dflt: number, integer: boolean): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} ${raw}: expected a positive ${integer ? 'integer' : 'number'}`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        quick: { type: 'boolean', default: false },
        smoke: { type: 'boolean', default: false },
        tsx: { type: 'boolean', default: false },
        connections: { type: 'string' },
        'handshake-concurrency': { type: 'string' },
        'coldstart-runs': { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        profile: { type: 'boolean', default: false },
        'gateway-env': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const only = values.only === undefined ? IDS : values.only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of only) if (!IDS.includes(id as BenchId)) throw new UsageError(`--only ${id}: expected ${IDS.join(', ')}`);
  const gatewayEnv: Record<string, string> = {};
  for (const kv of values['gateway-env'] ?? []) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new UsageError(`--gateway-env ${kv}: expected NAME=value`);
    gatewayEnv[m[1]!] = m[2]!;
  }
  const smoke = values.smoke;
  if (smoke && values.quick) throw new UsageError('--smoke and --quick: choose one');
  const connections = positive('connections', values.connections, smoke ? 4 : 50, true);
  if (connections < 2 && (values.only === undefined || only.includes('instances'))) {
    throw new UsageError('--connections: at least 2 (the instances measurement splits them over two instances)');
  }
  return {
    gatewayEnv,
    warmupS: positive('warmup', values.warmup, smoke ? 0.3 : values.quick ? 1 : 3, false),
    durationS: positive('duration', values.duration, smoke ? 0.5 : values.quick ? 2 : 10, false),
    connections,
    handshakeConcurrency: positive('handshake-concurrency', values['handshake-concurrency'], smoke ? 2 : 8, true),
    coldStartRuns: positive('coldstart-runs', values['coldstart-runs'], smoke ? 1 : 3, true),
    historyPerOperator: smoke ? 2_000 : 20_000,
    only: IDS.filter((id) => only.includes(id)),
    profile: values.profile,
    smoke,
    tsx: values.tsx,
    out: values.out ?? null,
    help: values.help
  };
}
