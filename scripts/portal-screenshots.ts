/**
 * npm run portal:screenshots: e-SAV en ligne as a person sees it. Starts the portal on a throwaway embedded
 * PostgreSQL with the demo data, invites a person of OPA, and walks the main pages in Debian's Chromium
 * (playwright-core) — sign-in, services, filing, tickets, then line tests, appointments and planned works — saving a
 * PNG of each (laptop width; the sign-in page and the free slots at a phone's too) into
 * var/portal-screenshots/ (or --out), and checking each with axe-core. Exit 1 when Chromium is missing, a page
 * is not what it should be, or axe-core finds a serious or critical violation.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { loadCatalog } from '../src/catalog/catalog-loader.js';
import { findRootDir } from '../src/config/config.js';
import { systemClock } from '../src/domain/clock.js';
import { slotSearchReopensAt } from '../src/domain/appointment-slots.js';
import { DEFAULT_NIGHTLY_WINDOW } from '../src/domain/maintenance.js';
import { PORTAL_FUNCTIONS } from '../src/domain/portal-access.js';
import { oiTicketActions } from '../src/domain/oi-ticket-actions.js';
import { createCertificateAuthority, issueCertificate } from '../src/pki/certificate-authority.js';
import { totpCode } from '../src/portal/credentials.js';
import { buildPortalApp } from '../src/portal-app.js';
import { createPool } from '../src/store/database.js';
import { driverRouter } from '../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../src/jobs/line-test-worker.js';
import { declareNetworkEvent } from '../src/store/network-event-store.js';
import { loadDemoData } from '../src/store/demo-data.js';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.js';
import { startLoadAccounting } from '../src/store/load/load-accounting.js';
import { createMaintenanceSchedule } from '../src/store/maintenance-store.js';
import { migrate } from '../src/store/migrate.js';
import { createOiTicketPorts } from '../src/store/oi-ticket-store.js';
import { invitePerson } from '../src/store/portal/people.js';
import { freePort } from './bench/net.js';
import { launchChromium, personContext, seriousViolations } from './portal-screenshots/browser.js';

/** The services and operations the portal's functions name, as a profile's vocabulary. */
function vocabulary(functions: readonly string[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const f of functions) {
    const [service, operation] = f.split('.') as [string, string];
    m.set(service, (m.get(service) ?? new Set()).add(operation));
  }
  return m;
}

const say = (line: string): void => { process.stderr.write(`portal:screenshots ${line}\n`); };
const PASSWORD = 'une phrase de passe pour les captures';

