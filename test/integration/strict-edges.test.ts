/**
 * The edges of the SOAP listener are strict (issue 14, item 4): what is not exactly a call is refused with a fault of
 * our registry, at the HTTP level too, and never half-read or run.
 */
import { connect, type TLSSocket } from 'node:tls';
import { Agent } from 'node:https';
import { expect } from 'chai';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, PRESTATION_ACTION, SOAP12_ENV } from '../support/soap-client.js';

const codeOf = (body: string): string | undefined => /<DetailErreur[^>]*><code>([^<]+)<\/code>/.exec(body)?.[1];

describe('strict edges of the SOAP listener', () => {
  let gw: TestGateway;
  before(async () => { gw = await startGateway({ env: { ESAV_REQUEST_TIMEOUT_MS: '1000' } }); });
  after(async () => { await gw.close(); });

  const post = (path: string, body: string | Buffer, contentType?: string) =>
    call(gw.url, { path, body, ...(contentType ? { contentType } : {}), client: gw.pki.opa, ca: gw.pki.ca });

  /** Writes raw bytes on a TLS connection as OPA and reads until the gateway closes it. */
  async function raw(bytes: string): Promise<string> {
    const socket: TLSSocket = connect({ host: '127.0.0.1', port: gw.port, servername: 'localhost', ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', () => resolve()); socket.once('error', reject); });
    let received = '';
    socket.on('data', (c: Buffer) => { received += c.toString('utf8'); });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(bytes);
    await closed;
    return received;
  }

  it('refuses a NUL byte as malformed XML instead of reading up to it', async () => {
    const body = consultation('FTTH-21-0000001').replace('</env:Envelope>', '</env:Envelope>\u0000 anything');
    expect(body).to.include('\u0000');
    const r = await post('/esav/prestation/v1', Buffer.from(body, 'utf8'));
    expect(codeOf(r.body)).to.equal('XML_MAL_FORME');
    expect(r.body).to.include('NUL');
  });

  it('does not take /v02 for /v2', async () => {
    const r = await post('/esav/signalisation/v02', consultation('FTTH-21-0000001'));
    expect(r.status).to.equal(404);
    expect(codeOf(r.body)).to.equal('SERVICE_INCONNU');
  });

  it('refuses a POST to the contract’s URL (?wsdl, ?xsd=) without running the call', async () => {
    for (const query of ['?wsdl', '?xsd=prestation.xsd']) {
      const r = await post(`/esav/prestation/v1${query}`, consultation('FTTH-21-0000001'));
      expect(r.status, query).to.equal(405);
      expect(codeOf(r.body), query).to.equal('METHODE_NON_AUTORISEE');
      expect(r.body, query).not.to.include('ConsultationPrestationReponse');
    }
  });

  it('publishes the contract on ?WSDL and ?XSD= like on ?wsdl and ?xsd= (SoapUI and .NET tools write it in capitals)', async () => {
    const get = (q: string): Promise<{ status: number; body: string }> => call(gw.url, { path: `/esav/prestation/v1${q}`, client: gw.pki.opa, ca: gw.pki.ca });
    const [lower, upper] = [await get('?wsdl'), await get('?WSDL')];
    expect(upper.status).to.equal(200);
    expect(upper.body).to.equal(lower.body).and.include('wsdl:definitions');
    const xsd = await get('?XSD=prestation.xsd');
    expect(xsd.status).to.equal(200);
    expect(xsd.body).to.equal((await get('?xsd=prestation.xsd')).body).and.include('schema');
    expect((await post('/esav/prestation/v1?WSDL', consultation('FTTH-21-0000001'))).status, 'a POST to it is refused the same').to.equal(405);
  });

  it('answers a URL with an invalid %-escape with a SOAP fault, not Fastify’s JSON', async () => {
    const r = await call(gw.url, { path: '/esav/%ZZ/v1?wsdl', client: gw.pki.opa, ca: gw.pki.ca });
    expect(String(r.headers['content-type'])).to.match(/^text\/xml/);
    expect(codeOf(r.body)).to.equal('ENVELOPPE_SOAP_INVALIDE');
  });

  it('refuses a SOAP 1.2 media type whose action parameter is repeated', async () => {
    const r = await post('/esav/prestation/v1', consultation('FTTH-21-0000001', SOAP12_ENV),
      `application/soap+xml; charset=utf-8; action="${PRESTATION_ACTION}"; action="urn:autre"`);
    expect(r.status).to.equal(415);
    expect(codeOf(r.body)).to.equal('TYPE_CONTENU_NON_SUPPORTE');
  });

  it('answers headers over Node’s limit with a 431 SOAP fault', async () => {
    const answer = await raw(`POST /esav/prestation/v1 HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).to.match(/^HTTP\/1\.1 431 /);
    expect(codeOf(answer)).to.equal('ENTETES_TROP_VOLUMINEUSES');
  });

  it('answers a request whose body never ends (Content-Length larger than the body) with a 408 SOAP fault', async () => {
    const answer = await raw('POST /esav/prestation/v1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 5000\r\n\r\n<soapenv:Envelope');
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(codeOf(answer)).to.equal('DELAI_REQUETE_DEPASSE');
  });

  it('cuts a client whose headers never end with a 408 SOAP fault', async () => {
    const answer = await raw('POST /esav/prestation/v1 HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(codeOf(answer)).to.equal('DELAI_REQUETE_DEPASSE');
  });

  it('says Connection: close on every answer once the instance drains, so keep-alive clients reconnect', async () => {
    const agent = new Agent({ keepAlive: true, ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
    try {
      const before = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca, agent });
      expect(before.headers.connection).to.equal('keep-alive');
      gw.app.drain.startDraining();
      const after = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001'), client: gw.pki.opa, ca: gw.pki.ca, agent });
      expect(after.status).to.equal(200);
      expect(after.headers.connection).to.equal('close');
    } finally {
      agent.destroy();
    }
  });
});
