import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { authenticateSession, signIn, signOut } from '../../app/access/sessions.js';
import { createOwner, setupNeeded } from '../../app/access/setup.js';
import type { AppContext } from '../../app/context.js';
import { USER_ROLES } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { SESSION_COOKIE } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const SessionView = Type.Object({
  user: Type.Object({
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    role: Type.Enum(USER_ROLES),
  }),
  csrfToken: Type.String({
    description: 'Send as the X-CSRF-Token header with every change made with the session cookie.',
  }),
  expiresAt: DateTime('When the session ends unless used (idle timeout; at most 7 days after sign-in).'),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    // Over TLS (directly, or behind a proxy with HEARTH_TRUST_PROXY) the cookie is never sent in clear.
    secure: request.protocol === 'https',
    expires,
  });
}

/** Sign-in for the web app: a session cookie instead of an API key (SPEC §3, §6). */
export function sessionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/session',
      {
        // Password guessing: sign-in attempts have their own, small budget per client address.
        config: { permission: 'public', limitGroup: 'sign-in' },
        schema: {
          tags: ['access'],
          summary: 'Sign in with email and password: sets the session cookie',
          security: [],
          body: Type.Object(
            { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }) },
            { additionalProperties: false },
          ),
          response: { 200: SessionView, ...errors },
        },
      },
      async (request, reply) => {
        const signedIn = await signIn(ctx, request.body.email, request.body.password);
        setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
        return { user: signedIn.user, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt };
      },
    );

    app.get(
      '/session',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['access'],
          summary: 'Who is signed in, and the CSRF token for changes',
          response: { 200: SessionView, ...errors },
        },
      },
      async (request) => {
        const token = request.cookies[SESSION_COOKIE];
        if (request.headers.authorization || !token) {
          throw new HearthError('not_found', 'No session: this request was made with an API key');
        }
        const session = await authenticateSession(ctx, token);
        return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
      },
    );

    app.get(
      '/setup',
      {
        config: { permission: 'public' },
        schema: {
          tags: ['access'],
          summary: 'Whether the installation still needs its owner account (it has no user yet)',
          security: [],
          response: { 200: Type.Object({ needed: Type.Boolean() }), ...errors },
        },
      },
      async () => ({ needed: await setupNeeded(ctx) }),
    );

    app.post(
      '/setup',
      {
        // A setup token is guessed like a password: the same small budget per client address.
        config: { permission: 'public', limitGroup: 'sign-in' },
        schema: {
          tags: ['access'],
          summary: 'Create the owner account (an admin) with the setup token from the console; signs in',
          description:
            'Works once, while the installation has no user: afterwards 409. A wrong token is 403. ' +
            'Every start of `hearth serve` without users prints a link with a token; each works until ' +
            'the owner account exists.',
          security: [],
          body: Type.Object(
            {
              token: Type.String({ maxLength: 200 }),
              email: Type.String({ maxLength: 254 }),
              name: Type.String({ maxLength: 200 }),
              password: Type.String({ maxLength: 1024 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: SessionView, ...errors },
        },
      },
      async (request, reply) => {
        const signedIn = await onBody(createOwner(ctx, request.body));
        setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
        return reply
          .status(201)
          .send({ user: signedIn.user, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt });
      },
    );

    app.delete(
      '/session',
      {
        config: { permission: 'session:read' },
        schema: {
          tags: ['access'],
          summary: 'Sign out: ends the session',
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await signOut(ctx, token);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );
  };
}
