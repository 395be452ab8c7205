/**
 * Every file of the DTD-attack corpus (../shared/corpora/dtd-attacks), wrapped in a SOAP envelope, gets a Client
 * fault; no connection reaches the corpus' target (a loopback listener on 127.0.0.1:5000) and no local file the
 * corpus names is read (sentinel files whose content must never appear in an answer).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { sharedPath } from '../support/shared.js';
import { call, SOAP11_ENV, textOf } from '../support/soap-client.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

// The shared corpus sits next to the checkout (../shared, see test/support/shared.ts); ESAV_ATTACK_CORPUS names another place.
const CORPUS = process.env.ESAV_ATTACK_CORPUS ?? sharedPath('corpora', 'dtd-attacks');
const SENTINEL = 'ESAV-SENTINEL-7c1e';
const SENTINEL_FILES = ['/tmp/xxe.txt', '/tmp/xinclude_source.xml'];

function corpusFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? corpusFiles(p) : name.endsWith('.xml') ? [p] : [];
  });
}

/** Keeps the prolog (XML declaration, DOCTYPE with its internal subset) in front and puts the root in the Body. */
export function wrapInEnvelope(xml: string): string {
  const text = xml.replace(/^\uFEFF/, '');
  const doctype = /^([\s\S]*?<!DOCTYPE[^[>]*(?:\[[\s\S]*?\]\s*)?>)([\s\S]*)$/.exec(text);
  const decl = /^(\s*<\?xml[\s\S]*?\?>)([\s\S]*)$/.exec(text);
  const [prolog, root] = doctype ? [doctype[1]!, doctype[2]!] : decl ? [decl[1]!, decl[2]!] : ['', text];
  return `${prolog}<soapenv:Envelope xmlns:soapenv="${SOAP11_ENV}"><soapenv:Body>${root.trim()}</soapenv:Body></soapenv:Envelope>`;
}

describe('the DTD-attack corpus', function () {
  let gw: TestGateway;
  let listener: Server;
  let connections = 0;
  const created: string[] = [];
  const files = existsSync(CORPUS) ? corpusFiles(CORPUS) : [];

  before(async function () {
    if (files.length === 0) throw new Error(`the corpus is missing: ${CORPUS}`);
    for (const f of SENTINEL_FILES) {
      if (!existsSync(f)) { writeFileSync(f, SENTINEL); created.push(f); }
    }
    listener = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve, reject) => { listener.once('error', reject); listener.listen(5000, '127.0.0.1', () => resolve()); });
    gw = await startGateway();
  });

  after(async () => {
    await gw?.close();
    await new Promise((r) => listener?.close(r));
    for (const f of created) rmSync(f, { force: true });
  });

  it('holds more than a hundred attack files', () => {
    expect(files.length).to.be.greaterThan(100);
  });

  it('answers every wrapped attack with a Client fault, opening no connection and reading no file', async () => {
    const failures: string[] = [];
    for (const file of files) {
      const body = wrapInEnvelope(readFileSync(file, 'utf8'));
      const r = await call(gw.url, { path: '/esav/prestation/v1', body, client: gw.pki.opa, ca: gw.pki.ca });
      const name = path.relative(CORPUS, file);
      // A file larger than the body limit is refused before it is buffered: 413, still a Client fault.
      const expectedStatus = Buffer.byteLength(body) > gw.config.bodyLimitBytes ? 413 : 500;
      if (r.status !== expectedStatus || textOf(r.body, 'faultcode') !== 'soap:Client') failures.push(`${name}: HTTP ${r.status} ${textOf(r.body, 'faultcode')}`);
      if (r.body.includes(SENTINEL) || r.body.includes('root:x:0:0') || r.body.includes('it_works')) failures.push(`${name}: leaked file content`);
      if (/\bat .*\.(ts|js):\d+/.test(r.body)) failures.push(`${name}: stack trace in the fault`);
    }
    expect(failures).to.deep.equal([]);
    expect(connections, 'connections made to 127.0.0.1:5000').to.equal(0);
  });

  it('refuses the DOCTYPE ones as such, before parsing', async () => {
    const withDoctype = files.filter((f) => readFileSync(f, 'utf8').includes('<!DOCTYPE'));
    expect(withDoctype.length).to.be.greaterThan(80);
    for (const file of withDoctype) {
      const r = await call(gw.url, { path: '/esav/prestation/v1', body: wrapInEnvelope(readFileSync(file, 'utf8')), client: gw.pki.opa, ca: gw.pki.ca });
      const oversize = statSync(file).size > gw.config.bodyLimitBytes;
      expect(textOf(r.body, 'code'), path.basename(file)).to.equal(oversize ? 'REQUETE_TROP_VOLUMINEUSE' : 'XML_DTD_INTERDITE');
    }
  });

  it('answers the raw (unwrapped) files with a fault too, still opening no connection', async () => {
    for (const file of files) {
      const r = await call(gw.url, { path: '/esav/prestation/v1', body: readFileSync(file), client: gw.pki.opa, ca: gw.pki.ca });
      expect(r.status, path.basename(file)).to.equal(statSync(file).size > gw.config.bodyLimitBytes ? 413 : 500);
      expect(r.body).to.include('<soap:Fault>');
    }
    expect(connections).to.equal(0);
  });
});
