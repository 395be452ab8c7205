import { expect } from 'chai';
import { fixedClock } from '../../src/domain/clock.js';
import { LOCKOUT_THRESHOLD } from '../../src/domain/portal-access.js';
import { createMaintenanceSchedule } from '../../src/store/maintenance-store.js';
import { sql } from '../support/database.js';
import { activate, linkIn, PortalClient, signIn, startPortal, type TestPortal } from '../support/portal.js';

const PASSWORD = 'correct horse battery staple';
const FTTE_VALID: Record<string, string> = {
  typeDefaut: 'PERTE_SIGNAL', niveauImpact: 'INTERRUPTION_TOTALE', dateConstat: '2026-12-02T08:30', description: 'Plus de lumière sur la PTO depuis ce matin.',
  'site/typeSite': 'RESIDENTIEL', 'site/adresse/voie': 'rue de Mulhouse', 'site/adresse/codePostal': '21000', 'site/adresse/commune': 'Dijon',
  'contactSite/nom': 'M. Garnier', 'contactSite/telephone': '+33 3 80 11 22 33'
};

describe('e-SAV en ligne over HTTPS (issue 21: A1, A5, A6, S6, L1, M1)', () => {
  let p: TestPortal;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  const step = (): void => clock.advance(30_000);
  let jeanne: PortalClient;
  let secret = '';
  let reference = '';

  before(async () => {
    p = await startPortal({ clock });
    jeanne = new PortalClient(p.url, p.ca);
  });
  after(async () => { await jeanne.close(); await p.close(); });

  it('takes an invited person from the one-time link to a signed-in session with TOTP, audited', async () => {
    const invite = await p.admin(['users', 'invite', 'OPA', 'opa.jeanne', '--name', 'Jeanne Martin', '--email', 'jeanne@opa.example'], clock);
    expect(invite.code, invite.err).to.equal(0);
    secret = await activate(jeanne, linkIn(invite.out), PASSWORD, clock);
    step();
    const again = await jeanne.get(new URL(linkIn(invite.out)).pathname);
    expect(again.status).to.equal(410);
    const signed = await signIn(jeanne, 'opa.jeanne', PASSWORD, secret, clock);
    expect([signed.status, signed.location]).to.deep.equal([303, '/']);
    const home = await jeanne.get('/');
    expect(home.status).to.equal(200);
    expect(home.body).to.include('Bonjour Jeanne Martin').and.include('Opérateur A Télécom');
    const actions = (await sql(p.db.pool, "SELECT action FROM audit_log WHERE entity = 'portal_user' AND entity_key = 'opa.jeanne' ORDER BY id")).rows.map((r) => r.action);
    expect(actions).to.deep.equal(['invite', 'activate', 'sign-in']);
  });

  it('sends a strict CSP, no referrer, HSTS, and no-store on pages', async () => {
    const r = await jeanne.get('/');
    expect(r.headers['content-security-policy']).to.equal("default-src 'none';style-src 'self';img-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none'");
    expect(r.headers['referrer-policy']).to.equal('no-referrer');
    expect(r.headers['strict-transport-security']).to.include('max-age=31536000');
    expect(r.headers['cache-control']).to.equal('no-store');
  });

  it('refuses a form without its CSRF token', async () => {
    const r = await jeanne.post('/prestations/FTTE-21-0000101/signalisation', FTTE_VALID);
    expect(r.status).to.equal(403);
    expect(r.body).to.include('Formulaire refusé');
    expect((await sql(p.db.pool, 'SELECT count(*)::int AS n FROM ticket')).rows[0]!.n).to.equal(0);
  });

  it('shows every filing error beside its field with the catalogue labels, then files through the domain operation', async () => {
    const form = await jeanne.get('/prestations/FTTE-21-0000101/signalisation');
    expect(form.status).to.equal(200);
    expect(form.body).to.include('Type de défaut').and.include('Date et heure du constat');
    const bad = await jeanne.post('/prestations/FTTE-21-0000101/signalisation', {
      ...FTTE_VALID, _csrf: PortalClient.csrf(form.body), typeDefaut: '', 'site/typeSite': 'ENTREPRISE', 'site/adresse/codePostal': '2100'
    });
    expect(bad.status).to.equal(422);
    expect(bad.body).to.include('3 erreurs empêchent').and.include('href="#champ-typeDefaut">Type de défaut</a> : champ obligatoire')
      .and.include('href="#champ-site-adresse-codePostal">Code postal</a>').and.include('les horaires d’accès au site sont obligatoires');
    expect(bad.body).to.include('id="champ-site-adresse-codePostal-erreur"');
    const ok = await jeanne.post('/prestations/FTTE-21-0000101/signalisation', { ...FTTE_VALID, _csrf: PortalClient.csrf(bad.body), referenceOperateur: 'OPA-WEB-1' });
    expect(ok.status, ok.body.slice(0, 3000)).to.equal(303);
    reference = /\/signalisations\/([^?]+)/.exec(ok.location!)![1]!;
    const detail = await jeanne.get(ok.location!);
    expect(detail.body).to.include('Signalisation déposée').and.include('OPA-WEB-1').and.include('Plus de lumière sur la PTO');
    const t = (await sql(p.db.pool, 'SELECT operator_reference FROM ticket WHERE reference = $1', [reference])).rows[0]!;
    expect(t.operator_reference).to.equal('OPA-WEB-1');
    const history = (await sql(p.db.pool, 'SELECT actor FROM ticket_transition ORDER BY id LIMIT 1')).rows[0]!;
    expect(history.actor).to.equal('OPA/portail opa.jeanne');
    // L1: the filing and the detail are counted as the web services count them.
    const totals = p.gateway.app.load.totals().filter((x) => x.operator === 'OPA');
    expect(totals.find((x) => x.category === 'FILING' && x.outcome === 'ok')?.value).to.equal(1);
    expect(totals.find((x) => x.category === 'STATE' && x.outcome === 'ok')?.value).to.be.at.least(1);
  });

  it('refuses an FTTH filing with a message pointing to the web services (S6)', async () => {
    const r = await jeanne.get('/prestations/FTTH-21-0000001/signalisation');
    expect(r.status).to.equal(403);
    expect(r.body).to.include('uniquement par les web services').and.not.include('name="typeDefaut"');
    const service = await jeanne.get('/prestations/FTTH-21-0000001');
    expect(service.body).to.include('uniquement par les web services').and.not.include('Déposer une signalisation</a>');
  });

  it('shows the new state after the OI moves the ticket, and takes the answer to a freeze', async () => {
    for (const args of [['accept'], ['start'], ['freeze', '--awaiting', 'ACCES_SITE', '--reason', 'Badge à prévoir au poste de garde']]) {
      const r = await p.admin(['tickets', args[0]!, reference, ...args.slice(1)], clock);
      expect(r.code, r.err).to.equal(0);
    }
    const frozen = await jeanne.get(`/signalisations/${reference}`);
    expect(frozen.body).to.include('Gelé').and.include('Badge à prévoir au poste de garde').and.include('Répondre au gel');
    const answer = await jeanne.post(`/signalisations/${reference}/complement`, { _csrf: PortalClient.csrf(frozen.body), texte: 'Badge déposé au poste de garde.', reponseAuGel: 'true' });
    expect(answer.status).to.equal(303);
    expect((await jeanne.get(answer.location!)).body).to.include('le gel est levé').and.include('En cours');
  });

  it('never shows OPA\'s services or tickets to a person of OPB, by any URL (A6)', async () => {
    const invite = await p.admin(['users', 'invite', 'OPB', 'opb.marc', '--name', 'Marc Petit', '--email', 'marc@opb.example'], clock);
    const marc = new PortalClient(p.url, p.ca);
    try {
      const marcSecret = await activate(marc, linkIn(invite.out), PASSWORD, clock);
      step();
      expect((await signIn(marc, 'opb.marc', PASSWORD, marcSecret, clock)).status).to.equal(303);
      for (const path of ['/prestations/FTTE-21-0000101', '/prestations/FTTE-21-0000101/signalisation', `/signalisations/${reference}`]) {
        const r = await marc.get(path);
        expect(r.status, path).to.equal(404);
        expect(r.body).to.not.include('FTTE-21-0000101').and.not.include('OPA-WEB-1');
      }
      const list = await marc.get(`/signalisations?prestation=FTTE-21-0000101`);
      expect(list.body).to.include('Aucune signalisation');
      const search = await marc.get('/prestations?q=FTTE-21');
      expect(search.body).to.include('Aucune prestation');
      const csrf = PortalClient.csrf(list.body);
      const post = await marc.post(`/signalisations/${reference}/complement`, { _csrf: csrf, texte: 'intrusion' });
      expect(post.status).to.equal(404);
      const own = await marc.get('/prestations/FTTE-25-0000102');
      expect(own.status).to.equal(200);
    } finally {
      await marc.close();
    }
  });

  it('hides the functions outside a person\'s profile (A5)', async () => {
    await p.admin(['users', 'set-profile', 'opa.jeanne', '--functions', 'signalisation.rechercheSignalisations,signalisation.consultationDetail'], clock);
    expect((await jeanne.get('/prestations')).status).to.equal(404);
    const list = await jeanne.get('/signalisations');
    expect(list.status).to.equal(200);
    expect(list.body).to.not.include('href="/prestations"');
    await p.admin(['users', 'set-profile', 'opa.jeanne', '--functions', '*'], clock);
  });

  it('locks a person out after repeated failures, and a disabled person\'s session ends at once', async () => {
    const mallory = new PortalClient(p.url, p.ca);
    try {
      let last = '';
      for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
        const page = await mallory.get('/connexion');
        last = (await mallory.post('/connexion', { _csrf: PortalClient.csrf(page.body), login: 'opa.jeanne', password: `wrong ${i}` })).body;
      }
      expect(last).to.include('la connexion à ce compte est bloquée');
      step();
      const locked = await signIn(mallory, 'opa.jeanne', PASSWORD, secret, clock);
      expect(locked.status).to.equal(401);
      expect(locked.body).to.include('bloquée');
    } finally {
      await mallory.close();
    }
    expect((await jeanne.get('/')).status).to.equal(200);
    await p.admin(['users', 'disable', 'opa.jeanne'], clock);
    const after = await jeanne.get('/');
    expect([after.status, after.location]).to.deep.equal([303, '/connexion']);
  });

  it('shows when the portal is back during the nightly window (M1)', async () => {
    const night = fixedClock('2026-12-03T03:05:00Z');
    const maintenance = await createMaintenanceSchedule(p.db.pool, { startMinute: 240, durationMinutes: 15 }, night.now());
    const q = await startPortal({ clock: night, maintenance });
    const visitor = new PortalClient(q.url, q.ca);
    try {
      const r = await visitor.get('/connexion');
      expect(r.status).to.equal(503);
      expect(r.body).to.include('Service en maintenance').and.include('Retour prévu le').and.include('04:15');
      expect(r.headers['retry-after']).to.equal('600');
    } finally {
      await visitor.close();
      await q.close();
    }
  });
});

