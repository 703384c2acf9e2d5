import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { attachVisitorToLead } from '../../src/app/tracking/identify.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import { leadOf } from './hooks-helpers.js';
import {
  batch,
  collect,
  createSiteKey,
  newEventId,
  newVisitorId,
  pageView,
  SITE,
} from './tracker-helpers.js';

const MINUTE = 60_000;
// The browser's clock is an hour and a bit ahead of the server's: times are corrected by the
// batch's sentAt, never taken as they are.
const SKEW = 61 * MINUTE + 17;

describeEachDatabase('website tracker: identify', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let siteKey: string;
  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    siteKey = (await createSiteKey(server, admin, { captureForms: true })).key;
  });
  const browserNow = () => new Date(env.clock().getTime() + SKEW);
  const send = async (vid: string, events: ReturnType<typeof pageView>[], extra = {}) => {
    const response = await collect(server, batch(siteKey, vid, events, extra));
    expect(response.statusCode, response.body).toBe(200);
    return json<{ outcome: string; stored: number; duplicates: number }>(response);
  };
  const leadByEmail = (email: string) => env.app.ctx.store.leads.byEmail(email);

  /** Three page views five minutes apart, then a form with the email five minutes later. */
  async function anonymousVisitThenForm(vid: string, email: string, firstUrl: string) {
    const start = env.clock().getTime();
    await send(vid, [pageView(browserNow(), firstUrl)]);
    env.clock.advance(5 * MINUTE);
    await send(vid, [pageView(browserNow(), `${SITE}/features`)]);
    env.clock.advance(5 * MINUTE);
    await send(vid, [pageView(browserNow(), `${SITE}/pricing`)]);
    env.clock.advance(5 * MINUTE);
    const form = {
      id: newEventId(),
      type: 'form_submit',
      at: browserNow().getTime(),
      properties: { form: 'contact', fields: { email, message: 'Call me', password: 'hunter2' } },
    };
    await send(vid, [form], { identify: { email, name: 'Dana Scully' } });
    return [0, 5, 10, 15].map((m) => new Date(start + m * MINUTE).toISOString());
  }

  it('turns the anonymous history into the lead’s events at their original times, scored as if sent with the email', async () => {
    env.clock.set('2026-03-02T09:00:00.000Z');
    const vid = newVisitorId();
    const email = uniqueEmail('tracked');
    const times = await anonymousVisitThenForm(
      vid,
      email,
      `${SITE}/?utm_source=ads&utm_campaign=Spring%20sale`,
    );

    const lead = await leadByEmail(email);
    expect(lead).toMatchObject({
      name: 'Dana Scully',
      source: 'ads',
      attributes: { campaign: 'Spring sale' },
    });
    const { events, explanation } = await leadOf(server, admin, lead?.id as string);
    expect(events.map((e) => [e.type, e.occurredAt]).reverse()).toEqual([
      ['page_view', times[0]],
      ['page_view', times[1]],
      ['page_view', times[2]],
      ['form_submit', times[3]],
    ]);
    const form = events.find((e) => e.type === 'form_submit');
    expect(form?.properties.fields).toEqual({ email, message: 'Call me' });
    expect(await env.app.ctx.store.tracking.visitorEvents(vid)).toEqual([]);

    // The same events sent with the email through the events API, to another lead.
    const twin = uniqueEmail('twin');
    const direct = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: [...events].reverse().map((e) => ({
        type: e.type,
        email: twin,
        occurredAt: e.occurredAt,
        properties: e.properties,
      })),
    });
    expect(direct.statusCode, direct.body).toBeLessThan(300);
    const twinLead = await leadOf(server, admin, (await leadByEmail(twin))?.id as string);
    expect(explanation.interest.score).toBeGreaterThan(0);
    // Equal but for the ids of the events each contribution came from.
    const withoutIds = (interest: unknown) =>
      JSON.parse(JSON.stringify(interest).replace(/"eventId":\d+/g, '"eventId":0'));
    expect(withoutIds(explanation.interest)).toEqual(withoutIds(twinLead.explanation.interest));
    expect(twinLead.lead.interest).toBe(
      json<{ interest: number }>(
        await server.inject({ method: 'GET', url: `/api/v1/leads/${lead?.id}`, headers: admin }),
      ).interest,
    );
    expect(lead?.id).not.toBe(twinLead.lead.id);
  });

  it('sends a known visitor’s later visits straight to the lead; a retried beacon is a duplicate', async () => {
    const vid = newVisitorId();
    const email = uniqueEmail('returning');
    const first = pageView(browserNow(), `${SITE}/`);
    await send(vid, [first]);
    await send(vid, [], { identify: { email } });
    const lead = await leadByEmail(email);
    expect(lead?.source).toBe('website');
    env.clock.advance(MINUTE);
    expect(await send(vid, [pageView(browserNow(), `${SITE}/blog`)])).toMatchObject({ stored: 1 });
    expect(await send(vid, [first])).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await env.app.ctx.store.tracking.visitorEvents(vid)).toEqual([]);
    const { events } = await leadOf(server, admin, lead?.id as string);
    expect(events.map((e) => e.properties.path)).toEqual(['/blog', '/']);
  });

  it('merges a second device identifying with the same email into the same lead', async () => {
    const email = uniqueEmail('two-devices');
    const laptop = newVisitorId();
    const phone = newVisitorId();
    await anonymousVisitThenForm(laptop, email, `${SITE}/?utm_source=newsletter`);
    await send(phone, [pageView(browserNow(), `${SITE}/case-studies?utm_source=ads`)]);
    env.clock.advance(MINUTE);
    await send(phone, [], { identify: { email: email.toUpperCase(), company: 'FBI' } });
    const lead = await leadByEmail(email);
    // First touch stays the first device's; a field the lead lacked is filled in.
    expect(lead).toMatchObject({ source: 'newsletter', company: 'FBI', name: 'Dana Scully' });
    const { events } = await leadOf(server, admin, lead?.id as string);
    expect(events).toHaveLength(5);
    const visitors = await env.app.ctx.store.tracking.visitorsOfLead(lead?.id as string);
    expect(visitors.map((v) => v.id).sort()).toEqual([laptop, phone].sort());
  });

  it('attachVisitorToLead: garbage and unknown visitors are a no-op; a known one is replayed once', async () => {
    const ctx = env.app.ctx;
    const email = uniqueEmail('form');
    const made = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email },
    });
    const leadId = json<{ id: string }>(made).id;
    for (const garbage of [
      undefined,
      42,
      '',
      'short',
      'x'.repeat(65),
      'bad id with spaces!!',
      newVisitorId(),
    ]) {
      expect(await attachVisitorToLead(ctx, { visitorId: garbage, leadId })).toEqual({
        attached: false,
        replayed: 0,
        duplicates: 0,
      });
    }
    const vid = newVisitorId();
    await send(vid, [pageView(browserNow(), `${SITE}/a`), pageView(browserNow(), `${SITE}/b`)]);
    expect(await attachVisitorToLead(ctx, { visitorId: vid, leadId })).toEqual({
      attached: true,
      replayed: 2,
      duplicates: 0,
    });
    expect(await attachVisitorToLead(ctx, { visitorId: vid, leadId })).toEqual({
      attached: true,
      replayed: 0,
      duplicates: 0,
    });
    await expect(
      attachVisitorToLead(ctx, { visitorId: vid, leadId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('exports a lead’s visitors, and erasing the lead erases them and their history', async () => {
    const email = uniqueEmail('erased');
    const vid = newVisitorId();
    await anonymousVisitThenForm(vid, email, `${SITE}/`);
    const leadId = (await leadByEmail(email))?.id as string;
    const exported = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${leadId}/export`,
      headers: admin,
    });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(json<{ trackerVisitors: { id: string }[] }>(exported).trackerVisitors.map((v) => v.id)).toEqual([
      vid,
    ]);

    const erased = await server.inject({ method: 'DELETE', url: `/api/v1/leads/${leadId}`, headers: admin });
    expect(erased.statusCode, erased.body).toBe(204);
    expect(await env.app.ctx.store.tracking.visitor(vid)).toBeUndefined();
    expect(await env.app.ctx.store.tracking.visitorEvents(vid)).toEqual([]);
    // The same browser coming back is a new, anonymous visitor.
    await send(vid, [pageView(browserNow(), `${SITE}/again`)]);
    expect((await env.app.ctx.store.tracking.visitor(vid))?.leadId).toBeNull();
  });
});
