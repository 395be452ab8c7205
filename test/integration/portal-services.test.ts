import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { sql } from '../support/database.js';
import { activate, linkIn, PortalClient, signIn, startPortal, type TestPortal } from '../support/portal.js';

const PASSWORD = 'correct horse battery staple';
/** A page without its CSRF tokens (new on every page) and navigation marker: two answers compared as a person sees them. */
const seen = (body: string): string => body.replace(/name="_csrf" value="[^"]+"/g, '').replace(/ aria-current="page"/g, '');

describe('e-SAV en ligne: line tests, appointments, planned works (issue 21: A1, A5, A6, S4, S5)', () => {
  let p: TestPortal;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  let jeanne: PortalClient;
  let marc: PortalClient;

  async function person(operator: string, login: string, extra: string[] = []): Promise<PortalClient> {
    const client = new PortalClient(p.url, p.ca);
    const invite = await p.admin(['users', 'invite', operator, login, '--name', `Personne ${login}`, '--email', `${login}@example.fr`, ...extra], clock);
    expect(invite.code, invite.err).to.equal(0);
    const secret = await activate(client, linkIn(invite.out), PASSWORD, clock);
    clock.advance(30_000);
    const signed = await signIn(client, login, PASSWORD, secret, clock);
    expect(signed.status, signed.body.slice(0, 500)).to.equal(303);
    return client;
  }
  const runTests = async (): Promise<number> => createLineTestWorker({
    pool: p.db.pool, clock, drivers: driverRouter(p.db.pool, { default: 'simule', elements: [] }), worker: 'portal-test', concurrency: 4,
    capPerElement: 4, graceMs: 5000, retryDelayMs: 10_000, pollMs: 1000, onError: (e) => { throw e; }
  }).runOnce();

  before(async () => {
    p = await startPortal({ clock });
    jeanne = await person('OPA', 'opa.jeanne');
    marc = await person('OPB', 'opb.marc');
  });
  after(async () => { await jeanne.close(); await marc.close(); await p.close(); });

  describe('line tests (S5)', () => {
    let reference = '';

    it('launches a test on the operator\'s service through lancementTest, then shows it pending and its result with an "Actualiser" link', async () => {
      const form = await jeanne.get('/prestations/FTTHA-21-0000301/tests');
      expect(form.status, form.body.slice(0, 2000)).to.equal(200);
      expect(form.body).to.include('value="ETAT_ONT"').and.include('Lancer le test');
      const launched = await jeanne.post('/prestations/FTTHA-21-0000301/tests', { _csrf: PortalClient.csrf(form.body), codeTest: 'ETAT_ONT' });
      expect(launched.status, launched.body.slice(0, 2000)).to.equal(303);
      reference = /\/tests\/(TST-[0-9]{8}-[0-9]{6})\?message=lance$/.exec(launched.location!)![1]!;
      const row = (await sql(p.db.pool, 'SELECT t.actor, o.code FROM line_test t JOIN operator o ON o.id = t.operator_id WHERE t.reference = $1', [reference])).rows[0]!;
      expect(row).to.deep.equal({ actor: 'OPA/portail opa.jeanne', code: 'OPA' });
      const pending = await jeanne.get(`/tests/${reference}`);
      expect(pending.status).to.equal(200);
      expect(pending.body).to.include('En cours').and.include(`href="/tests/${reference}">Actualiser</a>`).and.include(`href="/tests/${reference}?auto=1"`);
      expect(pending.headers.refresh).to.equal(undefined);
      expect(pending.body).not.to.include('http-equiv');
      const auto = await jeanne.get(`/tests/${reference}?auto=1`);
      expect(auto.headers.refresh).to.equal(`5; url=/tests/${reference}?auto=1`);
      expect(await runTests()).to.equal(1);
      const done = await jeanne.get(`/tests/${reference}?auto=1`);
      expect(done.body).to.include('Terminé').and.include('AUCUN_DEFAUT').and.include('Mesures');
      // Finished: no more automatic refresh, even when asked.
      expect(done.headers.refresh).to.equal(undefined);
    });

    it('counts a launch as the web service counts it (L1)', async () => {
      const sum = (): number => p.gateway.app.load.totals().filter((x) => x.operator === 'OPA').reduce((n, x) => n + x.value, 0);
      const before = sum();
      const form = await jeanne.get('/prestations/FTTHA-21-0000302/tests');
      await jeanne.post('/prestations/FTTHA-21-0000302/tests', { _csrf: PortalClient.csrf(form.body), codeTest: 'ETAT_ONT' });
      expect(sum()).to.equal(before + 2);
    });

    it('shows a launch refusal on the form (a parameter out of its values)', async () => {
      const form = await jeanne.get('/prestations/FTTHA-21-0000301/tests');
      const bad = await jeanne.post('/prestations/FTTHA-21-0000301/tests', { _csrf: PortalClient.csrf(form.body), codeTest: 'INCONNU' });
      expect(bad.status).to.equal(422);
      expect(bad.body).to.include('INCONNU');
    });

    it('never shows OPA\'s test or service to a person of OPB: the same answer as a missing one (A6)', async () => {
      const missing = await marc.get('/tests/TST-20261202-999999');
      const other = await marc.get(`/tests/${reference}`);
      expect(other.status).to.equal(404);
      expect(seen(other.body)).to.equal(seen(missing.body));
      const service = await marc.get('/prestations/FTTHA-21-0000301/tests');
      const none = await marc.get('/prestations/FTTHA-25-9999999/tests');
      expect(service.status).to.equal(404);
      expect(seen(service.body)).to.equal(seen(none.body));
    });
  });
});
