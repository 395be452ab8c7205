/**
 * The e-intervention JSON routes admit a call on its head, as the SOAP routes do (issue 14 on issue 18's routes):
 * an unregistered or revoked certificate is answered before the body it announced is sent (so it is never read
 * nor parsed) and its connection closed; one operator over its fair share is refused with a Retry-After while
 * another operator is still served; a body over the limit is refused in the files' 400 shape.
 */
import { connect, type TLSSocket } from 'node:tls';
import { expect } from 'chai';
import { Agent, request } from 'undici';
import type { IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { adminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';

const until = async (what: string, condition: () => boolean): Promise<void> => {
  for (const deadline = Date.now() + 10_000; !condition();) {
    if (Date.now() > deadline) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const M5 = JSON.stringify({
  refIntervOI: 'BFCF-EI-20261202-999999', codeOcImpacte: 'OPB', message: 'M5TX', clientHSOC: [], ligneClientRetablie: [], testCloture: true
});

describe('e-intervention JSON routes: authenticate first, fair shares, body limit', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let gw: TestGateway;
  const agents: Agent[] = [];
  const sockets: TLSSocket[] = [];

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, env: { ESAV_OPERATOR_MAX_IN_FLIGHT: '2', ESAV_OPERATOR_QUEUE_MS: '0', ESAV_BODY_LIMIT: '4096' } });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    for (const a of agents) await a.close();
    await gw?.close();
    await db?.drop();
  });

  async function post(who: IssuedCertificate, body: string, path = '/interventions-oi/notification-impacte-clients-oc') {
    const agent = new Agent({ connect: { cert: who.certPem, key: who.keyPem, ca: [gw.pki.ca] } });
    agents.push(agent);
    const res = await request(`${gw.url}/e-intervention/v2${path}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
  }

  /** A call whose head announces `length` bytes of which only `sent` come: what answers it answered on the head alone. */
  async function headOnly(who: IssuedCertificate, length: number, sent: number): Promise<{ socket: TLSSocket; received: () => string; closed: Promise<void> }> {
    const socket = connect({ host: '127.0.0.1', port: gw.port, servername: 'localhost', ca: gw.pki.ca, cert: who.certPem, key: who.keyPem });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', () => resolve()); socket.once('error', reject); });
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (c: Buffer) => { received += c.toString('utf8'); });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST /e-intervention/v2/interventions-oi/notification-impacte-clients-oc HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${length}\r\n\r\n`);
    socket.write('{'.repeat(sent));
    return { socket, received: () => received, closed };
  }

  it('answers an unregistered certificate 401 invalid_client before its announced body is sent, and closes the connection', async () => {
    // 10 MB announced, beyond the body limit too; 100 bytes of broken JSON sent: only the head can be answered.
    const c = await headOnly(gw.pki.unregistered, 10_000_000, 100);
    await c.closed;
    expect(c.received()).to.match(/^HTTP\/1\.1 401 /);
    expect(c.received()).to.match(/\r\nconnection: close\r\n/i);
    expect(c.received()).to.include('{"error":"invalid_client","error_description":"certificat client non reconnu"}');
  });

  it('refuses one operator over its cap of calls in flight with a Retry-After, and still serves another operator', async () => {
    // OPA holds its two places with calls whose bodies never come.
    const held = [await headOnly(gw.pki.opa, 500, 0), await headOnly(gw.pki.opa, 500, 0)];
    const opaShare = () => [...gw.app.fairShare.state().values()][0];
    await until('OPA holds its two places', () => opaShare()?.inFlight === 2);
    const refused = await post(gw.pki.opa, M5);
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.equal('1');
    expect(refused.body.error).to.equal('CAPACITE_OPERATEUR_ATTEINTE');
    expect(String(refused.body.error_description)).to.include('2 requêtes en cours').and.include('limite 2');
    // OPB is served meanwhile: the adapter's own answer (no such intervention), not a refusal of admission.
    const served = await post(gw.pki.opb, M5);
    expect(served.status, JSON.stringify(served.body)).to.equal(400);
    expect(served.body.error).to.equal('REF_INTERV_OI_INCONNUE');
    for (const h of held) h.socket.destroy();
    await until('every place is back', () => gw.app.fairShare.state().size === 0);
    // OPA is admitted again once its calls ended (the adapter answers: OPA was not told of that intervention).
    const again = await post(gw.pki.opa, M5);
    expect(again.status, JSON.stringify(again.body)).to.equal(400);
    expect(again.body.error).to.equal('REF_INTERV_OI_INCONNUE');
  });

  it('refuses a body over the limit in the operation’s 400 shape (MAUVAIS_FORMAT), closing the connection', async () => {
    const big = JSON.stringify({ ...JSON.parse(M5) as object, padding: 'x'.repeat(5000) });
    const r = await post(gw.pki.opb, big);
    expect(r.status).to.equal(400);
    expect(r.headers.connection).to.equal('close');
    expect(r.body).to.include({ error: 'MAUVAIS_FORMAT', error_description: '(corps) : corps de plus de 4096 octets' });
  });

  it('answers a revoked certificate as an unknown one, before the body', async () => {
    const admin = adminRunner(db.schema, gw.pki);
    const revoked = await admin(['certificates', 'revoke', gw.pki.facts(gw.pki.opb).fingerprint256, '--reason', 'compromise']);
    expect(revoked.code, revoked.err).to.equal(0);
    const c = await headOnly(gw.pki.opb, 10_000_000, 100);
    await c.closed;
    expect(c.received()).to.match(/^HTTP\/1\.1 401 /);
    expect(c.received()).to.include('"error":"invalid_client"');
  });
});
