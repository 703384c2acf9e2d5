import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLeadPayload } from '../support/leads.js';
import { capture, launchChromium, seriousA11yViolations } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const REP = 'alex.kim@demo.hearth.example';
const MANAGER = 'morgan.reyes@demo.hearth.example';
const LEAD = 'Noor Outcome';

interface StatusChange {
  to: string;
  reason: string | null;
  value: number | null;
  currency: string | null;
}

// The lead page on demo data: a rep's lead that a contact-sales form made hot on its own (interest
// below the hot line: the case where the page used to contradict itself), a note, a loss with its
// reason; then a manager records a win with its value.
describe('the lead page, on demo data, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const lead = { id: '' };

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').first().fill('hearth-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Hot queue' }).waitFor();
    return page;
  }

  const history = (id: string) =>
    server.api<{ data: StatusChange[] }>('GET', `/leads/${id}/status-history`).then((h) => h.data);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ demoLeads: 150 }), launchChromium()]);
    const users = await server.api<{ data: { id: string; email: string }[] }>('GET', '/users');
    const rep = users.data.find((u) => u.email === REP);
    const created = await server.api<{ id: string }>(
      'POST',
      '/leads',
      fitLeadPayload(new Date(), { name: LEAD, ownerId: rep?.id }),
    );
    lead.id = created.id;
    await server.api('POST', '/events', {
      leadId: lead.id,
      type: 'form_submit',
      properties: { form: 'contact-sales' },
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('reads the badge, the chart and the checks at one instant, in sentences that agree', async () => {
    const page = await signedIn(REP);
    const explained = page.waitForResponse((r) => /\/leads\/[^/]+\/explanation$/.test(r.url()));
    const charted = page.waitForResponse((r) => r.url().includes('/interest-series?'));
    await page.goto(`${server.url}/leads/${lead.id}`);
    const explanation = (await (await explained).json()) as { at: string };
    const series = await charted;
    expect(new URL(series.url()).searchParams.get('at')).toBe(explanation.at);
    expect(((await series.json()) as { now: string }).now).toBe(explanation.at);

    await page.getByRole('heading', { name: LEAD, level: 2 }).waitFor();
    await page.getByLabel('Temperature: hot').first().waitFor();
    // Hot through the contact-sales form, below the hot line on interest: the page says both.
    const why = page.getByText('Why hot:').locator('..');
    await why.waitFor();
    expect(await why.textContent()).toMatch(/^Why hot: A "contact sales" event .* hot on its own/);
    const chart = page.getByRole('region', { name: 'Interest over time' });
    await chart
      .getByText(/hot through a high-intent event, not through interest/)
      .first()
      .waitFor();
    const checks = page.getByRole('list', { name: 'Temperature checks' });
    await checks.getByText(/Interest \d+(\.\d+)? is below the hot threshold 70\./).waitFor();
    const text = (await checks.textContent()) ?? '';
    expect(text).not.toMatch(/\(\d+ of \d+\)/);
    expect(text).not.toMatch(/below hot now/);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('shows a note on the timeline with its author, as a note event', async () => {
    const page = await signedIn(REP);
    await page.goto(`${server.url}/leads/${lead.id}`);
    const activity = page.getByRole('region', { name: 'Activity' });
    await activity
      .getByLabel('Note', { exact: true })
      .fill('Wants a call on Thursday.\nBudget is signed off.');
    await activity.getByRole('button', { name: 'Add note' }).click();
    const note = activity.locator('li[data-kind="note"]').first();
    await note.getByText('Note by you').waitFor();
    await note.getByText(/Wants a call on Thursday\.\s+Budget is signed off\./).waitFor();
    expect(await activity.getByLabel('Note', { exact: true }).inputValue()).toBe('');
    const events = await server.api<{ data: { type: string; properties: Record<string, unknown> }[] }>(
      'GET',
      `/leads/${lead.id}/events`,
    );
    expect(events.data[0]).toMatchObject({
      type: 'note',
      properties: { text: 'Wants a call on Thursday.\nBudget is signed off.', authorName: 'Alex Kim' },
    });
    // The top of the page in view, so the fixed header is not drawn over the middle of the capture.
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await capture(page, 'lead');
  });

  it('records a loss through the dialog, with the reason picked and explained, after confirming', async () => {
    const page = await signedIn(REP);
    await page.goto(`${server.url}/leads/${lead.id}`);
    const outcome = page.getByRole('region', { name: 'Outcome' });
    await outcome.getByRole('button', { name: 'Lost…' }).click();
    const dialog = page.getByRole('dialog', { name: `Mark as lost: ${LEAD}` });
    await dialog.getByRole('radio', { name: 'Chose a competitor' }).check();
    await dialog.getByLabel('Details (optional)').fill('went with Acme');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    // Nothing is recorded before the confirmation, which says what will happen.
    await dialog
      .getByText(`${LEAD} is marked lost. Reason: Chose a competitor: went with Acme.`, { exact: false })
      .waitFor();
    expect((await history(lead.id)).length).toBe(0);
    await dialog.getByRole('button', { name: 'Confirm: mark as lost' }).click();
    await dialog.waitFor({ state: 'detached' });

    expect((await history(lead.id)).at(-1)).toMatchObject({
      to: 'lost',
      reason: 'Chose a competitor: went with Acme',
    });
    // The header shows the status, not a live temperature; the timeline shows the outcome.
    const header = page.getByRole('heading', { name: LEAD, level: 2 }).locator('..');
    await header.getByLabel('Status: lost').waitFor();
    expect(await header.getByLabel(/^Temperature:/).count()).toBe(0);
    await header.getByText(/^was /).waitFor();
    const timeline = page.getByRole('region', { name: 'Activity' });
    await timeline
      .locator('li[data-kind="outcome"]')
      .getByText('Chose a competitor: went with Acme')
      .waitFor();
  });

  it('lets a manager record a win with its value and currency', async () => {
    const page = await signedIn(MANAGER);
    await page.goto(`${server.url}/leads/${lead.id}`);
    await page.getByRole('region', { name: 'Outcome' }).getByRole('button', { name: 'Won…' }).click();
    const dialog = page.getByRole('dialog', { name: `Mark as won: ${LEAD}` });
    await dialog.getByLabel('Deal value').fill('12000');
    await dialog.getByLabel('Currency').selectOption('USD');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByText(`${LEAD} becomes a customer for 12,000 USD.`, { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Confirm: mark as won' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await history(lead.id)).at(-1)).toMatchObject({ to: 'customer', value: 12000, currency: 'USD' });
    await page.getByLabel('Status: customer').first().waitFor();
  });
});
