import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { addNote, NoteInput, noteAuthor } from '../../app/leads/lead-notes.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { IdParams } from '../schemas.js';
import { onBody } from '../validation.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Notes on a lead: a `note` activity written by a person (SPEC §2 Activity). */
export function noteRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/leads/:id/notes',
      {
        // A note is a person's account of the lead, like a qualification answer: people write
        // them, ingest keys (which read nothing) may not.
        config: { permission: 'leads:qualify' },
        schema: {
          tags: ['leads', 'events'],
          summary: 'Write a note on a lead, as the signed-in user',
          description:
            'Stored as a `note` event at the time of the request, with `text`, `authorId` and `authorName` in its properties; it shows in `GET /leads/{id}/events`. A note scores nothing and is not a speed-to-lead touch.',
          params: IdParams,
          body: NoteInput,
          response: { 201: Type.Ref('Event'), ...errors },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const author = await noteAuthor(ctx, principal);
        const note = await onBody(addNote(ctx, principal, request.params.id, request.body, author));
        return reply.status(201).send(note);
      },
    );
  };
}