async function main(): Promise<number> {
  const args = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean' } } });
  if (args.values.help) {
    process.stdout.write('npm run portal:screenshots [-- --out <dir>]   (default var/portal-screenshots)\n');
    return 0;
  }
  const root = findRootDir();
  const out = path.resolve(args.values.out ?? path.join(root, 'var', 'portal-screenshots'));
  mkdirSync(out, { recursive: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-portal-shots-'));
  const pg = await startEmbeddedPostgres(dir, await freePort());
  const pool = createPool({ connectionString: pg.connectionString, poolSize: 4, statementTimeoutMs: 10_000 });
  const problems: string[] = [];
  try {
    await migrate(pool);
    await loadDemoData(pool, {});
    const clock = systemClock;
    const ca = await createCertificateAuthority('CN=Screenshots CA, O=BFC Fibre, C=FR');
    const server = await issueCertificate(ca, { subject: 'CN=localhost', kind: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const load = await startLoadAccounting({ pool, clock, onError: (e) => say(e.message) });
    // No window now: the screenshots show the portal open whatever the hour (a window of 0 minutes).
    const maintenance = await createMaintenanceSchedule(pool, { ...DEFAULT_NIGHTLY_WINDOW, durationMinutes: 0 }, clock.now());
    const portal = await buildPortalApp({ pool, clock, catalog: loadCatalog(root), logger: pino({ level: 'silent' }), load, maintenance,
      tls: { cert: server.certPem, key: server.keyPem }, cookieSecret: null });
    await portal.listen({ host: '127.0.0.1', port: 0 });
    const base = `https://localhost:${(portal.server.address() as { port: number }).port}`;
    const invitation = await invitePerson(pool, { operatorCode: 'OPA', login: 'opa.camille', fullName: 'Camille Martin', email: 'camille@opa.example',
      functions: Object.keys(PORTAL_FUNCTIONS), offers: ['*'] }, 'portal:screenshots', clock.now(),
    { operations: vocabulary(Object.keys(PORTAL_FUNCTIONS)), offers: new Set(['FTTH', 'FTTE', 'LFO']) });

    const browser = await launchChromium();
    try {
      const context = await personContext(browser);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const shot = async (name: string, on: Page = page): Promise<void> => {
        const file = path.join(out, `${name}.png`);
        await on.screenshot({ path: file, fullPage: true });
        const violations = await seriousViolations(on);
        if (violations.length) problems.push(`${name}: ${violations.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
        if (statSync(file).size < 5000) problems.push(`${name}: the screenshot is nearly empty`);
        say(`${file} (${Math.round(statSync(file).size / 1024)} kB)`);
      };
      await page.goto(`${base}/activation/${invitation.token}`);
      await shot('01-activation');
      const secret = (await page.textContent('#cle-totp'))!.replace(/\s/g, '');
      await page.fill('#password', PASSWORD);
      await page.fill('#confirmation', PASSWORD);
      await page.fill('#code', totpCode(secret, clock.now()));
      await page.click('main button[type=submit]');
      await page.waitForURL(/\/connexion/);
      await shot('02-connexion');
      await page.fill('#login', 'opa.camille');
      await page.fill('#password', PASSWORD);
      await page.click('main button[type=submit]');
      await page.waitForURL(/\/connexion\/code/);
      await shot('03-code');
      // The code used at activation cannot be used again: wait for the next 30-second step.
      await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
      await page.fill('#code', totpCode(secret, clock.now()));
      await page.click('main button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
      await shot('04-accueil');
      await page.goto(`${base}/prestations?q=FTTE`);
      await shot('05-prestations');
      await page.goto(`${base}/prestations/FTTE-21-0000101`);
      await shot('06-prestation');
      await page.goto(`${base}/prestations/FTTE-21-0000101/signalisation`);
      await page.selectOption('#champ-site-typeSite', 'ENTREPRISE');
      await page.click('main form button[type=submit]');
      await shot('07-formulaire-erreurs');
      for (const [field, value] of [['#champ-dateConstat', '2026-12-02T09:15'], ['#champ-description', 'Plus de signal optique sur la PTO.'],
        ['#champ-site-adresse-voie', 'rue de Mulhouse'], ['#champ-site-adresse-codePostal', '21000'], ['#champ-site-adresse-commune', 'Dijon'],
        ['#champ-contactSite-nom', 'Mme Roussel'], ['#champ-contactSite-telephone', '03 80 11 22 33'], ['#champ-accesSite-horaires', '8 h - 18 h']] as const) {
        await page.fill(field, value);
      }
      await page.selectOption('#champ-typeDefaut', 'PERTE_SIGNAL');
      await page.selectOption('#champ-niveauImpact', 'INTERRUPTION_TOTALE');
      await page.click('main form button[type=submit]');
      await page.waitForURL(/\/signalisations\//);
      const reference = new URL(page.url()).pathname.split('/').pop()!;
      const oi = oiTicketActions(createOiTicketPorts(pool));
      for (const m of [{ event: 'accept' }, { event: 'start' }, { event: 'freeze', awaiting: 'ACCES_SITE', reason: 'Badge à prévoir au poste de garde' }] as const) {
        await oi.move(reference, { event: m.event, reason: 'reason' in m ? m.reason : undefined, awaiting: 'awaiting' in m ? m.awaiting : undefined }, { name: 'captures' }, clock.now());
      }
      await page.goto(`${base}/signalisations/${reference}`);
      await shot('08-signalisation-gelee');
      await page.goto(`${base}/signalisations`);
      await shot('09-signalisations');
      await page.goto(`${base}/prestations/FTTH-21-0000001/signalisation`);
      await shot('10-refus-ftth');
      const phone = await personContext(browser, { width: 375, height: 740 });
      const small = await phone.newPage();
      await small.goto(`${base}/connexion`);
      await shot('11-connexion-telephone', small);
      // Line tests: launch, pending, then the result once the queue has run it (simulated network driver).
      await page.goto(`${base}/prestations/FTTHA-21-0000301/tests`);
      await shot('12-tests-prestation');
      await page.check('input[name=codeTest][value=ETAT_ONT]');
      await page.click('main form button[type=submit]');
      await page.waitForURL(/\/tests\/TST-/);
      await shot('13-test-en-cours');
      await createLineTestWorker({
        pool, clock, drivers: driverRouter(pool, { default: 'simule', elements: [] }), worker: 'screenshots', concurrency: 2, capPerElement: 2,
        graceMs: 5000, retryDelayMs: 10_000, pollMs: 1000, onError: (e) => say(e.message)
      }).runOnce();
      await page.click('main a:text-is("Actualiser")');
      await shot('14-test-resultat');
      // Appointments: free slots (or the nightly closure, from 01:00 to 04:00 Paris time), a booking, the list.
      await page.goto(`${base}/rendez-vous/creneaux?type=SAV&commune=21231`);
      await shot(slotSearchReopensAt(clock.now()) ? '15-creneaux-fermes' : '15-creneaux');
      if (!slotSearchReopensAt(clock.now()) && await page.locator('main table button').count() > 0) {
        await phone.addCookies(await context.cookies());
        await small.goto(`${base}/rendez-vous/creneaux?type=SAV&commune=21231`);
        await shot('16-creneaux-telephone', small);
        await page.locator('main table button').first().click();
        await page.waitForURL(/\/rendez-vous\/RDV-/);
        await shot('17-rendez-vous');
      }
      await page.goto(`${base}/rendez-vous`);
      await shot('18-rendez-vous-liste');
      // Planned works: a TP on a PBO of Dijon, impacting OPA's lines.
      const day = 86_400_000;
      const tp = await declareNetworkEvent(pool, {
        category: 'TP', equipmentKind: 'PBO', equipmentRef: '21231-PBO-0042-001', nature: 'REFE', start: new Date(clock.now().getTime() + 7 * day),
        end: new Date(clock.now().getTime() + 7 * day + 4 * 3_600_000), curative: false, interventionRequired: true,
        comments: 'Remplacement du boîtier', oiContact: 'Supervision 03 80 00 00 00'
      }, 'captures', clock.now());
      await page.goto(`${base}/travaux`);
      await shot('19-travaux');
      await page.goto(`${base}/travaux/${tp.event.reference}`);
      await shot('20-travaux-detail');
      await phone.close();
    } finally {
      await browser.close();
      await portal.close();
      await load.close();
    }
  } finally {
    await pool.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const p of problems) say(`PROBLEM ${p}`);
  say(problems.length ? `${problems.length} problem(s)` : `done: screenshots in ${out}`);
  return problems.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => { say(e instanceof Error ? e.message : String(e)); process.exit(1); });
