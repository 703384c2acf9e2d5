import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import {
  createView,
  deleteView,
  listViews,
  SavedViewInput,
  SavedViewPatch,
  SavedViewSettings,
  updateView,
} from '../../app/leads/saved-views.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams } from '../schemas.js';
import { onBody } from '../validation.js';

const SavedViewView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  view: SavedViewSettings,
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Named views of the leads table (filters, sort, columns), each user's own. */
export function viewRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/views',
      {
        config: { permission: 'views:manage' },
        schema: {
          tags: ['views'],
          summary: 'Your saved views of the leads table, by name',
          response: { 200: Type.Object({ data: Type.Array(SavedViewView) }), ...errors },
        },
      },
      async (request) => ({ data: await listViews(ctx, principalOf(request)) }),
    );

    app.post(
      '/views',
      {
        config: { permission: 'views:manage' },
        schema: {
          tags: ['views'],
          summary:
            'Save a view of the leads table under a name of your own (409 when you have one by that name)',
          body: SavedViewInput,
          response: { 201: SavedViewView, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await onBody(createView(ctx, principalOf(request), request.body))),
    );

    app.patch(
      '/views/:id',
      {
        config: { permission: 'views:manage' },
        schema: {
          tags: ['views'],
          summary: "Rename a view or replace what it shows; another user's view answers 404",
          params: IdParams,
          body: SavedViewPatch,
          response: { 200: SavedViewView, ...errors },
        },
      },
      async (request) => onBody(updateView(ctx, principalOf(request), request.params.id, request.body)),
    );

    app.delete(
      '/views/:id',
      {
        config: { permission: 'views:manage' },
        schema: {
          tags: ['views'],
          summary: "Delete a view; another user's view answers 404",
          params: IdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteView(ctx, principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
