import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { deliverWebhooks } from '../../src/app/webhooks/webhook-delivery.js';
import { deleteWebhook, listWebhooks } from '../../src/app/webhooks/webhook-service.js';
import type { SignalType } from '../../src/domain/desk/signal.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

interface WebhookJson {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  deletedAt: string | null;
}
interface DeliveryJson {
  id: number;
  state: string;
  attemptCount: number;
  lastStatus: number | null;
  nextAttemptAt: string | null;
  attempts: { statusCode: number | null; error: string | null; attemptedAt: string; durationMs: number }[];
}
interface Problem {
  path: string;
  message: string;
}

describeEachDatabase('the webhooks API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let receiver: Server;
  let receiverUrl: string;
  // What the receiver answers next; the last status repeats.
  let statuses: number[] = [200];
  let received = 0;

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.statusCode = statuses.length > 1 ? (statuses.shift() as number) : (statuses[0] ?? 200);
        received += 1;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hearth`;
  });
  // Each test starts with no subscription, so that none receives another test's signals.
  afterEach(async () => {
    for (const webhook of await listWebhooks(env.app.ctx))
      await deleteWebhook(env.app.ctx, adminActor, webhook.id);
  });
  afterAll(async () => {
    await server.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const create = (payload: unknown, headers = admin) =>
    server.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: payload as object });
  const deliveries = async (id: string, query = '') =>
    json<{ data: DeliveryJson[]; nextCursor: string | null }>(
      await server.inject({
        method: 'GET',
        url: `/api/v1/webhooks/${id}/deliveries${query}`,
        headers: admin,
      }),
    );
  async function signalFor(type: SignalType) {
    const lead = json<{ id: string }>(
      await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: { email: uniqueEmail('api-hook'), name: 'Hook Lead' },
      }),
    );
    const now = env.clock();
    await env.app.ctx.store.transaction((tx) =>
      tx.signals.emit([{ type, leadId: lead.id, payload: { leadId: lead.id }, occurredAt: now }], now),
    );
    await runDeskWork(env.app.ctx);
  }

  it('creates a subscription, shows the secret once and never again', async () => {
    const response = await create({
      url: receiverUrl,
      events: ['lead.created', 'sla.breached'],
      description: 'CRM',
    });
    expect(response.statusCode).toBe(201);
    const { secret, webhook } = json<{ secret: string; webhook: WebhookJson }>(response);
    expect(secret).toMatch(/^whsec_.{40,}$/);
    expect(webhook).toMatchObject({
      url: receiverUrl,
      events: ['lead.created', 'sla.breached'],
      active: true,
    });

    const list = await server.inject({ method: 'GET', url: '/api/v1/webhooks', headers: admin });
    const one = await server.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}`, headers: admin });
    expect(json<{ data: WebhookJson[] }>(list).data.map((w) => w.id)).toContain(webhook.id);
    expect(json<WebhookJson>(one).id).toBe(webhook.id);
    for (const body of [list.body, one.body]) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain('secret');
    }
  });

  it('answers 400 naming the field for a bad URL, unknown events or unknown fields', async () => {
    const problems = async (payload: unknown) => {
      const response = await create(payload);
      expect(response.statusCode).toBe(400);
      return json<{ error: { code: string; details: { problems: Problem[] } } }>(response).error.details
        .problems;
    };
    expect(await problems({ url: 'ftp://example.com/x', events: ['lead.created'] })).toEqual([
      { path: 'body.url', message: 'must use http or https' },
    ]);
    expect((await problems({ url: 'not a url', events: ['lead.created'] }))[0]?.path).toBe('body.url');
    expect((await problems({ url: 'https://u:p@example.com/', events: ['lead.created'] }))[0]?.path).toBe(
      'body.url',
    );
    const unknownEvent = await problems({ url: receiverUrl, events: ['lead.created', 'lead.exploded'] });
    expect(unknownEvent[0]?.path).toBe('body.events[1]');
    expect(unknownEvent[0]?.message).toContain('lead.temperature_changed');
    expect((await problems({ url: receiverUrl, events: [] }))[0]?.path).toBe('body.events');
    expect((await problems({ events: ['lead.created'] }))[0]).toEqual({
      path: 'body.url',
      message: 'is required',
    });
    expect((await problems({ url: receiverUrl, events: ['lead.created'], secret: 'x' }))[0]?.path).toBe(
      'body.secret',
    );
    const notFound = await server.inject({
      method: 'GET',
      url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000',
      headers: admin,
    });
    expect(notFound.statusCode).toBe(404);
  });

  it('is for admins only: other keys get 403, no key 401', async () => {
    const { webhook } = json<{ webhook: WebhookJson }>(
      await create({ url: receiverUrl, events: ['task.created'] }),
    );
    for (const role of ['manager', 'rep', 'ingest'] as const) {
      const headers = await bearer(env.app, role);
      const requests = [
        server.inject({ method: 'GET', url: '/api/v1/webhooks', headers }),
        create({ url: receiverUrl, events: ['task.created'] }, headers),
        server.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}`, headers }),
        server.inject({ method: 'DELETE', url: `/api/v1/webhooks/${webhook.id}`, headers }),
        server.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}/deliveries`, headers }),
        server.inject({ method: 'POST', url: `/api/v1/webhooks/${webhook.id}/deliveries/1/retry`, headers }),
      ];
      for (const response of await Promise.all(requests)) expect(response.statusCode, role).toBe(403);
    }
    const anonymous = await server.inject({ method: 'GET', url: '/api/v1/webhooks' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('shows each delivery with its attempts and status codes, a page at a time', async () => {
    const { webhook } = json<{ webhook: WebhookJson }>(
      await create({ url: receiverUrl, events: ['lead.status_changed'] }),
    );
    statuses = [503, 200];
    await signalFor('lead.status_changed');
    await deliverWebhooks(env.app.ctx, { random: () => 0 });
    env.clock.advance(60_000);
    await deliverWebhooks(env.app.ctx, { random: () => 0 });
    await signalFor('lead.status_changed');
    await deliverWebhooks(env.app.ctx);

    const all = await deliveries(webhook.id);
    expect(all.data).toHaveLength(2);
    const [newest, oldest] = all.data;
    expect(oldest).toMatchObject({ state: 'delivered', attemptCount: 2, lastStatus: 200 });
    expect(oldest?.attempts.map((a) => [a.statusCode, a.error])).toEqual([
      [503, 'HTTP 503'],
      [200, null],
    ]);
    expect(newest?.attempts.map((a) => a.statusCode)).toEqual([200]);

    const first = await deliveries(webhook.id, '?limit=1');
    expect(first.data.map((d) => d.id)).toEqual([newest?.id]);
    const second = await deliveries(webhook.id, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.data.map((d) => d.id)).toEqual([oldest?.id]);
    expect(second.nextCursor).toBeNull();
    expect((await deliveries(webhook.id, '?state=failed')).data).toEqual([]);
    const badCursor = await server.inject({
      method: 'GET',
      url: `/api/v1/webhooks/${webhook.id}/deliveries?cursor=nope`,
      headers: admin,
    });
    expect(badCursor.statusCode).toBe(400);
  });

  it('re-queues a failed delivery, which is then delivered; a waiting one is sent now; a delivered one is refused', async () => {
    const { webhook } = json<{ webhook: WebhookJson }>(
      await create({ url: receiverUrl, events: ['task.overdue'] }),
    );
    statuses = [500];
    await signalFor('task.overdue');
    await deliverWebhooks(env.app.ctx);
    const [pending] = (await deliveries(webhook.id)).data;
    const retry = (id: number | undefined) =>
      server.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${webhook.id}/deliveries/${id}/retry`,
        headers: admin,
      });
    // Pending after a failed attempt: "retry" skips the backoff, due now.
    expect(pending).toMatchObject({ state: 'pending', attemptCount: 1 });
    const now = await retry(pending?.id);
    expect(now.statusCode).toBe(200);
    expect(json<DeliveryJson>(now)).toMatchObject({
      state: 'pending',
      nextAttemptAt: env.clock().toISOString(),
    });
    await deliverWebhooks(env.app.ctx);
    expect((await deliveries(webhook.id)).data[0]).toMatchObject({ state: 'pending', attemptCount: 2 });

    env.clock.advance(3 * 24 * 3_600_000);
    await deliverWebhooks(env.app.ctx);
    expect((await deliveries(webhook.id)).data[0]).toMatchObject({ state: 'failed', lastStatus: 500 });

    const requeued = await retry(pending?.id);
    expect(requeued.statusCode).toBe(200);
    expect(json<DeliveryJson>(requeued).state).toBe('pending');
    statuses = [200];
    const before = received;
    await deliverWebhooks(env.app.ctx);
    expect(received).toBe(before + 1);
    expect((await deliveries(webhook.id)).data[0]).toMatchObject({ state: 'delivered', lastStatus: 200 });
    expect((await retry(pending?.id)).statusCode).toBe(409);
    expect((await retry(999_999_999)).statusCode).toBe(404);
  });

  it('deletes a subscription: nothing more is sent, the log stays readable', async () => {
    const { webhook } = json<{ webhook: WebhookJson }>(
      await create({ url: receiverUrl, events: ['lead.temperature_changed'] }),
    );
    statuses = [500];
    await signalFor('lead.temperature_changed');
    await deliverWebhooks(env.app.ctx);

    const deleted = await server.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${webhook.id}`,
      headers: admin,
    });
    expect(deleted.statusCode).toBe(204);
    const list = json<{ data: WebhookJson[] }>(
      await server.inject({ method: 'GET', url: '/api/v1/webhooks', headers: admin }),
    );
    expect(list.data.map((w) => w.id)).not.toContain(webhook.id);
    const shown = json<WebhookJson>(
      await server.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}`, headers: admin }),
    );
    expect(shown).toMatchObject({ active: false, deletedAt: expect.any(String) });
    const [given] = (await deliveries(webhook.id)).data;
    expect(given).toMatchObject({ state: 'failed', attemptCount: 1 });

    const before = received;
    env.clock.advance(3_600_000);
    await signalFor('lead.temperature_changed');
    await deliverWebhooks(env.app.ctx);
    expect(received).toBe(before);
    expect((await deliveries(webhook.id)).data).toHaveLength(1);
    const again = await server.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${webhook.id}`,
      headers: admin,
    });
    expect(again.statusCode).toBe(404);
  });
});
