import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { declareNetworkEvent } from '../../src/store/network-event-store.js';
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
      // The empty forms are not requests of article 6: the slot search without a commune, the service-number form.
      await jeanne.get('/rendez-vous/creneaux');
      await jeanne.get('/tests');
      expect(sum()).to.equal(before + 2);
      await jeanne.get('/rendez-vous/creneaux?type=SAV&commune=21231&du=2026-12-10&au=2026-12-10');
      expect(sum()).to.equal(before + 3);
    });

    it('shows a launch refusal on the form (a parameter out of its values)', async () => {
      const form = await jeanne.get('/prestations/FTTHA-21-0000301/tests');
      const bad = await jeanne.post('/prestations/FTTHA-21-0000301/tests', { _csrf: PortalClient.csrf(form.body), codeTest: 'INCONNU' });
      expect(bad.status).to.equal(422);
      expect(bad.body).to.include('INCONNU');
    });

    it('shows the action limit of a remote restart on the form, with when it lifts (429, Retry-After)', async () => {
      const form = await jeanne.get('/prestations/FTTHA-21-0000302/tests');
      const restart = async (): Promise<Awaited<ReturnType<PortalClient['post']>>> =>
        jeanne.post('/prestations/FTTHA-21-0000302/tests', { _csrf: PortalClient.csrf(form.body), codeTest: 'REDEMARRAGE_ONT' });
      for (let i = 0; i < 3; i++) expect((await restart()).status).to.equal(303);
      const limited = await restart();
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 3600);
      expect(limited.body).to.include('REDEMARRAGE_ONT');
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

  describe('appointments (S4)', () => {
    let appointment = '';
    const tokens = (body: string): string[] => [...body.matchAll(/name="idCreneau" value="([^"]+)"/g)].map((m) => m[1]!);

    it('searches free slots, books one (priseRendezVous), moves it (reportRendezVous), confirms and cancels it, each in its history', async () => {
      const search = await jeanne.get('/rendez-vous/creneaux?type=SAV&commune=21231&du=2026-12-10&au=2026-12-10');
      expect(search.status, search.body.slice(0, 3000)).to.equal(200);
      expect(search.body).to.include('5 créneaux libres');
      const booked = await jeanne.post('/rendez-vous', { _csrf: PortalClient.csrf(search.body), idCreneau: tokens(search.body)[0]!, codeInsee: '21231', typeRendezVous: 'SAV' });
      expect(booked.status, booked.body.slice(0, 3000)).to.equal(303);
      appointment = /\/rendez-vous\/(RDV-[0-9-]+)\?message=pris$/.exec(booked.location!)![1]!;
      const detail = await jeanne.get(booked.location!);
      expect(detail.body).to.include('Rendez-vous réservé').and.include('Réservé').and.include(`/rendez-vous/creneaux?report=${appointment}`);
      const moveSearch = await jeanne.get(`/rendez-vous/creneaux?report=${appointment}&du=2026-12-11&au=2026-12-11`);
      expect(moveSearch.status).to.equal(200);
      expect(moveSearch.body).to.include(`Reporter le rendez-vous ${appointment}`).and.include(`action="/rendez-vous/${appointment}/report"`);
      const moved = await jeanne.post(`/rendez-vous/${appointment}/report`, { _csrf: PortalClient.csrf(moveSearch.body), idCreneau: tokens(moveSearch.body)[1]! });
      expect(moved.status, moved.body.slice(0, 3000)).to.equal(303);
      const afterMove = await jeanne.get(moved.location!);
      expect(afterMove.body).to.include('Rendez-vous reporté').and.include('11 décembre 2026');
      const confirmed = await jeanne.post(`/rendez-vous/${appointment}/confirmation`, { _csrf: PortalClient.csrf(afterMove.body) });
      expect(confirmed.status).to.equal(303);
      const again = await jeanne.get(confirmed.location!);
      expect(again.body).to.include('Confirmé').and.not.include('Confirmer le rendez-vous</button>');
      const cancelled = await jeanne.post(`/rendez-vous/${appointment}/annulation`, { _csrf: PortalClient.csrf(again.body), motif: 'Client injoignable' });
      expect(cancelled.status).to.equal(303);
      const done = await jeanne.get(cancelled.location!);
      expect(done.body).to.include('Annulé').and.include('Client injoignable');
      const rows = (await sql(p.db.pool, `SELECT t.event, t.actor FROM appointment_transition t JOIN appointment a ON a.id = t.appointment_id
                                           WHERE a.reference = $1 ORDER BY t.id`, [appointment])).rows;
      expect(rows.map((x) => x.event)).to.deep.equal(['book', 'move', 'confirm', 'cancel']);
      expect(rows.every((x) => x.actor === 'OPA/portail opa.jeanne')).to.equal(true);
      const list = await jeanne.get('/rendez-vous');
      expect(list.body).to.include(`href="/rendez-vous/${appointment}"`);
    });

    it('refuses a second cancellation on the appointment\'s page, with the rule', async () => {
      const detail = await jeanne.get(`/rendez-vous/${appointment}`);
      const r = await jeanne.post(`/rendez-vous/${appointment}/annulation`, { _csrf: PortalClient.csrf(detail.body) });
      expect(r.status).to.equal(409);
      expect(r.body).to.include(appointment).and.include('ANNULE');
    });

    it('closes slot search from 01:00 to 04:00 Paris time with when it reopens, HTTP 503 and Retry-After (injected clock)', async () => {
      const saved = clock.now();
      const at = async (iso: string): Promise<{ status: number; body: string; retryAfter: unknown }> => {
        clock.set(iso);
        const r = await night.get('/rendez-vous/creneaux?type=SAV&commune=21231');
        return { status: r.status, body: r.body, retryAfter: r.headers['retry-after'] };
      };
      let night: PortalClient = jeanne;
      try {
        clock.set('2026-12-02T23:40:00Z');
        night = await person('OPA', 'opa.nuit');
        expect((await at('2026-12-02T23:59:00Z')).status).to.equal(200); // 00:59 in Paris
        const closed = await at('2026-12-03T00:00:00Z'); // 01:00 in Paris
        expect(closed.status).to.equal(503);
        expect(closed.body).to.include('fermée chaque nuit de 1 h à 4 h').and.include('3 décembre 2026 à 04:00');
        expect(closed.retryAfter).to.equal(String(3 * 3600));
        for (const t of ['00:20', '00:40', '01:00', '01:20', '01:40', '02:00', '02:20', '02:40']) expect((await at(`2026-12-03T${t}:00Z`)).status, t).to.equal(503);
        const last = await at('2026-12-03T02:59:00Z'); // 03:59 in Paris
        expect([last.status, last.retryAfter]).to.deep.equal([503, '60']);
        expect((await night.get('/rendez-vous')).status).to.equal(200);
        // Open again after 04:00 (after 04:15 here, past the nightly maintenance window of the whole portal).
        expect((await at('2026-12-03T03:16:00Z')).status).to.equal(200);
      } finally {
        clock.set(saved.toISOString());
        if (night !== jeanne) await night.close();
      }
    });

    it('shows a commune outside every zone beside the form', async () => {
      const r = await jeanne.get('/rendez-vous/creneaux?type=SAV&commune=75056');
      expect(r.status).to.equal(422);
      expect(r.body).to.include('75056');
    });

    it('never shows OPA\'s appointment to a person of OPB, nor lets them act on it (A6)', async () => {
      const missing = await marc.get('/rendez-vous/RDV-2026-9999999');
      const other = await marc.get(`/rendez-vous/${appointment}`);
      expect(other.status).to.equal(404);
      expect(seen(other.body)).to.equal(seen(missing.body));
      const page = await marc.get('/rendez-vous');
      expect(page.body).not.to.include(appointment);
      const move = await marc.get(`/rendez-vous/creneaux?report=${appointment}`);
      expect(move.status).to.equal(404);
      const cancel = await marc.post(`/rendez-vous/${appointment}/confirmation`, { _csrf: PortalClient.csrf(page.body) });
      expect(cancel.status).to.equal(404);
    });
  });

  describe('planned works and incidents on the operator\'s lines', () => {
    let tp = '';
    let derco = '';
    let besancon = '';
    const declare = async (d: Parameters<typeof declareNetworkEvent>[1]): Promise<string> =>
      (await declareNetworkEvent(p.db.pool, d, 'agent.reseau', clock.now())).event.reference;
    const none = { nature: null, start: null, end: null, curative: false, interventionRequired: false, comments: null, oiContact: null } as const;

    before(async () => {
      tp = await declare({ ...none, category: 'TP', equipmentKind: 'PBO', equipmentRef: '21231-PBO-0042-001', nature: 'REFE', start: new Date('2026-12-10T07:00:00Z'),
        end: new Date('2026-12-10T11:00:00Z'), interventionRequired: true, comments: 'Remplacement du boîtier' });
      derco = await declare({ ...none, category: 'DERCO', equipmentKind: 'PM', equipmentRef: '21231-PM-0042', start: new Date('2026-12-02T07:30:00Z'), curative: true });
      // Every Dijon event touches OPB's prestation PM there (demo data): this TP is made OPA's alone.
      await sql(p.db.pool, `DELETE FROM network_event_impact WHERE event_id = (SELECT id FROM network_event WHERE reference = $1)
                               AND operator_id = (SELECT id FROM operator WHERE code = 'OPB')`, [tp]);
      besancon = await declare({ ...none, category: 'TP', equipmentKind: 'PM', equipmentRef: '25056-PM-0007', nature: 'DEPL', start: new Date('2026-12-11T07:00:00Z'),
        end: new Date('2026-12-11T09:00:00Z') });
    });

    it('lists the events impacting the operator, filtered by kind, state and commune, with the detail of a TP (getInfoTravauxFTTH\'s view)', async () => {
      const all = await jeanne.get('/travaux');
      expect(all.status).to.equal(200);
      expect(all.body).to.include(tp).and.include(derco).and.not.include(besancon);
      const tps = await jeanne.get('/travaux?type=TP');
      expect(tps.body).to.include(tp).and.not.include(`>${derco}<`);
      expect((await jeanne.get('/travaux?etat=CLOTURE')).body).to.include('Aucun travaux ni incident').and.not.include(`>${tp}<`);
      expect((await jeanne.get('/travaux?commune=21231')).body).to.include(tp).and.include(derco);
      expect((await jeanne.get('/travaux?commune=Dijon')).body).to.include(tp);
      expect((await jeanne.get('/travaux?commune=25056')).body).to.include('Aucun travaux ni incident');
      const detail = await jeanne.get(`/travaux/${tp}`);
      expect(detail.status).to.equal(200);
      expect(detail.body).to.include('Travaux programmés').and.include('Réfection').and.include('Remplacement du boîtier').and.include('Vos prestations impactées').and.match(/href="\/prestations\/[A-Z]+-21-/);
      expect(detail.body).not.to.include('OPB').and.not.match(/-25-[0-9]/);
    });

    it('never shows an event to an operator it does not impact: the same answer as a missing one (A6)', async () => {
      const missing = await marc.get('/travaux/TP-0000-INCONNU');
      const other = await marc.get(`/travaux/${tp}`);
      expect(other.status).to.equal(404);
      expect(seen(other.body)).to.equal(seen(missing.body));
      expect((await marc.get('/travaux')).body).to.include(besancon).and.not.include(`>${tp}<`);
      expect((await jeanne.get(`/travaux/${besancon}`)).status).to.equal(404);
    });
  });

  it('hides the new functions from a person whose profile lacks them: no link, and the same 404 as a missing page (A5)', async () => {
    const claire = await person('OPA', 'opa.claire', ['--functions', 'prestation.consultationPrestation,test.consultationTest']);
    try {
      const home = await claire.get('/');
      expect(home.body).not.to.include('href="/rendez-vous"').and.not.include('href="/travaux"').and.not.include('href="/tests"');
      for (const path of ['/rendez-vous', '/rendez-vous/creneaux', '/travaux', '/tests', '/prestations/FTTHA-21-0000301/tests']) {
        expect((await claire.get(path)).status, path).to.equal(404);
      }
      expect((await claire.get('/prestations/FTTHA-21-0000301')).body).not.to.include('/tests');
    } finally {
      await claire.close();
    }
  });
});
