/** The command line of `npm run bench`. */
import { parseArgs } from 'node:util';
import type { LoadId } from './targets.js';

export interface BenchOptions {
  readonly warmupS: number;
  readonly durationS: number;
  readonly connections: number;
  readonly only: readonly LoadId[];
  readonly profile: boolean;
  /** Configuration variables for the gateway on top of its defaults, to try a setting without editing src/. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

Loads, one after the other, over mutual TLS with keep-alive (certificates generated for the run):
  (a) ceiling  a bare Fastify HTTPS server answering a fixed SOAP reply
  (b) peer     the soap package's own server answering an echo operation (scripts/bench/echo.wsdl)
  (c) read     the gateway: state of one of OPA's open tickets (consultationEtat, signalisation v2)
  (d) filing   the gateway: a new FTTH ticket (depotSignalisation: form validation, durable commit)
  (e) search   the gateway: one day of OPA's tickets, first page (rechercheSignalisations)
(c)–(e) run against one gateway on an embedded PostgreSQL holding 90 days of history (20,000 tickets
per operator). Then prints requests/s, p50, p99 and errors per load, the ratios c/b, d/b, e/b, c/a, the
targets met or not, and writes benchmarks/results/latest.json (and a timestamped copy).

Options:
  --duration <s>     measured phase per target, in seconds (default 10)
  --warmup <s>       warm-up per target, not measured, in seconds (default 3)
  --quick            smoke run: 1 s warm-up, 2 s measured (explicit --duration/--warmup still win)
  --connections <n>  keep-alive connections, one request in flight on each (default 50)
  --only <ids>       comma-separated subset of ceiling,peer,read,filing,search (default: all)
  --gateway-env K=V  a configuration variable for the gateway (repeatable), e.g. ESAV_DB_POOL_SIZE=20;
                     the reference figures are taken with none
  --profile          run the gateway child with --cpu-prof (profile in benchmarks/results/) and print
                     where its CPU time goes
  -h, --help         this text
`;

export class UsageError extends Error {}

const IDS: readonly LoadId[] = ['ceiling', 'peer', 'read', 'filing', 'search'];

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
        connections: { type: 'string' },
        only: { type: 'string' },
        profile: { type: 'boolean', default: false },
        'gateway-env': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const only = values.only === undefined ? IDS : values.only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of only) if (!IDS.includes(id as LoadId)) throw new UsageError(`--only ${id}: expected ${IDS.join(', ')}`);
  const gatewayEnv: Record<string, string> = {};
  for (const kv of values['gateway-env'] ?? []) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(kv);
    if (!m) throw new UsageError(`--gateway-env ${kv}: expected NAME=value`);
    gatewayEnv[m[1]!] = m[2]!;
  }
  return {
    gatewayEnv,
    warmupS: positive('warmup', values.warmup, values.quick ? 1 : 3, false),
    durationS: positive('duration', values.duration, values.quick ? 2 : 10, false),
    connections: positive('connections', values.connections, 50, true),
    only: IDS.filter((id) => only.includes(id)),
    profile: values.profile,
    help: values.help
  };
}
