import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';

interface Lead {
  id: string;
  ownerId: string | null;
  status: string;
}

describeEachDatabase('bulk lead actions', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  const create = async (payload: object = {}) => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email: uniqueEmail('bulk'), ...payload },
    });
    expect(response.statusCode).toBe(201);
    return json<Lead>(response).id;
  };
  const bulk = (payload: object, headers = admin) =>
    server.inject({ method: 'POST', url: '/api/v1/leads/bulk', headers, payload });
  const lead = async (id: string) =>
    json<Lead>(await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }));
  const audit = async (id: string) =>
    json<{ data: { action: string; details: Record<string, unknown> }[] }>(
      await server.inject({ method: 'GET', url: `/api/v1/audit?entity=lead&entityId=${id}`, headers: admin }),
    ).data;

  it('assigns every lead named to an owner in one request, audited per lead as bulk', async () => {
    const rep = await keyFor(env.app, 'rep');
    const ids = [await create(), await create(), await create({ ownerId: rep.userId })];
    const response = await bulk({ ids, action: { type: 'assign', ownerId: rep.userId } });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ updated: 2, unchanged: 1 });
    for (const id of ids) expect((await lead(id)).ownerId).toBe(rep.userId);
    const entries = await audit(ids[0] as string);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['lead.assign', 'lead.update']));
    expect(entries.find((e) => e.action === 'lead.update')?.details).toMatchObject({
      fields: ['ownerId'],
      bulk: true,
    });
  });

  it('changes the status of every lead named and records each status change', async () => {
    const ids = [await create(), await create()];
    const response = await bulk({ ids, action: { type: 'status', status: 'disqualified' } });
    expect(json(response)).toEqual({ updated: 2, unchanged: 0 });
    for (const id of ids) expect((await lead(id)).status).toBe('disqualified');
  });

  it('changes nothing when one id is unknown, and names it by its index', async () => {
    const ids = [await create(), '00000000-0000-4000-8000-00000000abcd'];
    const response = await bulk({ ids, action: { type: 'status', status: 'lost' } });
    expect(response.statusCode).toBe(400);
    const error = json<{ error: { details: { problems: { path: string; message: string }[] } } }>(
      response,
    ).error;
    expect(error.details.problems).toEqual([
      { path: 'body.ids[1]', message: 'no lead has id 00000000-0000-4000-8000-00000000abcd' },
    ]);
    expect((await lead(ids[0] as string)).status).toBe('open');
  });

  it('refuses an unknown owner, a batch over the limit and repeated ids', async () => {
    const id = await create();
    const unknownOwner = await bulk({
      ids: [id],
      action: { type: 'assign', ownerId: '00000000-0000-4000-8000-00000000dead' },
    });
    expect(unknownOwner.statusCode).toBe(400);
    expect(unknownOwner.json().error.details.problems[0].path).toBe('body.action.ownerId');
    const ids = Array.from(
      { length: 501 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect((await bulk({ ids, action: { type: 'status', status: 'lost' } })).statusCode).toBe(400);
    expect((await bulk({ ids: [id, id], action: { type: 'status', status: 'lost' } })).statusCode).toBe(400);
    expect((await bulk({ ids: [], action: { type: 'status', status: 'lost' } })).statusCode).toBe(400);
  });

  it("limits a rep to their own and unassigned leads: another rep's lead is named and nothing changes", async () => {
    const mine = await keyFor(env.app, 'rep');
    const other = await keyFor(env.app, 'rep');
    const repHeaders = { authorization: `Bearer ${mine.key}` };
    const own = await create({ ownerId: mine.userId });
    const free = await create();
    const theirs = await create({ ownerId: other.userId });
    const refused = await bulk(
      { ids: [own, free, theirs], action: { type: 'status', status: 'lost' } },
      repHeaders,
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.problems).toEqual([
      { path: 'body.ids[2]', message: `no lead has id ${theirs}` },
    ]);
    expect((await lead(own)).status).toBe('open');
    const claimed = await bulk(
      { ids: [own, free], action: { type: 'assign', ownerId: mine.userId } },
      repHeaders,
    );
    expect(json(claimed)).toEqual({ updated: 1, unchanged: 1 });
    expect(
      (
        await bulk(
          { ids: [own], action: { type: 'status', status: 'lost' } },
          await bearer(env.app, 'ingest'),
        )
      ).statusCode,
    ).toBe(403);
  });

  it('exports the selection as CSV in the order named, with formula cells escaped, and audits it', async () => {
    const first = await create({ name: '=HYPERLINK("http://evil.example")', company: '+Acme' });
    const second = await create({ name: 'Plain Person', jobTitle: '@lead' });
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/leads/export',
      headers: admin,
      payload: { ids: [second, first] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain('leads.csv');
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.id)).toEqual([second, first]);
    expect(rows[1]).toMatchObject({ name: `'=HYPERLINK("http://evil.example")`, company: "'+Acme" });
    expect(rows[0]).toMatchObject({ name: 'Plain Person', jobTitle: "'@lead", status: 'open' });
    const log = json<{ data: { action: string; details: { ids?: string[] } }[] }>(
      await server.inject({ method: 'GET', url: '/api/v1/audit?action=lead.export', headers: admin }),
    ).data;
    expect(log[0]?.details.ids).toEqual([second, first]);
  });

  it('does not export a lead a rep may not see', async () => {
    const other = await keyFor(env.app, 'rep');
    const theirs = await create({ ownerId: other.userId });
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/leads/export',
      headers: await bearer(env.app, 'rep'),
      payload: { ids: [theirs] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.problems[0].path).toBe('body.ids[0]');
  });
});
