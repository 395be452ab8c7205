import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { adminRunner, ORDER, type AdminRunner } from '../support/admin.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { testPki } from '../support/pki.js';

describe('esav-admin', () => {
  let db: TestDatabase;
  let admin: AdminRunner;
  const clock = fixedClock('2026-11-24T09:00:00Z');
  before(async () => { db = await freshDatabase(); admin = adminRunner(db.schema, await testPki()); });
  after(async () => { await db.drop(); });

  it('prints help at every level, and a usage error with exit code 2', async () => {
    expect((await admin(['--help'])).out).to.include('operators').and.include('certificates').and.include('trust');
    expect((await admin(['certificates', '--help'])).out).to.include('revoke <fingerprint> --reason <text>');
    expect((await admin(['certificates', 'revoke', '--help'])).out).to.include('usage: esav-admin certificates revoke');
    const bad = await admin(['operators', 'show']);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include('expected <code>');
    expect((await admin(['operators', 'list', '--bogus'])).code).to.equal(2);
  });

  it('answers usage errors in its own words, with the nearest name, exit code 2, before touching the database', async () => {
    const group = await admin(['certificats', 'list']);
    expect(group.code).to.equal(2);
    expect(group.err).to.match(/^unknown group "certificats" — did you mean "certificates"\?/);
    const command = await admin(['tickets', 'lsit']);
    expect(command.code).to.equal(2);
    expect(command.err).to.match(/^unknown command "tickets lsit" — did you mean "list"\?/);
    const option = await admin(['operators', 'list', '--cvs']);
    expect(option.code).to.equal(2);
    expect(option.err).to.match(/^unknown option --cvs — did you mean "--csv"\?/);
    const far = await admin(['operators', 'list', '--zzzzzzzz']);
    expect(far.err).to.match(/^unknown option --zzzzzzzz\n/);
    // A required option is a usage error, not a refusal by the ticket's state (#19: it was ADMIN_CONFLICT, exit 1).
    const reason = await admin(['tickets', 'close', 'SIG-2026-0000001']);
    expect(reason.code).to.equal(2);
    expect(reason.err).to.match(/^ADMIN_USAGE: --reason is required\n/).and.include('usage: esav-admin tickets close');
    expect((await admin(['tickets', 'close', '--help'])).out).to.match(/--reason <value>\s+.*\(required\)/);
    const version = await admin(['--version']);
    expect(version.code).to.equal(0);
    expect(version.out).to.match(/^esav-gateway \d+\.\d+\.\d+ \(node v\d+/);
  });


  it('creates an operator from a JSON order form, and refuses an invalid one listing every problem', async () => {
    const ok = await admin(['operators', 'create', '--file', admin.file('opc.json', JSON.stringify(ORDER))], clock);
    expect(ok.code, ok.err).to.equal(0);
    expect(ok.out).to.include('OPC — Opérateur C Fibre').and.include('starts on 2026-12-01');
    const bad = await admin(['operators', 'create', '--file', admin.file('bad.json', JSON.stringify({ ...ORDER, code: 'OPD', siret: '55210055400014', contact: { name: '', email: 'x' } }))]);
    expect(bad.code).to.equal(1);
    expect(bad.err).to.include('ADMIN_INVALID_INPUT').and.include('siret: SIRET invalide').and.include('contact.name').and.include('contact.email');
  });

  it('creates an operator from an XML order form and refuses a DOCTYPE in it', async () => {
    const xml = `<bonDeCommande><codeOperateur>OPX</codeOperateur><referenceContrat>ESAV-2026-0104</referenceContrat><raisonSociale>X Télécom</raisonSociale>
      <siret>73282932000074</siret><representant><nom>A B</nom><qualite>Gérant</qualite></representant>
      <contact><nom>C D</nom><courriel>c@x.example</courriel></contact><adresse><voie>1 rue A</voie><codePostal>25000</codePostal><commune>Besançon</commune></adresse>
      <accesDemande><enLigne>oui</enLigne><integre>oui</integre></accesDemande><dateActivation>2026-11-01</dateActivation></bonDeCommande>`;
    const ok = await admin(['operators', 'create', '--file', admin.file('opx.xml', xml)], clock);
    expect(ok.code, ok.err).to.equal(0);
    expect(ok.out).to.include('online + integrated');
    const evil = await admin(['operators', 'create', '--file', admin.file('evil.xml', `<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml}`)]);
    expect(evil.code).to.equal(1);
    expect(evil.err).to.include('DOCTYPE');
  });

  it('refuses a termination with less than two months of notice, and records a lawful one', async () => {
    const early = await admin(['operators', 'terminate', 'OPX', '--notified-on', '2026-11-24', '--end-date', '2027-01-10']);
    expect(early.code).to.equal(1);
    expect(early.err).to.include('au plus tôt le 2027-01-24');
    const ok = await admin(['operators', 'terminate', 'OPX', '--notified-on', '2026-11-24']);
    expect(ok.out).to.include('service ends on 2027-01-24');
  });

  it('writes every change to the audit trail with who, what, before and after', async () => {
    const audit = await admin(['audit', 'list', '--entity', 'operator', '--key', 'OPX', '--actor', 'ignored-for-reads']);
    expect(audit.out).to.match(/terminate\s+operator\s+OPX/).and.match(/create\s+operator\s+OPX/);
    expect(audit.out).to.include('"end_date":"2027-01-24"');
  });

  it('sets and shows profiles, refusing malformed ones', async () => {
    const ok = await admin(['profiles', 'set', 'OPC', 'ftth-lecture', '--operations', 'prestation.consultationPrestation', '--offers', 'FTTH', '--actor', 'alice']);
    expect(ok.code, ok.err).to.equal(0);
    expect((await admin(['profiles', 'show', 'OPC'])).out).to.match(/ftth-lecture\s+prestation\.consultationPrestation\s+FTTH/);
    const bad = await admin(['profiles', 'set', 'OPC', 'x', '--operations', 'drop table', '--offers', '']);
    expect(bad.err).to.include('opération invalide').and.include('au moins une offre');
    // Well-formed but naming nothing that exists: a typo would grant nothing, silently (#19).
    const typo = await admin(['profiles', 'set', 'OPC', 'y', '--operations', 'prestation.consultationPrestaton,factures.*', '--offers', 'FTTX']);
    expect(typo.code).to.equal(1);
    expect(typo.err).to.include('opération inconnue : « prestation.consultationPrestaton »').and.include('consultationPrestation')
      .and.include('service inconnu : « factures »').and.include('offre inconnue : « FTTX »');
    expect((await admin(['profiles', 'show', 'OPC'])).out).not.to.match(/^y\s/m);
    expect((await admin(['audit', 'list', '--entity', 'profile'])).out).to.match(/alice\s+create\s+profile\s+OPC\/ftth-lecture/);
  });

  it('lists operators as CSV', async () => {
    const out = (await admin(['operators', 'list', '--csv'], clock)).out.split('\n');
    expect(out[0]).to.equal('code,name,contract,siret,activation,end,status');
    expect(out.some((l) => l.startsWith('OPC,Opérateur C Fibre,ESAV-2026-0103,55210055400013,2026-12-01,,starts on 2026-12-01'))).to.equal(true);
  });

  it('prints lists as JSON (after the operators above were created) with --json, instants in Paris time with their offset', async () => {
    const r = await admin(['operators', 'list', '--json'], clock);
    expect(r.code, r.err).to.equal(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).to.be.an('array').that.is.not.empty;
    expect(rows[0]).to.have.keys('code', 'name', 'contract', 'siret', 'activation', 'end', 'status');
    const audit = JSON.parse((await admin(['audit', 'list', '--json'], clock)).out) as Record<string, unknown>[];
    expect(audit.length).to.be.greaterThan(0);
    for (const row of audit) expect(String(row.at)).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
  });
});
