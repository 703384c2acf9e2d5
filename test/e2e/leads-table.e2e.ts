import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, launchChromium, seriousA11yViolations, signInDemoUser } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const MANAGER = 'morgan.reyes@demo.hearth.example';
const LAPTOP_1280 = { width: 1280, height: 800 };

/** Headers whose text does not fit their cell (what a person sees as "Temperatur"). */
const cutHeaders = (page: Page) =>
  page.evaluate(() => {
    type Cell = { scrollWidth: number; clientWidth: number; textContent: string | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Cell> } })
      .document;
    return [...doc.querySelectorAll('th')]
      .filter((th) => th.scrollWidth > th.clientWidth)
      .map((th) => th.textContent);
  });

// A manager's morning at the leads table, on demo data: sort by current interest, choose the
// columns, save the table as a view, and get it back after a reload.
describe('the leads table in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ demoLeads: 150 }), launchChromium()]);
    page = await signInDemoUser(browser, server.url, MANAGER, LAPTOP_1280);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const table = () => page.getByRole('table', { name: 'Leads' });
  const header = (name: string) => table().getByRole('columnheader', { name, exact: false });

  it('sorts by current interest, highest first, as the API ranks it', async () => {
    await page.getByRole('link', { name: 'Leads' }).first().click();
    await table().waitFor();
    expect(await cutHeaders(page)).toEqual([]);
    await header('Interest').getByRole('button').click();
    await page.waitForURL(/sort=-interest/);
    const ranked = await server.api<{ data: { name: string; interest: number }[] }>(
      'GET',
      '/leads?sort=-interest&limit=3',
    );
    const first = table().getByRole('row').nth(1);
    await first.getByText(ranked.data[0]?.name as string, { exact: false }).waitFor();
    expect(await header('Interest').getAttribute('aria-sort')).toBe('descending');
    // Current interest is ranked highest first only: a second click keeps it.
    await header('Interest').getByRole('button').click();
    expect(page.url()).toMatch(/sort=-interest/);
  });

  it('shows a closed lead’s status instead of a live temperature', async () => {
    await page.getByLabel('Status', { exact: true }).selectOption('customer');
    await page.waitForURL(/status=customer/);
    const row = table().getByRole('row').nth(1);
    await row.getByLabel('Status: customer').waitFor();
    expect(await row.getByLabel(/^Temperature:/).count()).toBe(0);
    await page.getByLabel('Status', { exact: true }).selectOption('');
  });

  it('chooses columns, saves the table as a view, and applies it again after a reload', async () => {
    await page.getByRole('button', { name: /^Columns/ }).click();
    // The boxes follow the address, which changes a moment after each click.
    await page.getByRole('checkbox', { name: 'Owner' }).click();
    await page.waitForURL((url) => !(url.searchParams.get('cols') ?? 'owner').includes('owner'));
    await page.getByRole('checkbox', { name: 'Probability' }).click();
    await page.waitForURL(/cols=[^&]*probability/);
    await page.keyboard.press('Escape');
    await header('Probability').waitFor();
    expect(await header('Owner').count()).toBe(0);
    expect(await cutHeaders(page)).toEqual([]);

    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('Most interested');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/view=/);
    await page.getByRole('button', { name: 'Update “Most interested”' }).waitFor();
    await capture(page, 'leads');
    await page.setViewportSize(LAPTOP_1280);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.setViewportSize(LAPTOP_1280);

    // A fresh start: the defaults, then the saved view brings back its sort and columns.
    await page.goto(`${server.url}/leads`);
    await header('Owner').waitFor();
    expect(page.url()).not.toMatch(/sort=/);
    await page.getByLabel('Saved view').selectOption({ label: 'Most interested' });
    await page.waitForURL(/sort=-interest/);
    await header('Probability').waitFor();
    expect(await header('Owner').count()).toBe(0);
    expect(await header('Interest').getAttribute('aria-sort')).toBe('descending');

    // The phone keeps the page within its width: only the table scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
        .document.documentElement;
      return root.scrollWidth;
    });
    expect(overflow).toBeLessThanOrEqual(390);
    await table().getByRole('row').nth(1).getByRole('link').first().waitFor();
    await page.setViewportSize(LAPTOP_1280);
  });

  it('renames and deletes the saved view', async () => {
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('View name').fill('Interest first');
    await page.getByRole('button', { name: 'Rename', exact: true }).last().click();
    await page.getByRole('option', { name: 'Interest first' }).waitFor({ state: 'attached' });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete view' }).click();
    await page.waitForURL((url) => !url.search.includes('view='));
    const views = await page.evaluate(async () => (await fetch('/api/v1/views')).json());
    expect(views).toEqual({ data: [] });
  });
});
