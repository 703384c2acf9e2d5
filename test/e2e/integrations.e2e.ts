import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, LAPTOP, launchChromium, seriousA11yViolations, signInDemoUser } from './browser.js';
import { type RunningServer, startServer } from './server.js';

const ADMIN = 'integrations.admin@example.com';

interface HookDeliveryView {
  outcome: string;
  leadId: string | null;
  leadCreated: boolean;
  eventIds: number[];
}

/** The generic adapter's signature (docs/integrations.md): hex HMAC-SHA256 of "<t>.<raw body>". */
function signed(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

// An admin wires a tool that can POST JSON into Hearth from Settings → Integrations, as they would
// on day one: the hook is made in the browser, the tool's first delivery is signed with the secret
// the page showed once, and the delivery log says what became of it.
describe('Settings → Integrations in Chromium, as an admin', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const hook = { url: '', secret: '' };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    await server.api('POST', '/users', {
      email: ADMIN,
      name: 'Ida Integrations',
      role: 'admin',
      password: 'hearth-demo',
    });
    page = await signInDemoUser(browser, server.url, ADMIN, LAPTOP);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Integrations' }).click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says what to do with no hook, names a bad tracking number at its row, forgets the secret on a new provider', async () => {
    await page.getByText('No inbound hooks yet').waitFor();
    await page.getByRole('button', { name: 'Add inbound hook' }).click();
    // Twilio is picked first; its secret is the Auth Token, and the hint says where it is found.
    const token = page.getByLabel('Auth Token');
    await page.getByText('Twilio Console → Account info').waitFor();
    await page.getByLabel('Name').fill('Main line');
    await token.fill('0123456789abcdef0123456789abcdef');
    await page.getByRole('button', { name: 'Add tracking number' }).click();
    await page.getByLabel('Tracking number 1', { exact: true }).fill('+1 404 555 8514');
    await page.getByLabel('Source of tracking number 1').fill('ads');
    await page.getByRole('button', { name: 'Add tracking number' }).click();
    const second = page.getByLabel('Tracking number 2', { exact: true });
    await second.fill('12');
    await page.getByRole('button', { name: 'Create hook' }).click();
    await page.getByText(/is not a phone number/).waitFor();
    expect(await second.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Tracking number 1', { exact: true }).getAttribute('aria-invalid')).not.toBe(
      'true',
    );
    expect((await server.api<{ data: unknown[] }>('GET', '/integrations/hooks')).data).toEqual([]);

    await page.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'CallRail' }).click();
    expect(await page.getByLabel('Webhook signing key').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('names a generic mapping’s problem by its path and stores nothing', async () => {
    await page.getByRole('button', { name: 'Add inbound hook' }).click();
    await page.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: 'Generic JSON' }).click();
    await page.getByLabel('Name').fill('Phone app');
    const mapping = page.getByLabel('Mapping (JSON)');
    const example = await mapping.inputValue();
    await mapping.fill(example.replace('"name":', '"favourite":'));
    await page.getByRole('button', { name: 'Create hook' }).click();
    const problems = page.getByRole('list', { name: 'Problems in the mapping' });
    await problems.getByText('lead.favourite').waitFor();
    expect(await problems.innerText()).toContain('is not a lead field');
    expect(await mapping.getAttribute('aria-invalid')).toBe('true');
    // Nothing was made.
    expect((await server.api<{ data: unknown[] }>('GET', '/integrations/hooks')).data).toEqual([]);
    await mapping.fill(example);
  });

  it('creates a generic hook and shows its URL and, once, its secret', async () => {
    await page.getByRole('button', { name: 'Create hook' }).click();
    const ready = page.getByRole('status').filter({ hasText: 'Phone app is ready' });
    await ready.getByText('Copy it now: you will not see it again.').waitFor();
    const hooks = await server.api<{ data: { id: string; provider: string }[] }>(
      'GET',
      '/integrations/hooks',
    );
    expect(hooks.data.map((h) => h.provider)).toEqual(['generic']);
    hook.url = `${server.url}/hooks/generic/${hooks.data[0]?.id}`;
    expect(await ready.locator('code').first().innerText()).toBe(hook.url);
    hook.secret = (await ready.locator('pre').innerText()).trim();
    expect(hook.secret).toMatch(/^hksec_[A-Za-z0-9_-]{43}$/);
    await ready.getByRole('button', { name: 'Copy the URL of Phone app' }).waitFor();
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

    await ready.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(hook.secret).count()).toBe(0);
  });

  it('logs a signed delivery as mapped, with its new lead, and a forged one as rejected', async () => {
    const body = JSON.stringify({
      id: 'evt_1001',
      occurred_at: new Date().toISOString(),
      caller: { email: 'dana.caller@example.com', name: 'Dana Caller' },
      call: { direction: 'inbound', seconds: 95 },
    });
    const answer = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'hearth-signature': signed(hook.secret, body) },
      body,
    });
    expect(answer.status).toBe(200);
    const receipt = (await answer.json()) as HookDeliveryView;
    expect(receipt).toMatchObject({ outcome: 'mapped', leadCreated: true });
    const forged = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'hearth-signature': signed('not the secret', body) },
      body,
    });
    expect(forged.status).toBe(401);

    const card = page.getByRole('listitem', { name: 'Phone app (Generic JSON)' });
    await card.getByRole('button', { name: 'Show deliveries' }).click();
    const log = card.getByRole('table', { name: 'Deliveries to Phone app' });
    await log.waitFor();
    const rows = log.locator('tbody tr');
    // Newest first: the forged delivery, then the mapped one with its new lead and one event.
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/Rejected[\s\S]*Hearth-Signature does not match/i);
    const mapped = rows.nth(1);
    expect(await mapped.locator('[data-outcome="mapped"]').innerText()).toMatch(/mapped/i);
    const leadLink = mapped.getByRole('link', { name: /New lead/ });
    expect(await leadLink.getAttribute('href')).toBe(`/leads/${receipt.leadId}`);
    expect((await mapped.locator('td').last().innerText()).trim()).toBe('1');
    await card.getByText(/^Last delivery: \d/).waitFor();
    await capture(page, 'settings-inbound-hook-deliveries');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

    await leadLink.click();
    await page.getByRole('heading', { name: 'Dana Caller' }).waitFor();
    await page.goBack();
  });

  it('pauses the hook (its deliveries answer 404) and deletes it after asking', async () => {
    await page.getByRole('tab', { name: 'Integrations' }).click();
    const card = page.getByRole('listitem', { name: 'Phone app (Generic JSON)' });
    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByText('Paused', { exact: true }).waitFor();
    const body = JSON.stringify({ id: 'evt_1002', caller: { email: 'dana.caller@example.com' } });
    const paused = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'hearth-signature': signed(hook.secret, body) },
      body,
    });
    expect(paused.status).toBe(404);

    await card.getByRole('button', { name: 'Delete' }).click();
    await card
      .getByRole('group', { name: /^Delete Phone app\?/ })
      .getByRole('button', { name: 'Yes, delete' })
      .click();
    await page.getByText('No inbound hooks yet').waitFor();
  });

  it('makes a site key for the listed origins, shows the script tag to paste, and revokes it', async () => {
    await page.getByRole('tab', { name: 'Website tracker' }).click();
    await page.getByText('No site keys yet').waitFor();
    await page.getByRole('button', { name: 'Add site key' }).click();
    await page.getByLabel('Name').fill('Marketing site');
    const origins = page.getByLabel('Allowed origins');
    await origins.fill('https://www.example.com\nwww.example.com/pricing');
    await page.getByRole('button', { name: 'Create site key' }).click();
    // The server names the second origin sent; the field says which line that is.
    await page.getByText(/^Line 2: "www.example.com\/pricing" is not an origin/).waitFor();
    expect((await server.api<{ data: unknown[] }>('GET', '/integrations/sites')).data).toEqual([]);

    await origins.fill('https://www.example.com\nhttps://*.example.com');
    await page.getByLabel('Consent required').first().check();
    await page.getByRole('button', { name: 'Create site key' }).click();
    const ready = page.getByRole('status').filter({ hasText: 'Marketing site is ready' });
    await ready.waitFor();
    const sites = await server.api<{ data: { key: string; snippet: string; requireConsent: boolean }[] }>(
      'GET',
      '/integrations/sites',
    );
    expect(sites.data).toHaveLength(1);
    expect(sites.data[0]?.requireConsent).toBe(true);
    const snippet = (await ready.locator('pre').innerText()).trim();
    expect(snippet).toBe(sites.data[0]?.snippet.trim());
    expect(snippet).toContain(`src="${server.url}/t.js"`);
    expect(snippet).toContain(`data-site-key="${sites.data[0]?.key}"`);
    await capture(page, 'settings-site-key');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

    const card = page.getByRole('listitem', { name: 'Marketing site' });
    await card.getByRole('button', { name: 'Revoke' }).click();
    await card
      .getByRole('group', { name: /^Revoke Marketing site\?/ })
      .getByRole('button', { name: 'Yes, revoke' })
      .click();
    await card.getByText('Revoked', { exact: true }).waitFor();
    const after = await server.api<{ data: { active: boolean }[] }>('GET', '/integrations/sites');
    expect(after.data.map((k) => k.active)).toEqual([false]);
  });

  it('makes a hosted form, shows its HTML, and logs a post to it with its new lead', async () => {
    await page.getByRole('tab', { name: 'Hosted forms' }).click();
    await page.getByText('No forms yet').waitFor();
    await page.getByRole('button', { name: 'Add form' }).click();
    await page.getByLabel('Name', { exact: false }).first().fill('Contact sales');
    const thanks = page.getByLabel('Thank-you URL');
    await thanks.fill('thanks.html');
    await page.getByRole('button', { name: 'Create form' }).click();
    await page.getByText('must be an absolute http or https URL').waitFor();
    expect(await thanks.getAttribute('aria-invalid')).toBe('true');

    await thanks.fill('https://www.example.com/thanks');
    await page.getByLabel('Budget answer field').fill('budget');
    await page.getByLabel('Minimum fill time (seconds)').fill('0');
    await page.getByRole('button', { name: 'Create form' }).click();
    const ready = page.getByRole('status').filter({ hasText: 'Contact sales is ready' });
    await ready.waitFor();
    const forms = await server.api<{ data: { action: string; snippet: string; minFillSeconds: number }[] }>(
      'GET',
      '/integrations/forms',
    );
    const form = forms.data[0];
    expect(form?.minFillSeconds).toBe(0);
    const html = (await ready.locator('pre').innerText()).trim();
    expect(html).toBe(form?.snippet.trim());
    expect(html).toContain(`action="${form?.action}"`);
    expect(form?.action).toMatch(new RegExp(`^${server.url}/f/hfm_`));
    expect(html).toContain('name="budget"');

    const posted = await fetch(form?.action ?? '', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=fran.form%40example.com&name=Fran+Form&budget=50k',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('https://www.example.com/thanks');

    await ready.getByRole('button', { name: 'Done' }).click();
    const card = page.getByRole('listitem', { name: 'Contact sales' });
    await card.getByRole('button', { name: 'Show submissions' }).click();
    const log = card.getByRole('table', { name: 'Submissions of Contact sales' });
    await log.waitFor();
    const row = log.locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-outcome="stored"]').innerText()).toMatch(/stored/i);
    await row.getByRole('link', { name: /New lead/ }).waitFor();
    await capture(page, 'settings-hosted-form');
    expect((await seriousA11yViolations(page)).map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

    await card.getByRole('button', { name: 'Delete' }).click();
    await card
      .getByRole('group', { name: /^Delete Contact sales\?/ })
      .getByRole('button', { name: 'Yes, delete' })
      .click();
    await page.getByText('No forms yet').waitFor();
  });
});
