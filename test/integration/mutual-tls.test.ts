import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { call, consultation, PRESTATION_ACTION, textOf, type RawResponse } from '../support/soap-client.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { testPki } from '../support/pki.js';

/** A call that must fail in the TLS handshake, before any HTTP exchange. */
async function handshakeFailure(p: Promise<RawResponse>): Promise<string> {
  try {
    const r = await p;
    return `unexpected HTTP ${r.status}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

describe('mutual TLS and the certificate registry (DOMAIN.md A2, A3)', () => {
  let gw: TestGateway;
  before(async () => { gw = await startGateway(); });
  after(async () => { await gw.close(); });

  const read = (client: TestGateway['pki']['opa'] | null) =>
    call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), soapAction: PRESTATION_ACTION, client, ca: gw.pki.ca });

  it('answers a registered certificate', async () => {
    const r = await read(gw.pki.opa);
    expect(r.status).to.equal(200);
    expect(textOf(r.body, 'identifiantPrestation')).to.equal('FTTH-21-0000001');
  });

  it('refuses a connection without a client certificate in the handshake', async () => {
    expect(await handshakeFailure(read(null))).to.match(/ECONNRESET|CERTIFICATE_REQUIRED|EPIPE|alert/i);
  });

  it('refuses a certificate of an untrusted CA in the handshake', async () => {
    expect(await handshakeFailure(read(gw.pki.untrusted))).to.match(/ECONNRESET|UNKNOWN_CA|EPIPE|alert/i);
  });

  it('counts each refused handshake by its real reason (no certificate, unknown CA, expired), not as ECONNRESET', async () => {
    const reasons = async (): Promise<Record<string, number>> => Object.fromEntries([...(await gw.app.requestMetrics.render())
      .matchAll(/^esav_tls_handshake_failures_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    const before = await reasons();
    await handshakeFailure(read(null));
    await handshakeFailure(read(gw.pki.untrusted));
    await handshakeFailure(read(gw.pki.expired));
    // The server learns of the failure as the connection closes: wait for the three to be counted.
    const counted = (r: Record<string, number>): boolean => ['NO_CERTIFICATE', 'UNKNOWN_CA', 'CERTIFICATE_EXPIRED'].every((k) => (r[k] ?? 0) > (before[k] ?? 0));
    for (const deadline = Date.now() + 5000; !counted(await reasons()) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    const after = await reasons();
    for (const reason of ['NO_CERTIFICATE', 'UNKNOWN_CA', 'CERTIFICATE_EXPIRED']) expect(after[reason] ?? 0, reason).to.equal((before[reason] ?? 0) + 1);
  });

  it('refuses an expired certificate in the handshake even though it is registered', async () => {
    expect(await handshakeFailure(read(gw.pki.expired))).to.match(/ECONNRESET|EXPIRED|EPIPE|alert/i);
  });

  it('gives a certificate signed by the CA but unregistered a Client fault and no data', async () => {
    const r = await read(gw.pki.unregistered);
    expect(r.status).to.equal(500);
    expect(textOf(r.body, 'faultcode')).to.equal('soap:Client');
    expect(textOf(r.body, 'code')).to.equal('AUTHENTIFICATION_REFUSEE');
    expect(r.body).not.to.include('FTTH-21-0000001');
  });

  it('serves the WSDL to any certificate TLS accepted (the contract is not operator data)', async () => {
    const r = await call(gw.url, { path: '/esav/prestation/v1?wsdl', client: gw.pki.unregistered, ca: gw.pki.ca });
    expect(r.status).to.equal(200);
    expect(r.body).to.include('wsdl:definitions');
  });
});

describe('certificate registry past notAfter', () => {
  let gw: TestGateway;
  // The registry's clock is past OPA's certificate notAfter; TLS uses the real clock and accepts it.
  before(async () => {
    const pki = await testPki();
    gw = await startGateway({ clock: fixedClock(new Date(pki.facts(pki.opa).notAfter.getTime() + 86_400_000)) });
  });
  after(async () => { await gw.close(); });

  it('refuses a certificate past its notAfter even while it is still marked active', async () => {
    const r = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca });
    expect(textOf(r.body, 'code')).to.equal('AUTHENTIFICATION_REFUSEE');
  });
});
