import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { publishModel, runPublishJob } from '../../src/app/scoring/model-lifecycle.js';
import { ecommerceModel } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-06-15T12:00:00Z');
const at = (days: number, hours = 0) => new Date(NOW + days * DAY + hours * HOUR).toISOString();

// The two online-shop seeds, through the API on each database, with the ecommerce preset
// published as the active model (the domain suite checks the same stories without storage).
describeEachDatabase(
  'the ecommerce preset through the API',
  (env) => {
    let server: FastifyInstance;
    let ingest: { authorization: string };
    let admin: { authorization: string };

    beforeAll(async () => {
      server = await testServer(env.app);
      ingest = await bearer(env.app, 'ingest');
      admin = await bearer(env.app, 'admin');
      const { job } = await publishModel(env.app.ctx, adminActor, { ...ecommerceModel, version: 2 });
      await runPublishJob(env.app.ctx, job.id);
    });

    const post = async (email: string, events: [string, string, Record<string, unknown>?][]) => {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: ingest,
        payload: events.map(([type, occurredAt, properties]) => ({ type, email, occurredAt, properties })),
      });
      expect(response.statusCode, response.body).toBe(200);
      return json<{ results: { leadId: string }[] }>(response).results[0]?.leadId as string;
    };
    const temperature = async (id: string) =>
      json<{ temperature: string; modelVersion: number }>(
        await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }),
      );

    it('makes a shopper hot who visited several times this week, viewed products, added to cart, installed the app, subscribed and followed', async () => {
      const id = await post(uniqueEmail('shopper'), [
        ['page_view', at(-6), { url: '/' }],
        ['page_view', at(-6, 0.1), { url: '/products/linen-shirt' }],
        ['page_view', at(-3), { url: '/collections/summer' }],
        ['page_view', at(-3, 0.1), { url: '/products/linen-trousers' }],
        ['page_view', at(-3, 0.2), { url: '/products/straw-hat' }],
        ['newsletter_signup', at(-3, 0.3)],
        ['social_follow', at(-2), { network: 'instagram' }],
        ['app_install', at(-1), { platform: 'ios' }],
        ['page_view', at(0), { url: '/products/linen-shirt' }],
        ['cart_add', at(0, 0.1), { sku: 'LS-42', value: 59 }],
      ]);
      expect(await temperature(id)).toMatchObject({ temperature: 'hot', modelVersion: 2 });
    });

    it('makes a returning customer hot who opens and clicks launch emails and completes a survey about a new line', async () => {
      const launch = (days: number, email: string): [string, string, Record<string, unknown>][] => [
        ['email_open', at(days), { email }],
        ['email_click', at(days, 0.05), { email, url: '/products/ceramics-line' }],
        ['page_view', at(days, 0.06), { url: '/products/ceramics-line' }],
      ];
      const customer = uniqueEmail('customer');
      const id = await post(customer, [['purchase', at(-200), { order: 'A-1009', value: 140 }]]);
      expect((await temperature(id)).temperature).not.toBe('hot');
      await post(customer, [
        ...launch(-6, 'launch-teaser'),
        ...launch(-3, 'launch-day'),
        ...launch(-1, 'launch-reminder'),
        ['survey_response', at(0), { survey: 'ceramics line', answers: { interest: 'very' } }],
      ]);
      expect(await temperature(id)).toMatchObject({ temperature: 'hot', modelVersion: 2 });
    });
  },
  { clock: new Date(NOW + HOUR).toISOString() },
);
