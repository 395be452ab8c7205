/**
 * npm run test-pack:pack: the operator test pack as its own npm package, esav-test-pack-<version>.tgz, for operators
 * who do not clone the gateway. Stages packages/esav-test-pack/ (package.json, README, bin) with src/testpack/
 * compiled by tsc (packages/esav-test-pack/tsconfig.json, rootDir src/testpack: nothing else of the gateway builds
 * into it), the scenarios of test-pack/scenarios/ and docs/faults.md, checks the package depends on nothing beyond
 * Node's built-ins, then runs `npm pack`. Nothing is written in the source tree. Exit 1 on a failed check, 2 on bad usage.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_DIR = path.join(ROOT, 'packages', 'esav-test-pack');

const USAGE = `npm run test-pack:pack [-- --out <dir>]
  Builds the operator test pack's npm package esav-test-pack-<version>.tgz (no dependency beyond Node's built-ins),
  to be installed with: npm install -g ./esav-test-pack-<version>.tgz
  --out <dir>   where the .tgz goes (default dist/)
  --help        this text
`;

export class PackCheckError extends Error {
  readonly code = 'TESTPACK_PACKAGE_CHECK';
  override readonly name = 'PackCheckError';
}

/** Every import of the compiled files: a relative file of the package or a node: built-in, nothing else. */
export function foreignImports(libDir: string): string[] {
  const bad: string[] = [];
  for (const f of readdirSync(libDir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(path.join(libDir, f), 'utf8');
    for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('node:') && !spec.startsWith('./') && !spec.startsWith('../')) bad.push(`${f}: ${spec}`);
    }
  }
  return bad;
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new PackCheckError(`${command} ${args.join(' ')} (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export interface PackOutcome {
  readonly tarball: string;
  readonly version: string;
  readonly files: readonly string[];
}

export function packTestPack(outDir: string): PackOutcome {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string };
  for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
    if (manifest[k] !== undefined) {
      throw new PackCheckError(`packages/esav-test-pack/package.json: "${k}": the test pack depends on nothing beyond Node's built-ins`);
    }
  }
  const stage = mkdtempSync(path.join(tmpdir(), 'esav-test-pack-stage-'));
  try {
    for (const f of ['package.json', 'README.md']) copyFileSync(path.join(PACKAGE_DIR, f), path.join(stage, f));
    cpSync(path.join(PACKAGE_DIR, 'bin'), path.join(stage, 'bin'), { recursive: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    run(process.execPath, [tsc, '-p', path.join(PACKAGE_DIR, 'tsconfig.json'), '--outDir', path.join(stage, 'lib')], ROOT);
    const bad = foreignImports(path.join(stage, 'lib'));
    if (bad.length > 0) throw new PackCheckError(`the test pack imports more than Node's built-ins:\n  ${bad.join('\n  ')}`);
    mkdirSync(path.join(stage, 'scenarios'));
    const scenarios = path.join(ROOT, 'test-pack', 'scenarios');
    for (const f of readdirSync(scenarios).filter((n) => n.endsWith('.json'))) copyFileSync(path.join(scenarios, f), path.join(stage, 'scenarios', f));
    copyFileSync(path.join(ROOT, 'docs', 'faults.md'), path.join(stage, 'faults.md'));
    mkdirSync(outDir, { recursive: true });
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', outDir], stage)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(outDir, out[0]!.filename);
    return { tarball, version: manifest.version, files: out[0]!.files.map((f) => f.path).sort() };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let values;
  try {
    values = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (e) {
    process.stderr.write(`test-pack:pack: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) { process.stdout.write(USAGE); process.exit(0); }
  try {
    const o = packTestPack(path.resolve(values.out ?? path.join(ROOT, 'dist')));
    const shown = o.tarball.startsWith(process.cwd() + path.sep) ? `./${path.relative(process.cwd(), o.tarball)}` : o.tarball;
    process.stdout.write(`${o.tarball}\n  ${o.files.length} files, no dependency; install: npm install -g ${shown}\n`);
  } catch (e) {
    process.stderr.write(`test-pack:pack: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
