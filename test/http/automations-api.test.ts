import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

interface AutomationView {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  trigger: Record<string, unknown>;
  where: Record<string, unknown> | null;
  actions: Record<string, unknown>[];
  createdBy: string | null;
  updatedAt: string;
}

interface ErrorView {
  error: { code: string; message: string; details: { problems?: { path: string; message: string }[] } };
}

describeEachDatabase('automations through the API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let adminUserId: string | null;

  beforeAll(async () => {
    server = await testServer(env.app);
    const key = await keyFor(env.app, 'admin');
    admin = { authorization: `Bearer ${key.key}` };
    adminUserId = key.userId;
  });
  afterAll(async () => {
    await server.close();
  });

  const body = (tag: string, overrides: Record<string, unknown> = {}) => ({
    name: `Hot leads get a call ${tag}`,
    trigger: { on: 'temperature_changed', to: 'hot' },
    where: { 'attributes.case': { equals: tag } },
    actions: [
      { type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' },
      { type: 'notify' },
    ],
    ...overrides,
  });

  const post = (payload: unknown, headers = admin) =>
    server.inject({ method: 'POST', url: '/api/v1/automations', headers, payload: payload as object });

  it('is for admins only', async () => {
    for (const role of ['manager', 'rep'] as const) {
      const headers = await bearer(env.app, role);
      const list = await server.inject({ method: 'GET', url: '/api/v1/automations', headers });
      expect(list.statusCode).toBe(403);
      expect(json<ErrorView>(list).error.code).toBe('forbidden');
      expect((await post(body('x'), headers)).statusCode).toBe(403);
    }
    const ingest = await bearer(env.app, 'ingest');
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/automations', headers: ingest })).statusCode,
    ).toBe(403);
    expect((await server.inject({ method: 'GET', url: '/api/v1/automations' })).statusCode).toBe(401);
  });

  it('creates, reads, replaces and deletes a rule, each audited', async () => {
    const tag = randomUUID();
    const created = await post(body(tag));
    expect(created.statusCode).toBe(201);
    const rule = json<AutomationView>(created);
    expect(rule).toMatchObject({
      name: `Hot leads get a call ${tag}`,
      enabled: true,
      trigger: { on: 'temperature_changed', to: 'hot' },
      where: { 'attributes.case': { equals: tag } },
      actions: body(tag).actions,
      createdBy: adminUserId,
    });

    const listed = await server.inject({ method: 'GET', url: '/api/v1/automations', headers: admin });
    expect(json<{ data: AutomationView[] }>(listed).data.map((r) => r.id)).toContain(rule.id);
    const one = await server.inject({ method: 'GET', url: `/api/v1/automations/${rule.id}`, headers: admin });
    expect(json<AutomationView>(one)).toEqual(rule);

    const replaced = await server.inject({
      method: 'PUT',
      url: `/api/v1/automations/${rule.id}`,
      headers: admin,
      payload: body(tag, {
        enabled: false,
        trigger: { on: 'status_changed', to: 'lost' },
        actions: [{ type: 'set_field', field: 'attributes.lost_reason_needed', value: true }],
      }),
    });
    expect(replaced.statusCode).toBe(200);
    expect(json<AutomationView>(replaced)).toMatchObject({
      id: rule.id,
      enabled: false,
      position: rule.position,
      trigger: { on: 'status_changed', to: 'lost' },
      actions: [{ type: 'set_field', field: 'attributes.lost_reason_needed', value: true }],
    });

    const deleted = await server.inject({
      method: 'DELETE',
      url: `/api/v1/automations/${rule.id}`,
      headers: admin,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await server.inject({
      method: 'GET',
      url: `/api/v1/automations/${rule.id}`,
      headers: admin,
    });
    expect(gone.statusCode).toBe(404);
    expect(json<ErrorView>(gone).error.code).toBe('not_found');
    const audit = await env.app.ctx.store.audit.forEntity('automation', rule.id);
    expect(audit.map((a) => a.action)).toEqual([
      'automation.create',
      'automation.update',
      'automation.delete',
    ]);
    expect(audit[0]?.actorUserId).toBe(adminUserId);
  });

  it('answers 400 naming each field at fault', async () => {
    const nobody = randomUUID();
    const unknownUser = await post(
      body('x', {
        actions: [
          { type: 'notify' },
          { type: 'create_task', kind: 'call', title: 'Call', dueInMinutes: 5, owner: nobody },
        ],
      }),
    );
    expect(unknownUser.statusCode).toBe(400);
    expect(json<ErrorView>(unknownUser).error).toMatchObject({
      code: 'invalid',
      message: `body.actions[1].owner: no user has id ${nobody}`,
      details: { problems: [{ path: 'body.actions[1].owner', message: `no user has id ${nobody}` }] },
    });

    const problems = async (payload: unknown) =>
      json<ErrorView>(await post(payload)).error.details.problems?.map((p) => p.path);
    expect(await problems(body('x', { trigger: { on: 'status_changed', to: 'hot' } }))).toEqual([
      'body.trigger.to',
    ]);
    expect(await problems(body('x', { where: { temperature: { equals: 'hot' } } }))).toEqual([
      'body.where.temperature',
    ]);
    expect(
      await problems(body('x', { actions: [{ type: 'set_field', field: 'status', value: 'lost' }] })),
    ).toEqual(['body.actions[0].field']);
    expect(await problems({ trigger: { on: 'task_overdue' }, actions: [] })).toEqual([
      'body.name',
      'body.actions',
    ]);
    const notJson = await server.inject({
      method: 'POST',
      url: '/api/v1/automations',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '[1, 2]',
    });
    expect(notJson.statusCode).toBe(400);
    const badId = await server.inject({ method: 'GET', url: '/api/v1/automations/nope', headers: admin });
    expect(json<ErrorView>(badId).error.details.problems?.[0]?.path).toBe('params.id');
  });

  it("lists a rule's runs, newest first, page by page", async () => {
    const tag = randomUUID();
    const rule = json<AutomationView>(await post(body(tag)));
    for (let i = 0; i < 3; i++) {
      const payload = fitLeadPayload(env.clock());
      const lead = await server.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: admin,
        payload: { ...payload, attributes: { ...(payload.attributes as object), case: tag } },
      });
      const id = json<{ id: string }>(lead).id;
      await server.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: admin,
        payload: { leadId: id, type: 'trial_start' },
      });
    }
    await runDeskWork(env.app.ctx);
    const first = await server.inject({
      method: 'GET',
      url: `/api/v1/automations/${rule.id}/runs?limit=2`,
      headers: admin,
    });
    expect(first.statusCode).toBe(200);
    const page = json<{
      data: { id: number; outcome: string; detail: Record<string, unknown> }[];
      nextCursor: string;
    }>(first);
    expect(page.data).toHaveLength(2);
    expect(page.data[0]).toMatchObject({ outcome: 'done', signalType: 'lead.temperature_changed' });
    expect(page.data[0]?.detail).toMatchObject({ optedOut: false });
    const second = await server.inject({
      method: 'GET',
      url: `/api/v1/automations/${rule.id}/runs?limit=2&cursor=${page.nextCursor}`,
      headers: admin,
    });
    const rest = json<{ data: { id: number }[]; nextCursor: string | null }>(second);
    expect(rest.data).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect([...page.data, ...rest.data].map((r) => r.id)).toEqual(
      [...page.data, ...rest.data].map((r) => r.id).sort((a, b) => b - a),
    );
    await server.inject({ method: 'DELETE', url: `/api/v1/automations/${rule.id}`, headers: admin });
  });
});
