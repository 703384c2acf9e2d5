import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { FormInput, FormPatch } from '../../app/forms/form-schemas.js';
import {
  createForm,
  deleteForm,
  formPath,
  getForm,
  listFormSubmissions,
  listForms,
  updateForm,
} from '../../app/forms/form-service.js';
import { type HostedForm, SUBMISSION_OUTCOMES } from '../../domain/forms/form.js';
import { formSnippet } from '../../domain/forms/snippet.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const AnswerMappingView = Type.Object({
  field: Type.String(),
  values: Type.Optional(Type.Record(Type.String(), Type.String())),
});

const FormView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  formKey: Type.String({ description: "The public key in the form's address: `hfm_…`." }),
  action: Type.String({
    description: 'Where the form posts: `https://<this server>/f/{formKey}` (the `action` of the snippet).',
  }),
  redirectUrl: Type.String(),
  errorUrl: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Object({
    email: Type.String(),
    name: Type.String(),
    company: Type.String(),
    phone: Type.String(),
    jobTitle: Type.String(),
  }),
  qualification: Type.Object({
    budget: Type.Optional(AnswerMappingView),
    timeline: Type.Optional(AnswerMappingView),
    need: Type.Optional(AnswerMappingView),
  }),
  honeypotField: Type.String(),
  minFillSeconds: Type.Integer(),
  requireFillTime: Type.Boolean(),
  allowedOrigins: Type.Array(Type.String()),
  source: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean({ description: 'False when paused or deleted: posts answer 404.' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  deletedAt: NullableDateTime(),
  snippet: Type.String({
    description:
      'A ready-to-paste HTML form for the page: the mapped fields, the honeypot and the timing script.',
  }),
});

const SubmissionView = Type.Object({
  id: Type.Integer(),
  receivedAt: DateTime(),
  outcome: Type.Enum(SUBMISSION_OUTCOMES, {
    description:
      'stored: lead and form_submit event written; duplicate: the same post moments before, nothing new; spam: dropped (honeypot, too fast), see reason; rejected: refused (no valid email, wrong origin), see reason.',
  }),
  reason: Type.Union([Type.String(), Type.Null()]),
  leadId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  leadCreated: Type.Boolean(),
  eventId: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The form_submit event stored, or the earlier one a duplicate repeats.',
  }),
});

/** The server as the admin's request reached it: the snippet's forms post there too. */
const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
const view = (form: HostedForm, request: FastifyRequest) => {
  const origin = originOf(request);
  return {
    ...form,
    allowedOrigins: [...form.allowedOrigins],
    action: `${origin}${formPath(form)}`,
    snippet: formSnippet(form, origin),
  };
};
const isPosition = (v: unknown): v is { before: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { before: unknown }).before);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** The admin API of hosted forms, under /api/v1. */
export function integrationFormRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['integrations'];
    const config = { permission: 'integrations:manage' as const };
    app.get(
      '/integrations/forms',
      {
        config,
        schema: {
          tags,
          summary: 'List hosted forms',
          response: { 200: Type.Object({ data: Type.Array(FormView) }), ...errors },
        },
      },
      async (request) => ({ data: (await listForms(ctx)).map((form) => view(form, request)) }),
    );
    app.post(
      '/integrations/forms',
      {
        config,
        schema: {
          tags,
          summary: 'Configure a hosted form; the answer carries its key and an HTML snippet to paste',
          body: FormInput,
          response: { 201: FormView, ...errors },
        },
      },
      async (request, reply) => {
        const form = await onBody(createForm(ctx, principalOf(request), request.body));
        return reply.status(201).send(view(form, request));
      },
    );
    app.get(
      '/integrations/forms/:id',
      {
        config,
        schema: {
          tags,
          summary: 'One hosted form with its snippet, deleted ones included',
          params: IdParams,
          response: { 200: FormView, ...errors },
        },
      },
      async (request) => view(await getForm(ctx, request.params.id), request),
    );
    app.patch(
      '/integrations/forms/:id',
      {
        config,
        schema: {
          tags,
          summary: 'Rename, re-point, remap, pause a hosted form or give it a new key',
          params: IdParams,
          body: FormPatch,
          response: { 200: FormView, ...errors },
        },
      },
      async (request) =>
        view(await onBody(updateForm(ctx, principalOf(request), request.params.id, request.body)), request),
    );
    app.delete(
      '/integrations/forms/:id',
      {
        config,
        schema: {
          tags,
          summary: 'Stop a hosted form (its posts answer 404); its submission log is kept',
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteForm(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/integrations/forms/:id/submissions',
      {
        config,
        schema: {
          tags,
          summary: "A hosted form's posts, newest first: stored, duplicate, spam or rejected with the reason",
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
              data: Type.Array(SubmissionView),
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
        const page = await listFormSubmissions(ctx, request.params.id, {
          limit: limit ?? 50,
          ...(cursor !== undefined ? { before: decodeCursor(cursor, isPosition).before } : {}),
        });
        return {
          data: page.submissions,
          nextCursor: page.next === null ? null : encodeCursor({ before: page.next }),
        };
      },
    );
  };
}
