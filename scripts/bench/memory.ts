/**
 * Resident memory of a server child under load: its VmRSS, read from /proc/<pid>/status by the parent every
 * 100 ms while a measured phase runs (the child does nothing for it). Linux only: elsewhere the summary says
 * why there are no samples. MB here are 10^6 bytes (the stricter reading of the 200 MB target).
 */
import { readFile } from 'node:fs/promises';

export interface MemorySummary {
  /** How many samples were taken (0: not measured, see `unavailable`). */
  readonly samples: number;
  readonly maxMB: number | null;
  readonly meanMB: number | null;
  /** Why there are no samples (no /proc, the process was gone). */
  readonly unavailable?: string;
  /**
   * The largest anonymous part of the RSS (heaps: V8's, the C allocator's, thread stacks) and the largest
   * file-backed part (the node binary's and the shared libraries' pages in memory), from RssAnon / RssFile.
   */
  readonly maxAnonMB?: number | null;
  readonly maxFileMB?: number | null;
  /**
   * The largest proportional set size (Pss of /proc/<pid>/smaps_rollup): the RSS with each shared page divided
   * between the processes that map it. The node binary's code (about 50 MB) is shared by every node process on the
   * host (the load generator's among them), so Pss is what this process costs the host beyond what is shared.
   */
  readonly maxPssMB?: number | null;
  /** Where the memory is, as the child sees it: when the load ended, and after a full garbage collection. */
  readonly breakdown?: { readonly atEnd: MemoryBreakdown | null; readonly afterGc: MemoryBreakdown | null };
}

/** process.memoryUsage() of the child in MB, and what it knows of its native memory (libxml2 for the gateway). */
export interface MemoryBreakdown {
  readonly rssMB: number;
  /** V8's heap as reserved, and as used by live and not yet collected objects. */
  readonly heapTotalMB: number;
  readonly heapUsedMB: number;
  /** Memory of C++ objects tied to JS objects that V8 was told about (Buffers among them). */
  readonly externalMB: number;
  /** The gateway: libxml2's allocated bytes (MB) and node count, the parsed request documents not yet freed. */
  readonly libxml2MB?: number;
  readonly libxml2Nodes?: number;
  /** Full collections run before this was measured (after GC: until it stopped going down). */
  readonly gcRounds: number;
}

export function breakdown(m: { usage: { rss: number; heapTotal: number; heapUsed: number; external: number }; gcRounds: number; native?: Readonly<Record<string, number>> } | null): MemoryBreakdown | null {
  if (m === null) return null;
  const n = m.native;
  return {
    rssMB: toMB(m.usage.rss), heapTotalMB: toMB(m.usage.heapTotal), heapUsedMB: toMB(m.usage.heapUsed), externalMB: toMB(m.usage.external),
    gcRounds: m.gcRounds,
    ...(n?.libxml2Bytes !== undefined ? { libxml2MB: toMB(n.libxml2Bytes) } : {}),
    ...(n?.libxml2Nodes !== undefined ? { libxml2Nodes: n.libxml2Nodes } : {})
  };
}

const SAMPLE_EVERY_MS = 100;

interface RssSample { readonly rss: number; readonly anon: number | null; readonly file: number | null; readonly pss: number | null }

/** VmRSS, RssAnon and RssFile of a process in bytes, or null when they cannot be read. */
async function rssSample(pid: number): Promise<RssSample | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kB = (name: string): number | null => {
      const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : null;
    };
    const rss = kB('VmRSS');
    if (rss === null) return null;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const pss = /^Pss:\s+(\d+)\s+kB$/m.exec(rollup);
    return { rss, anon: kB('RssAnon'), file: kB('RssFile'), pss: pss ? Number(pss[1]) * 1024 : null };
  } catch {
    return null;
  }
}

/** VmRSS of a process in bytes, or null when it cannot be read. */
export async function rssBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const toMB = (bytes: number): number => Math.round(bytes / 1e5) / 10;

export interface RssSampler {
  /** Stops sampling and summarises. */
  stop(): Promise<MemorySummary>;
}

/** Samples now and every 100 ms until stop(). */
export function sampleRss(pid: number): RssSampler {
  const values: number[] = [];
  const parts: RssSample[] = [];
  let stopped = false;
  let failure: string | undefined;
  let pending: Promise<void> = Promise.resolve();
  const take = (): void => {
    pending = pending.then(async () => {
      const v = await rssSample(pid);
      if (v === null) failure ??= process.platform === 'linux' ? `cannot read /proc/${pid}/status` : `no /proc on ${process.platform}`;
      else {
        values.push(v.rss);
        parts.push(v);
      }
    });
  };
  take();
  const timer = setInterval(() => { if (!stopped) take(); }, SAMPLE_EVERY_MS);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      take();
      await pending;
      const summary = summarise(values, failure);
      const max = (xs: readonly (number | null)[]): number | null => {
        const known = xs.filter((x): x is number => x !== null);
        return known.length === 0 ? null : toMB(Math.max(...known));
      };
      return summary.samples === 0 ? summary : {
        ...summary, maxAnonMB: max(parts.map((x) => x.anon)), maxFileMB: max(parts.map((x) => x.file)), maxPssMB: max(parts.map((x) => x.pss))
      };
    }
  };
}

export function summarise(values: readonly number[], unavailable?: string): MemorySummary {
  if (values.length === 0) return { samples: 0, maxMB: null, meanMB: null, unavailable: unavailable ?? 'no samples' };
  return {
    samples: values.length,
    maxMB: toMB(Math.max(...values)),
    meanMB: toMB(values.reduce((a, b) => a + b, 0) / values.length)
  };
}

/** Several phases' samples as one: the largest maximum, the mean weighted by samples. */
export function combine(parts: readonly MemorySummary[]): MemorySummary {
  const measured = parts.filter((p) => p.samples > 0 && p.maxMB !== null && p.meanMB !== null);
  if (measured.length === 0) return { samples: 0, maxMB: null, meanMB: null, unavailable: parts.find((p) => p.unavailable)?.unavailable ?? 'not run' };
  const samples = measured.reduce((a, p) => a + p.samples, 0);
  const largest = (f: (p: MemorySummary) => number | null | undefined): number | null => {
    const xs = measured.map(f).filter((x): x is number => typeof x === 'number');
    return xs.length === 0 ? null : Math.max(...xs);
  };
  return {
    samples,
    maxAnonMB: largest((p) => p.maxAnonMB),
    maxFileMB: largest((p) => p.maxFileMB),
    maxPssMB: largest((p) => p.maxPssMB),
    maxMB: Math.max(...measured.map((p) => p.maxMB!)),
    meanMB: Math.round((measured.reduce((a, p) => a + p.meanMB! * p.samples, 0) / samples) * 10) / 10
  };
}

/** The pids under a process (tsx's CLI runs the server in a child of its own), from /proc/<pid>/task/<pid>/children. */
export async function childPids(pid: number): Promise<number[]> {
  try {
    return (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
