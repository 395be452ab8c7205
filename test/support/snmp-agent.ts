/** A real SNMP agent for a test (Debian's snmpd), answering a table of values by `override` lines; stopped by stop(). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SnmpAgent { readonly port: number; readonly community: string; stop(): Promise<void> }

async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts snmpd on a free loopback port with `values` (OID → integer), and waits until it answers. */
export async function startSnmpAgent(values: Readonly<Record<string, number>>): Promise<SnmpAgent> {
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-snmpd-'));
  chmodSync(dir, 0o755);
  const port = await freeUdpPort();
  const community = 'esavtest';
  const conf = [`rocommunity ${community} 127.0.0.1`, ...Object.entries(values).map(([oid, v]) => `override .${oid.replace(/^\./, '')} integer ${v}`)].join('\n');
  writeFileSync(path.join(dir, 'snmpd.conf'), `${conf}\n`);
  const child: ChildProcess = spawn('snmpd', ['-f', '-Lf', path.join(dir, 'snmpd.log'), '-C', '-c', path.join(dir, 'snmpd.conf'), `udp:127.0.0.1:${port}`],
    { stdio: 'ignore', env: { ...process.env, MIBS: '' } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when it answers: a GET of the first value (snmpget is in the same Debian package family).
  const first = Object.keys(values)[0]!;
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const p = spawn('snmpget', ['-v2c', '-c', community, '-t', '0.2', '-r', '0', `127.0.0.1:${port}`, `.${first}`], { stdio: 'ignore', env: { ...process.env, MIBS: '' } });
      p.once('exit', (code) => resolve(code === 0));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, community, async stop() { child.kill('SIGTERM'); await exited; } };
}
