/**
 * Where a .cpuprofile (node --cpu-prof) spends its time: top functions by self time, self time grouped by
 * package / source file, and inclusive time of the gateway's own functions (which phase of a request costs).
 * Used by `npm run bench -- --profile`; also runnable: npx tsx scripts/bench/profile-summary.ts <file> [top].
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** The package (node_modules/…), the project file (src/…), node core, or a V8 pseudo-frame of a call frame. */
export function moduleOf(f: CallFrame): string {
  if (f.url === '') return f.functionName.startsWith('(') ? f.functionName : '(native)';
  if (f.url.startsWith('node:')) return `node:${f.url.slice(5).split('/')[0]}`;
  const nm = f.url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const parts = f.url.slice(nm + 14).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const src = f.url.indexOf('/src/');
  if (src !== -1) return f.url.slice(src + 1);
  const scripts = f.url.indexOf('/scripts/');
  return scripts !== -1 ? f.url.slice(scripts + 1) : f.url;
}

function label(f: CallFrame): string {
  // Files compiled by tsx report line 0 for every function: a line is only shown when V8 knows it.
  const where = f.url === '' ? '' : ` ${moduleOf(f)}${f.lineNumber > 0 ? `:${f.lineNumber + 1}` : ''}`;
  return `${f.functionName || '(anonymous)'}${where}`;
}

function top(map: Map<string, number>, n: number, totalMs: number): string[] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

export function summariseProfile(file: string, n = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);

  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const nativeBy = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  // timeDeltas[i] is the time elapsed before sample i, which is spent in the frame of sample i-1's successor;
  // with a 1 ms sampling interval the difference is noise, so sample i gets timeDeltas[i].
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') idleMs += ms;
    self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + ms);
    modules.set(moduleOf(node.callFrame), (modules.get(moduleOf(node.callFrame)) ?? 0) + ms);
    // A native frame (writev, a libxml2 call…) is charged to the first package or project file above it, so
    // that e.g. socket writes of the HTTP responses and of the PostgreSQL queries are told apart.
    if (moduleOf(node.callFrame) === '(native)') {
      let owner = '(no JS caller)';
      for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
        const m = moduleOf(byId.get(cur)!.callFrame);
        if (!m.startsWith('node:') && !m.startsWith('(')) { owner = m; break; }
      }
      const key = `${node.callFrame.functionName} ← ${owner}`;
      nativeBy.set(key, (nativeBy.get(key) ?? 0) + ms);
    }
    // Inclusive time of the project's own functions, each counted once per stack (recursion is not doubled).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes('/src/') || f.url.includes('/node_modules/')) continue;
      const key = label(f);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
  return [
    `profile ${path.basename(file)}: ${totalMs.toFixed(0)} ms sampled, ${idleMs.toFixed(0)} ms idle (${((idleMs / totalMs) * 100).toFixed(1)} %)`,
    '', `top ${n} functions by self time:`, ...top(self, n, totalMs),
    '', 'self time by package / file:', ...top(modules, n, totalMs),
    '', 'native frames by the package / file that called them:', ...top(nativeBy, 10, totalMs),
    '', 'inclusive time of the gateway\'s own functions (src/):', ...top(inclusive, n, totalMs)
  ].join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(summariseProfile(file, count ? Number(count) : 25));
}
