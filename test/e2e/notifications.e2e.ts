import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLeadPayload } from '../support/leads.js';
import { capture, LAPTOP, launchChromium, seriousA11yViolations } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const REP_EMAIL = 'nina.notified@example.com';
const PASSWORD = 'correct horse battery';

// A rep hears of a hot lead in the web app: the bell counts it, opening it leads to the lead and
// marks it read; Settings → Notifications keeps the rep's choices.
describe('notifications in the web app, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let leadId: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const rep = await server.api<{ id: string }>('POST', '/users', {
      email: REP_EMAIL,
      name: 'Nina Notified',
      role: 'rep',
      password: PASSWORD,
    });
    const lead = await server.api<{ id: string }>('POST', '/leads', {
      ...fitLeadPayload(new Date(), { email: 'hana.hot@acme.example' }),
      name: 'Hana Hot',
      ownerId: rep.id,
    });
    leadId = lead.id;
    await server.api('POST', '/events', {
      leadId,
      type: 'form_submit',
      properties: { form: 'Contact sales' },
    });
    page = await (await browser.newContext({ viewport: LAPTOP })).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(REP_EMAIL);
    await page.getByLabel('Password').first().fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Hot queue' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the unread count on the bell; opening the notification goes to the lead and marks it read', async () => {
    const bell = page.getByRole('button', { name: 'Notifications: 1 unread' });
    await bell.waitFor({ timeout: 40_000 });
    await bell.click();
    const item = page.getByRole('link', { name: /Hot lead: Hana Hot \(Acme\)/ });
    await item.waitFor();
    expect(await page.getByRole('region', { name: 'Notifications' }).textContent()).toContain(
      'Why: A "contact sales"',
    );
    await capture(page, 'notifications-bell');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await item.click();
    await page.waitForURL(`**/leads/${leadId}`);
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
  });

  it('lets a rep set their own notifications in Settings, under the refusal of the admins’ settings', async () => {
    await page.goto(`${server.url}/settings`);
    await page.getByRole('heading', { name: 'Your notifications' }).waitFor();
    await page.getByText('Not allowed').waitFor();
    await page.getByText('Email is off on this server').waitFor();
    const digestInApp = page.getByRole('checkbox', { name: 'Daily digest: In the app' });
    expect(await digestInApp.isChecked()).toBe(true);
    await digestInApp.uncheck();
    await page.getByLabel('Your Slack incoming-webhook URL').fill('not a url');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.getByText(/must match/).waitFor();
    await page.getByLabel('Your Slack incoming-webhook URL').fill('https://hooks.slack.com/services/T0/B0/x');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await capture(page, 'settings-notifications');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const saved = (await page.evaluate(async () =>
      (await fetch('/api/v1/me/notification-settings')).json(),
    )) as { channels: { digest: { app: boolean } }; slackWebhookUrl: string | null };
    expect(saved.channels.digest.app).toBe(false);
    expect(saved.slackWebhookUrl).toBe('https://hooks.slack.com/services/T0/B0/x');
  });
});
