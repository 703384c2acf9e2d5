import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, launchChromium, seriousA11yViolations, signInDemoUser } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const MANAGER = 'morgan.reyes@demo.hearth.example';
const GOOD_ROWS = 240;

/**
 * A Salesforce-style leads export whose phone column has a name no format knows ("Work Phone"),
 * with two rows whose email is not one at the end.
 */
function salesforceExport(): Buffer {
  const lines = [
    'First Name,Last Name,Title,Company,Email,Work Phone,Lead Source,No. of Employees,Created Date',
  ];
  for (let i = 1; i <= GOOD_ROWS; i += 1) {
    lines.push(
      `Casey${i},Import,Buyer,Wizard Co ${i},casey${i}.import@wizard.example.com,+1 415 555 ${String(i).padStart(4, '0')},Web,51-200,03/14/2024`,
    );
  }
  lines.push('Broken,Row,Buyer,Nowhere,not-an-email,,Web,,03/14/2024');
  lines.push('Other,Broken,Buyer,Nowhere,also not an email,,Web,,03/14/2024');
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The progress line's "N of M rows imported", or null once finished. */
async function rowsImported(page: Page): Promise<number | null> {
  const text = await page
    .getByText(/rows imported/)
    .textContent({ timeout: 1000 })
    .catch(() => null);
  const match = text ? /(\d+) of \d+ rows imported/.exec(text) : null;
  return match ? Number(match[1]) : null;
}

// A manager brings a Salesforce export: fixes a column the wizard could not place, looks at the
// dry run, imports with one row per chunk (HEARTH_IMPORT_CHUNK_ROWS=1, so that the job is still
// running when the page reloads), and downloads the rows it refused.
describe('the import wizard in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ demoLeads: 20, env: { HEARTH_IMPORT_CHUNK_ROWS: '1' } }),
      launchChromium(),
    ]);
    page = await signInDemoUser(browser, server.url, MANAGER, { width: 1366, height: 800 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('maps a wrong column, shows the dry run, imports across a reload and gives the rejected rows', async () => {
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import' }).waitFor();
    await page.locator('input[type=file]').setInputFiles({
      name: 'salesforce-leads.csv',
      mimeType: 'text/csv',
      buffer: salesforceExport(),
    });

    await page.getByText('Recognised as a Salesforce').waitFor();
    const mapping = page.getByRole('combobox', { name: 'Mapping of Work Phone' });
    expect(await mapping.inputValue()).toBe('keep as attributes.work_phone');
    await page
      .getByRole('region', { name: 'First rows of the file' })
      .getByText('Casey1', { exact: true })
      .waitFor();
    const counts = page.getByRole('group', { name: 'Dry run counts' });
    expect(await counts.textContent()).toContain(`${GOOD_ROWS}would be created`);
    await page.getByText(`line ${GOOD_ROWS + 2}:`).waitFor();

    await mapping.click();
    await page.getByRole('option', { name: 'phone', exact: true }).click();
    const row = page.getByRole('row').filter({ has: page.getByText('Work Phone', { exact: true }) });
    await row.getByText('your choice').waitFor();
    expect(await mapping.inputValue()).toBe('phone');
    await capture(page, 'import-mapping');
    const violations = await seriousA11yViolations(page);
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
      [],
    );

    await page.getByRole('button', { name: `Import ${GOOD_ROWS + 2} rows of leads` }).click();
    await page.waitForURL(/\/import\?job=/);
    const jobUrl = page.url();
    await page.getByText(/of \d+ rows imported/).waitFor({ timeout: 60_000 });
    const beforeReload = (await rowsImported(page)) ?? 0;
    expect(beforeReload).toBeLessThan(GOOD_ROWS + 2);

    await page.reload();
    expect(page.url()).toBe(jobUrl);
    // The job went on without the page; the reloaded page follows the same job.
    const finished = page.getByText('Import finished');
    const afterReload = await rowsImported(page);
    if (afterReload !== null) expect(afterReload).toBeGreaterThanOrEqual(beforeReload);
    await finished.waitFor({ timeout: 240_000 });

    const summary = page.getByRole('group', { name: 'Import counts' });
    expect(await summary.textContent()).toContain(`${GOOD_ROWS}created`);
    expect(await summary.textContent()).toContain('2rejected');
    await capture(page, 'import-summary');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the 2 rejected rows (CSV)' }).click(),
    ]);
    const rejected = readFileSync((await download.path()) as string, 'utf8')
      .trim()
      .split('\n');
    expect(rejected[0]).toBe(
      'line,reason,First Name,Last Name,Title,Company,Email,Work Phone,Lead Source,No. of Employees,Created Date',
    );
    expect(rejected[1]).toMatch(new RegExp(`^${GOOD_ROWS + 2},.*not-an-email`));
    expect(rejected).toHaveLength(3);

    await page.getByRole('link', { name: 'See the imported leads' }).click();
    await page.waitForURL(/\/leads\?import=/);
    await page.getByText('Only the leads of one import.').waitFor();
    const leads = page.getByRole('table', { name: 'Leads' });
    await leads
      .getByText(/Casey\d+ Import/)
      .first()
      .waitFor();
    const listed = await server.api<{ data: { phone: string }[] }>(
      'GET',
      `/leads?${new URL(page.url()).searchParams.toString()}&limit=500`,
    );
    expect(listed.data).toHaveLength(GOOD_ROWS);
    expect(listed.data.every((l) => l.phone.startsWith('+1 415 555'))).toBe(true);
  }, 420_000);
});
