import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

interface LeadJson {
  id: string;
  ownerId: string | null;
  temperature: string;
  interest: number;
}

// The desk's rules over the API (docs/lead-desk.md): history creates no live work, and work
// follows the lead when it closes.
describeEachDatabase('the desk’s rules over HTTP', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let repId: string | null;

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    // Round-robin routing (the default) has this rep to give hot leads to.
    repId = (await keyFor(env.app, 'rep')).userId;
  });
  afterAll(async () => {
    await server.close();
  });

  const post = async <T>(url: string, payload: object, status = 200) => {
    const response = await server.inject({ method: 'POST', url, headers: admin, payload });
    expect(response.statusCode, response.body).toBe(status);
    return json<T>(response);
  };
  const getLead = async (id: string) =>
    json<LeadJson>(await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }));
  const openTasks = (leadId: string) => env.app.ctx.store.tasks.openOf([leadId]);
  const allTasks = (leadId: string) => env.app.ctx.store.tasks.list({ leadId, now: env.clock(), limit: 100 });

  /** A rule that makes a task and notifies on every turn to hot of leads tagged `tag`. */
  const ruleFor = async (tag: string) =>
    post<{ id: string }>(
      '/api/v1/automations',
      {
        name: `Hot → call ${tag}`,
        trigger: { on: 'temperature_changed', to: 'hot' },
        where: { 'attributes.case': { equals: tag } },
        actions: [
          { type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' },
          { type: 'notify' },
        ],
      },
      201,
    );
  const runsOf = async (ruleId: string) =>
    json<{ data: unknown[] }>(
      await server.inject({ method: 'GET', url: `/api/v1/automations/${ruleId}/runs`, headers: admin }),
    ).data;

  /** The lead: a CTO at a 300-person software company who came through the website. */
  const cto = async (tag: string) =>
    post<LeadJson>(
      '/api/v1/leads',
      {
        email: uniqueEmail('cto'),
        jobTitle: 'CTO',
        industry: 'software',
        companySize: 300,
        source: 'website',
        attributes: { case: tag },
      },
      201,
    );
  const contactSalesAndDemo = (leadId: string, occurredAt: Date) =>
    post('/api/v1/events', [
      {
        leadId,
        type: 'form_submit',
        occurredAt: occurredAt.toISOString(),
        properties: { form: 'contact sales' },
      },
      { leadId, type: 'demo_request', occurredAt: occurredAt.toISOString() },
    ]);

  it('a contact-sales form and a demo request dated 100 days ago leave no task, timer, owner or automation run', async () => {
    const tag = randomUUID();
    const rule = await ruleFor(tag);
    const lead = await cto(tag);
    await contactSalesAndDemo(lead.id, new Date(env.clock().getTime() - 100 * DAY));
    await runDeskWork(env.app.ctx);

    // The history is stored: the lead was hot 100 days ago…
    const transitions = await env.app.ctx.store.scoring.transitionsOf(lead.id);
    expect(transitions.some((t) => t.to === 'hot')).toBe(true);
    // …and is cold today, with no live work made for that old heat.
    const now = await getLead(lead.id);
    expect(now.temperature).toBe('cold');
    expect(now.ownerId).toBeNull();
    expect(await allTasks(lead.id)).toEqual([]);
    expect(await env.app.ctx.store.desk.timersOf(lead.id)).toEqual([]);
    expect(await runsOf(rule.id)).toEqual([]);
  });

  it('the same events sent live hand the lead over: an owner, a contact-now task, a running timer, the rule run', async () => {
    const tag = randomUUID();
    const rule = await ruleFor(tag);
    const lead = await cto(tag);
    await contactSalesAndDemo(lead.id, env.clock());
    await runDeskWork(env.app.ctx);

    expect(await getLead(lead.id)).toMatchObject({ temperature: 'hot', ownerId: repId });
    const [timer] = await env.app.ctx.store.desk.timersOf(lead.id);
    expect(timer).toMatchObject({ startedAt: env.clock(), touchedAt: null, closedAt: null });
    const tasks = await openTasks(lead.id);
    expect(tasks.map((t) => [t.origin, t.sla]).sort()).toEqual([
      ['automation', false],
      ['speed_to_lead', true],
    ]);
    expect(await runsOf(rule.id)).toHaveLength(1);
  });

  it('the live window is its own setting: a 5-minute SLA still hands over a turn 6 minutes late, a 5-minute window does not', async () => {
    const setDesk = async (speedToLead: object) => {
      const response = await server.inject({
        method: 'PUT',
        url: '/api/v1/settings/desk',
        headers: admin,
        payload: { speedToLead },
      });
      expect(response.statusCode, response.body).toBe(200);
    };
    const sixMinutesAgo = () => new Date(env.clock().getTime() - 6 * MINUTE);
    try {
      await setDesk({ slaMinutes: 5 });
      const late = await cto(randomUUID());
      await contactSalesAndDemo(late.id, sixMinutesAgo());
      await runDeskWork(env.app.ctx);
      const [timer] = await env.app.ctx.store.desk.timersOf(late.id);
      // The full 5 minutes, from when Hearth stored the turn.
      expect(timer).toMatchObject({ startedAt: env.clock(), touchedAt: null, closedAt: null });
      expect(timer?.dueAt.getTime()).toBe(env.clock().getTime() + 5 * MINUTE);

      await setDesk({ liveWindowMinutes: 5 });
      const history = await cto(randomUUID());
      await contactSalesAndDemo(history.id, sixMinutesAgo());
      await runDeskWork(env.app.ctx);
      expect((await getLead(history.id)).temperature).toBe('hot');
      expect(await env.app.ctx.store.desk.timersOf(history.id)).toEqual([]);
      expect(await allTasks(history.id)).toEqual([]);
    } finally {
      await setDesk({ slaMinutes: 60, liveWindowMinutes: 60 });
    }
  });

  /** A live hot lead with its contact-now task and a task a rep added by hand. */
  const hotLeadWithTasks = async () => {
    const created = await post<{ id: string }>('/api/v1/leads', fitLeadPayload(env.clock()), 201);
    await post('/api/v1/events', {
      leadId: created.id,
      type: 'form_submit',
      properties: { form: 'contact-sales' },
    });
    await runDeskWork(env.app.ctx);
    await post(
      '/api/v1/tasks',
      { leadId: created.id, kind: 'email', title: 'Send the case study', dueAt: iso(2 * DAY) },
      201,
    );
    expect(await openTasks(created.id)).toHaveLength(2);
    return created.id;
  };
  const iso = (fromNow: number) => new Date(env.clock().getTime() + fromNow).toISOString();

  it('a lost lead’s open tasks close as lost and its clock stops; the follow-up of the loss stays open', async () => {
    const id = await hotLeadWithTasks();
    env.clock.advance(10 * MINUTE);
    await post(`/api/v1/leads/${id}/outcome`, { status: 'lost', reason: 'No budget' });
    const lostAt = env.clock();
    expect((await allTasks(id)).map((t) => [t.closedReason, t.doneAt])).toEqual([
      ['lost', lostAt],
      ['lost', lostAt],
    ]);
    const [timer] = await env.app.ctx.store.desk.timersOf(id);
    expect(timer).toMatchObject({ closedAt: lostAt, closedReason: 'status lost' });

    await runDeskWork(env.app.ctx);
    const open = await openTasks(id);
    expect(open.map((t) => t.origin)).toEqual(['follow_up']);
  });

  it('a backdated win closes the tasks at the win, or at their creation when that came after', async () => {
    const id = await hotLeadWithTasks();
    const wonAt = new Date(env.clock().getTime() - DAY);
    env.clock.advance(MINUTE);
    await post(`/api/v1/leads/${id}/outcome`, { status: 'customer', at: wonAt.toISOString(), value: 1000 });
    const closed = await allTasks(id);
    expect(closed.map((t) => t.closedReason)).toEqual(['customer', 'customer']);
    for (const task of closed) expect(task.doneAt).toEqual(task.createdAt);
    expect(await openTasks(id)).toEqual([]);
  });

  it('disqualifying by PATCH and losing in bulk close the open tasks the same way', async () => {
    const patched = await hotLeadWithTasks();
    const response = await server.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${patched}`,
      headers: admin,
      payload: { status: 'disqualified' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await allTasks(patched)).map((t) => t.closedReason)).toEqual(['disqualified', 'disqualified']);

    const bulk = await hotLeadWithTasks();
    await post('/api/v1/leads/bulk', { ids: [bulk], action: { type: 'status', status: 'lost' } });
    expect((await allTasks(bulk)).map((t) => t.closedReason)).toEqual(['lost', 'lost']);
    expect((await env.app.ctx.store.desk.timersOf(bulk))[0]?.closedReason).toBe('status lost');
  });
});
