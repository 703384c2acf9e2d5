import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { json, keyFor, testServer } from '../support/http.js';

interface ViewJson {
  id: string;
  name: string;
  view: { filters: Record<string, unknown>; sort: string; columns: string[] };
  createdAt: string;
  updatedAt: string;
}

const hotByInterest = {
  filters: { temperature: 'hot', owner: 'me' },
  sort: '-interest',
  columns: ['status', 'temperature', 'interest', 'owner'],
};

describeEachDatabase('saved views API', (env) => {
  let server: FastifyInstance;
  let ann: { authorization: string };
  let bob: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    ann = { authorization: `Bearer ${(await keyFor(env.app, 'rep')).key}` };
    bob = { authorization: `Bearer ${(await keyFor(env.app, 'manager')).key}` };
  });

  const send = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: object,
    payload?: object,
  ) =>
    server.inject({
      method,
      url: `/api/v1${url}`,
      headers: headers as Record<string, string>,
      ...(payload ? { payload } : {}),
    });
  const create = async (headers: object, name: string, view: object = hotByInterest) => {
    const response = await send('POST', '/views', headers, { name, view });
    expect(response.statusCode, response.body).toBe(201);
    return json<ViewJson>(response);
  };
  const names = async (headers: object) =>
    json<{ data: ViewJson[] }>(await send('GET', '/views', headers)).data.map((v) => v.name);

  it('creates, lists, renames, rewrites and deletes a view of its owner', async () => {
    const created = await create(ann, '  My hot leads ');
    expect(created).toMatchObject({ name: 'My hot leads', view: hotByInterest });
    await create(ann, 'a first view');
    expect(await names(ann)).toEqual(['a first view', 'My hot leads']);

    env.clock.advance(1000);
    const renamed = await send('PATCH', `/views/${created.id}`, ann, { name: 'Hot, mine' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(json<ViewJson>(renamed)).toMatchObject({ name: 'Hot, mine', view: hotByInterest });
    expect(Date.parse(json<ViewJson>(renamed).updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

    const rewritten = { filters: { status: 'open', q: 'acme' }, sort: 'temperature', columns: ['fit'] };
    const patched = await send('PATCH', `/views/${created.id}`, ann, { view: rewritten });
    expect(json<ViewJson>(patched)).toMatchObject({ name: 'Hot, mine', view: rewritten });

    expect((await send('DELETE', `/views/${created.id}`, ann)).statusCode).toBe(204);
    expect(await names(ann)).toEqual(['a first view']);
    expect((await send('DELETE', `/views/${created.id}`, ann)).statusCode).toBe(404);
  });

  it("shows each user only their own views, and answers 404 to another user's", async () => {
    const mine = await create(ann, 'private to ann');
    expect(await names(bob)).not.toContain('private to ann');
    for (const [method, payload] of [
      ['PATCH', { name: 'taken over' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await send(method, `/views/${mine.id}`, bob, payload);
      expect(response.statusCode, method).toBe(404);
      expect(json(response)).toMatchObject({ error: { code: 'not_found' } });
    }
    expect(await names(ann)).toContain('private to ann');
    // The same name is free for another user.
    expect((await create(bob, 'private to ann')).name).toBe('private to ann');
  });

  it('answers 409 naming the field when a name is taken, on create and on rename', async () => {
    await create(ann, 'Duplicate me');
    const other = await create(ann, 'Other');
    const again = await send('POST', '/views', ann, { name: 'Duplicate me', view: hotByInterest });
    const rename = await send('PATCH', `/views/${other.id}`, ann, { name: 'Duplicate me' });
    for (const response of [again, rename]) {
      expect(response.statusCode).toBe(409);
      expect(json(response)).toMatchObject({ error: { code: 'conflict', details: { field: 'name' } } });
    }
    expect(await names(ann)).toContain('Other');
  });

  it('answers 409, not 500, when a concurrent rename takes the name while a rename waits', async () => {
    // Replays the race in one session, on PGlite as on PostgreSQL: a trigger inserts the name
    // before the renamed row is written, as a later command of the same statement. The rename's
    // NOT EXISTS (read at the statement's start) misses it, as it misses a rename that commits
    // while the statement waits on it; the unique index does not.
    const { db } = env.app.database;
    await sql`
      create function raced_view_name() returns trigger language plpgsql as $$
      begin
        if pg_trigger_depth() = 1 and new.name = 'Raced name' then
          insert into saved_views (user_id, name, view, created_at, updated_at)
          values (new.user_id, new.name, '{}', now(), now());
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger raced_view_name before update on saved_views for each row execute function raced_view_name()`.execute(
      db,
    );
    try {
      const view = await create(ann, 'Racing');
      const rename = await send('PATCH', `/views/${view.id}`, ann, { name: 'Raced name' });
      expect(rename.statusCode, rename.body).toBe(409);
      expect(json(rename)).toMatchObject({ error: { code: 'conflict', details: { field: 'name' } } });
    } finally {
      await sql`drop trigger raced_view_name on saved_views; drop function raced_view_name()`.execute(db);
    }
    expect(await names(ann)).toContain('Racing');
  });

  describe('bad input', () => {
    const cases: [string, object, string][] = [
      ['a blank name', { name: '   ', view: hotByInterest }, 'body.name'],
      ['an empty name', { name: '', view: hotByInterest }, 'body.name'],
      ['an unknown sort', { name: 'x', view: { ...hotByInterest, sort: 'interest' } }, 'body.view.sort'],
      [
        'an unknown column',
        { name: 'x', view: { ...hotByInterest, columns: ['salary'] } },
        'body.view.columns/0',
      ],
      [
        'an unknown filter',
        { name: 'x', view: { ...hotByInterest, filters: { colour: 'red' } } },
        'body.view.filters',
      ],
      [
        'a bad temperature',
        { name: 'x', view: { ...hotByInterest, filters: { temperature: 'tepid' } } },
        'body.view.filters.temperature',
      ],
      ['no view', { name: 'x' }, 'body'],
    ];
    for (const [what, payload, path] of cases) {
      it(`answers 400 naming the field for ${what}`, async () => {
        const response = await send('POST', '/views', ann, payload);
        expect(response.statusCode, response.body).toBe(400);
        const problems = json<{ error: { details: { problems: { path: string }[] } } }>(response).error
          .details.problems;
        expect(
          problems.map((p) => p.path).some((p) => p.startsWith(path.split('/')[0] as string)),
          response.body,
        ).toBe(true);
      });
    }

    it('answers 400 to an empty PATCH and 404 to an id no view has', async () => {
      const view = await create(ann, 'patch me');
      expect((await send('PATCH', `/views/${view.id}`, ann, {})).statusCode).toBe(400);
      const missing = await send('PATCH', '/views/00000000-0000-4000-8000-000000000000', ann, { name: 'y' });
      expect(missing.statusCode).toBe(404);
    });
  });
});
