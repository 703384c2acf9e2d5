import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueSetupToken } from '../../src/app/access/setup.js';
import { describeEachDatabase } from '../support/databases.js';
import { json, testServer } from '../support/http.js';

const PASSWORD = 'owner of this hearth';
const owner = (token: string, email = 'owner@example.com') => ({
  token,
  email,
  name: 'Olive Owner',
  password: PASSWORD,
});

// Each file gets a fresh database: this one starts with no user at all, as a new installation.
describeEachDatabase('the one-time owner account (setup)', (env) => {
  let server: FastifyInstance;
  // Two starts without a user (a restart, or a second instance) each printed a link.
  let firstToken: string;
  let secondToken: string;

  beforeAll(async () => {
    server = await testServer(env.app);
    firstToken = (await issueSetupToken(env.app.ctx)) as string;
    secondToken = (await issueSetupToken(env.app.ctx)) as string;
  });
  afterAll(async () => {
    await server.close();
  });

  const setup = (payload: unknown) =>
    server.inject({ method: 'POST', url: '/api/v1/setup', payload: payload as object });
  const needed = async () =>
    json<{ needed: boolean }>(await server.inject({ method: 'GET', url: '/api/v1/setup' })).needed;
  const expectError = (response: LightMyRequestResponse, status: number, message: RegExp) => {
    expect(response.statusCode, response.body).toBe(status);
    expect(json<{ error: { message: string } }>(response).error.message).toMatch(message);
  };

  it('says setup is needed while the installation has no user, and issues distinct tokens', async () => {
    expect(firstToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secondToken).not.toBe(firstToken);
    expect(await needed()).toBe(true);
  });

  it('refuses a wrong token, and an owner with a bad field, and keeps the tokens usable', async () => {
    expectError(await setup(owner(`${firstToken.slice(0, -1)}x`)), 403, /setup token is wrong/);
    expectError(await setup(owner('')), 403, /setup token is wrong/);
    const bad = await setup({ ...owner(firstToken), password: 'short', email: 'not an email' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(
      json<{ error: { details: { problems: { path: string }[] } } }>(bad).error.details.problems,
    ).toEqual([
      expect.objectContaining({ path: 'body.email' }),
      expect.objectContaining({ path: 'body.password' }),
    ]);
    expect(await env.app.ctx.store.users.count()).toBe(0);
    expect(await needed()).toBe(true);
  });

  it('creates the owner once: of two attempts at once, one becomes the signed-in admin', async () => {
    const [a, b] = await Promise.all([
      setup(owner(firstToken, 'first@example.com')),
      setup(owner(secondToken, 'second@example.com')),
    ]);
    const created = [a, b].filter((r) => r.statusCode === 201);
    const refused = [a, b].filter((r) => r.statusCode !== 201);
    expect(created).toHaveLength(1);
    expectError(refused[0] as LightMyRequestResponse, 409, /owner account already/);
    const winner = created[0] as LightMyRequestResponse;
    const body = json<{ user: { id: string; email: string; role: string }; csrfToken: string }>(winner);
    expect(body.user.role).toBe('admin');
    const cookie = winner.cookies.find((c) => c.name === 'hearth_session');
    expect(cookie?.httpOnly).toBe(true);
    // The cookie it set is a working admin session.
    const users = await server.inject({
      method: 'GET',
      url: '/api/v1/users',
      cookies: { hearth_session: cookie?.value as string },
    });
    expect(users.statusCode).toBe(200);
    expect(json<{ data: { email: string }[] }>(users).data.map((u) => u.email)).toEqual([body.user.email]);
    const audit = await env.app.ctx.store.audit.forEntity('user', body.user.id);
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.create', 'setup.owner_created', 'session.create']),
    );
  });

  it('never works again: every token refused, not needed, and no token printed at the next start', async () => {
    expectError(await setup(owner(firstToken, 'again@example.com')), 409, /owner account already/);
    expectError(await setup(owner(secondToken, 'again@example.com')), 409, /owner account already/);
    expectError(await setup(owner('guess', 'again@example.com')), 409, /owner account already/);
    expect(await needed()).toBe(false);
    expect(await issueSetupToken(env.app.ctx)).toBeNull();
    expect(await env.app.ctx.store.users.count()).toBe(1);
  });

  it('counts setup attempts against the sign-in budget of the client address', async () => {
    const limited = await testServer(env.app, { HEARTH_SIGNIN_RATE_LIMIT: '2' });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await limited.inject({ method: 'POST', url: '/api/v1/setup', payload: owner('x') })).statusCode,
        );
      }
      expect(statuses).toEqual([409, 409, 429]);
    } finally {
      await limited.close();
    }
  });
});
