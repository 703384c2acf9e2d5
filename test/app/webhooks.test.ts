import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { recordOutcome } from '../../src/app/desk/outcomes.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { eraseLead, upsertLead } from '../../src/app/leads/lead-service.js';
import { deliverWebhooks } from '../../src/app/webhooks/webhook-delivery.js';
import { createWebhook, deleteWebhook } from '../../src/app/webhooks/webhook-service.js';
import type { SignalType } from '../../src/domain/desk/signal.js';
import type { WebhookBody } from '../../src/domain/desk/webhook.js';
import { giveUpAt, nextAttemptAt, RETRY_WINDOW_MS } from '../../src/domain/desk/webhook-retry.js';
import { scheduleWebhookDelivery } from '../../src/jobs/webhook-delivery.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const HOUR = 3_600_000;

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: WebhookBody;
}

/** A real HTTP receiver on 127.0.0.1 answering each request with the next status of `statuses` (then the last). */
async function receiver(statuses: number[] = [200], port = 0) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, raw, body: JSON.parse(raw) as WebhookBody });
      response.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    port: address.port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function verify(secret: string, message: Received): boolean {
  const header = String(message.headers['hearth-signature']);
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${message.raw}`).digest('hex');
  return expected === match[2];
}

const maxJitter = () => 0.999_999;

describe('the webhook retry schedule', () => {
  it('backs off exponentially within the jitter bound and never past the deadline', () => {
    const queued = new Date('2026-03-02T09:00:00Z');
    const deadline = giveUpAt(queued);
    const first = nextAttemptAt(1, queued, deadline, maxJitter);
    const fifth = nextAttemptAt(5, queued, deadline, maxJitter);
    expect(first && first.getTime() - queued.getTime()).toBeLessThanOrEqual(35_000);
    expect(fifth && fifth.getTime() - queued.getTime()).toBeGreaterThan(8 * 60_000);
    const late = new Date(deadline.getTime() - 1_000);
    expect(nextAttemptAt(50, late, deadline, maxJitter)).toEqual(deadline);
    expect(nextAttemptAt(51, deadline, deadline, maxJitter)).toBeNull();
  });

  it('keeps retrying for the whole window (at least a day) even when every wait is the shortest', () => {
    const queued = new Date('2026-03-02T09:00:00Z');
    const deadline = giveUpAt(queued);
    let at: Date | null = queued;
    let attempts = 0;
    let last = queued;
    while (at !== null) {
      last = at;
      attempts += 1;
      at = nextAttemptAt(attempts, at, deadline, () => 0);
    }
    expect(last.getTime() - queued.getTime()).toBe(RETRY_WINDOW_MS);
    expect(RETRY_WINDOW_MS).toBeGreaterThanOrEqual(24 * HOUR);
  });
});

describeEachDatabase('webhook delivery', (env) => {
  const ctx = () => env.app.ctx;
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  async function subscribe(url: string, events: SignalType[]) {
    const created = await createWebhook(ctx(), adminActor, { url, events });
    cleanup.push(() => deleteWebhook(ctx(), adminActor, created.webhook.id).catch(() => {}));
    return created;
  }
  async function newLead(name: string) {
    return (await upsertLead(ctx(), adminActor, { email: uniqueEmail('hook'), name, company: 'Acme' })).lead;
  }
  async function emit(type: SignalType, leadId: string | null, payload: Record<string, unknown>) {
    const now = env.clock();
    await ctx().store.transaction((tx) => tx.signals.emit([{ type, leadId, payload, occurredAt: now }], now));
  }
  async function log(webhookId: string) {
    return ctx().store.webhooks.deliveries(webhookId, { limit: 100 });
  }
  /**
   * Moves the clock to the soonest attempt of a subscription's pending deliveries that are not
   * waiting behind an older one for the same lead.
   */
  async function toNextAttempt(webhookId: string) {
    const pending = (await log(webhookId)).filter((d) => d.state === 'pending');
    const due = pending
      .filter((d) => !pending.some((o) => o.leadId !== null && o.leadId === d.leadId && o.id < d.id))
      .map((d) => (d.nextAttemptAt as Date).getTime());
    expect(due.length).toBeGreaterThan(0);
    env.clock.set(new Date(Math.max(env.clock().getTime(), Math.min(...due))).toISOString());
  }

  it('delivers on the 4th attempt after three 500s, signed with the subscription secret', async () => {
    const hook = await receiver([500, 500, 500, 204]);
    cleanup.push(hook.close);
    const { webhook, secret } = await subscribe(hook.url, ['lead.status_changed']);
    const lead = await newLead('Ann Retry');
    await emit('lead.status_changed', lead.id, { leadId: lead.id, from: 'open', to: 'customer' });
    await runDeskWork(ctx());

    expect(await deliverWebhooks(ctx(), { random: maxJitter })).toMatchObject({ attempted: 1, retrying: 1 });
    // Not due again until the schedule says so: no sleeping, the clock is moved.
    expect((await deliverWebhooks(ctx(), { random: maxJitter })).attempted).toBe(0);
    for (let i = 0; i < 3; i++) {
      await toNextAttempt(webhook.id);
      await deliverWebhooks(ctx(), { random: maxJitter });
    }

    expect(hook.received).toHaveLength(4);
    const last = hook.received[3] as Received;
    expect(verify(secret, last)).toBe(true);
    expect(verify('whsec_wrong', last)).toBe(false);
    expect(last.headers['hearth-event']).toBe('lead.status_changed');
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.body).toMatchObject({
      type: 'lead.status_changed',
      data: { leadId: lead.id, to: 'customer' },
      lead: { id: lead.id, email: lead.email, name: 'Ann Retry', company: 'Acme', status: 'open' },
    });
    // Every attempt carries the same delivery id and body id, so a receiver can dedupe.
    expect(new Set(hook.received.map((r) => r.headers['hearth-delivery'])).size).toBe(1);
    expect(new Set(hook.received.map((r) => r.body.id)).size).toBe(1);

    const [delivery] = await log(webhook.id);
    expect(delivery).toMatchObject({
      state: 'delivered',
      attemptCount: 4,
      lastStatus: 204,
      nextAttemptAt: null,
    });
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 204]);
    expect(String(delivery?.id)).toBe(last.headers['hearth-delivery']);

    // Delivered is final: a day later nothing is sent again.
    env.clock.advance(24 * HOUR);
    expect((await deliverWebhooks(ctx(), { random: maxJitter })).attempted).toBe(0);
    expect(hook.received).toHaveLength(4);
  });

  it('marks a temperature change from imported history historical: true, a live one false', async () => {
    const hook = await receiver();
    cleanup.push(hook.close);
    await subscribe(hook.url, ['lead.temperature_changed']);
    const history = (await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput)).lead;
    const live = (await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput)).lead;
    const contactSales = (leadId: string, at: Date) => ({
      leadId,
      type: 'form_submit',
      occurredAt: at.toISOString(),
      properties: { form: 'Contact sales' },
    });
    await ingestEvents(ctx(), [
      contactSales(history.id, new Date(env.clock().getTime() - 100 * 86_400_000)),
      contactSales(live.id, env.clock()),
    ]);
    await runDeskWork(ctx());
    await deliverWebhooks(ctx(), { random: maxJitter });

    const changes = (leadId: string) =>
      hook.received
        .filter((r) => r.body.lead?.id === leadId)
        .map((r) => [r.body.data.to, r.body.data.historical]);
    // Every change of the old heat is announced, with its true instant, and marked as history.
    expect(changes(history.id)[0]).toEqual(['hot', true]);
    expect(changes(history.id).every(([, historical]) => historical === true)).toBe(true);
    expect(changes(live.id)).toEqual([['hot', false]]);
    // Its clock would breach under the tests below that listen for sla.breached.
    await recordOutcome(ctx(), adminActor, live.id, { status: 'disqualified' });
    await runDeskWork(ctx());
  });

  it("sends one lead's deliveries in order even when a later one is due first", async () => {
    const hook = await receiver([500, 200]);
    cleanup.push(hook.close);
    const { webhook } = await subscribe(hook.url, ['lead.status_changed', 'task.overdue']);
    const first = await newLead('First Order');
    const other = await newLead('Other Lead');

    await emit('lead.status_changed', first.id, { step: 'a' });
    await runDeskWork(ctx());
    await deliverWebhooks(ctx(), { random: maxJitter }); // a: 500, retried in ~35 s

    env.clock.advance(1_000);
    await emit('task.overdue', first.id, { step: 'b' });
    await emit('lead.status_changed', other.id, { step: 'c' });
    await runDeskWork(ctx());
    // b is due now and a only later, but b must wait for a; the other lead is not held up.
    await deliverWebhooks(ctx(), { random: maxJitter });
    expect(hook.received.map((r) => r.body.data.step)).toEqual(['a', 'c']);

    await toNextAttempt(webhook.id);
    await deliverWebhooks(ctx(), { random: maxJitter });
    expect(hook.received.map((r) => r.body.data.step)).toEqual(['a', 'c', 'a', 'b']);
    expect((await log(webhook.id)).every((d) => d.state === 'delivered')).toBe(true);
  });

  it('loses nothing while a receiver is down for an hour (connection refused)', async () => {
    const probe = await receiver();
    const port = probe.port;
    await probe.close(); // nothing listens there now
    const { webhook, secret } = await subscribe(`http://127.0.0.1:${port}/hooks`, [
      'lead.temperature_changed',
    ]);
    const one = await newLead('Down One');
    const two = await newLead('Down Two');
    const start = env.clock().getTime();
    await emit('lead.temperature_changed', one.id, { step: 1 });
    await emit('lead.temperature_changed', two.id, { step: 2 });
    await emit('lead.temperature_changed', one.id, { step: 3 });
    await runDeskWork(ctx());

    let outage = 0;
    while (env.clock().getTime() < start + HOUR) {
      const pass = await deliverWebhooks(ctx(), { random: Math.random });
      outage += pass.attempted;
      expect(pass.delivered).toBe(0);
      await toNextAttempt(webhook.id);
    }
    expect(outage).toBeGreaterThan(4);
    const during = await log(webhook.id);
    expect(during.every((d) => d.state === 'pending')).toBe(true);
    expect(
      during
        .flatMap((d) => d.attempts)
        .every((a) => a.statusCode === null && /ECONNREFUSED/.test(a.error ?? '')),
    ).toBe(true);

    const back = await receiver([200], port);
    cleanup.push(back.close);
    for (let i = 0; i < 5 && (await log(webhook.id)).some((d) => d.state === 'pending'); i++) {
      await toNextAttempt(webhook.id);
      await deliverWebhooks(ctx(), { random: Math.random });
    }
    expect(back.received.map((r) => r.body.data.step).sort()).toEqual([1, 2, 3]);
    const forOne = back.received.filter((r) => r.body.lead?.id === one.id).map((r) => r.body.data.step);
    expect(forOne).toEqual([1, 3]);
    expect(back.received.every((r) => verify(secret, r))).toBe(true);
    expect((await log(webhook.id)).every((d) => d.state === 'delivered')).toBe(true);
  });

  it('sends again when a sender died mid-send and its lease expired (at least once)', async () => {
    const hook = await receiver([200]);
    cleanup.push(hook.close);
    const { webhook } = await subscribe(hook.url, ['sla.breached']);
    await emit('sla.breached', null, { timerId: 7 });
    await runDeskWork(ctx());

    // A sender claims the delivery and dies before recording anything.
    const now = env.clock();
    const claimed = await ctx().store.transaction((tx) =>
      tx.webhooks.claimDue(now, new Date(now.getTime() + 60_000), 10),
    );
    expect(claimed.filter((c) => c.webhookId === webhook.id)).toHaveLength(1);
    expect((await deliverWebhooks(ctx())).attempted).toBe(0);

    env.clock.advance(61_000);
    await deliverWebhooks(ctx());
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.body).toMatchObject({ type: 'sla.breached', lead: null, data: { timerId: 7 } });
    expect((await log(webhook.id))[0]).toMatchObject({ state: 'delivered', attemptCount: 2 });
  });

  it("drops a lead's deliveries with the lead when it is erased, even one being sent", async () => {
    const hook = await receiver([200]);
    cleanup.push(hook.close);
    const { webhook } = await subscribe(hook.url, ['lead.status_changed']);
    const lead = await newLead('Erased Midway');
    await emit('lead.status_changed', lead.id, { n: 1 });
    await runDeskWork(ctx());
    const erasingFetch: typeof fetch = async (input, init) => {
      await eraseLead(ctx(), adminActor, lead.id);
      return fetch(input, init);
    };
    expect(await deliverWebhooks(ctx(), { fetch: erasingFetch })).toMatchObject({
      attempted: 1,
      delivered: 1,
    });
    expect(hook.received).toHaveLength(1);
    expect(await log(webhook.id)).toEqual([]);
  });

  it('the background job delivers as soon as this process wakes it, without waiting for its poll', async () => {
    const hook = await receiver([200]);
    cleanup.push(hook.close);
    await subscribe(hook.url, ['task.overdue']);
    const lead = await newLead('Woken');
    await emit('task.overdue', lead.id, { taskId: 'w' });
    await runDeskWork(ctx());
    const errors: string[] = [];
    const stop = scheduleWebhookDelivery(ctx(), { info: () => {}, error: (m) => errors.push(m) }, 3_600_000);
    try {
      const arrived = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (hook.received.length > 0) {
            clearInterval(check);
            resolve();
          }
        }, 5);
      });
      ctx().wakeup.notify();
      await arrived;
    } finally {
      await stop();
    }
    expect(hook.received.map((r) => r.body.data.taskId)).toEqual(['w']);
    expect(errors).toEqual([]);
  });

  it('gives a delivery up as failed after the retry window', async () => {
    const hook = await receiver([503]);
    cleanup.push(hook.close);
    const { webhook } = await subscribe(hook.url, ['task.created']);
    const lead = await newLead('Given Up');
    await emit('task.created', lead.id, { taskId: 'x' });
    await runDeskWork(ctx());
    await deliverWebhooks(ctx(), { random: maxJitter });

    const deadline = (await log(webhook.id))[0]?.giveUpAt as Date;
    expect(deadline.getTime()).toBe(env.clock().getTime() + RETRY_WINDOW_MS);
    env.clock.set(deadline.toISOString());
    expect(await deliverWebhooks(ctx(), { random: maxJitter })).toMatchObject({ attempted: 1, failed: 1 });
    expect((await log(webhook.id))[0]).toMatchObject({
      state: 'failed',
      lastStatus: 503,
      nextAttemptAt: null,
    });
    env.clock.advance(HOUR);
    expect((await deliverWebhooks(ctx())).attempted).toBe(0);
  });

  it('queues only subscribed types for active subscriptions, with the lead as it was at dispatch', async () => {
    const hook = await receiver([200]);
    cleanup.push(hook.close);
    const wanted = await subscribe(hook.url, ['lead.status_changed']);
    const gone = await subscribe(hook.url, ['lead.status_changed']);
    await deleteWebhook(ctx(), adminActor, gone.webhook.id);
    const lead = await newLead('Only Status');
    await emit('task.created', lead.id, { n: 1 });
    await emit('lead.status_changed', lead.id, { n: 2 });
    await runDeskWork(ctx());
    // Re-running the dispatcher queues nothing twice.
    await runDeskWork(ctx());

    expect((await log(wanted.webhook.id)).map((d) => d.event)).toEqual(['lead.status_changed']);
    expect(await log(gone.webhook.id)).toEqual([]);
    await deliverWebhooks(ctx());
    expect(hook.received.map((r) => r.body.data.n)).toEqual([2]);
    expect(hook.received[0]?.body.lead?.temperature).toEqual(expect.any(String));
  });
});
