import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer } from '../support/http.js';

interface AccountAnswer {
  account: {
    key: string;
    name: string;
    leadCount: number;
    interest: number;
    hottestTemperature: string;
    leads: { id: string; email: string; temperature: string }[];
  } | null;
}

describeEachDatabase('GET /leads/{id}/account', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  const create = async (payload: object) => {
    const response = await server.inject({ method: 'POST', url: '/api/v1/leads', headers: admin, payload });
    expect(response.statusCode).toBe(201);
    return json<{ id: string }>(response).id;
  };
  const accountOf = (id: string, headers = admin) =>
    server.inject({ method: 'GET', url: `/api/v1/leads/${id}/account`, headers });

  it("gives the lead's company, its rolled-up interest and its sibling leads", async () => {
    const ann = await create({ email: 'ann@sibling-co.example', company: 'Sibling Co' });
    const bob = await create({ email: 'bob@sibling-co.example' });
    await create({ email: 'cat@elsewhere.example' });
    await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { leadId: bob, type: 'newsletter_signup' },
    });
    const response = await accountOf(ann);
    expect(response.statusCode).toBe(200);
    const { account } = json<AccountAnswer>(response);
    expect(account).toMatchObject({
      key: 'sibling-co.example',
      name: 'Sibling Co',
      leadCount: 2,
      interest: 50,
      hottestTemperature: 'warm',
    });
    expect(account?.leads.map((l) => l.id)).toEqual([bob, ann]);
  });

  it('is null for a lead without a company', async () => {
    const id = await create({ email: 'someone@gmail.com' });
    expect(json<AccountAnswer>(await accountOf(id))).toEqual({ account: null });
  });

  it("leaves out, for a rep, the siblings owned by other reps, and the lead itself when it is another rep's", async () => {
    const other = await keyFor(env.app, 'rep');
    const mine = await keyFor(env.app, 'rep');
    const repHeaders = { authorization: `Bearer ${mine.key}` };
    const own = await create({ email: 'own@scoped.example', ownerId: mine.userId });
    const theirs = await create({ email: 'theirs@scoped.example', ownerId: other.userId });
    const free = await create({ email: 'free@scoped.example' });
    const { account } = json<AccountAnswer>(await accountOf(own, repHeaders));
    expect(account?.leads.map((l) => l.id).sort()).toEqual([own, free].sort());
    expect(account?.leadCount).toBe(2);
    expect((await accountOf(theirs, repHeaders)).statusCode).toBe(404);
  });
});
