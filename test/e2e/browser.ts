import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); no browser download. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const LAPTOP = { width: 1366, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A new page at `viewport`, signed in as a `hearth demo` user (password `hearth-demo`), on the queue. */
export async function signInDemoUser(
  browser: Browser,
  url: string,
  email: string,
  viewport: { width: number; height: number },
): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${url}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').first().fill('hearth-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Hot queue' }).waitFor();
  return page;
}
const screenshots = new URL('../../docs/screenshots/', import.meta.url).pathname;

/** Screenshots of the page as it is, at laptop and at phone width, into docs/screenshots/. */
export async function capture(page: Page, name: string): Promise<void> {
  await page.setViewportSize(LAPTOP);
  await page.screenshot({ path: `${screenshots}${name}-laptop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(150); // a layout pass for the phone breakpoint
  await page.screenshot({ path: `${screenshots}${name}-phone.png`, fullPage: true });
  await page.setViewportSize(LAPTOP);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Waits until the keyboard focus is on or inside an element matching `selector`. */
export function focusWithin(page: Page, selector: string): Promise<unknown> {
  return page.waitForFunction((within) => {
    type Element = { closest(selector: string): unknown };
    const doc = (globalThis as unknown as { document: { activeElement: Element | null } }).document;
    return doc.activeElement?.closest(within) != null;
  }, selector);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does
 * not govern) and returns the serious and critical violations, at laptop and at phone width.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const found: AxeViolation[] = [];
  for (const viewport of [LAPTOP, PHONE]) {
    await page.setViewportSize(viewport);
    // Colours are only final once transitions end (a control's moving indicator, a fading menu);
    // endless ones (spinners) never do.
    await page.waitForFunction(() => {
      type Animation = { playState: string; effect: { getTiming(): { iterations?: number } } | null };
      const doc = (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document;
      return doc
        .getAnimations()
        .every(
          (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY,
        );
    });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run();
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target })),
      }));
    });
    found.push(...violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'));
  }
  await page.setViewportSize(LAPTOP);
  return found;
}
