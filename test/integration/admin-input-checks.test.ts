/**
 * esav-admin refuses, in its own words (ADMIN_INVALID_INPUT, exit status 1, the problem listed naming the field and
 * the rule), what it used to accept or crash on (issue 14 item 5): a CA certificate or a certificate for another
 * purpose registered as a client certificate, dates that do not exist or that new Date() moved (2027-02-30 became
 * 2 March), years past 9999, a maintenance of a hundred years, over-long or unstorable order-form fields.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { loadCertificateAuthority } from '../../src/pki/certificate-authority.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { adminRunner, ORDER, type AdminRun, type AdminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { testPki, TEST_VALID_FROM, testValidUntil, type TestPki } from '../support/pki.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

describe('esav-admin refuses invalid input in its own words', () => {
  let db: TestDatabase;
  let pki: TestPki;
  let admin: AdminRunner;
  const clock = fixedClock('2026-11-24T09:00:00Z');

  /** A certificate of the OI's CA (so that it chains) with the given extensions. */
  async function signed(subject: string, extensions: x509.Extension[]): Promise<string> {
    const ca = await loadCertificateAuthority(pki.ca, pki.caKey);
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '0a1b2c', subject, issuer: ca.certificate.subject, notBefore: TEST_VALID_FROM, notAfter: testValidUntil(),
      signingAlgorithm: ALG, publicKey: keys.publicKey, signingKey: ca.privateKey, extensions
    });
    return cert.toString('pem') + '\n';
  }

  const refused = (r: AdminRun, ...parts: string[]): void => {
    expect(r.code, r.err || r.out).to.equal(1);
    expect(r.err).to.match(/^ADMIN_INVALID_INPUT: /);
    for (const p of parts) expect(r.err).to.include(p);
  };

  before(async () => {
    db = await freshDatabase();
    pki = await testPki();
    await loadDemoData(db.pool, { OPA: [], OPB: [] });
    admin = adminRunner(db.schema, pki);
  });
  after(async () => { await db.drop(); });

  describe('certificates register and issue: a client certificate only', () => {
    it('refuses the OI’s CA certificate (it chains to itself), listing basic constraints, key usage, extended key usage', async () => {
      const r = await admin(['certificates', 'register', 'OPA', '--cert', admin.file('ca.crt', pki.ca)], clock);
      refused(r, 'cannot be a client certificate:', '- basic constraints: cA must be FALSE, this is a CA certificate',
        '- key usage: digitalSignature is required, the certificate has keyCertSign, cRLSign',
        '- extended key usage: the extension is required, with clientAuth');
      expect((await admin(['certificates', 'list', '--operator', 'OPA', '--csv'])).out.split('\n')).to.have.length(1);
    });

    it('refuses a server certificate: extended key usage without clientAuth', async () => {
      const r = await admin(['certificates', 'register', 'OPA', '--cert', admin.file('server.crt', pki.server.certPem)], clock);
      refused(r, '- extended key usage: clientAuth is required, the certificate has serverAuth');
      expect(r.err).not.to.include('basic constraints');
    });

    it('refuses a certificate whose key usage lacks digitalSignature', async () => {
      const pem = await signed('CN=OPA chiffrement', [new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
      refused(await admin(['certificates', 'register', 'OPA', '--cert', admin.file('ku.crt', pem)], clock),
        '- key usage: digitalSignature is required, the certificate has keyEncipherment');
    });

    it('refuses a certificate with no key usage and no extended key usage', async () => {
      const pem = await signed('CN=OPA nu', [new x509.BasicConstraintsExtension(false, undefined, true)]);
      refused(await admin(['certificates', 'register', 'OPA', '--cert', admin.file('bare.crt', pem)], clock),
        '- key usage: the extension is required, with digitalSignature', '- extended key usage: the extension is required, with clientAuth');
    });

    it('refuses a file that is not a PEM certificate (it was an uncaught error)', async () => {
      refused(await admin(['certificates', 'register', 'OPA', '--cert', admin.file('junk.crt', 'pas un certificat')], clock),
        'cannot be a client certificate:', '- not a PEM X.509 certificate');
    });

    it('registers a client certificate of the OI’s CA (the profile it issues passes)', async () => {
      const r = await admin(['certificates', 'register', 'OPA', '--cert', admin.file('opa.crt', pki.opa.certPem)], clock);
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.include('registered for OPA');
    });
  });

  describe('dates: one strict reader for every date option', () => {
    const plan = (from: string, to: string, reason = 'montée de version'): string[] => ['maintenance', 'plan', '--from', from, '--to', to, '--reason', reason];

    it('refuses a day that does not exist instead of moving it (2027-02-30 was planned on 2 March)', async () => {
      refused(await admin(plan('2027-02-30T22:00:00+01:00', '2027-02-30T23:00:00+01:00'), clock),
        '--from 2027-02-30T22:00:00+01:00:', '- 2027-02-30 is not a day of the calendar (February 2027 has 28 days)');
      expect((await admin(['maintenance', 'list', '--csv'], clock)).out.split('\n'), 'nothing planned').to.have.length(1);
    });

    it('refuses a year past 9999', async () => {
      refused(await admin(plan('2026-12-10T22:00:00+01:00', '+010000-01-01T00:00:00Z'), clock),
        '--to +010000-01-01T00:00:00Z:', '- years past 9999 are refused');
    });

    it('refuses a maintenance of a hundred years: 7 days at most', async () => {
      refused(await admin(plan('2026-12-10T22:00:00+01:00', '2126-12-10T22:00:00+01:00'), clock),
        'durée : une maintenance planifiée dure au plus 7 jours, pas 36524 jours');
      const week = await admin(plan('2026-12-10T22:00:00+01:00', '2026-12-17T22:00:00+01:00'), clock);
      expect(week.code, week.err).to.equal(0);
    });

    it('refuses a maintenance reason longer than the table’s 500 characters, not with PostgreSQL’s words', async () => {
      refused(await admin(plan('2026-12-20T22:00:00+01:00', '2026-12-20T23:00:00+01:00', 'x'.repeat(501)), clock),
        '- reason: at most 500 characters, 501 given');
    });

    it('refuses an impossible instant on load limit set --from', async () => {
      refused(await admin(['load', 'limit', 'set', 'OPA', '--per-minute', '10', '--from', '2027-02-29T08:00:00+01:00'], clock),
        '--from 2027-02-29T08:00:00+01:00:', 'February 2027 has 28 days');
    });

    it('refuses an impossible day on load volumetry --to, and a thirteenth month on --month', async () => {
      refused(await admin(['load', 'volumetry', '--to', '2026-11-31'], clock), '--to 2026-11-31:', 'November 2026 has 30 days');
      refused(await admin(['load', 'volumetry', '--month', '2026-13'], clock), '--month 2026-13:', 'month 13 does not exist');
    });

    it('refuses an impossible day on operators terminate --notified-on', async () => {
      refused(await admin(['operators', 'terminate', 'OPB', '--notified-on', '2027-02-30'], clock), '--notified-on 2027-02-30:', 'February 2027 has 28 days');
    });

    it('refuses an hour 24 on works declare --start', async () => {
      refused(await admin(['network', 'works', 'declare', '--equipment-type', 'PM', '--equipment', 'PM-X', '--nature', 'DEPL',
        '--start', '2026-12-10T24:00:00+01:00', '--end', '2026-12-11T10:00:00+01:00'], clock), '--start 2026-12-10T24:00:00+01:00:', 'hour 24 does not exist');
    });
  });

  describe('free text written to the audit trail', () => {
    it('refuses a revocation reason or an --actor with a NUL (PostgreSQL refuses it: it was an uncaught error)', async () => {
      const fingerprint = pki.facts(pki.opa).fingerprint256;
      refused(await admin(['certificates', 'revoke', fingerprint, '--reason', 'clé\u0000compromise'], clock),
        'the revocation is refused:', '- --reason: U+0000 (NUL) at position 4');
      refused(await admin(['maintenance', 'list', '--actor', 'al\u0000ice'], clock), '--actor: U+0000 (NUL) at position 3');
      expect((await admin(['certificates', 'list', '--operator', 'OPA', '--csv'])).out, 'still active').to.include(',active,');
    });
  });

  describe('operators create: order-form fields within their sizes', () => {
    const create = (name: string, form: unknown): Promise<AdminRun> =>
      admin(['operators', 'create', '--file', admin.file(name, JSON.stringify(form))], clock);

    it('refuses a company name past 100 characters (Texte100Type)', async () => {
      refused(await create('long-name.json', { ...ORDER, companyName: 'É'.repeat(101) }), '- companyName: au plus 100 caractères, 101 donnés');
    });

    it('refuses an email address past 254 characters (RFC 5321)', async () => {
      refused(await create('long-mail.json', { ...ORDER, contact: { ...ORDER.contact, email: `${'a'.repeat(250)}@x.fr` } }),
        '- contact.email: au plus 254 caractères, 255 donnés');
    });

    it('refuses a street past 200 characters and a contract reference past 64, listing both', async () => {
      refused(await create('long-street.json', { ...ORDER, contractReference: 'R'.repeat(65), address: { ...ORDER.address, street: 'v'.repeat(201) } }),
        '- contractReference: au plus 64 caractères, 65 donnés', '- address.street: au plus 200 caractères, 201 donnés');
    });

    it('refuses a NUL in a field (PostgreSQL refuses it: the raw error was a crash)', async () => {
      refused(await create('nul.json', { ...ORDER, representative: { name: 'Jeanne\u0000Roux', title: 'Présidente' } }),
        '- representative.name: caractère interdit U+0000 (NUL) en position 7');
    });
  });
});
