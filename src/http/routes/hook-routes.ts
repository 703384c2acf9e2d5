import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { HookInput, HookPatch } from '../../app/integrations/hook-schemas.js';
import {
  createHook,
  deleteHook,
  getHook,
  hookPath,
  listHookDeliveries,
  listHooks,
  updateHook,
} from '../../app/integrations/hook-service.js';
import { receiveHookDelivery } from '../../app/integrations/receive.js';
import type { InboundHook } from '../../domain/integrations/hook.js';
import { DELIVERY_OUTCOMES, HOOK_PROVIDERS } from '../../domain/integrations/hook.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

// The secret is not a field: it is the provider's, or shown once when Hearth made it.
const HookView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  provider: Type.Enum(HOOK_PROVIDERS),
  name: Type.String(),
  path: Type.String({ description: 'Where the provider posts: `/hooks/{provider}/{id}` on this server.' }),
  config: Type.Record(Type.String(), Type.Unknown()),
  active: Type.Boolean({ description: 'False when paused or deleted: deliveries answer 404.' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  deletedAt: NullableDateTime(),
});

const DeliveryView = Type.Object({
  id: Type.Integer(),
  receivedAt: DateTime(),
  outcome: Type.Enum(DELIVERY_OUTCOMES, {
    description:
      'mapped: events stored; duplicate: delivered before; ignored: verified, nothing to record; rejected: see reason.',
  }),
  reason: Type.Union([Type.String(), Type.Null()]),
  externalId: Type.Union([Type.String(), Type.Null()], { description: "The provider's id of the event(s)." }),
  leadId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  leadCreated: Type.Boolean(),
  eventIds: Type.Array(Type.Integer()),
});

const view = (hook: InboundHook) => ({ ...hook, path: hookPath(hook) });
const isPosition = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { before: unknown }).before);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** The admin API of inbound adapters, under /api/v1. */
export function integrationHookRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['integrations'];
    app.get(
      '/integrations/hooks',
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags,
          summary: 'List inbound adapters (never their secrets)',
          response: { 200: Type.Object({ data: Type.Array(HookView) }), ...errors },
        },
      },
      async () => ({ data: (await listHooks(ctx)).map(view) }),
    );
    app.post(
      '/integrations/hooks',
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags,
          summary:
            "Configure an inbound adapter with the provider's secret; a generic hook's secret is shown only here",
          body: HookInput,
          response: {
            201: Type.Object({
              hook: HookView,
              secret: Type.Union([Type.String(), Type.Null()], {
                description: 'The secret Hearth made for a generic hook; null when the provider gave one.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { hook, secret } = await onBody(createHook(ctx, principalOf(request), request.body));
        return reply.status(201).send({ hook: view(hook), secret });
      },
    );
    app.get(
      '/integrations/hooks/:id',
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags,
          summary: 'One inbound adapter, deleted ones included',
          params: IdParams,
          response: { 200: HookView, ...errors },
        },
      },
      async (request) => view(await getHook(ctx, request.params.id)),
    );
    app.patch(
      '/integrations/hooks/:id',
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags,
          summary: 'Rename, rotate the secret, replace the settings or pause an inbound adapter',
          params: IdParams,
          body: HookPatch,
          response: { 200: HookView, ...errors },
        },
      },
      async (request) =>
        view(await onBody(updateHook(ctx, principalOf(request), request.params.id, request.body))),
    );
    app.delete(
      '/integrations/hooks/:id',
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags,
          summary: 'Stop an inbound adapter; its delivery log is kept',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteHook(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/integrations/hooks/:id/deliveries',
      {
        config: { permission: 'integrations:manage' },
        schema: {
          tags,
          summary:
            "An inbound adapter's deliveries, newest first: mapped, duplicate, ignored or rejected with the reason",
          params: IdParams,
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(DeliveryView),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `cursor` to get the next page; null on the last page.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const page = await listHookDeliveries(ctx, request.params.id, {
          limit: limit ?? 50,
          ...(cursor !== undefined ? { before: decodeCursor(cursor, isPosition).before } : {}),
        });
        return {
          data: page.deliveries,
          nextCursor: page.next === null ? null : encodeCursor({ before: page.next }),
        };
      },
    );
  };
}

/**
 * `POST /hooks/{provider}/{id}`, outside /api/v1: providers hold no API key, they sign. The body is
 * kept as the bytes that arrived, whatever its type, because signatures cover those bytes (and
 * Twilio's, the form fields as sent); the adapters parse it after checking. Counted against the
 * ingest rate limit of the sender's address.
 */
export function hookReceiverRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post(
      '/hooks/:provider/:id',
      {
        config: { permission: 'public', limitGroup: 'ingest' },
        // Not in the API document: the body is each provider's, described in docs/integrations.md.
        schema: {
          hide: true,
          params: Type.Object({
            provider: Type.String({ maxLength: 50 }),
            id: Type.String({ maxLength: 100 }),
          }),
        },
      },
      async (request) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
        }
        const receipt = await receiveHookDelivery(ctx, request.params.provider, request.params.id, {
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          contentType: request.headers['content-type'],
          headers,
          url: `${request.protocol}://${request.host}${request.url}`,
        });
        return receipt;
      },
    );
  };
}
