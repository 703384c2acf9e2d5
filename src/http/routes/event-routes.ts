import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { EventInput, EventResult } from '../../app/events/event-schemas.js';
import { ingestEvents } from '../../app/events/ingest.js';
import { HearthError } from '../../domain/errors.js';
import { ErrorBody } from '../error-mapping.js';

const IngestResponse = Type.Object({
  results: Type.Array(EventResult),
  stored: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
});

export function eventRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/events',
      {
        config: { permission: 'events:write' },
        schema: {
          tags: ['events'],
          summary: 'Record one event, or a batch of events in one transaction',
          description: `One event object, or an array of at most ${ctx.limits.maxBatchSize} (HEARTH_MAX_BATCH). Each event is checked on its own: a batch answers 200 with a result per event (stored, duplicate or rejected with the fields at fault), and good events are kept. A single event that is rejected answers 400.`,
          body: Type.Union([EventInput, Type.Array(EventInput)]),
          response: { 200: IngestResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody },
        },
        // Items are validated one by one in ingestEvents, so one bad event cannot sink a batch;
        // here only the outer shape is checked.
        validatorCompiler: () => (data: unknown) =>
          Array.isArray(data) || (typeof data === 'object' && data !== null)
            ? { value: data }
            : {
                error: HearthError.invalid([
                  { path: 'body', message: 'must be an event object or an array of events' },
                ]),
              },
      },
      async (request) => {
        const body: unknown = request.body;
        const single = !Array.isArray(body);
        const summary = await ingestEvents(ctx, single ? [body] : (body as unknown[]), {
          pathOf: single ? () => 'body' : (i) => `body[${i}]`,
        });
        const only = summary.results[0];
        if (single && only?.status === 'rejected') throw HearthError.invalid(only.problems ?? []);
        return summary;
      },
    );
  };
}
