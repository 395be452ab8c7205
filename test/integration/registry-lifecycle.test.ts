/**
 * Certificates, profiles, operators and trusted CAs changed with esav-admin while the gateway runs: every change
 * applies without a restart. The gateway's auth cache TTL and poll interval are set to a minute here, so what
 * applies the changes within the test is the LISTEN/NOTIFY path of the registry watcher.
 */
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { expect } from 'chai';
import { createSigningRequest, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { certificateFacts, issueCertificate, loadCertificateAuthority } from '../../src/pki/certificate-authority.js';
import { fixedClock, systemClock, type Clock } from '../../src/domain/clock.js';
import { adminRunner, type AdminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, consultation, PRESTATION_ACTION, SOAP12_ENV, textOf, type RawResponse } from '../support/soap-client.js';

describe('registry changes while the gateway runs (A2, A3, A5, O1)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let admin: AdminRunner;
  let handshakes = 0;
  // The real instant, frozen: certificates issued during the test must be valid for TLS (real clock) and for the
  // registry (this clock); the operators' dates below are relative to it.
  const clock = fixedClock(new Date());
  const day = (offset: number): string => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    db = await freshDatabase();
    gw = await startGateway({ database: db, clock, env: { ESAV_AUTH_CACHE_TTL_MS: '60000', ESAV_REGISTRY_POLL_MS: '60000' } });
    gw.app.server.on('secureConnection', () => { handshakes++; });
    admin = adminRunner(db.schema, gw.pki);
  });
  after(async () => { await gw.close(); await db.drop(); });

  /** Runs an admin command and waits until the gateway has applied the change it notified. */
  async function change(args: readonly string[], at: Clock = clock): Promise<void> {
    const applied = once(gw.app.registry.events, 'applied');
    const r = await admin(args, at);
    expect(r.code, r.err).to.equal(0);
    await applied;
  }

  const read = (client: IssuedCertificate, id = 'FTTH-21-0000001', agent?: Agent): Promise<RawResponse> =>
    call(gw.url, { path: '/esav/prestation/v1', body: consultation(id), client, ca: gw.pki.ca, ...(agent ? { agent } : {}) });

  const handshakeFails = async (client: IssuedCertificate): Promise<boolean> => read(client).then(() => false, () => true);

  describe('renewal overlap and revocation', () => {
    let renewed: IssuedCertificate;

    it('accepts a second certificate: old and new both work', async () => {
      const csr = await createSigningRequest('CN=OPA renewed, O=Operateur A');
      // Issued on the real clock: TLS checks the certificate's validity against it, not against the test's clock.
      await change(['certificates', 'issue', 'OPA', '--csr', admin.file('opa.csr', csr.csrPem), '--out', `${admin.dir}/opa-new.crt`], systemClock);
      renewed = { certPem: readFileSync(`${admin.dir}/opa-new.crt`, 'utf8'), keyPem: csr.keyPem };
      expect((await read(gw.pki.opa)).status).to.equal(200);
      expect((await read(renewed)).status).to.equal(200);
    });

    it('refuses a third active certificate, naming the two active ones', async () => {
      const third = await admin(['certificates', 'register', 'OPA', '--cert', admin.file('third.crt', gw.pki.unregistered.certPem)], clock);
      expect(third.code).to.equal(1);
      expect(third.err).to.include('already has 2 active certificates').and.include(gw.pki.facts(gw.pki.opa).fingerprint256).and.include('CN=OPA renewed');
    });

    it('refuses to issue a third certificate before signing anything (no key, no certificate written)', async () => {
      const out = `${admin.dir}/opa-third`;
      const r = await admin(['certificates', 'issue', 'OPA', '--generate-key', '--out-dir', out], clock);
      expect(r.code).to.equal(1);
      expect(r.err).to.match(/^ADMIN_CONFLICT: OPA already has 2 active certificates/);
      expect(existsSync(out), 'nothing written').to.equal(false);
    });

    it('refuses the revoked old certificate on the next request of an already open keep-alive connection', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: gw.pki.ca, cert: gw.pki.opa.certPem, key: gw.pki.opa.keyPem });
      try {
        expect((await read(gw.pki.opa, 'FTTH-21-0000001', agent)).status).to.equal(200);
        const before = handshakes;
        await change(['certificates', 'revoke', gw.pki.facts(gw.pki.opa).fingerprint256, '--reason', 'renewed']);
        const refused = await read(gw.pki.opa, 'FTTH-21-0000001', agent);
        expect(handshakes, 'the same connection was reused').to.equal(before);
        expect(textOf(refused.body, 'code')).to.equal('AUTHENTIFICATION_REFUSEE');
        expect((await read(renewed)).status).to.equal(200);
      } finally {
        agent.destroy();
      }
    });

    it('refuses to register an expired certificate', async () => {
      const r = await admin(['certificates', 'register', 'OPB', '--cert', admin.file('expired.crt', gw.pki.expired.certPem)], clock);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('expired');
    });
  });

  describe('trust store', () => {
    it('refuses to register a certificate whose CA is not trusted, saying so', async () => {
      const r = await admin(['certificates', 'register', 'OPB', '--cert', admin.file('other.crt', gw.pki.otherCaClient.certPem)], clock);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('ADMIN_TRUST').and.include('trust add');
    });

    it('trusts an added CA for new handshakes without a restart, and stops when it is removed', async () => {
      expect(await handshakeFails(gw.pki.otherCaClient)).to.equal(true);
      await change(['trust', 'add', admin.file('other-ca.crt', gw.pki.otherCa)]);
      await change(['certificates', 'register', 'OPB', '--cert', admin.file('other.crt', gw.pki.otherCaClient.certPem)]);
      const ok = await read(gw.pki.otherCaClient, 'FTTH-25-0000002');
      expect(ok.status).to.equal(200);
      const fp = certificateFacts(gw.pki.otherCa).fingerprint256;
      // Named by the 16 digits `trust list` shows; fewer than 12 are refused before anything is looked up.
      const short = await admin(['trust', 'remove', fp.replace(/:/g, '').slice(0, 8)]);
      expect([short.code, short.err.includes('prefix of 12+ hex digits')]).to.deep.equal([1, true]);
      await change(['trust', 'remove', fp.replace(/:/g, '').slice(0, 16).toUpperCase()]);
      expect(await handshakeFails(gw.pki.otherCaClient)).to.equal(true);
    });
  });

  describe('operators not running', () => {
    it('answers OPERATEUR_INACTIF to an operator whose activation date has not come', async () => {
      const order = { code: 'OPF', contractReference: 'ESAV-2026-0200', companyName: 'Futur Fibre', siret: '73282932000074',
        representative: { name: 'A', title: 'B' }, contact: { name: 'C', email: 'c@f.example' }, address: { street: 'x', postcode: '21000', city: 'Dijon' },
        access: { integrated: true }, activationDate: day(40) };
      expect((await admin(['operators', 'create', '--file', admin.file('opf.json', JSON.stringify(order))], clock)).code).to.equal(0);
      const issued = await admin(['certificates', 'issue', 'OPF', '--generate-key', '--out-dir', `${admin.dir}/opf`], clock);
      expect(issued.code, issued.err).to.equal(0);
      const files = readdirSync(`${admin.dir}/opf`);
      const cert = { certPem: readFileSync(`${admin.dir}/opf/${files.find((f) => f.endsWith('.crt'))}`, 'utf8'), keyPem: readFileSync(`${admin.dir}/opf/${files.find((f) => f.endsWith('.key'))}`, 'utf8') };
      const r = await read(cert);
      expect(textOf(r.body, 'code')).to.equal('OPERATEUR_INACTIF');
      expect(textOf(r.body, 'faultstring')).to.include(`ne commence que le ${day(40)}`);
    });

    // A1, O1 (issue 19 item 5): the order form's access modes are enforced, not only recorded.
    it('answers ACCES_INTEGRE_NON_SOUSCRIT to an operator whose order form asks for the online access only, in both SOAP versions', async () => {
      const order = { code: 'OPW', contractReference: 'ESAV-2026-0201', companyName: 'Portail Seul', siret: '73282932000074',
        representative: { name: 'A', title: 'B' }, contact: { name: 'C', email: 'c@w.example' }, address: { street: 'x', postcode: '21000', city: 'Dijon' },
        access: { online: true, integrated: false }, activationDate: day(-10) };
      expect((await admin(['operators', 'create', '--file', admin.file('opw.json', JSON.stringify(order))], clock)).code).to.equal(0);
      const issued = await admin(['certificates', 'issue', 'OPW', '--generate-key', '--out-dir', `${admin.dir}/opw`], clock);
      expect(issued.code, issued.err).to.equal(0);
      const files = readdirSync(`${admin.dir}/opw`);
      const cert = { certPem: readFileSync(`${admin.dir}/opw/${files.find((f) => f.endsWith('.crt'))}`, 'utf8'), keyPem: readFileSync(`${admin.dir}/opw/${files.find((f) => f.endsWith('.key'))}`, 'utf8') };
      gw.logLines.length = 0;
      const r = await read(cert);
      expect(r.status).to.equal(500);
      expect(textOf(r.body, 'code')).to.equal('ACCES_INTEGRE_NON_SOUSCRIT');
      expect(textOf(r.body, 'faultstring')).to.include("l'opérateur OPW ne demande que l'accès en ligne");
      // The request's log line is written once the answer is sent: it may follow the answer by a few turns.
      for (let i = 0; i < 100 && !gw.logLines.join('\n').includes('order form: online access only'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(gw.logLines.join('\n')).to.include('order form: online access only');
      const soap12 = await call(gw.url, { path: '/esav/prestation/v1', body: consultation('FTTH-21-0000001', SOAP12_ENV),
        contentType: `application/soap+xml; charset=utf-8; action="${PRESTATION_ACTION}"`, client: cert, ca: gw.pki.ca });
      expect(soap12.status, 'SOAP 1.2: HTTP 403').to.equal(403);
      expect(textOf(soap12.body, 'code')).to.equal('ACCES_INTEGRE_NON_SOUSCRIT');
    });

    it('answers OPERATEUR_INACTIF to a terminated operator from its end date on', async () => {
      await change(['operators', 'terminate', 'OPB', '--notified-on', day(-90), '--end-date', day(-3)]);
      const r = await read(gw.pki.opb, 'FTTH-25-0000002');
      expect(textOf(r.body, 'code')).to.equal('OPERATEUR_INACTIF');
      expect(textOf(r.body, 'faultstring')).to.include(`a pris fin le ${day(-3)}`);
    });
  });

  describe('profiles', () => {
    let client: IssuedCertificate;
    before(async () => {
      client = await issueCertificate(await loadCertificateAuthority(gw.pki.ca, gw.pki.caKey), { subject: 'CN=OPA profiled', kind: 'client' });
      // OPA has one active certificate left after the revocation above: room for this one.
      await change(['profiles', 'set', 'OPA', 'ftth', '--operations', 'prestation.consultationPrestation', '--offers', 'FTTH']);
      await change(['certificates', 'register', 'OPA', '--cert', admin.file('profiled.crt', client.certPem), '--profile', 'ftth']);
    });

    it('answers an offer outside the profile exactly like an unknown service, and logs the refusal', async () => {
      expect((await read(client, 'FTTH-21-0000001')).status).to.equal(200);
      gw.logLines.length = 0;
      const forbidden = await read(client, 'FTTE-21-0000101');
      const unknown = await read(client, 'FTTE-21-9999999');
      const mask = (b: string): string => b.replace(/FTTE-21-\d{7}/g, 'ID').replace(/<idRequete>[^<]*</, '<idRequete>R<');
      expect(textOf(forbidden.body, 'code')).to.equal('RESSOURCE_INCONNUE');
      expect(mask(forbidden.body)).to.equal(mask(unknown.body));
      await new Promise((r) => setImmediate(r));
      expect(gw.logLines.join('\n')).to.include('does not allow offer FTTE');
    });

    it('finds a certificate by the 16 characters its list shows, and deletes a profile only once no certificate carries it', async () => {
      const listed = (await admin(['certificates', 'list', '--operator', 'OPA', '--json'], clock)).out;
      const row = (JSON.parse(listed) as { fingerprint: string; subject: string }[]).find((c) => c.subject.includes('OPA profiled'))!;
      expect(row.fingerprint).to.have.length(16);
      await change(['profiles', 'set', 'OPA', 'spare', '--operations', 'catalogue.*', '--offers', 'FTTH']);
      await change(['certificates', 'set-profile', row.fingerprint, 'spare']);
      const refused = await admin(['profiles', 'delete', 'OPA', 'spare'], clock);
      expect(refused.code).to.equal(1);
      expect(refused.err).to.match(/^ADMIN_CONFLICT: profile spare is carried by 1 certificate/).and.include(row.fingerprint);
      await change(['certificates', 'set-profile', row.fingerprint, 'ftth']);
      await change(['profiles', 'delete', 'OPA', 'spare']);
      expect((await admin(['profiles', 'show', 'OPA'], clock)).out).not.to.include('spare');
      expect((await admin(['audit', 'list', '--entity', 'profile'], clock)).out).to.match(/delete\s+profile\s+OPA\/spare/);
      expect((await admin(['certificates', 'set-profile', 'abcdef', 'ftth'], clock)).err).to.include('prefix of 12+ hex digits');
    });

    it('answers an operation outside the profile like an unknown resource, and logs the refusal', async () => {
      await change(['profiles', 'set', 'OPA', 'ftth', '--operations', 'catalogue.*', '--offers', 'FTTH']);
      gw.logLines.length = 0;
      const r = await read(client, 'FTTH-21-0000001');
      expect(textOf(r.body, 'code')).to.equal('RESSOURCE_INCONNUE');
      expect(r.body).not.to.include('<prestation>');
      await new Promise((res) => setImmediate(res));
      expect(gw.logLines.join('\n')).to.include('does not allow prestation.consultationPrestation');
    });
  });
});
