import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { findDuplicates, mergeLeads } from '../../app/leads/lead-merge.js';
import { withScores } from '../../app/scoring/scoring-service.js';
import { MERGED_LEAD_TABLES } from '../../store/lead-merge.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { IdParams } from '../schemas.js';
import { onBody } from '../validation.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function mergeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/leads/:id/duplicates',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary:
            'Leads that look like the same person: the same phone, or the same name at the same company',
          params: IdParams,
          response: {
            200: Type.Object({
              data: Type.Array(
                Type.Object({
                  lead: Type.Ref('Lead'),
                  reasons: Type.Array(Type.Enum(['phone', 'name_at_account']), {
                    description:
                      '`phone`: the same number; `name_at_account`: the same name at the same account.',
                  }),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({ data: await findDuplicates(ctx, principalOf(request), request.params.id) }),
    );

    app.post(
      '/leads/:id/merge',
      {
        config: { permission: 'leads:merge' },
        schema: {
          tags: ['leads'],
          summary:
            'Merge a duplicate into this lead: its events and history move here, blank fields are filled, it is deleted',
          params: IdParams,
          body: Type.Object(
            { duplicateId: Type.String({ format: 'uuid', description: 'The lead to merge in and delete.' }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              lead: Type.Ref('Lead'),
              duplicateId: Type.String({ format: 'uuid', description: 'The deleted lead.' }),
              moved: Type.Object(
                Object.fromEntries(MERGED_LEAD_TABLES.map((table) => [table, Type.Integer()])),
                { description: 'Rows moved from the duplicate, per table.' },
              ),
              filled: Type.Array(Type.String(), {
                description: "The survivor's fields that were blank and now hold the duplicate's values.",
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const result = await onBody(
          mergeLeads(ctx, principalOf(request), request.params.id, request.body.duplicateId),
        );
        const [lead] = await withScores(ctx.store, [result.lead], ctx.clock());
        return { ...result, lead };
      },
    );
  };
}
