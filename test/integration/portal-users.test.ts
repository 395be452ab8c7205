import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { LOCKOUT_THRESHOLD, SESSION_IDLE_MS } from '../../src/domain/portal-access.js';
import { loadDemoData } from '../../src/store/demo-data.js';
import { createPortalDirectory } from '../../src/store/portal/portal-directory-store.js';
import { adminRunner, ORDER, type AdminRunner } from '../support/admin.js';
import { freshDatabase, sql, type TestDatabase } from '../support/database.js';
import { testPki } from '../support/pki.js';

const tokenOf = (out: string): string => /\/activation\/([A-Za-z0-9_-]{43})/.exec(out)![1]!;

describe('esav-admin users and the portal directory (issue 21, A5, O1)', () => {
  let db: TestDatabase;
  let admin: AdminRunner;
  const clock = fixedClock('2026-12-02T09:00:00Z');
  before(async () => {
    db = await freshDatabase();
    await loadDemoData(db.pool, {});
    admin = adminRunner(db.schema, await testPki());
  });
  after(async () => { await db.drop(); });

  it('invites a person of an operator with online access and prints a one-time link; only its hash is kept', async () => {
    const r = await admin(['users', 'invite', 'OPA', 'opa.jdupont', '--name', 'Jeanne Dupont', '--email', 'jeanne@opa.example'], clock);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('invited opa.jdupont').and.match(/https:\/\/localhost:\d+\/activation\/[A-Za-z0-9_-]{43}/);
    const links = await sql(db.pool, 'SELECT token_sha256, purpose FROM portal_link');
    expect(links.rows).to.have.length(1);
    expect(links.rows[0]!.token_sha256).to.not.equal(tokenOf(r.out));
    const list = await admin(['users', 'list', '--operator', 'OPA', '--json'], clock);
    const people = JSON.parse(list.out) as Array<Record<string, string>>;
    expect(people.map((p) => [p.login, p.state])).to.deep.equal([['opa.jdupont', 'invited']]);
    const audit = await sql(db.pool, "SELECT action, actor FROM audit_log WHERE entity = 'portal_user' AND entity_key = 'opa.jdupont'");
    expect(audit.rows.map((a) => a.action)).to.deep.equal(['invite']);
  });

  it('refuses users to an operator whose order form asks for integrated access only (O1), and bad profiles', async () => {
    expect((await admin(['operators', 'create', '--file', admin.file('opc.json', JSON.stringify(ORDER))], clock)).code).to.equal(0);
    const refused = await admin(['users', 'invite', 'OPC', 'opc.paul', '--name', 'Paul', '--email', 'paul@opc.example'], clock);
    expect(refused.code).to.equal(1);
    expect(refused.err).to.include('ADMIN_CONFLICT').and.include('no online access');
    const badProfile = await admin(['users', 'invite', 'OPA', 'opa.x', '--name', 'X', '--email', 'x@opa.example', '--functions', 'signalisation.depotSignalisaton', '--offers', 'FTTZ'], clock);
    expect(badProfile.code).to.equal(1);
    expect(badProfile.err).to.include('opération inconnue').and.include('offre inconnue');
    const badLogin = await admin(['users', 'invite', 'OPA', 'X', '--name', 'X', '--email', 'nope'], clock);
    expect(badLogin.err).to.include('login « X »').and.include('email « nope »');
    const taken = await admin(['users', 'invite', 'OPB', 'opa.jdupont', '--name', 'Y', '--email', 'y@opb.example'], clock);
    expect(taken.err).to.include('already taken');
  });

  it('activates through the link once, then locks out after repeated failures, and sessions expire when idle', async () => {
    const dir = createPortalDirectory(db.pool);
    const r = await admin(['users', 'invite', 'OPB', 'opb.marc', '--name', 'Marc', '--email', 'marc@opb.example', '--offers', 'FTTE'], clock);
    const token = tokenOf(r.out);
    const link = await dir.linkPerson(token, clock.now());
    expect(link?.person.login).to.equal('opb.marc');
    expect(link?.person.profile.offers).to.deep.equal(['FTTE']);
    expect(await dir.activate(token, '$argon2id$fake', 'JBSWY3DPEHPK3PXP', 1, clock.now())).to.equal(true);
    expect(await dir.activate(token, '$argon2id$fake', 'JBSWY3DPEHPK3PXP', 1, clock.now())).to.equal(false);
    expect(await dir.linkPerson(token, clock.now())).to.equal(null);
    let p = (await dir.personByLogin('opb.marc', clock.now()))!;
    expect(p.state).to.equal('active');
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) expect((await dir.recordFailure(p, 'password', clock.now())).locked).to.equal(false);
    expect((await dir.recordFailure(p, 'totp', clock.now())).locked).to.equal(true);
    p = (await dir.personByLogin('opb.marc', clock.now()))!;
    expect(p.lockedUntil!.getTime()).to.be.greaterThan(clock.now().getTime());
    const actions = (await sql(db.pool, "SELECT action FROM audit_log WHERE entity_key = 'opb.marc' ORDER BY id")).rows.map((a) => a.action);
    expect(actions).to.deep.equal(['invite', 'activate', ...Array(LOCKOUT_THRESHOLD).fill('sign-in-failed'), 'locked']);

    const session = await dir.createSession(p, 'complete', clock.now());
    expect((await dir.findSession(session, clock.now()))?.personId).to.equal(p.id);
    const later = fixedClock(new Date(clock.now().getTime() + SESSION_IDLE_MS + 1000));
    expect(await dir.findSession(session, later.now())).to.equal(null);
  });

  it('disables (ending sessions), enables, resets and changes a profile, each audited', async () => {
    const dir = createPortalDirectory(db.pool);
    const p = (await dir.personByLogin('opb.marc', clock.now()))!;
    const session = await dir.createSession(p, 'complete', clock.now());
    expect((await admin(['users', 'disable', 'opb.marc'], clock)).code).to.equal(0);
    expect(await dir.findSession(session, clock.now())).to.equal(null);
    expect((await admin(['users', 'disable', 'opb.marc'], clock)).err).to.include('already disabled');
    expect((await admin(['users', 'enable', 'opb.marc'], clock)).out).to.include('enabled (active)');
    const reset = await admin(['users', 'reset', 'opb.marc'], clock);
    expect(reset.code, reset.err).to.equal(0);
    expect((await dir.personByLogin('opb.marc', clock.now()))!.state).to.equal('invited');
    expect((await dir.linkPerson(tokenOf(reset.out), clock.now()))?.purpose).to.equal('reset');
    const set = await admin(['users', 'set-profile', 'opb.marc', '--functions', 'signalisation.rechercheSignalisations,signalisation.consultationDetail'], clock);
    expect(set.code, set.err).to.equal(0);
    expect((await dir.personByLogin('opb.marc', clock.now()))!.profile.operations).to.deep.equal(['signalisation.rechercheSignalisations', 'signalisation.consultationDetail']);
    const actions = (await sql(db.pool, "SELECT action FROM audit_log WHERE entity_key = 'opb.marc' AND actor NOT LIKE 'OPB/%' ORDER BY id")).rows.map((a) => a.action);
    expect(actions).to.deep.equal(['invite', 'disable', 'enable', 'reset', 'set-profile']);
  });

  it('searches only the operator\'s own services, by id, address or PM (A6)', async () => {
    const dir = createPortalDirectory(db.pool);
    const opa = (await dir.personByLogin('opa.jdupont', clock.now()))!;
    const all = await dir.searchServices(opa.operator.id, null, null, { page: 1, size: 50 });
    expect(all.total).to.be.greaterThan(0);
    expect(all.rows.every((s) => !s.serviceId.startsWith('FTTE-25'))).to.equal(true);
    expect((await dir.searchServices(opa.operator.id, 'FTTE-25-0000102', null, { page: 1, size: 50 })).total).to.equal(0);
    expect((await dir.searchServices(opa.operator.id, 'FTTE-21', null, { page: 1, size: 50 })).rows.map((s) => s.serviceId)).to.include('FTTE-21-0000101');
  });
});
