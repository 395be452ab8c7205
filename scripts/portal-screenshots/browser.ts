/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), and axe-core run in the page: what the
 * portal's browser tests and `npm run portal:screenshots` share.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ESAV_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set ESAV_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A person's browser: French, a laptop's window (or a phone's), trusting the portal's test certificate. */
export function personContext(browser: Browser, viewport: { width: number; height: number } = { width: 1280, height: 900 }): Promise<BrowserContext> {
  return browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', ignoreHTTPSErrors: true, viewport });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { readonly id: string; readonly impact: string | null; readonly help: string; readonly targets: string[] }

/**
 * The WCAG 2.1 A/AA violations axe-core finds on the page as it is now (RGAA's bar). axe is evaluated through the
 * DevTools protocol, which the page's CSP (no script at all) does not govern; the page itself stays script-free.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Only what the bar forbids: serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
