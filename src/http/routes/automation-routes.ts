import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import Type, { type TSchema } from 'typebox';
import {
  automationRuns,
  createAutomation,
  deleteAutomation,
  getAutomation,
  listAutomations,
  replaceAutomation,
} from '../../app/automations/automation-service.js';
import type { AppContext } from '../../app/context.js';
import type { Automation } from '../../domain/desk/automation.js';
import { ActionSchema, MAX_ACTIONS, TriggerSchema } from '../../domain/desk/automation.js';
import { SIGNAL_TYPES } from '../../domain/desk/signal.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams } from '../schemas.js';
import { onBody, validatorCompiler } from '../validation.js';

const Where = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A condition on the lead when the rule runs, in the scoring model\'s condition language (docs/scoring.md), e.g. `{ "optedOut": { "equals": false } }`.',
});

const bodyProperties = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  enabled: Type.Optional(Type.Boolean({ description: 'Default true.' })),
  position: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Rules run in ascending position; a new rule goes last.' }),
  ),
  trigger: TriggerSchema,
  where: Type.Optional(Where),
  actions: Type.Array(ActionSchema, { minItems: 1, maxItems: MAX_ACTIONS, description: 'Run in order.' }),
};

const AutomationBody = Type.Object(bodyProperties, {
  additionalProperties: false,
  description: 'An automation rule (docs/automations.md).',
});

const AutomationView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  enabled: Type.Boolean(),
  position: Type.Integer(),
  trigger: TriggerSchema,
  where: Type.Union([Where, Type.Null()]),
  actions: Type.Array(ActionSchema),
  createdBy: Type.Union([Type.String(), Type.Null()], { description: 'The user (or key) that created it.' }),
  createdAt: DateTime(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: DateTime(),
});

const RunView = Type.Object({
  id: Type.Integer(),
  signalId: Type.Integer({ description: 'The signal that triggered the rule.' }),
  signalType: Type.Enum(SIGNAL_TYPES),
  leadId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  at: DateTime(),
  outcome: Type.Enum(['done', 'skipped', 'failed'], {
    description: 'skipped: the where condition or the loop guard said no; failed: an owner was unavailable.',
  }),
  detail: Type.Record(Type.String(), Type.Unknown(), {
    description: "What each action did, or why nothing was done; always with the lead's `optedOut`.",
  }),
});

// The rule's body is checked by validateAutomation (through the service), branch by branch, so
// that each problem is named once on its own field; a union schema would list every branch's
// complaint. The schema above still documents the shape.
const bodyCheckedByService: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route);

// The response schema's arrays are mutable; the domain's are read-only.
const view = (automation: Automation) => ({ ...automation, actions: [...automation.actions] });

const isPosition = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { before: unknown }).before);

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export function automationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/automations',
      {
        config: { permission: 'automations:manage' },
        schema: {
          tags: ['automations'],
          summary: 'Every automation rule, in the order they run',
          response: { 200: Type.Object({ data: Type.Array(AutomationView) }), ...errors },
        },
      },
      async () => ({ data: (await listAutomations(ctx)).map(view) }),
    );

    app.post(
      '/automations',
      {
        config: { permission: 'automations:manage' },
        validatorCompiler: bodyCheckedByService,
        schema: {
          tags: ['automations'],
          summary: 'Create an automation rule; it reacts to changes from now on',
          body: AutomationBody,
          response: { 201: AutomationView, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(view(await onBody(createAutomation(ctx, principalOf(request), request.body)))),
    );

    app.get(
      '/automations/:id',
      {
        config: { permission: 'automations:manage' },
        schema: {
          tags: ['automations'],
          summary: 'One automation rule',
          params: IdParams,
          response: { 200: AutomationView, ...errors },
        },
      },
      async (request) => view(await getAutomation(ctx, request.params.id)),
    );

    app.put(
      '/automations/:id',
      {
        config: { permission: 'automations:manage' },
        validatorCompiler: bodyCheckedByService,
        schema: {
          tags: ['automations'],
          summary: 'Replace an automation rule (its run history stays)',
          params: IdParams,
          body: AutomationBody,
          response: { 200: AutomationView, ...errors },
        },
      },
      async (request) =>
        view(await onBody(replaceAutomation(ctx, principalOf(request), request.params.id, request.body))),
    );

    app.delete(
      '/automations/:id',
      {
        config: { permission: 'automations:manage' },
        schema: {
          tags: ['automations'],
          summary: 'Delete an automation rule and its run history',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteAutomation(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/automations/:id/runs',
      {
        config: { permission: 'automations:manage' },
        schema: {
          tags: ['automations'],
          summary: "A rule's runs, newest first: one per signal it matched, with what it did",
          params: IdParams,
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(RunView),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `cursor` for older runs; null on the last page.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { limit = 50, cursor } = request.query;
        const page = await automationRuns(ctx, request.params.id, {
          limit,
          ...(cursor !== undefined ? { before: decodeCursor(cursor, isPosition).before } : {}),
        });
        return {
          data: page.runs,
          nextCursor: page.next === null ? null : encodeCursor({ before: page.next }),
        };
      },
    );
  };
}
