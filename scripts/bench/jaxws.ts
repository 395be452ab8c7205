/**
 * The JAX-WS peer (p2): whether this machine can build it, and its build (wsimport on the published WSDL, then javac
 * of the generated classes and scripts/bench/jaxws/SignalisationPeer.java), cached under .tmp/ by the hash of what
 * goes into it, so that only the first run on a machine pays for it. The server child (server-jaxws.ts) runs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Debian's jars (packages jaxws, libpostgresql-jdbc-java, libhikaricp-java, libslf4j-java): jaxws-rt's manifest names
 * its own, but not the primitive function library that gmbal (its monitoring) loads when an endpoint is published.
 */
export const JAXWS_JARS: readonly string[] = ['jaxws-rt.jar', 'glassfish-pfl-tf.jar', 'glassfish-pfl-basic.jar', 'glassfish-pfl-dynamic.jar',
  'HikariCP.jar', 'postgresql.jar', 'slf4j-api.jar', 'slf4j-nop.jar']
  .map((j) => path.join('/usr/share/java', j));

/**
 * The JVM's flags: only -Dsun.net.httpserver.nodelay=true, without which the JDK's HttpServer leaves Nagle's
 * algorithm on and waits on delayed ACKs (a 44 ms p50); heap and GC are the JDK's defaults.
 */
export const JVM_FLAGS: readonly string[] = ['-Dsun.net.httpserver.nodelay=true'];

export const JAXWS_SOURCE = path.join('scripts', 'bench', 'jaxws', 'SignalisationPeer.java');
const WSDL = path.join('wsdl', 'signalisation', 'v2', 'signalisation.wsdl');

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Why the JAX-WS peer cannot run here, or null when it can. */
export function jaxwsUnavailable(): string | null {
  const missing = ['java', 'javac', 'wsimport'].filter((c) => !onPath(c));
  if (missing.length > 0) {
    return `no ${missing.join(', ')} on the PATH (a JDK and Debian's jaxws: apt-get install default-jdk-headless jaxws libpostgresql-jdbc-java libhikaricp-java libgmbal-pfl-java)`;
  }
  const jars = JAXWS_JARS.filter((j) => !existsSync(j));
  if (jars.length > 0) return `missing ${jars.join(', ')} (apt-get install jaxws libpostgresql-jdbc-java libhikaricp-java libslf4j-java libgmbal-pfl-java)`;
  return null;
}

export interface JaxwsBuild {
  /** The compiled classes of the generated code and of the peer. */
  readonly classes: string;
  readonly classpath: string;
  readonly buildMs: number;
  readonly cached: boolean;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Builds the peer into <root>/.tmp/bench-jaxws-<hash>/ unless it is there already. */
export function buildJaxws(root: string): JaxwsBuild {
  const started = performance.now();
  const hash = createHash('sha256');
  for (const f of [WSDL, JAXWS_SOURCE, ...filesUnder(path.join(root, 'xsd', 'signalisation', 'v2')).map((x) => path.relative(root, x)),
    path.join('xsd', 'common', 'esav-commun.xsd')]) {
    hash.update(f).update(readFileSync(path.join(root, f)));
  }
  hash.update(execFileSync('javac', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const dir = path.join(root, '.tmp', `bench-jaxws-${hash.digest('hex').slice(0, 16)}`);
  const classes = path.join(dir, 'classes');
  const classpath = [classes, ...JAXWS_JARS].join(':');
  if (existsSync(path.join(classes, 'SignalisationPeer.class'))) return { classes, classpath, buildMs: performance.now() - started, cached: true };
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const generated = path.join(work, 'generated');
  mkdirSync(generated, { recursive: true });
  mkdirSync(path.join(work, 'classes'));
  try {
    execFileSync('wsimport', ['-Xnocompile', '-quiet', '-s', generated, '-d', generated, path.join(root, WSDL)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const sources = filesUnder(generated).filter((f) => f.endsWith('.java'));
    execFileSync('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', path.join(work, 'classes'), '-cp', JAXWS_JARS.join(':'),
      ...sources, path.join(root, JAXWS_SOURCE)], { stdio: ['ignore', 'pipe', 'pipe'] });
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`building the JAX-WS peer failed: ${err.stderr?.toString().trim().slice(0, 2000) || err.message}`);
  }
  return { classes, classpath, buildMs: performance.now() - started, cached: false };
}
