/**
 * Authenticate first (issue 14): over a real listener, a certificate the CA signed but the registry does not know
 * gets its fault as soon as its headers arrive — the body it announced is never waited for — and the connection is
 * closed; a registered operator on the same gateway is served as before.
 */
import { connect } from 'node:tls';
import { expect } from 'chai';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation } from '../support/soap-client.js';

describe('authenticate before reading the body', () => {
  let gw: TestGateway;
  before(async () => { gw = await startGateway(); });
  after(async () => { await gw.close(); });

  it('answers an unregistered certificate before its announced body is sent, then closes the connection', async () => {
    const socket = connect({ host: '127.0.0.1', port: gw.port, servername: 'localhost', ca: gw.pki.ca, cert: gw.pki.unregistered.certPem, key: gw.pki.unregistered.keyPem });
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', () => resolve()); socket.once('error', reject); });
    let received = '';
    socket.on('data', (c: Buffer) => { received += c.toString('utf8'); });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // 10 MB announced (beyond the body limit too), 100 bytes sent: an answer can only come from the head.
    socket.write('POST /esav/prestation/v1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 10000000\r\n\r\n');
    socket.write('<'.repeat(100));
    await closed;
    expect(received).to.match(/^HTTP\/1\.1 500 /);
    expect(received).to.match(/\r\nconnection: close\r\n/i);
    expect(received).to.include('<code>AUTHENTIFICATION_REFUSEE</code>');
  });

  it('still serves a registered operator', async () => {
    const r = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca });
    expect(r.status).to.equal(200);
  });

  it('logs why the certificate was refused, never on the wire', async () => {
    const r = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.unregistered, ca: gw.pki.ca });
    expect(r.body).not.to.include('registry');
    expect(gw.logLines.some((l) => l.includes('certificate unregistered, revoked or expired in the registry'))).to.equal(true);
  });
});
