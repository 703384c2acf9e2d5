import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type OpenApp, openApp } from '../../src/main.js';
import { BROWSER_UA, type SiteKeyJson } from '../http/tracker-helpers.js';
import { testClock } from '../support/databases.js';
import { bearer, testServer } from '../support/http.js';
import { launchChromium } from './browser.js';

// The website tracker in Chromium: a static site on its own loopback origin carries the snippet
// and talks to a Hearth in this process, whose clock the test moves (five minutes between pages)
// instead of sleeping.
const MINUTE = 60_000;

/** The browser globals the test touches inside pages (the test is type-checked without the DOM). */
interface PageGlobals {
  localStorage: { getItem(name: string): string | null };
  hearth: (...args: unknown[]) => void;
  document: { dispatchEvent(event: unknown): boolean };
  Event: new (type: string) => unknown;
}
const storedVisitorId = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('hearth_vid'));

/** A static site: every path is a page with the snippet; /pricing has a contact form. */
function siteServer(hearthUrl: string, defaultKey: () => string): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://site');
    const key = url.searchParams.get('key') ?? defaultKey();
    const form =
      url.pathname === '/pricing'
        ? `<form id="contact" action="/thanks" method="post">
             <label>Name <input name="name"></label>
             <label>Work email <input type="email" name="work_email"></label>
             <label>Password <input type="password" name="password"></label>
             <label>Card <input name="card_number"></label>
             <button type="submit">Talk to sales</button>
           </form>`
        : '';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><title>Acme ${url.pathname}</title>
      <script>window.hearth=window.hearth||function(){(hearth.q=hearth.q||[]).push(arguments)};</script>
      <script async src="${hearthUrl}/t.js" data-site-key="${key}"></script>
      </head><body><h1>Acme ${url.pathname}</h1>${form}</body></html>`);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('website tracker in Chromium', () => {
  const clock = testClock('2026-03-02T09:00:00.000Z');
  let app: OpenApp;
  let hearth: FastifyInstance;
  let hearthUrl: string;
  let site: Server;
  let siteUrl: string;
  let otherSite: Server;
  let otherSiteUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let admin: { authorization: string };
  let siteKey: SiteKeyJson;

  const makeKey = async (body: Record<string, unknown>) => {
    const response = await hearth.inject({
      method: 'POST',
      url: '/api/v1/integrations/sites',
      headers: admin,
      payload: { name: 'Acme', allowedOrigins: [siteUrl], captureForms: true, ...body },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as SiteKeyJson;
  };
  const db = () => app.database.db;
  const visitorCount = async () =>
    Number(
      (
        await db()
          .selectFrom('tracker_visitors')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const keptEvents = async () =>
    Number(
      (
        await db()
          .selectFrom('tracker_visitor_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  async function until(check: () => Promise<boolean>, what: string) {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  /** The status of the page's /t/config request, or 'failed' when CORS refused it (a 403 without CORS headers). */
  const configOutcome = (page: Page) =>
    new Promise<number | 'failed'>((resolve) => {
      const isConfig = (url: string) => url.startsWith(`${hearthUrl}/t/config`);
      page.on('response', (r) => isConfig(r.url()) && resolve(r.status()));
      page.on('requestfailed', (r) => isConfig(r.url()) && resolve('failed'));
    });
  /** Opens a page and notes every request it makes to the collect endpoint. */
  async function open(url: string): Promise<{ page: Page; collects: string[] }> {
    const page = await context.newPage();
    const collects: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${hearthUrl}/t/collect`)) collects.push(request.postData() ?? '');
    });
    const config = configOutcome(page);
    await page.goto(url);
    await config;
    return { page, collects };
  }

  beforeAll(async () => {
    app = await openApp(loadConfig({ HEARTH_DB_POOL_SIZE: '4' }), {
      clock,
      target: { kind: 'embedded', dataDir: null },
    });
    hearth = await testServer(app);
    hearthUrl = await hearth.listen({ port: 0, host: '127.0.0.1' });
    admin = await bearer(app, 'admin');
    site = siteServer(hearthUrl, () => siteKey.key);
    siteUrl = await listen(site);
    otherSite = siteServer(hearthUrl, () => siteKey.key);
    otherSiteUrl = await listen(otherSite);
    siteKey = await makeKey({});
    browser = await launchChromium();
    // A person's Chromium: the headless one names itself HeadlessChrome, which isbot calls a bot.
    context = await browser.newContext({ userAgent: BROWSER_UA });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await new Promise((resolve) => otherSite?.close(resolve));
    await hearth?.close();
    await app?.close();
  });

  it('keeps an anonymous visitor’s three page views and makes them the lead’s, at their times, on a form', async () => {
    const times: number[] = [];
    for (const [i, path] of ['/?utm_source=e2e&utm_campaign=launch', '/features', '/pricing'].entries()) {
      if (i > 0) clock.advance(5 * MINUTE);
      times.push(clock().getTime());
      const { page } = await open(`${siteUrl}${path}`);
      await until(async () => (await keptEvents()) >= i + 1, `page view ${i + 1}`);
      if (i < 2) await page.close();
    }
    clock.advance(5 * MINUTE);
    const pricing = context.pages().at(-1) as Page;
    await pricing.getByLabel('Name').fill('Fox Mulder');
    await pricing.getByLabel('Work email').fill('fox@acme.test');
    await pricing.getByLabel('Password').fill('trustno1');
    await pricing.getByLabel('Card').fill('4242424242424242');
    await pricing.getByRole('button', { name: 'Talk to sales' }).click();
    await until(async () => (await app.ctx.store.leads.byEmail('fox@acme.test')) !== undefined, 'the lead');
    const lead = await app.ctx.store.leads.byEmail('fox@acme.test');
    await until(
      async () => (await app.ctx.store.events.forLead(lead?.id as string, { limit: 10 })).length === 5,
      'events',
    );
    expect(lead).toMatchObject({ name: 'Fox Mulder', source: 'e2e', attributes: { campaign: 'launch' } });

    const events = (await app.ctx.store.events.forLead(lead?.id as string, { limit: 10 })).reverse();
    // At their own times (less the few hundred ms the tracker batches for), not the form's.
    events.slice(0, 3).forEach((event, i) => {
      const offset = (times[i] as number) - event.occurredAt.getTime();
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(10_000);
    });
    expect(events.slice(0, 3).map((e) => [e.type, e.properties.path])).toEqual([
      ['page_view', '/'],
      ['page_view', '/features'],
      ['page_view', '/pricing'],
    ]);
    // The form, and the thank-you page's view after it, which went straight to the lead.
    const form = events.find((e) => e.type === 'form_submit');
    expect(form?.properties.fields).toEqual({ name: 'Fox Mulder', work_email: 'fox@acme.test' });
    expect(events.slice(3).find((e) => e.type === 'page_view')?.properties.path).toBe('/thanks');
    expect(await keptEvents()).toBe(0);
    const scored = await hearth.inject({ method: 'GET', url: `/api/v1/leads/${lead?.id}`, headers: admin });
    expect(scored.json().interest).toBeGreaterThan(0);
  });

  it('stores nothing from a page on an origin the key does not allow', async () => {
    const before = await visitorCount();
    const { page, collects } = await open(`${otherSiteUrl}/`);
    expect(await storedVisitorId(page)).toBeNull();
    expect(collects).toEqual([]);
    // A hand-made request from that page is refused too.
    const status = await page
      .evaluate(
        async ([url, key]) =>
          (
            await fetch(`${url}/t/collect`, {
              method: 'POST',
              body: JSON.stringify({
                v: 1,
                siteKey: key,
                visitorId: 'abcdefghijklmnopqrstuv',
                sentAt: Date.now(),
                events: [],
              }),
            })
          ).status,
        [hearthUrl, siteKey.key],
      )
      .catch(() => 'blocked');
    expect(['blocked', 403]).toContain(status);
    await page.close({ runBeforeUnload: true });
    expect(collects).toHaveLength(1);
    expect(await visitorCount()).toBe(before);
  });

  it('stores nothing with a revoked key', async () => {
    const revoked = await makeKey({ name: 'Old site' });
    const done = await hearth.inject({
      method: 'DELETE',
      url: `/api/v1/integrations/sites/${revoked.id}`,
      headers: admin,
    });
    expect(done.statusCode).toBe(204);
    const before = await visitorCount();
    const fresh = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await fresh.newPage();
    const collects: string[] = [];
    page.on('request', (r) => r.url().startsWith(`${hearthUrl}/t/collect`) && collects.push(r.url()));
    const config = configOutcome(page);
    await page.goto(`${siteUrl}/?key=${revoked.key}`);
    expect([403, 'failed']).toContain(await config);
    await page.close({ runBeforeUnload: true });
    await fresh.close();
    expect(collects).toEqual([]);
    expect(await visitorCount()).toBe(before);
  });

  it('stores nothing until consent when the key requires it', async () => {
    const strict = await makeKey({ name: 'Strict site', requireConsent: true });
    const before = await visitorCount();
    const fresh = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await fresh.newPage();
    const collects: string[] = [];
    page.on('request', (r) => r.url().startsWith(`${hearthUrl}/t/collect`) && collects.push(r.url()));
    const config = configOutcome(page);
    await page.goto(`${siteUrl}/?key=${strict.key}`);
    expect(await config).toBe(200);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).hearth('track', 'pricing_view'));
    // Leaving the page flushes whatever the tracker would send.
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).document.dispatchEvent(
        new (globalThis as unknown as PageGlobals).Event('visibilitychange'),
      ),
    );
    expect(await storedVisitorId(page)).toBeNull();
    expect(collects).toEqual([]);
    expect(await visitorCount()).toBe(before);

    // The same page, once the person consents: then (and only then) the held events go out.
    const sent = page.waitForRequest((r) => r.url().startsWith(`${hearthUrl}/t/collect`));
    await page.evaluate(() => (globalThis as unknown as PageGlobals).hearth('consent', true));
    await sent;
    await until(async () => (await visitorCount()) === before + 1, 'the consenting visitor');
    await fresh.close();
  });
});
