import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fixedClock } from '../../src/domain/clock.js';
import { driverRouter } from '../../src/jobs/line-test-drivers/line-test-router.js';
import { createLineTestWorker } from '../../src/jobs/line-test-worker.js';
import { totpCode } from '../../src/portal/credentials.js';
import { declareNetworkEvent } from '../../src/store/network-event-store.js';
import { launchChromium, personContext, seriousViolations } from '../../scripts/portal-screenshots/browser.js';
import { sql } from '../support/database.js';
import { linkIn, startPortal, type TestPortal } from '../support/portal.js';

const PASSWORD = 'une phrase de passe assez longue';
const PHONE = { width: 390, height: 844 };

describe('e-SAV en ligne in Chromium: line tests, appointments, planned works (issue 21: A1, A5, A6, S4, S5, RGAA)', function () {
  this.timeout(120_000);
  let p: TestPortal;
  let browser: Browser;
  let opa: BrowserContext;
  let opb: BrowserContext;
  let page: Page;
  let other: Page;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  /** Every new page, by its path, to be checked again at a phone's width. */
  const visited = new Map<string, string>();
  let testRef = '';
  let appointment = '';
  let tp = '';

  async function accessible(name: string, on: Page = page): Promise<void> {
    const violations = await seriousViolations(on);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
    if (on === page) visited.set(name, new URL(on.url()).pathname + new URL(on.url()).search);
  }

  async function onboard(on: Page, operator: string, login: string): Promise<void> {
    const invite = await p.admin(['users', 'invite', operator, login, '--name', `Personne ${login}`, '--email', `${login}@example.fr`], clock);
    expect(invite.code, invite.err).to.equal(0);
    await on.goto(`${p.url}${new URL(linkIn(invite.out)).pathname}`);
    const secret = (await on.textContent('#cle-totp'))!.replace(/\s/g, '');
    await on.fill('#password', PASSWORD);
    await on.fill('#confirmation', PASSWORD);
    await on.fill('#code', totpCode(secret, clock.now()));
    await on.click('button[type=submit]');
    await on.waitForURL(/\/connexion\?message=active/);
    clock.advance(30_000);
    await on.fill('#login', login);
    await on.fill('#password', PASSWORD);
    await on.click('main button[type=submit]');
    await on.waitForURL(/\/connexion\/code$/);
    await on.fill('#code', totpCode(secret, clock.now()));
    await on.click('main button[type=submit]');
    await on.waitForURL((u) => u.pathname === '/');
  }

  const go = async (path: string, on: Page = page): Promise<number> => (await on.goto(`${p.url}${path}`))!.status();
  const main = async (on: Page): Promise<string> => (await on.textContent('main'))!;

  before(async () => {
    p = await startPortal({ clock });
    browser = await launchChromium();
    opa = await personContext(browser);
    opb = await personContext(browser);
    page = await opa.newPage();
    other = await opb.newPage();
    page.setDefaultTimeout(15_000);
    other.setDefaultTimeout(15_000);
    await onboard(page, 'OPA', 'opa.lea');
    await onboard(other, 'OPB', 'opb.hugo');
    tp = (await declareNetworkEvent(p.db.pool, {
      category: 'TP', equipmentKind: 'PBO', equipmentRef: '21231-PBO-0042-001', nature: 'REFE', start: new Date('2026-12-10T07:00:00Z'),
      end: new Date('2026-12-10T11:00:00Z'), curative: false, interventionRequired: true, comments: 'Remplacement du boîtier', oiContact: 'Supervision 03 80 00 00 00'
    }, 'agent.reseau', clock.now())).event.reference;
    // Every Dijon event also touches OPB's prestation PM there (demo data): this TP is made OPA's alone.
    await sql(p.db.pool, `DELETE FROM network_event_impact WHERE event_id = (SELECT id FROM network_event WHERE reference = $1)
                            AND operator_id = (SELECT id FROM operator WHERE code = 'OPB')`, [tp]);
  });
  after(async () => {
    await browser?.close();
    await p?.close();
  });

  it('shows the new functions in the navigation of a person whose profile has them', async () => {
    await go('/');
    const nav = await page.locator('nav[aria-label="Menu principal"] a').allTextContents();
    expect(nav).to.include.members(['Tests de ligne', 'Rendez-vous', 'Travaux et incidents']);
  });

  it('launches a line test on a service and sees its result arrive (Actualiser)', async () => {
    await go('/tests');
    await accessible('tests');
    await page.fill('#prestation', 'FTTHA-21-0000301');
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/prestations\/FTTHA-21-0000301\/tests$/);
    await accessible('tests-prestation');
    await page.check('input[name=codeTest][value=ETAT_ONT]');
    await page.click('text=Lancer le test');
    await page.waitForURL(/\/tests\/TST-[0-9]{8}-[0-9]{6}\?message=lance$/);
    testRef = /\/tests\/(TST-[0-9-]+)/.exec(page.url())![1]!;
    expect(await main(page)).to.include('Test lancé').and.include('En cours');
    await accessible('test-en-cours');
    await page.click('text=actualiser automatiquement');
    await accessible('test-actualisation-auto');
    const ran = await createLineTestWorker({
      pool: p.db.pool, clock, drivers: driverRouter(p.db.pool, { default: 'simule', elements: [] }), worker: 'browser', concurrency: 2,
      capPerElement: 2, graceMs: 5000, retryDelayMs: 10_000, pollMs: 1000, onError: (e) => { throw e; }
    }).runOnce();
    expect(ran).to.equal(1);
    await page.click('main a:text-is("Actualiser")');
    expect(await main(page)).to.include('Terminé').and.include('AUCUN_DEFAUT');
    await accessible('test-termine');
  });

  it('books an appointment, moves it, then cancels it', async () => {
    await go('/rendez-vous');
    await accessible('rendez-vous');
    await page.click('text=Prendre un rendez-vous');
    await page.selectOption('#type', 'SAV');
    await page.fill('#commune', '21231');
    await page.fill('#du', '2026-12-10');
    await page.fill('#au', '2026-12-10');
    await page.click('main button:text-is("Rechercher")');
    expect(await main(page)).to.include('5 créneaux libres');
    await accessible('creneaux');
    await page.locator('main table button').first().click();
    await page.waitForURL(/\/rendez-vous\/RDV-[0-9-]+\?message=pris$/);
    appointment = /\/rendez-vous\/(RDV-[0-9-]+)/.exec(page.url())![1]!;
    expect(await main(page)).to.include('Rendez-vous réservé').and.include('10 décembre 2026');
    await accessible('rendez-vous-detail');
    await page.click('text=Choisir un autre créneau');
    await page.fill('#du', '2026-12-11');
    await page.fill('#au', '2026-12-11');
    await page.click('main button:text-is("Rechercher")');
    await accessible('rendez-vous-report');
    await page.locator('main table button').nth(1).click();
    await page.waitForURL(/\?message=reporte$/);
    expect(await main(page)).to.include('Rendez-vous reporté').and.include('11 décembre 2026');
    await page.fill('#motif', 'Client injoignable');
    await page.click('text=Annuler le rendez-vous');
    await page.waitForURL(/\?message=annule$/);
    expect(await main(page)).to.include('Rendez-vous annulé').and.include('Client injoignable');
    await accessible('rendez-vous-annule');
  });

  it('sees a planned work impacting the operator, and its detail', async () => {
    await go('/travaux');
    await accessible('travaux');
    await page.selectOption('#type', 'TP');
    await page.click('main button:text-is("Filtrer")');
    await page.click(`text=${tp}`);
    expect(await main(page)).to.include('Travaux programmés').and.include('Réfection').and.include('Remplacement du boîtier').and.include('Vos prestations impactées');
    await accessible('travaux-detail');
  });

  it('never takes a person of OPB to OPA\'s test, appointment or planned work, by any URL: the same page as a missing one (A6)', async () => {
    for (const [theirs, missing] of [
      [`/tests/${testRef}`, '/tests/TST-20261202-999999'], [`/prestations/FTTHA-21-0000301/tests`, '/prestations/FTTHA-25-9999999/tests'],
      [`/rendez-vous/${appointment}`, '/rendez-vous/RDV-2026-9999999'], [`/rendez-vous/creneaux?report=${appointment}`, '/rendez-vous/creneaux?report=RDV-2026-9999999'],
      [`/travaux/${tp}`, '/travaux/TP-9999999']
    ] as const) {
      expect(await go(theirs, other), theirs).to.equal(404);
      const seen = await main(other);
      expect(await go(missing, other), missing).to.equal(404);
      expect(seen, theirs).to.equal(await main(other));
    }
    await go('/rendez-vous', other);
    expect(await main(other)).not.to.include(appointment);
    await go('/travaux', other);
    expect(await main(other)).not.to.include(tp);
  });

  it('has no serious or critical axe-core violation on the new pages at a phone\'s width either', async () => {
    const phone = await personContext(browser, PHONE);
    await phone.addCookies(await opa.cookies());
    const small = await phone.newPage();
    expect([...visited.keys()]).to.include.members(['tests', 'test-termine', 'creneaux', 'rendez-vous-detail', 'travaux', 'travaux-detail']);
    for (const [name, path] of visited) {
      expect(await go(path, small), name).to.be.oneOf([200]);
      await accessible(`${name} (téléphone)`, small);
    }
    await phone.close();
  });

  it('says in French when slot search reopens, from 01:00 to 04:00 Paris time (503), accessibly at both widths', async () => {
    clock.set('2026-12-02T23:45:00Z');
    const night = await personContext(browser);
    const on = await night.newPage();
    await onboard(on, 'OPA', 'opa.nuit');
    clock.set('2026-12-03T00:10:00Z'); // 01:10 in Paris
    expect(await go('/rendez-vous/creneaux', on)).to.equal(503);
    expect(await main(on)).to.include('fermée chaque nuit de 1 h à 4 h').and.include('3 décembre 2026 à 04:00');
    await accessible('creneaux-fermes', on);
    const phone = await personContext(browser, PHONE);
    await phone.addCookies(await night.cookies());
    const small = await phone.newPage();
    expect(await go('/rendez-vous/creneaux', small)).to.equal(503);
    await accessible('creneaux-fermes (téléphone)', small);
    await phone.close();
    await night.close();
  });
});
