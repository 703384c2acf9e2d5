import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer } from '../support/http.js';
import { batch, collect, createSiteKey, newVisitorId, pageView, SITE } from './tracker-helpers.js';

describeEachDatabase('website tracker: collect', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });
  const kept = (visitorId: string) => env.app.ctx.store.tracking.visitorEvents(visitorId);

  it('keeps an anonymous visitor’s page view, once', async () => {
    const key = await createSiteKey(server, admin);
    const vid = newVisitorId();
    const body = batch(key.key, vid, [pageView(env.clock(), `${SITE}/pricing?utm_source=ads`)]);
    const first = await collect(server, body);
    expect(first.statusCode, first.body).toBe(200);
    expect(json(first)).toEqual({ outcome: 'stored', stored: 1, duplicates: 0, dropped: 0 });
    expect(first.headers['access-control-allow-origin']).toBe(SITE);
    const again = await collect(server, body);
    expect(json(again)).toEqual({ outcome: 'stored', stored: 0, duplicates: 1, dropped: 0 });
    const events = await kept(vid);
    expect(events).toHaveLength(1);
    expect(events[0]?.properties).toMatchObject({ path: '/pricing', utm_source: 'ads' });
  });
});
