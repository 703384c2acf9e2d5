import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { b2bModel } from '../../src/domain/scoring/presets.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';

interface Entry {
  id: number;
  at: string;
  actorUserId: string | null;
  actorKeyId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  details: Record<string, unknown>;
}

interface Page {
  data: Entry[];
  nextCursor: string | null;
}

describeEachDatabase('audit log API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let adminId: string;
  let manager: { authorization: string };
  let managerId: string;
  let leadId: string;

  const page = async (query: Record<string, string>, headers = admin): Promise<Page> => {
    const response = await server.inject({ method: 'GET', url: '/api/v1/audit', headers, query });
    expect(response.statusCode, response.body).toBe(200);
    return json<Page>(response);
  };
  const all = async (query: Record<string, string>): Promise<Entry[]> => {
    const entries: Entry[] = [];
    let cursor: string | null = null;
    do {
      const next: Page = await page({ limit: '2', ...query, ...(cursor ? { cursor } : {}) });
      entries.push(...next.data);
      cursor = next.nextCursor;
    } while (cursor !== null);
    return entries;
  };

  // One lead's life, written through the API by an admin and a manager.
  beforeAll(async () => {
    server = await testServer(env.app);
    const adminKey = await keyFor(env.app, 'admin');
    admin = { authorization: `Bearer ${adminKey.key}` };
    adminId = adminKey.userId as string;
    const managerKey = await keyFor(env.app, 'manager');
    manager = { authorization: `Bearer ${managerKey.key}` };
    managerId = managerKey.userId as string;
    const rep = await keyFor(env.app, 'rep');

    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email: uniqueEmail('audited'), name: 'Ann' },
    });
    leadId = json<{ id: string }>(created).id;
    const steps = [
      {
        method: 'PATCH' as const,
        url: `/api/v1/leads/${leadId}`,
        headers: admin,
        payload: { name: 'Ann Lee' },
      },
      {
        method: 'PATCH' as const,
        url: `/api/v1/leads/${leadId}`,
        headers: manager,
        payload: { ownerId: rep.userId },
      },
      {
        method: 'PUT' as const,
        url: `/api/v1/leads/${leadId}/qualification`,
        headers: manager,
        payload: { budget: { value: 'yes' } },
      },
    ];
    for (const step of steps) {
      const response = await server.inject(step);
      expect(response.statusCode, response.body).toBe(200);
    }
    const published = await server.inject({
      method: 'POST',
      url: '/api/v1/model/publish',
      headers: admin,
      payload: { document: { ...b2bModel, name: 'audited model' } },
    });
    expect(published.statusCode, published.body).toBe(202);
    const jobId = json<{ job: { id: number } }>(published).job.id;
    for (let i = 0; i < 200; i += 1) {
      const job = await server.inject({
        method: 'GET',
        url: `/api/v1/model/publish/${jobId}`,
        headers: admin,
      });
      if (json<{ state: string }>(job).state === 'done') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const erased = await server.inject({ method: 'DELETE', url: `/api/v1/leads/${leadId}`, headers: admin });
    expect(erased.statusCode).toBe(204);
  });

  it("lists a lead's edits, owner change, qualification and erasure, newest first", async () => {
    const entries = await all({ entity: 'lead', entityId: leadId });
    expect(entries.map((e) => e.action)).toEqual([
      'lead.erase',
      'lead.qualify',
      'lead.update',
      'lead.assign',
      'lead.update',
    ]);
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
    const assign = entries.find((e) => e.action === 'lead.assign');
    expect(assign).toMatchObject({ actorUserId: managerId, details: { previousOwnerId: null, by: 'user' } });
    expect(assign?.details.ownerId).toEqual(expect.any(String));
    expect(entries.at(-1)?.details).toEqual({ fields: ['name'] });
    expect(entries[0]).toMatchObject({ actorUserId: adminId, entityId: leadId });
  });

  it('records model publishes', async () => {
    const published = await page({ action: 'model.publish' });
    expect(published.data).toHaveLength(1);
    expect(published.data[0]).toMatchObject({
      entity: 'scoring_model',
      actorUserId: adminId,
      details: { name: 'audited model' },
    });
  });

  it('filters by actor, action and time, and pages through everything exactly once', async () => {
    const byManager = await all({ actor: managerId });
    expect(byManager.map((e) => e.action).sort()).toEqual(['lead.assign', 'lead.qualify', 'lead.update']);
    expect(byManager.every((e) => e.actorUserId === managerId)).toBe(true);

    const everything = await all({});
    expect(new Set(everything.map((e) => e.id)).size).toBe(everything.length);
    const unpaged = await page({ limit: '500' });
    expect(everything.map((e) => e.id)).toEqual(unpaged.data.map((e) => e.id));

    // `since` is inclusive and `until` exclusive, so together they split the log in two.
    const pivot = everything.find((e) => e.action === 'lead.qualify') as Entry;
    const newer = await all({ since: pivot.at });
    const older = await all({ until: pivot.at });
    expect([...newer, ...older].map((e) => e.id).sort()).toEqual(everything.map((e) => e.id).sort());
    expect(newer.every((e) => Date.parse(e.at) >= Date.parse(pivot.at))).toBe(true);
    expect(newer.map((e) => e.id)).toContain(pivot.id);
    expect(older.every((e) => Date.parse(e.at) < Date.parse(pivot.at))).toBe(true);
  });

  it('is for admins only, and rejects bad filters', async () => {
    for (const role of ['manager', 'rep', 'ingest'] as const) {
      const response = await server.inject({
        method: 'GET',
        url: '/api/v1/audit',
        headers: await bearer(env.app, role),
      });
      expect(response.statusCode, role).toBe(403);
    }
    expect((await server.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(401);
    const bad = async (query: Record<string, string>) =>
      (await server.inject({ method: 'GET', url: '/api/v1/audit', headers: admin, query })).statusCode;
    expect(await bad({ cursor: 'nonsense' })).toBe(400);
    expect(await bad({ actor: 'not-a-uuid' })).toBe(400);
    expect(await bad({ since: '2026-03-02T10:00:00Z', until: '2026-03-02T09:00:00Z' })).toBe(400);
  });
});
