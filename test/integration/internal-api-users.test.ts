/**
 * The internal API's users routes (issue 21 part 1: the people of e-SAV en ligne "with esav-admin users … and the
 * internal API"): over mutual TLS with an agent's certificate of the OI's internal CA, the same actions as the CLI
 * (the same refusals, under USER_*), scoped to the operator of the path, every change audited under the agent's CN,
 * every answer as the OpenAPI document says.
 */
import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { loadCatalog } from '../../src/catalog/catalog-loader.js';
import { loadContracts } from '../../src/contracts/contract-loader.js';
import { profileVocabulary } from '../../src/contracts/profile-vocabulary.js';
import { fixedClock } from '../../src/domain/clock.js';
import { LOCKOUT_THRESHOLD } from '../../src/domain/portal-access.js';
import { buildInternalApp } from '../../src/internal-app.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../../src/pki/certificate-authority.js';
import { createPortalDirectory } from '../../src/store/portal/portal-directory-store.js';
import { adminRunner, ORDER, type AdminRunner } from '../support/admin.js';
import { sql } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { json, type JsonAnswer } from '../support/internal-api.js';
import { schemaProblems } from '../support/openapi-shape.js';

type Json = Record<string, unknown>;
const ROOT = process.cwd();

describe('internal API: the portal\'s users (issue 21, A5, O1)', () => {
  let gw: TestGateway;
  let api: FastifyInstance;
  let port: number;
  let agent: IssuedCertificate;
  let admin: AdminRunner;
  let doc: Json;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  const req = (method: string, path: string, body?: unknown): Promise<JsonAnswer> => json(port, gw.pki.ca, agent, method, path, body);
  const documented = (r: JsonAnswer, path: string, method: string): string[] => {
    const op = ((doc.paths as Json)[path] as Json)[method] as Json;
    const response = (op.responses as Json)[String(r.status)] as Json | undefined;
    if (!response) return [`status ${r.status} is not documented for ${method.toUpperCase()} ${path}`];
    return schemaProblems(doc, ((response.content as Json)['application/json'] as Json).schema as Json, r.body);
  };
  const audit = async (login: string): Promise<Array<{ action: string; actor: string }>> =>
    (await sql<{ action: string; actor: string }>(gw.pool, "SELECT action, actor FROM audit_log WHERE entity = 'portal_user' AND entity_key = $1 ORDER BY id", [login])).rows;

  before(async () => {
    gw = await startGateway({ clock });
    const internalCa = await createCertificateAuthority('CN=BFC Fibre internal CA');
    agent = await issueCertificate(internalCa, { subject: 'CN=portail.martin, O=BFC Fibre', kind: 'client' });
    const vocabulary = profileVocabulary(loadContracts(ROOT), ROOT, [...loadCatalog(ROOT).forms.values()].map((f) => f.offer));
    api = await buildInternalApp({ pool: gw.pool, clock, tls: { cert: gw.pki.server.certPem, key: gw.pki.server.keyPem, ca: [internalCa.certPem] },
      portalUsers: { publicUrl: 'https://portail.test', vocabulary } });
    await api.listen({ host: '127.0.0.1', port: 0 });
    port = (api.server.address() as { port: number }).port;
    const schema = (await sql<{ s: string }>(gw.pool, 'SELECT current_schema() AS s')).rows[0]!.s;
    admin = adminRunner(schema, gw.pki);
    doc = (await req('GET', '/openapi.json')).body!;
  });
  after(async () => { await api.close(); await gw.close(); });

  it('documents every users route in the OpenAPI document', () => {
    const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    const base = '/operators/{operator}/users';
    expect(operations.filter((o) => o.includes('/users'))).to.have.members([
      `GET ${base}`, `POST ${base}`, `GET ${base}/{login}`, `POST ${base}/{login}/disable`, `POST ${base}/{login}/enable`, `POST ${base}/{login}/unlock`,
      `POST ${base}/{login}/reset`, `POST ${base}/{login}/revoke-sessions`, `PUT ${base}/{login}/profile`
    ]);
  });

  it('invites a person (the one-time link answered once), lists and shows them; the CLI sees the same person; audited under the agent\'s CN', async () => {
    const r = await req('POST', '/operators/OPA/users', { login: 'opa.claire', name: 'Claire Martin', email: 'claire@opa.example', offers: ['FTTE'] });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(documented(r, '/operators/{operator}/users', 'post')).to.deep.equal([]);
    expect(r.body!.link).to.match(/^https:\/\/portail\.test\/activation\/[A-Za-z0-9_-]{43}$/);
    const token = /activation\/(.+)$/.exec(r.body!.link as string)![1]!;
    expect((await createPortalDirectory(gw.pool).linkPerson(token, clock.now()))?.person.login).to.equal('opa.claire');
    const list = await req('GET', '/operators/OPA/users');
    expect(documented(list, '/operators/{operator}/users', 'get')).to.deep.equal([]);
    const claire = (list.body!.users as Json[]).find((u) => u.login === 'opa.claire')!;
    expect(claire).to.deep.include({ operator: 'OPA', name: 'Claire Martin', state: 'invited', locked: false, offers: ['FTTE'], lastSignInAt: null });
    const one = await req('GET', '/operators/OPA/users/opa.claire');
    expect(documented(one, '/operators/{operator}/users/{login}', 'get')).to.deep.equal([]);
    expect(one.body).to.deep.equal(claire);
    const cli = JSON.parse((await admin(['users', 'list', '--operator', 'OPA', '--json'], clock)).out) as Json[];
    expect(cli.map((p) => p.login)).to.include('opa.claire');
    expect(await audit('opa.claire')).to.deep.equal([{ action: 'invite', actor: 'agent:portail.martin' }]);
  });

  it('refuses what the CLI refuses, in the documented codes: O1, a bad profile or login, a taken login, another operator\'s person', async () => {
    expect((await admin(['operators', 'create', '--file', admin.file('opc.json', JSON.stringify(ORDER))], clock)).code).to.equal(0);
    const o1 = await req('POST', '/operators/OPC/users', { login: 'opc.paul', name: 'Paul', email: 'paul@opc.example' });
    expect([o1.status, o1.body!.error]).to.deep.equal([409, 'USER_CONFLICT']);
    expect(o1.body!.message).to.include('no online access');
    expect(documented(o1, '/operators/{operator}/users', 'post')).to.deep.equal([]);
    expect((await req('GET', '/operators/OPC/users')).body!.error).to.equal('USER_CONFLICT');
    const bad = await req('POST', '/operators/OPA/users', { login: 'X', name: 'X', email: 'nope', functions: ['signalisation.depotSignalisaton'] });
    expect([bad.status, bad.body!.error]).to.deep.equal([400, 'USER_INVALID']);
    expect(bad.body!.message).to.include('login « X »');
    const notText = await req('POST', '/operators/OPA/users', { login: 'opa.y', name: 42, email: 'y@opa.example' });
    expect(notText.body).to.deep.include({ error: 'USER_INVALID', field: 'name' });
    const taken = await req('POST', '/operators/OPB/users', { login: 'opa.claire', name: 'Y', email: 'y@opb.example' });
    expect([taken.status, taken.body!.error]).to.deep.equal([409, 'USER_CONFLICT']);
    for (const [method, path] of [['GET', ''], ['POST', '/disable'], ['POST', '/reset'], ['POST', '/revoke-sessions']] as const) {
      const other = await req(method, `/operators/OPB/users/opa.claire${path}`);
      expect([other.status, other.body!.error], path).to.deep.equal([404, 'USER_NOT_FOUND']);
    }
    expect((await req('GET', '/operators/NOPE/users')).body!.error).to.equal('USER_NOT_FOUND');
    expect(await audit('opa.claire')).to.have.length(1);
  });

  it('unlocks a person locked out, revokes their sessions, resets (a new link), disables and enables, changes the profile; each audited', async () => {
    const dir = createPortalDirectory(gw.pool);
    const invited = await req('POST', '/operators/OPA/users', { login: 'opa.remi', name: 'Rémi Roux', email: 'remi@opa.example' });
    const token = /activation\/(.+)$/.exec(invited.body!.link as string)![1]!;
    expect(await dir.activate(token, '$argon2id$fake', 'JBSWY3DPEHPK3PXP', 1, clock.now())).to.equal(true);
    expect((await req('POST', '/operators/OPA/users/opa.remi/unlock')).body!.error).to.equal('USER_CONFLICT');
    let person = (await dir.personByLogin('opa.remi', clock.now()))!;
    for (let i = 0; i < LOCKOUT_THRESHOLD; i += 1) {
      await dir.recordFailure(person, 'password', clock.now());
      person = (await dir.personByLogin('opa.remi', clock.now()))!;
    }
    expect((await req('GET', '/operators/OPA/users/opa.remi')).body).to.deep.include({ state: 'active', locked: true });
    const unlocked = await req('POST', '/operators/OPA/users/opa.remi/unlock');
    expect(documented(unlocked, '/operators/{operator}/users/{login}/unlock', 'post')).to.deep.equal([]);
    expect(unlocked.body).to.deep.include({ state: 'active', locked: false, lockedUntil: null });
    const session = await dir.createSession(person, 'complete', clock.now());
    const revoked = await req('POST', '/operators/OPA/users/opa.remi/revoke-sessions');
    expect(documented(revoked, '/operators/{operator}/users/{login}/revoke-sessions', 'post')).to.deep.equal([]);
    expect(revoked.body).to.deep.equal({ sessionsEnded: 1 });
    expect(await dir.findSession(session, clock.now())).to.equal(null);
    const reset = await req('POST', '/operators/OPA/users/opa.remi/reset');
    expect(documented(reset, '/operators/{operator}/users/{login}/reset', 'post')).to.deep.equal([]);
    expect(reset.body!.link).to.match(/activation\/[A-Za-z0-9_-]{43}$/).and.not.include(token);
    expect((await req('GET', '/operators/OPA/users/opa.remi')).body!.state).to.equal('invited');
    const disabled = await req('POST', '/operators/OPA/users/opa.remi/disable');
    expect(documented(disabled, '/operators/{operator}/users/{login}/disable', 'post')).to.deep.equal([]);
    expect(disabled.body!.state).to.equal('disabled');
    expect((await req('POST', '/operators/OPA/users/opa.remi/disable')).body!.error).to.equal('USER_CONFLICT');
    expect((await req('POST', '/operators/OPA/users/opa.remi/enable')).body!.state).to.equal('invited');
    const profile = await req('PUT', '/operators/OPA/users/opa.remi/profile', { functions: ['signalisation.consultationDetail'], offers: 'FTTE,LFO' });
    expect(profile.status, JSON.stringify(profile.body)).to.equal(200);
    expect(documented(profile, '/operators/{operator}/users/{login}/profile', 'put')).to.deep.equal([]);
    expect(profile.body).to.deep.include({ functions: ['signalisation.consultationDetail'], offers: ['FTTE', 'LFO'] });
    expect((await req('PUT', '/operators/OPA/users/opa.remi/profile', {})).body).to.deep.include({ error: 'USER_INVALID', field: 'functions' });
    expect((await audit('opa.remi')).filter((a) => a.actor.startsWith('agent:')).map((a) => `${a.action} ${a.actor}`)).to.deep.equal(
      ['invite', 'unlock', 'revoke-sessions', 'reset', 'disable', 'enable', 'set-profile'].map((a) => `${a} agent:portail.martin`));
  });

  it('the CLI unlocks and revokes sessions through the same actions', async () => {
    const none = await admin(['users', 'unlock', 'opa.remi'], clock);
    expect(none.code).to.equal(1);
    expect(none.err).to.include('ADMIN_CONFLICT').and.include('not locked out');
    const revoked = await admin(['users', 'revoke-sessions', 'opa.remi'], clock);
    expect(revoked.out).to.include('0 session(s) ended');
  });
});
