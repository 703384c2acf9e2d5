import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser, setUserActive } from '../../src/app/access/access-service.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { json, testServer, uniqueEmail } from '../support/http.js';

const PASSWORD = 'correct horse battery';

function sessionCookie(response: LightMyRequestResponse): { name: string; value: string; raw: string } {
  const raw = String(response.headers['set-cookie']);
  const cookie = response.cookies.find((c) => c.name === 'hearth_session');
  if (!cookie) throw new Error(`no session cookie in ${raw}`);
  return { name: cookie.name, value: cookie.value, raw };
}

describeEachDatabase('sign-in sessions for the web app', (env) => {
  let server: FastifyInstance;
  let email: string;
  let userId: string;

  beforeAll(async () => {
    server = await testServer(env.app);
    email = uniqueEmail('rep');
    userId = (
      await createUser(env.app.ctx, adminActor, { email, name: 'Rita Rep', role: 'rep', password: PASSWORD })
    ).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const signIn = (password = PASSWORD, who = email) =>
    server.inject({ method: 'POST', url: '/api/v1/session', payload: { email: who, password } });

  it('signs in with a httpOnly SameSite cookie and returns the user and a CSRF token', async () => {
    const response = await signIn();
    expect(response.statusCode).toBe(200);
    const cookie = sessionCookie(response);
    expect(cookie.raw).toMatch(/HttpOnly/i);
    expect(cookie.raw).toMatch(/SameSite=Lax/i);
    expect(cookie.raw).not.toMatch(/Secure/i); // plain HTTP here; Secure over TLS
    const body = json<{ user: { id: string; role: string }; csrfToken: string }>(response);
    expect(body.user).toMatchObject({ id: userId, role: 'rep' });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    expect(JSON.stringify(body)).not.toContain(cookie.value);

    const me = await server.inject({
      method: 'GET',
      url: '/api/v1/session',
      cookies: { hearth_session: cookie.value },
    });
    expect(me.statusCode).toBe(200);
    expect(json<{ csrfToken: string }>(me).csrfToken).toBe(body.csrfToken);
    const queue = await server.inject({
      method: 'GET',
      url: '/api/v1/queue',
      cookies: { hearth_session: cookie.value },
    });
    expect(queue.statusCode).toBe(200);
  });

  it('behind a TLS-terminating proxy (HEARTH_TRUST_PROXY) the cookie is Secure', async () => {
    const proxied = await testServer(env.app, { HEARTH_TRUST_PROXY: 'true' });
    try {
      const response = await proxied.inject({
        method: 'POST',
        url: '/api/v1/session',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email, password: PASSWORD },
      });
      const cookie = sessionCookie(response).raw;
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
    } finally {
      await proxied.close();
    }
    // Without HEARTH_TRUST_PROXY anyone can send the header: it is not believed.
    const spoofed = await server.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { email, password: PASSWORD },
    });
    expect(sessionCookie(spoofed).raw).not.toMatch(/Secure/i);
  });

  it('wrong password and unknown email get the same 401', async () => {
    const wrong = await signIn('nope');
    const unknown = await signIn(PASSWORD, uniqueEmail('nobody'));
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(json(wrong)).toEqual(json(unknown));
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('a change with the cookie but without the CSRF token is refused; with it, it goes through', async () => {
    const response = await signIn();
    const { value } = sessionCookie(response);
    const { csrfToken } = json<{ csrfToken: string }>(response);
    const lead = { email: uniqueEmail('csrf') };
    const forged = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      cookies: { hearth_session: value },
      payload: lead,
    });
    expect(forged.statusCode).toBe(403);
    expect(json<{ error: { message: string } }>(forged).error.message).toContain('CSRF');
    const wrongToken = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      cookies: { hearth_session: value },
      headers: { 'x-csrf-token': 'x'.repeat(32) },
      payload: lead,
    });
    expect(wrongToken.statusCode).toBe(403);
    const real = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      cookies: { hearth_session: value },
      headers: { 'x-csrf-token': csrfToken },
      payload: lead,
    });
    expect(real.statusCode).toBe(201);
  });

  it('roles apply to sessions: a rep cannot open the desk settings', async () => {
    const { value } = sessionCookie(await signIn());
    const response = await server.inject({
      method: 'GET',
      url: '/api/v1/settings/desk',
      cookies: { hearth_session: value },
    });
    expect(response.statusCode).toBe(403);
  });

  it('sign-out ends the session; an idle session expires; a deactivated user is signed out', async () => {
    const first = await signIn();
    const { value } = sessionCookie(first);
    const { csrfToken } = json<{ csrfToken: string }>(first);
    const out = await server.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      cookies: { hearth_session: value },
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/session', cookies: { hearth_session: value } }))
        .statusCode,
    ).toBe(401);

    const idle = sessionCookie(await signIn()).value;
    env.clock.advance(13 * 60 * 60 * 1000);
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/queue', cookies: { hearth_session: idle } }))
        .statusCode,
    ).toBe(401);

    const live = sessionCookie(await signIn()).value;
    await setUserActive(env.app.ctx, adminActor, userId, false);
    expect(
      (await server.inject({ method: 'GET', url: '/api/v1/queue', cookies: { hearth_session: live } }))
        .statusCode,
    ).toBe(401);
    expect((await signIn()).statusCode).toBe(401);
    await setUserActive(env.app.ctx, adminActor, userId, true);
  });
});
