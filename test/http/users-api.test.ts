import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey, createUser } from '../../src/app/access/access-service.js';
import { updateUser } from '../../src/app/access/users.js';
import type { UserRole } from '../../src/domain/access.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

const PASSWORD = 'people in the app';

interface Caller {
  readonly cookies?: Record<string, string>;
  readonly headers: Record<string, string>;
}

// A fresh database: the only admins are the ones these tests make, so "the last admin" is exact.
describeEachDatabase('managing users: role, name, active, password', (env) => {
  let server: FastifyInstance;
  let admin: { id: string; email: string; caller: Caller };

  const newUser = async (role: UserRole, name = `Test ${role}`) => {
    const email = uniqueEmail(role);
    const user = await createUser(env.app.ctx, adminActor, { email, name, role, password: PASSWORD });
    return { id: user.id, email };
  };
  const signIn = async (email: string, password = PASSWORD): Promise<LightMyRequestResponse> =>
    server.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password } });
  const sessionOf = async (email: string): Promise<Caller> => {
    const response = await signIn(email);
    expect(response.statusCode, response.body).toBe(200);
    const token = response.cookies.find((c) => c.name === 'hearth_session')?.value as string;
    return {
      cookies: { hearth_session: token },
      headers: { 'x-csrf-token': json<{ csrfToken: string }>(response).csrfToken },
    };
  };
  const call = (caller: Caller, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
    server.inject({
      method,
      url: `/api/v1${url}`,
      headers: caller.headers,
      ...(caller.cookies ? { cookies: caller.cookies } : {}),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const expectConflict = (response: LightMyRequestResponse, message: RegExp) => {
    expect(response.statusCode, response.body).toBe(409);
    expect(json<{ error: { code: string; message: string } }>(response).error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(message),
    });
  };
  const actions = async (id: string) =>
    (await env.app.ctx.store.audit.forEntity('user', id)).map((e) => ({
      action: e.action,
      details: e.details,
    }));

  beforeAll(async () => {
    server = await testServer(env.app);
    const user = await newUser('admin', 'Ada Admin');
    admin = { ...user, caller: await sessionOf(user.email) };
  });
  afterAll(async () => {
    await server.close();
  });

  it('changes a rep into a manager and renames them, each change audited with before and after', async () => {
    const rep = await newUser('rep', 'Rita Rep');
    const changed = await call(admin.caller, 'PATCH', `/users/${rep.id}`, {
      role: 'manager',
      name: ' Rita Manager ',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(json(changed)).toMatchObject({ id: rep.id, role: 'manager', name: 'Rita Manager', active: true });
    expect(await actions(rep.id)).toEqual(
      expect.arrayContaining([
        { action: 'user.role_change', details: { from: 'rep', to: 'manager' } },
        { action: 'user.rename', details: { from: 'Rita Rep', to: 'Rita Manager' } },
      ]),
    );
    const blank = await call(admin.caller, 'PATCH', `/users/${rep.id}`, { name: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('body.name');
    expect((await call(admin.caller, 'PATCH', `/users/${rep.id}`, {})).statusCode).toBe(400);
    expect((await call(admin.caller, 'PATCH', `/users/${rep.id}`, { role: 'owner' })).statusCode).toBe(400);
  });

  it('never leaves the installation without an active admin, and no admin deactivates themselves', async () => {
    expectConflict(
      await call(admin.caller, 'PATCH', `/users/${admin.id}`, { role: 'rep' }),
      /last active admin/,
    );
    expectConflict(
      await call(admin.caller, 'PATCH', `/users/${admin.id}`, { active: false }),
      /your own account/,
    );
    const other = await newUser('admin', 'Otto Admin');
    // The only other admin is inactive: still the last active one.
    expect((await call(admin.caller, 'PATCH', `/users/${other.id}`, { active: false })).statusCode).toBe(200);
    expectConflict(
      await call(admin.caller, 'PATCH', `/users/${admin.id}`, { role: 'manager' }),
      /last active admin/,
    );
    expect((await call(admin.caller, 'PATCH', `/users/${other.id}`, { active: true })).statusCode).toBe(200);
    // With another active admin, the other admin can step down, and be made admin again.
    const otherSession = await sessionOf(other.email);
    const stepDown = await call(otherSession, 'PATCH', `/users/${other.id}`, { role: 'manager' });
    expect(stepDown.statusCode, stepDown.body).toBe(200);
    // A session acts with the user's role of the moment: the former admin manages no one now.
    expect((await call(otherSession, 'GET', '/users')).statusCode).toBe(403);
    expect((await call(admin.caller, 'PATCH', `/users/${other.id}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await call(otherSession, 'GET', '/users')).statusCode).toBe(200);
    expect((await call(admin.caller, 'PATCH', `/users/${other.id}`, { active: false })).statusCode).toBe(200);
  });

  it('of admins all stepping down at once, one stays admin', async () => {
    const admins = [];
    for (let i = 0; i < 6; i++) admins.push(await newUser('admin'));
    // Only these are active admins once the first admin steps aside.
    const demoted = await call(admin.caller, 'PATCH', `/users/${admin.id}`, { role: 'manager' });
    expect(demoted.statusCode, demoted.body).toBe(200);
    const results = await Promise.allSettled(
      admins.map((a) =>
        updateUser(env.app.ctx, { role: 'admin', userId: a.id, keyId: null }, a.id, { role: 'rep' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(admins.length - 1);
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.map((r) => r.reason.code)).toEqual(['conflict']);
    const activeAdmins = (await env.app.ctx.store.users.list()).filter((u) => u.role === 'admin' && u.active);
    expect(activeAdmins).toHaveLength(1);
    // Restore the first admin for the tests that follow.
    const survivor = activeAdmins[0]?.id as string;
    await updateUser(env.app.ctx, { role: 'admin', userId: survivor, keyId: null }, admin.id, {
      role: 'admin',
    });
  });

  it("demotes a user's API keys with them, and promotes them back", async () => {
    const person = await newUser('admin');
    const { secret } = await createApiKey(env.app.ctx, adminActor, {
      name: 'their admin key',
      role: 'admin',
      userEmail: person.email,
    });
    const key: Caller = { headers: { authorization: `Bearer ${secret}` } };
    expect((await call(key, 'GET', '/users')).statusCode).toBe(200);
    expect((await call(admin.caller, 'PATCH', `/users/${person.id}`, { role: 'rep' })).statusCode).toBe(200);
    expect((await call(key, 'GET', '/users')).statusCode).toBe(403);
    expect((await call(key, 'GET', '/queue')).statusCode).toBe(200);
    expect((await call(admin.caller, 'PATCH', `/users/${person.id}`, { role: 'admin' })).statusCode).toBe(
      200,
    );
    expect((await call(key, 'GET', '/users')).statusCode).toBe(200);
  });

  it('a password reset ends every session of the user; the new password signs in, the old does not', async () => {
    const rep = await newUser('rep');
    const before = await sessionOf(rep.email);
    expect((await call(before, 'GET', '/queue')).statusCode).toBe(200);
    const short = await call(admin.caller, 'PUT', `/users/${rep.id}/password`, { password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('body.password');
    const reset = await call(admin.caller, 'PUT', `/users/${rep.id}/password`, {
      password: 'a new long password',
    });
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await call(before, 'GET', '/queue')).statusCode).toBe(401);
    expect((await signIn(rep.email)).statusCode).toBe(401);
    expect((await signIn(rep.email, 'a new long password')).statusCode).toBe(200);
    expect((await actions(rep.id)).map((a) => a.action)).toContain('user.password_reset');
    const missing = await call(admin.caller, 'PUT', `/users/${crypto.randomUUID()}/password`, {
      password: 'a new long password',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('deactivation ends the sessions for good: re-activating does not revive them', async () => {
    const rep = await newUser('rep');
    const session = await sessionOf(rep.email);
    expect((await call(admin.caller, 'PATCH', `/users/${rep.id}`, { active: false })).statusCode).toBe(200);
    expect((await call(session, 'GET', '/queue')).statusCode).toBe(401);
    expect((await signIn(rep.email)).statusCode).toBe(401);
    expect((await call(admin.caller, 'PATCH', `/users/${rep.id}`, { active: true })).statusCode).toBe(200);
    expect((await call(session, 'GET', '/queue')).statusCode).toBe(401);
    expect((await signIn(rep.email)).statusCode).toBe(200);
    expect((await actions(rep.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['user.deactivate', 'user.activate']),
    );
  });

  it('lets neither a rep nor a manager add, change or reset anyone, by session or by key', async () => {
    const target = await newUser('rep');
    const rep = await newUser('rep');
    const manager = await newUser('manager');
    const callers: Caller[] = [
      await sessionOf(rep.email),
      await sessionOf(manager.email),
      { headers: await bearer(env.app, 'manager') },
      { headers: await bearer(env.app, 'rep') },
    ];
    for (const caller of callers) {
      const attempts = [
        await call(caller, 'GET', '/users'),
        await call(caller, 'POST', '/users', {
          email: uniqueEmail('x'),
          name: 'X',
          role: 'admin',
          password: PASSWORD,
        }),
        await call(caller, 'PATCH', `/users/${target.id}`, { role: 'admin' }),
        await call(caller, 'PATCH', `/users/${manager.id}`, { role: 'admin' }),
        await call(caller, 'PUT', `/users/${target.id}/password`, { password: 'taken over now' }),
      ];
      expect(attempts.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403]);
    }
    expect(await env.app.ctx.store.users.byId(target.id)).toMatchObject({ role: 'rep', active: true });
    expect((await signIn(target.email)).statusCode).toBe(200);
  });
});
