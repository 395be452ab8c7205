/**
 * The test pack as operators get it (issue 19 item 2): `npm run test-pack:pack` makes esav-test-pack-<v>.tgz, which
 * installs with `npm install -g` into a temporary prefix without the network (no dependency), and the installed
 * command, run outside the checkout, tests a real gateway over mutual TLS: its exit codes and what its console says.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pemFiles } from '../support/pki.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Ran { readonly code: number; readonly out: string; readonly err: string }

/** Asynchronous on purpose: the gateway under test answers from this process's event loop. */
function exec(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd, env, encoding: 'utf8', timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out, err });
    });
  });
}

describe('the test pack as its own package (npm run test-pack:pack, npm install -g)', function () {
  this.timeout(180_000);
  let gw: TestGateway;
  let dir: string;
  let bin: string;
  let installed: string;
  let tarball: string;
  let pem: Record<'cert' | 'key' | 'ca' | 'untrustedCert' | 'untrustedKey', string>;
  // npm without the network, its cache and config of this run only (an operator's machine may have neither).
  let npmEnv: NodeJS.ProcessEnv;

  before(async () => {
    gw = await startGateway();
    dir = mkdtempSync(path.join(tmpdir(), 'esav-test-pack-pkg-'));
    npmEnv = { ...process.env, npm_config_cache: path.join(dir, 'npm-cache'), npm_config_userconfig: path.join(dir, 'npmrc'), npm_config_offline: 'true',
      npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const packed = await exec('npm', ['run', '--silent', 'test-pack:pack', '--', '--out', path.join(dir, 'out')], ROOT, npmEnv);
    expect(packed.code, packed.err).to.equal(0);
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'packages', 'esav-test-pack', 'package.json'), 'utf8')) as { version: string }).version;
    tarball = path.join(dir, 'out', `esav-test-pack-${version}.tgz`);
    expect(readdirSync(path.join(dir, 'out'))).to.deep.equal([path.basename(tarball)]);
    const prefix = path.join(dir, 'prefix');
    const install = await exec('npm', ['install', '-g', '--prefix', prefix, tarball], dir, npmEnv);
    expect(install.code, install.err).to.equal(0);
    bin = path.join(prefix, 'bin', 'esav-test-pack');
    installed = path.join(prefix, 'lib', 'node_modules', 'esav-test-pack');
    pem = pemFiles(dir, {
      cert: { file: 'opa.crt', pem: gw.pki.opa.certPem }, key: { file: 'opa.key', pem: gw.pki.opa.keyPem }, ca: { file: 'ca.crt', pem: gw.pki.ca },
      untrustedCert: { file: 'untrusted.crt', pem: gw.pki.untrusted.certPem }, untrustedKey: { file: 'untrusted.key', pem: gw.pki.untrusted.keyPem }
    });
  });
  after(async () => {
    await gw?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The installed command, from a folder outside the checkout (nothing of the gateway's node_modules is reachable). */
  const pack = (args: readonly string[], certs: { cert?: string; key?: string } = {}): Promise<Ran> => {
    const work = mkdtempSync(path.join(dir, 'run-'));
    const tls = ['--cert', certs.cert ?? pem.cert, '--key', certs.key ?? pem.key, '--ca', pem.ca];
    return exec(bin, ['--endpoint', gw.url, ...tls, '--operator', 'OPA', '--service-id', 'FTTH-21-0000001', ...args], work);
  };

  it('is a package with no dependency: its bin, its compiled code, the scenarios, a French README', () => {
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.name).to.equal('esav-test-pack');
    expect(manifest.type).to.equal('module');
    expect(manifest.bin).to.deep.equal({ 'esav-test-pack': 'bin/esav-test-pack.js' });
    for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies']) expect(manifest, k).to.not.have.property(k);
    expect(existsSync(path.join(installed, 'node_modules')), 'nothing installed beside it').to.equal(false);
    expect(readdirSync(installed).sort()).to.deep.equal(['README.md', 'bin', 'faults.md', 'lib', 'package.json', 'scenarios']);
    expect(readdirSync(path.join(installed, 'lib')).every((f) => f.endsWith('.js')), 'plain JavaScript').to.equal(true);
    const scenarios = readdirSync(path.join(ROOT, 'test-pack', 'scenarios')).filter((f) => f.endsWith('.json')).sort();
    expect(readdirSync(path.join(installed, 'scenarios')).sort()).to.deep.equal(scenarios);
    const readme = readFileSync(path.join(installed, 'README.md'), 'utf8');
    expect(readme).to.include('npm install -g ./esav-test-pack-').and.include('--strict').and.include('Codes de sortie').and.include('certificat');
  });

  it('answers --version, --help (exit 0) and a usage error (exit 2)', async () => {
    const version = (JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await exec(bin, ['--version'], dir)).to.deep.include({ code: 0, out: `esav-test-pack ${version}\n` });
    const help = await exec(bin, ['--help'], dir);
    expect(help.code).to.equal(0);
    expect(help.out).to.include('--strict').and.include('3 the first check failed');
    const bad = await exec(bin, ['--endpoint', gw.url, '--bogus'], dir);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include("Unknown option '--bogus'");
  });

  it('passes against the gateway (exit 0) with the scenarios it ships, and writes its reports', async () => {
    const out = path.join(dir, 'report-ok');
    const r = await pack(['--only', 'prestation-*,catalogue-*,signalisation-v2-depot-nominal,signalisation-v9-*', '--out', out]);
    expect(r.code, r.out + r.err).to.equal(0);
    expect(r.out).to.match(/Versions en production le \d{4}-\d{2}-\d{2}/).and.match(/\n {2}v signalisation v2 — .* en production depuis le \d{4}-\d{2}-\d{2}/);
    expect(r.out).to.include('✔ contrôle préalable : certificat accepté, prestation FTTH-21-0000001');
    expect(r.out).to.match(/✔ prestation-v1-consultation-nominal \(\d+ ms\)/).and.match(/✔ signalisation-v9-version-indisponible/);
    expect(r.out).to.match(/\n\d+ réussi\(s\), 0 échoué\(s\), 0 ignoré\(s\)/);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).to.include(path.join(installed, 'scenarios', 'prestation-v1-consultation-nominal.json'));
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).to.match(/<testsuites name="esav-test-pack" tests="\d+" failures="0" skipped="0"/);
  });

  it('--strict fails a run with skipped scenarios (exit 1); without it the same run passes', async () => {
    const only = ['--only', 'prestation-v1-consultation-nominal,signalisation-v2-integration-nominal'];
    const lenient = await pack(only);
    expect(lenient.code, lenient.out).to.equal(0);
    expect(lenient.out).to.match(/- signalisation-v2-integration-nominal ignoré : requiert la plateforme d'intégration/);
    const strict = await pack([...only, '--strict']);
    expect(strict.code, strict.out).to.equal(1);
    expect(strict.out).to.include('1 réussi(s), 0 échoué(s), 1 ignoré(s)').and.include('--strict : 1 scénario(s) ignoré(s), le passage est en échec');
  });

  it('stops at the first check when the certificate is refused in the TLS handshake (exit 3)', async () => {
    const r = await pack([], { cert: pem.untrustedCert, key: pem.untrustedKey });
    expect(r.code, r.out + r.err).to.equal(3);
    expect(r.out).to.match(/✘ contrôle préalable : certificat client refusé par https:\/\/localhost:\d+ lors de la poignée de main TLS/);
    expect(r.out).to.include('arrêt après le contrôle préalable').and.not.match(/[✔✘-] prestation-/);
    expect(r.err).to.equal('');
  });

  it('names the fault code and message of a failure on the console (exit 1)', async () => {
    const scenarios = path.join(dir, 'scenarios-expect-ok');
    mkdirSync(scenarios);
    const json = JSON.parse(readFileSync(path.join(installed, 'scenarios', 'prestation-v1-consultation-inconnue.json'), 'utf8')) as { expect: unknown };
    json.expect = { outcome: 'OK' };
    writeFileSync(path.join(scenarios, 'prestation-v1-consultation-inconnue.json'), JSON.stringify(json));
    const r = await pack(['--scenarios', scenarios]);
    expect(r.code, r.out + r.err).to.equal(1);
    expect(r.out).to.include('✘ prestation-v1-consultation-inconnue')
      .and.include('attendu résultat OK, obtenu résultat RESSOURCE_INCONNUE')
      .and.match(/\n {4}faute RESSOURCE_INCONNUE — .*FTTH-00-9999999.* \(idRequete [^)]+\)\n/);
  });
});
