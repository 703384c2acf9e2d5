import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { WebhookInput } from '../../app/webhooks/webhook-schemas.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
} from '../../app/webhooks/webhook-service.js';
import { SIGNAL_TYPES } from '../../domain/desk/signal.js';
import { DELIVERY_STATES } from '../../domain/desk/webhook.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

// The secret is not a field here: it leaves the server once, in the answer to the create.
const WebhookView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  events: Type.Array(Type.Enum(SIGNAL_TYPES)),
  description: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean({ description: 'False once deleted.' }),
  createdAt: DateTime(),
  createdBy: Type.Union([Type.String(), Type.Null()], { description: 'The user (or key) that created it.' }),
  deletedAt: NullableDateTime(),
});

const deliveryProperties = {
  id: Type.Integer({ description: 'Also sent as the `Hearth-Delivery` header.' }),
  webhookId: Type.String({ format: 'uuid' }),
  signalId: Type.Integer({ description: 'The `id` of the body: the same for every subscription.' }),
  leadId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  event: Type.Enum(SIGNAL_TYPES),
  state: Type.Enum(DELIVERY_STATES),
  attemptCount: Type.Integer(),
  nextAttemptAt: NullableDateTime('When it is tried next, while pending.'),
  giveUpAt: DateTime('When a pending delivery that keeps failing is given up.'),
  lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's last HTTP status." }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime(),
  deliveredAt: NullableDateTime(),
};

const DeliveryView = Type.Object(deliveryProperties);

const DeliveryLogView = Type.Object({
  ...deliveryProperties,
  attempts: Type.Array(
    Type.Object({
      attemptedAt: DateTime(),
      statusCode: Type.Union([Type.Integer(), Type.Null()], {
        description: 'Null when no answer came (refused, timed out).',
      }),
      error: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Integer(),
    }),
    { description: 'Oldest first.' },
  ),
});

const DeliveryParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The webhook id.' }),
  deliveryId: Type.Integer({ minimum: 1, description: 'The delivery id.' }),
});

const isPosition = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { before: unknown }).before);

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function webhookRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/webhooks',
      {
        config: { permission: 'webhooks:manage' },
        schema: {
          tags: ['webhooks'],
          summary: 'List webhook subscriptions (never their secrets)',
          response: { 200: Type.Object({ data: Type.Array(WebhookView) }), ...errors },
        },
      },
      async () => ({ data: await listWebhooks(ctx) }),
    );

    app.post(
      '/webhooks',
      {
        config: { permission: 'webhooks:manage' },
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to signals; the response is the only time the signing secret is shown',
          body: WebhookInput,
          response: {
            201: Type.Object({
              secret: Type.String({ description: 'Verifies `Hearth-Signature`; shown only here.' }),
              webhook: WebhookView,
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { webhook, secret } = await onBody(createWebhook(ctx, principalOf(request), request.body));
        return reply.status(201).send({ secret, webhook });
      },
    );

    app.get(
      '/webhooks/:id',
      {
        config: { permission: 'webhooks:manage' },
        schema: {
          tags: ['webhooks'],
          summary: 'One webhook subscription, deleted ones included',
          params: IdParams,
          response: { 200: WebhookView, ...errors },
        },
      },
      async (request) => getWebhook(ctx, request.params.id),
    );

    app.delete(
      '/webhooks/:id',
      {
        config: { permission: 'webhooks:manage' },
        schema: {
          tags: ['webhooks'],
          summary: 'Stop a subscription: pending deliveries are given up, the delivery log is kept',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteWebhook(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        config: { permission: 'webhooks:manage' },
        schema: {
          tags: ['webhooks'],
          summary: "A subscription's deliveries, newest first, with every attempt and its status code",
          params: IdParams,
          querystring: Type.Object(
            {
              state: Type.Optional(Type.Enum(DELIVERY_STATES)),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(DeliveryLogView),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `cursor` to get the next page; null on the last page.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { state, limit, cursor } = request.query;
        const page = await listDeliveries(ctx, request.params.id, {
          limit: limit ?? 50,
          ...(state !== undefined ? { state } : {}),
          ...(cursor !== undefined ? { before: decodeCursor(cursor, isPosition).before } : {}),
        });
        return {
          data: page.deliveries,
          nextCursor: page.next === null ? null : encodeCursor({ before: page.next }),
        };
      },
    );

    app.post(
      '/webhooks/:id/deliveries/:deliveryId/retry',
      {
        config: { permission: 'webhooks:manage' },
        schema: {
          tags: ['webhooks'],
          summary: 'Send a failed delivery again now (given up, or waiting to retry after a failed attempt)',
          params: DeliveryParams,
          response: { 200: DeliveryView, ...errors },
        },
      },
      async (request) =>
        retryDelivery(ctx, principalOf(request), request.params.id, request.params.deliveryId),
    );
  };
}
