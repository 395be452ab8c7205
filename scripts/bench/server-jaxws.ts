/**
 * Same-work peer (p2), the JAX-WS endpoint (scripts/bench/jaxws/SignalisationPeer.java, built by jaxws.ts): this
 * child starts the JVM on the gateway child's PostgreSQL with the run's certificates, waits for its port, and says
 * the JVM's pid in 'ready' (its RSS is the peer's, not this wrapper's). The JVM gets
 * -Dsun.net.httpserver.nodelay=true and otherwise the JDK's defaults.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JVM_FLAGS } from './jaxws.js';
import { serveChild } from './protocol.js';

/** postgres://user:password@host:port/db as JDBC wants it. */
function jdbc(connectionString: string): { url: string; user: string; password: string } {
  const u = new URL(connectionString);
  return { url: `jdbc:postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

serveChild(async ({ pki, workDir, connectionString, env }) => {
  if (!connectionString) throw new Error('the JAX-WS peer needs the gateway child\'s PostgreSQL (connectionString)');
  const classpath = env.JAXWS_CLASSPATH;
  if (!classpath) throw new Error('JAXWS_CLASSPATH not given (the parent builds the peer first)');
  const pem = path.join(workDir, 'jaxws-pki');
  mkdirSync(pem, { recursive: true });
  writeFileSync(path.join(pem, 'ca.pem'), pki.ca);
  writeFileSync(path.join(pem, 'server.pem'), pki.serverCert);
  writeFileSync(path.join(pem, 'server-key.pem'), pki.serverKey, { mode: 0o600 });
  const db = jdbc(connectionString);
  const jvm = spawn('java', [...JVM_FLAGS, '-cp', classpath, 'SignalisationPeer', pem, db.url, db.user, db.password],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => jvm.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the JVM did not listen within 60 s')), 60_000);
    jvm.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the JVM exited (code ${code}) before it listened: ${out.slice(-500)}`));
    });
  }).catch((e: unknown) => {
    jvm.kill('SIGKILL');
    throw e;
  });
  return {
    port,
    servingPid: jvm.pid!,
    async close() {
      jvm.stdin.end();
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
      if (!stopped) {
        jvm.kill('SIGKILL');
        await exited;
      }
    }
  };
});
