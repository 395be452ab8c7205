import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fixedClock } from '../../src/domain/clock.js';
import { LOCKOUT_THRESHOLD } from '../../src/domain/portal-access.js';
import { totpCode } from '../../src/portal/credentials.js';
import { launchChromium, personContext, seriousViolations } from '../../scripts/portal-screenshots/browser.js';
import { linkIn, startPortal, type TestPortal } from '../support/portal.js';

const PASSWORD = 'une phrase de passe assez longue';

describe('e-SAV en ligne in Chromium (issue 21: invitation to freeze answer, S6, A6, lockout, CSRF, RGAA)', function () {
  this.timeout(120_000);
  let p: TestPortal;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const clock = fixedClock('2026-12-02T10:00:00Z');
  const pagesChecked: string[] = [];
  let reference = '';

  /** axe-core on the page as it is: no serious or critical violation (WCAG 2.1 AA, the RGAA bar). */
  async function accessible(name: string, on: Page = page): Promise<void> {
    const violations = await seriousViolations(on);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
    pagesChecked.push(name);
  }

  /** Invitation → the link in the browser → password and TOTP → sign-in; returns the person's TOTP secret. */
  async function onboard(on: Page, operator: string, login: string, name: string, check: boolean): Promise<string> {
    const invite = await p.admin(['users', 'invite', operator, login, '--name', name, '--email', `${login}@example.fr`], clock);
    expect(invite.code, invite.err).to.equal(0);
    await on.goto(`${p.url}${new URL(linkIn(invite.out)).pathname}`);
    if (check) await accessible('activation', on);
    const secret = (await on.textContent('#cle-totp'))!.replace(/\s/g, '');
    if (check) {
      // The QR code is drawn inline (under the strict CSP), labelled, and encodes the URI whose secret is the one written out.
      const qr = on.locator('svg#qr-totp[role=img]');
      expect((await qr.boundingBox())?.width).to.be.greaterThan(100);
      expect(await on.textContent('#qr-totp-titre')).to.include('QR code');
      const uri = new URL((await on.textContent('#uri-totp'))!);
      expect([uri.protocol, uri.searchParams.get('secret')]).to.deep.equal(['otpauth:', secret]);
    }
    await on.fill('#password', PASSWORD);
    await on.fill('#confirmation', PASSWORD);
    await on.fill('#code', totpCode(secret, clock.now()));
    await on.click('button[type=submit]');
    await on.waitForURL(/\/connexion\?message=active/);
    clock.advance(30_000);
    if (check) await accessible('connexion', on);
    await on.fill('#login', login);
    await on.fill('#password', PASSWORD);
    await on.click('main button[type=submit]');
    await on.waitForURL(/\/connexion\/code$/);
    if (check) await accessible('code', on);
    await on.fill('#code', totpCode(secret, clock.now()));
    await on.click('main button[type=submit]');
    await on.waitForURL((u) => u.pathname === '/');
    return secret;
  }

  before(async () => {
    p = await startPortal({ clock });
    browser = await launchChromium();
    context = await personContext(browser);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // The portal's base URL: every goto below is a path on it.
    await page.goto(`${p.url}/connexion`);
  });
  after(async () => {
    await browser?.close();
    await p?.close();
  });

  const go = async (path: string, on: Page = page): Promise<number> => (await on.goto(`${p.url}${path}`))!.status();

  it('has an accessibility check that can fail: axe-core reports a page without labels or language', async () => {
    const probe = await context.newPage();
    await probe.setContent('<html><body><form><input type="text"></form><img src="x.png"></body></html>');
    const ids = (await seriousViolations(probe)).map((v) => v.id);
    expect(ids).to.include.members(['html-has-lang', 'label', 'image-alt']);
    await probe.close();
  });

  it('takes an invited person through the first sign-in with TOTP', async () => {
    await onboard(page, 'OPA', 'opa.claire', 'Claire Fontaine', true);
    expect(await page.textContent('h1')).to.equal('Bonjour Claire Fontaine');
    await accessible('accueil');
  });

  it('files an FTTE ticket after fixing a validation error shown beside its field, and sees it', async () => {
    await page.click('nav >> text=Prestations');
    await page.fill('#q', 'FTTE-21');
    await page.click('main form button[type=submit]');
    await accessible('prestations');
    await page.click('text=FTTE-21-0000101');
    expect(await page.textContent('h1')).to.equal('Prestation FTTE-21-0000101');
    await accessible('prestation');
    await page.click('text=Déposer une signalisation');
    await accessible('formulaire');
    await page.selectOption('#champ-niveauImpact', 'INTERRUPTION_TOTALE');
    await page.fill('#champ-dateConstat', '2026-12-02T09:15');
    await page.fill('#champ-description', 'Plus de signal optique sur la PTO du local technique.');
    await page.selectOption('#champ-site-typeSite', 'ENTREPRISE');
    await page.fill('#champ-site-adresse-voie', 'rue de Mulhouse');
    await page.fill('#champ-site-adresse-codePostal', '21000');
    await page.fill('#champ-site-adresse-commune', 'Dijon');
    await page.fill('#champ-contactSite-nom', 'Mme Roussel');
    await page.fill('#champ-contactSite-telephone', '03 80 11 22 33');
    await page.click('main form button[type=submit]');
    // Type de défaut forgotten, and the opening hours an enterprise site requires: both beside their field.
    expect(await page.textContent('#erreurs h2')).to.equal("2 erreurs empêchent l'envoi");
    expect(await page.textContent('#champ-typeDefaut-erreur')).to.equal('champ obligatoire');
    expect(await page.textContent('#champ-accesSite-horaires-erreur')).to.include('les horaires d’accès au site sont obligatoires');
    expect(await page.getAttribute('#champ-typeDefaut', 'aria-invalid')).to.equal('true');
    expect(await page.inputValue('#champ-contactSite-nom')).to.equal('Mme Roussel');
    await accessible('formulaire avec erreurs');
    await page.selectOption('#champ-typeDefaut', 'PERTE_SIGNAL');
    await page.fill('#champ-accesSite-horaires', 'Lundi au vendredi, 8 h - 18 h');
    await page.click('main form button[type=submit]');
    await page.waitForURL(/\/signalisations\/[^/?]+\?message=deposee/);
    reference = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.textContent('main .message')).to.include('Signalisation déposée');
    await accessible('signalisation');
    await page.click('nav >> text=Signalisations');
    expect(await page.textContent('main table')).to.include(reference);
    await accessible('signalisations');
  });

  it('shows the state the OI moved the ticket to, and takes the answer to the freeze', async () => {
    for (const args of [['accept'], ['start'], ['freeze', '--awaiting', 'INFORMATION_COMPLEMENTAIRE', '--reason', 'Précisez le numéro de baie']]) {
      const r = await p.admin(['tickets', args[0]!, reference, ...args.slice(1)], clock);
      expect(r.code, r.err).to.equal(0);
    }
    await go(`/signalisations/${reference}`);
    expect(await page.textContent('.fiche .etat')).to.equal('Gelé');
    expect(await page.textContent('main')).to.include('Précisez le numéro de baie');
    await accessible('signalisation gelée');
    await page.fill('#texte', 'Baie 3, salle serveurs du 2e étage.');
    await page.click('text=Envoyer la réponse');
    await page.waitForURL(/message=gel-leve/);
    expect(await page.textContent('.fiche .etat')).to.equal('En cours');
    expect(await page.textContent('main')).to.include('Baie 3, salle serveurs du 2e étage.');
  });

  it('is usable with the keyboard: the skip link comes first and leads to the content', async () => {
    await go('/signalisations');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Aller au contenu');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('contenu');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => document.activeElement?.tagName);
    expect(['INPUT', 'A', 'BUTTON', 'SELECT']).to.include(next);
  });

  it('refuses an FTTH filing with a message pointing to the web services (S6)', async () => {
    expect(await go('/prestations/FTTH-21-0000001/signalisation')).to.equal(403);
    expect(await page.textContent('main')).to.include('uniquement par les web services');
    expect(await page.locator('#champ-typeDefaut').count()).to.equal(0);
    await accessible('refus FTTH');
  });

  it('refuses a form whose CSRF token is missing', async () => {
    await go(`/signalisations/${reference}`);
    await page.evaluate(() => { for (const i of document.querySelectorAll('input[name=_csrf]')) i.remove(); });
    await page.fill('#texte', 'Sans jeton');
    await page.click('text=Envoyer');
    expect(await page.textContent('h1')).to.equal('Formulaire refusé');
    await accessible('formulaire refusé');
    await go(`/signalisations/${reference}`);
    expect(await page.textContent('main')).to.not.include('Sans jeton');
  });

  it('never lets a person of OPB reach OPA\'s services or tickets, by any URL (A6)', async () => {
    const other = await personContext(browser);
    const opb = await other.newPage();
    try {
      await opb.goto(`${p.url}/connexion`);
      await onboard(opb, 'OPB', 'opb.luc', 'Luc Bernard', false);
      for (const path of ['/prestations/FTTE-21-0000101', '/prestations/FTTE-21-0000101/signalisation', `/signalisations/${reference}`, '/prestations/FTTH-21-0000001']) {
        expect(await go(path, opb), path).to.equal(404);
        expect(await opb.textContent('main')).to.not.include('FTTE-21-0000101');
      }
      await go('/signalisations', opb);
      expect(await opb.textContent('main')).to.include('Aucune signalisation');
      await go('/prestations?q=FTTE-21', opb);
      expect(await opb.textContent('main')).to.include('Aucune prestation');
      await accessible('introuvable', opb);
    } finally {
      await other.close();
    }
  });

  it('locks a person out after repeated failed sign-ins', async () => {
    const other = await personContext(browser);
    const guess = await other.newPage();
    try {
      for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
        await guess.goto(`${p.url}/connexion`);
        await guess.fill('#login', 'opa.claire');
        await guess.fill('#password', `mauvais ${i}`);
        await guess.click('main button[type=submit]');
      }
      expect(await guess.textContent('main .message')).to.include('la connexion à ce compte est bloquée');
      await guess.goto(`${p.url}/connexion`);
      await guess.fill('#login', 'opa.claire');
      await guess.fill('#password', PASSWORD);
      await guess.click('main button[type=submit]');
      expect(guess.url()).to.not.match(/\/connexion\/code/);
      expect(await guess.textContent('main .message')).to.include('bloquée');
      await accessible('compte bloqué', guess);
    } finally {
      await other.close();
    }
  });

  it('reads on a phone (no horizontal scrolling) and found no serious violation on any page', async () => {
    const phone = await personContext(browser, { width: 375, height: 740 });
    const small = await phone.newPage();
    try {
      await small.goto(`${p.url}/connexion`);
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).to.be.at.most(0);
      await accessible('connexion (téléphone)', small);
    } finally {
      await phone.close();
    }
    expect(pagesChecked).to.include.members(['activation', 'connexion', 'code', 'accueil', 'prestations', 'prestation', 'formulaire',
      'formulaire avec erreurs', 'signalisation', 'signalisations', 'refus FTTH', 'formulaire refusé', 'introuvable', 'compte bloqué']);
  });
});
