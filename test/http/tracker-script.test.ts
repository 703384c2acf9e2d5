import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { COLLECT_BODY_LIMIT } from '../../src/app/tracking/collect-schemas.js';
import { TRACKER_SOURCE } from '../../src/http/routes/tracker-routes.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import { leadOf } from './hooks-helpers.js';
import { collect, createSiteKey, SITE } from './tracker-helpers.js';

// tracker/t.js run as is in a VM context with the little of a DOM it touches: its config comes
// from, and its beacons go to, a real Hearth (by inject). Cheaper than a browser for what a page
// sends; test/e2e/tracker.e2e.ts covers Chromium.
const HEARTH = 'https://hearth.example';
const source = readFileSync(TRACKER_SOURCE, 'utf8');

class Input {
  name = '';
  id = '';
  type = 'text';
  value = '';
  checked = false;
  disabled = false;
  autocomplete = '';
  form: Form | null = null;
  remove() {
    if (this.form) this.form.elements = this.form.elements.filter((el) => el !== this);
  }
}

class Form {
  readonly tagName = 'FORM';
  elements: Input[] = [];
  constructor(
    readonly id: string,
    private readonly action: string,
  ) {}
  getAttribute(name: string) {
    return name === 'action' ? this.action : null;
  }
  querySelector(selector: string) {
    const name = /^input\[name="(.+)"\]$/.exec(selector)?.[1];
    return this.elements.find((el) => el.name === name) ?? null;
  }
  appendChild(el: Input) {
    el.form = this;
    this.elements.push(el);
  }
  field(name: string, value: string, type = 'text') {
    const el = Object.assign(new Input(), { name, value, type });
    this.appendChild(el);
    return this;
  }
  hidden(name: string) {
    return this.querySelector(`input[name="${name}"]`)?.value;
  }
}

/** A page of SITE with the tracker for `siteKey`; `beacons` are the bodies it sent. */
function page(server: FastifyInstance, siteKey: string, forms: Form[]) {
  const beacons: string[] = [];
  const listeners: Record<string, ((event: unknown) => void)[]> = {};
  const on = (type: string, listener: (event: unknown) => void) => {
    listeners[type] = [...(listeners[type] ?? []), listener];
  };
  const storage = new Map<string, string>();
  let configured: Promise<unknown> = Promise.resolve();
  const url = `${SITE}/pricing`;
  const context: Record<string, unknown> = {
    location: { href: url, origin: SITE },
    localStorage: {
      getItem: (name: string) => storage.get(name) ?? null,
      setItem: (name: string, value: string) => storage.set(name, value),
      removeItem: (name: string) => storage.delete(name),
    },
    navigator: {
      sendBeacon: (_url: string, body: string) => beacons.push(body) > 0,
    },
    document: {
      currentScript: {
        src: `${HEARTH}/t.js`,
        getAttribute: (name: string) => (name === 'data-site-key' ? siteKey : null),
      },
      cookie: '',
      forms,
      title: 'Pricing',
      referrer: '',
      readyState: 'complete',
      visibilityState: 'visible',
      createElement: () => new Input(),
      addEventListener: on,
    },
    addEventListener: on,
    fetch: (target: string) => {
      const response = server.inject({
        method: 'GET',
        url: target.slice(HEARTH.length),
        headers: { origin: SITE },
      });
      configured = response;
      return response.then((r) => ({ ok: r.statusCode === 200, json: async () => r.json() }));
    },
    crypto: webcrypto,
    performance: { timeOrigin: Date.now() },
    setTimeout,
    clearTimeout,
    btoa,
    URL,
    TextEncoder,
  };
  context.window = context;
  vm.runInNewContext(source, context);
  const hearth = (...args: unknown[]) => (context.hearth as (...a: unknown[]) => void)(...args);
  return {
    beacons,
    storage,
    hearth,
    /** Waits for the config answer and what the script does with it. */
    ready: async () => {
      await configured;
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    fire: (type: string, event: unknown = {}) => {
      for (const listener of listeners[type] ?? []) listener(event);
    },
  };
}

describeEachDatabase('website tracker: the script in a page', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app, { HEARTH_TRACKER_VISITOR_RATE_LIMIT: '0' });
    admin = await bearer(env.app, 'admin');
  });

  it('takes the visitor id out of hosted forms when consent is withdrawn', async () => {
    const key = await createSiteKey(server, admin, { requireConsent: true });
    const hosted = new Form('signup', `${HEARTH}/f/demo-request`);
    const tab = page(server, key.key, [hosted]);
    await tab.ready();
    expect(hosted.hidden('hearth_ts')).toMatch(/^\d+$/);
    expect(hosted.hidden('hearth_vid')).toBeUndefined();
    tab.hearth('consent', true);
    const vid = tab.storage.get('hearth_vid');
    expect(vid).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(hosted.hidden('hearth_vid')).toBe(vid);
    tab.hearth('consent', false);
    expect(tab.storage.get('hearth_vid')).toBeUndefined();
    expect(hosted.hidden('hearth_vid')).toBeUndefined();
    // A submit after withdrawal (markForm runs again) still carries no id.
    tab.fire('submit', { target: hosted });
    expect(hosted.hidden('hearth_vid')).toBeUndefined();
  });

  it('splits what it sends by size, so that a large captured form and big events all arrive', async () => {
    const key = await createSiteKey(server, admin, { captureForms: true });
    const email = uniqueEmail('big-form');
    const contact = new Form('contact', '/thanks').field('work_email', email, 'email');
    // 40 fields of 500 two-byte characters: 40 kB of UTF-8 if sent as typed.
    for (let i = 0; i < 40; i++) contact.field(`question_${i}`, 'é'.repeat(500));
    const tab = page(server, key.key, [contact]);
    await tab.ready();
    for (let i = 0; i < 12; i++) tab.hearth('track', 'read_article', { excerpt: 'x'.repeat(3000), i });
    tab.fire('submit', { target: contact });

    expect(tab.beacons.length).toBeGreaterThan(2);
    const bodies = tab.beacons.map((b) => JSON.parse(b) as { events: unknown[]; identify?: unknown });
    const identifying = bodies.filter((b) => b.identify !== undefined);
    expect(identifying).toHaveLength(1);
    expect(identifying[0]?.events).toEqual([]);
    let stored = 0;
    for (const beacon of tab.beacons) {
      expect(Buffer.byteLength(beacon)).toBeLessThanOrEqual(COLLECT_BODY_LIMIT);
      const response = await collect(server, beacon);
      expect(response.statusCode, response.body).toBe(200);
      stored += json<{ stored: number }>(response).stored;
    }
    expect(stored).toBe(14); // the page view, 12 tracked events, the form

    const lead = await env.app.ctx.store.leads.byEmail(email);
    const { events } = await leadOf(server, admin, lead?.id as string);
    expect(events).toHaveLength(14);
    const form = events.find((e) => e.type === 'form_submit');
    const fields = form?.properties.fields as Record<string, string>;
    expect(fields.work_email).toBe(email);
    // Fields past the tracker's budget are left out, not the form.
    expect(Object.keys(fields).length).toBeGreaterThan(5);
    expect(Object.keys(fields).length).toBeLessThan(41);
  });
});
