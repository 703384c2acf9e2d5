import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;

interface TaskBody {
  id: string;
  closedReason: string | null;
  leadId: string;
  ownerId: string | null;
  doneAt: string | null;
  dueAt: string | null;
  sla: boolean;
  origin: string;
}
interface QueueBody {
  data: {
    section: string;
    hotSince: string | null;
    lead: { id: string; temperature: string };
    sla: { state: string; msLeft: number | null; elapsedMs: number | null } | null;
    tasks: TaskBody[];
  }[];
}

describeEachDatabase('tasks, queue, outcomes and desk settings over HTTP', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let manager: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    manager = await bearer(env.app, 'manager');
    // Leave new hot leads in the shared queue, so the rep tests below see them.
    const off = await server.inject({
      method: 'PUT',
      url: '/api/v1/settings/desk',
      headers: admin,
      payload: { routing: { mode: 'none' }, speedToLead: { slaMinutes: 15 } },
    });
    expect(off.statusCode).toBe(200);
  });
  afterAll(async () => {
    await server.close();
  });

  const hotLead = async () => {
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: fitLeadPayload(env.clock()),
    });
    const id = json<{ id: string }>(created).id;
    const events = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { leadId: id, type: 'form_submit', properties: { form: 'contact-sales' } },
    });
    expect(json<{ results: { temperature: string }[] }>(events).results[0]?.temperature).toBe('hot');
    await runDeskWork(env.app.ctx);
    return id;
  };
  const queue = async (headers: { authorization: string }) =>
    json<QueueBody>(await server.inject({ method: 'GET', url: '/api/v1/queue?limit=500', headers }));

  it('the queue shows a lead that turned hot after an API event, with its SLA running and time left', async () => {
    const id = await hotLead();
    env.clock.advance(5 * MINUTE);
    const item = (await queue(admin)).data.find((i) => i.lead.id === id);
    expect(item).toMatchObject({ section: 'now', sla: { state: 'running', msLeft: 10 * MINUTE } });
    expect(item?.tasks.map((t) => t.sla)).toEqual([true]);
  });

  it('logging a call through the API stops the SLA timer: met, with the elapsed time', async () => {
    const id = await hotLead();
    env.clock.advance(3 * MINUTE);
    await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { leadId: id, type: 'call', properties: { outcome: 'interested' } },
    });
    const item = (await queue(admin)).data.find((i) => i.lead.id === id);
    expect(item).toMatchObject({
      section: 'later',
      sla: { state: 'met', elapsedMs: 3 * MINUTE, msLeft: null },
    });
  });

  it('the queue puts the soonest running deadline first under now', async () => {
    const older = await hotLead();
    env.clock.advance(MINUTE);
    const newer = await hotLead();
    const now = (await queue(admin)).data.filter((i) => i.section === 'now');
    const ids = now.map((i) => i.lead.id);
    expect(ids.indexOf(older)).toBeLessThan(ids.indexOf(newer));
  });

  it('tasks: create, list due, complete; a rep cannot touch another rep’s task', async () => {
    const rep = await keyFor(env.app, 'rep');
    const otherRep = await keyFor(env.app, 'rep');
    const repHeaders = { authorization: `Bearer ${rep.key}` };
    const lead = json<{ id: string }>(
      await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: { email: uniqueEmail() },
      }),
    );
    const due = new Date(env.clock().getTime() + 30 * MINUTE).toISOString();
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: repHeaders,
      payload: { leadId: lead.id, kind: 'email', title: 'Send the case study', dueAt: due },
    });
    expect(created.statusCode).toBe(201);
    const task = json<TaskBody>(created);
    expect(task).toMatchObject({ ownerId: rep.userId, origin: 'user', sla: false, dueAt: due });

    const dueList = json<{ data: TaskBody[] }>(
      await server.inject({ method: 'GET', url: '/api/v1/tasks?state=due&owner=me', headers: repHeaders }),
    );
    expect(dueList.data.map((t) => t.id)).toContain(task.id);

    const forbidden = await server.inject({
      method: 'PATCH',
      url: `/api/v1/tasks/${task.id}`,
      headers: { authorization: `Bearer ${otherRep.key}` },
      payload: { done: true },
    });
    expect(forbidden.statusCode).toBe(403);

    const done = await server.inject({
      method: 'PATCH',
      url: `/api/v1/tasks/${task.id}`,
      headers: repHeaders,
      payload: { done: true },
    });
    expect(json<TaskBody>(done)).toMatchObject({
      doneAt: env.clock().toISOString(),
      closedReason: 'completed',
    });
  });

  it('bad task input names the field', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: admin,
      payload: { leadId: '00000000-0000-4000-8000-000000000000', kind: 'fax', title: '' },
    });
    expect(response.statusCode).toBe(400);
    expect(json<{ error: { message: string } }>(response).error.message).toMatch(/kind|title/);
    const unknownLead = await server.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: admin,
      payload: { leadId: '00000000-0000-4000-8000-000000000000', kind: 'call', title: 'Call' },
    });
    expect(unknownLead.statusCode).toBe(400);
    expect(json<{ error: { message: string } }>(unknownLead).error.message).toContain('leadId');
  });

  it('outcome: won with value, then re-open; the history lists both; a value on a loss is refused', async () => {
    const lead = json<{ id: string }>(
      await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: { email: uniqueEmail() },
      }),
    );
    const won = await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/outcome`,
      headers: manager,
      payload: { status: 'customer', value: 4800, currency: 'USD' },
    });
    expect(won.statusCode).toBe(200);
    expect(json<{ lead: { status: string } }>(won).lead.status).toBe('customer');
    const bad = await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/outcome`,
      headers: manager,
      payload: { status: 'lost', value: 10 },
    });
    expect(bad.statusCode).toBe(400);
    expect(json<{ error: { message: string } }>(bad).error.message).toContain('value');
    await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/outcome`,
      headers: manager,
      payload: { status: 'open' },
    });
    const history = json<{ data: { from: string; to: string; value: number | null }[] }>(
      await server.inject({
        method: 'GET',
        url: `/api/v1/leads/${lead.id}/status-history`,
        headers: manager,
      }),
    );
    expect(history.data).toMatchObject([
      { from: 'open', to: 'customer', value: 4800 },
      { from: 'customer', to: 'open' },
    ]);
  });

  it('desk settings: managers read, only admins change; bad values name the field', async () => {
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/settings/desk', headers: manager })).statusCode,
    ).toBe(200);
    const refused = await server.inject({
      method: 'PUT',
      url: '/api/v1/settings/desk',
      headers: manager,
      payload: { speedToLead: { slaMinutes: 5 } },
    });
    expect(refused.statusCode).toBe(403);
    const bad = await server.inject({
      method: 'PUT',
      url: '/api/v1/settings/desk',
      headers: admin,
      payload: { speedToLead: { slaMinutes: 0 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(json<{ error: { message: string } }>(bad).error.message).toContain('slaMinutes');
    const unknownOwner = await server.inject({
      method: 'PUT',
      url: '/api/v1/settings/desk',
      headers: admin,
      payload: { routing: { mode: 'fixed', fixedOwnerId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(unknownOwner.statusCode).toBe(400);
    expect(json<{ error: { message: string } }>(unknownOwner).error.message).toContain('fixedOwnerId');
  });

  it('a deactivated user’s key is refused', async () => {
    const rep = await keyFor(env.app, 'rep');
    const off = await server.inject({
      method: 'PATCH',
      url: `/api/v1/users/${rep.userId}`,
      headers: admin,
      payload: { active: false },
    });
    expect(off.statusCode).toBe(200);
    const refused = await server.inject({
      method: 'GET',
      url: '/api/v1/queue',
      headers: { authorization: `Bearer ${rep.key}` },
    });
    expect(refused.statusCode).toBe(401);
  });
});