describe('e-SAV en ligne under a per-minute limit (L2)', () => {
  let p: TestPortal;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  after(async () => { await p.close(); });

  it('refuses a filing past the limit in force, as the web services do, on the same counters', async () => {
    p = await startPortal({ clock });
    const limit = await p.admin(['load', 'limit', 'set', 'OPA', '--per-minute', '1', '--category', 'FILING', '--from', '2026-12-03T11:00:00Z'], clock);
    expect(limit.code, limit.err).to.equal(0);
    clock.set('2026-12-03T11:00:05Z');
    await p.gateway.app.load.refreshLimits();
    const invite = await p.admin(['users', 'invite', 'OPA', 'opa.paul', '--name', 'Paul Simon', '--email', 'paul@opa.example'], clock);
    const paul = new PortalClient(p.url, p.ca);
    try {
      const secret = await activate(paul, linkIn(invite.out), PASSWORD, clock);
      clock.advance(30_000);
      expect((await signIn(paul, 'opa.paul', PASSWORD, secret, clock)).status).to.equal(303);
      const file = async (ref: string): Promise<number> => {
        const form = await paul.get('/prestations/FTTE-21-0000101/signalisation');
        return (await paul.post('/prestations/FTTE-21-0000101/signalisation', { ...FTTE_VALID, _csrf: PortalClient.csrf(form.body), referenceOperateur: ref })).status;
      };
      expect(await file('L2-1')).to.equal(303);
      const form = await paul.get('/prestations/FTTE-21-0000101/signalisation');
      const refused = await paul.post('/prestations/FTTE-21-0000101/signalisation', { ...FTTE_VALID, _csrf: PortalClient.csrf(form.body), referenceOperateur: 'L2-2' });
      expect(refused.status).to.equal(429);
      expect(refused.body).to.include('Trop de requêtes');
      const limited = p.gateway.app.load.totals().find((t) => t.operator === 'OPA' && t.category === 'FILING' && t.outcome === 'limited');
      expect(limited?.value).to.equal(1);
      expect((await sql(p.db.pool, "SELECT count(*)::int AS n FROM ticket WHERE operator_reference = 'L2-2'")).rows[0]!.n).to.equal(0);
    } finally {
      await paul.close();
    }
  });
});
