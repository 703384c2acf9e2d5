import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createApiKey, createUser, revokeApiKey } from '../../app/access/access-service.js';
import { resetPassword, updateUser } from '../../app/access/users.js';
import type { AppContext } from '../../app/context.js';
import { KEY_ROLES, USER_ROLES } from '../../domain/access.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  role: Type.Enum(USER_ROLES),
  active: Type.Boolean(),
  createdAt: DateTime(),
});

const ApiKeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  role: Type.Enum(KEY_ROLES),
  userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  prefix: Type.String({
    description: 'The first characters of the key, to recognise it; the key itself is never shown again.',
  }),
  createdAt: DateTime(),
  lastUsedAt: NullableDateTime(),
  expiresAt: NullableDateTime(),
  revokedAt: NullableDateTime(),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function accessRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/users',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags: ['access'],
          summary: 'List users',
          response: { 200: Type.Object({ data: Type.Array(UserView) }), ...errors },
        },
      },
      async () => ({ data: await ctx.store.users.list() }),
    );

    app.post(
      '/users',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags: ['access'],
          summary: 'Add a user',
          body: Type.Object(
            {
              email: Type.String({ maxLength: 254 }),
              name: Type.String({ maxLength: 200 }),
              role: Type.Enum(USER_ROLES),
              password: Type.String({ maxLength: 1024 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: UserView, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await onBody(createUser(ctx, principalOf(request), request.body))),
    );

    app.patch(
      '/users/:id',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags: ['access'],
          summary: "Change a user's name or role, deactivate or re-activate them",
          description:
            'Inactive: sessions ended, keys refused, skipped by routing. A key acts with no more than its ' +
            "user's current role. 409 when the change would leave no active admin, or when admins " +
            'deactivate themselves.',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ maxLength: 200 })),
              role: Type.Optional(Type.Enum(USER_ROLES)),
              active: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: UserView, ...errors },
        },
      },
      async (request) => onBody(updateUser(ctx, principalOf(request), request.params.id, request.body)),
    );

    app.put(
      '/users/:id/password',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags: ['access'],
          summary: "Set a new password for a user; ends all of the user's sessions",
          params: IdParams,
          body: Type.Object({ password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await onBody(resetPassword(ctx, principalOf(request), request.params.id, request.body.password));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/keys',
      {
        config: { permission: 'keys:manage' },
        schema: {
          tags: ['access'],
          summary: 'List API keys (never their secrets)',
          response: { 200: Type.Object({ data: Type.Array(ApiKeyView) }), ...errors },
        },
      },
      async () => ({ data: await ctx.store.apiKeys.list() }),
    );

    app.post(
      '/keys',
      {
        config: { permission: 'keys:manage' },
        schema: {
          tags: ['access'],
          summary: 'Create an API key; the response is the only time the key is shown',
          body: Type.Object(
            {
              name: Type.String({ maxLength: 100 }),
              role: Type.Enum(KEY_ROLES),
              userEmail: Type.Optional(
                Type.String({
                  maxLength: 254,
                  description: 'The user the key acts for (required for rep keys).',
                }),
              ),
              expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ key: Type.String(), apiKey: ApiKeyView }), ...errors },
        },
      },
      async (request, reply) => {
        const { apiKey, secret } = await onBody(
          createApiKey(ctx, principalOf(request), {
            name: request.body.name,
            role: request.body.role,
            userEmail: request.body.userEmail,
            expiresAt: request.body.expiresAt === undefined ? undefined : new Date(request.body.expiresAt),
          }),
        );
        return reply.status(201).send({ key: secret, apiKey });
      },
    );

    app.delete(
      '/keys/:id',
      {
        config: { permission: 'keys:manage' },
        schema: {
          tags: ['access'],
          summary: 'Revoke an API key',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await revokeApiKey(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
