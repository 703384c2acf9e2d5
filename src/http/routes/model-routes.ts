import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import {
  modelOverview,
  publishJob,
  publishModel,
  runPublishJob,
  saveDraft,
} from '../../app/scoring/model-lifecycle.js';
import { HearthError, isHearthError } from '../../domain/errors.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';
import { backtestRoutes } from './backtest-routes.js';

// The document's own schema is published as docs/scoring-model.schema.json (`hearth model
// schema`); here it is an open object checked by `validateModel`, which reports the semantic
// problems (regex safety, ids, signs) a schema cannot, with the same paths.
const ModelDocument = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'A scoring model document (docs/scoring.md; JSON Schema in docs/scoring-model.schema.json).',
  },
);

const VersionFields = {
  version: Type.Integer(),
  state: Type.Enum(['draft', 'published']),
  createdAt: DateTime(),
  publishedAt: NullableDateTime(),
  publishedBy: Type.Union([Type.String(), Type.Null()]),
};
const ModelVersionView = Type.Object({ ...VersionFields, document: ModelDocument });

const PublishJobView = Type.Object({
  id: Type.Integer(),
  version: Type.Integer({ description: 'The version being published.' }),
  state: Type.Enum(['running', 'done']),
  total: Type.Integer({ description: 'Leads to rescore when the publish started.' }),
  done: Type.Integer({ description: 'Leads rescored so far.' }),
  moved: Type.Record(Type.String(), Type.Integer(), {
    description: 'Leads whose temperature changed, by "from→to".',
  }),
  createdAt: DateTime(),
  finishedAt: NullableDateTime(),
  publishedBy: Type.Union([Type.String(), Type.Null()]),
});

/** Locates a document's problems under `document` in the publish body. */
async function inDocument<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
      throw HearthError.invalid(error.details.problems.map((p) => ({ ...p, path: `document.${p.path}` })));
    }
    throw error;
  }
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function modelRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Rescores started by this server; closing waits for them so that no chunk is cut short
    // (an interrupted job would resume anyway: progress lives in the leads' model_version).
    const running = new Set<Promise<unknown>>();
    app.addHook('onClose', async () => {
      await Promise.allSettled([...running]);
    });
    // POST /model/backtest
    await app.register(backtestRoutes(ctx));

    app.get(
      '/model',
      {
        config: { permission: 'model:read' },
        schema: {
          tags: ['model'],
          summary: 'The active scoring model, the draft and the version history',
          response: {
            200: Type.Object({
              active: ModelVersionView,
              draft: Type.Union([ModelVersionView, Type.Null()]),
              history: Type.Array(Type.Object(VersionFields), {
                description: 'Published versions, newest first.',
              }),
              publishing: Type.Union([PublishJobView, Type.Null()], {
                description: 'The rescore in progress, if any.',
              }),
            }),
            ...errors,
          },
        },
      },
      async () => modelOverview(ctx),
    );

    app.put(
      '/model/draft',
      {
        config: { permission: 'model:draft' },
        schema: {
          tags: ['model'],
          summary: 'Validate a model document and store it as the draft',
          body: ModelDocument,
          response: { 200: ModelVersionView, ...errors },
        },
      },
      async (request) => onBody(saveDraft(ctx, principalOf(request), request.body)),
    );

    app.post(
      '/model/publish',
      {
        config: { permission: 'model:publish' },
        schema: {
          tags: ['model'],
          summary: 'Publish the draft (or the given document) and rescore every lead in the background',
          description:
            'Answers 202 with the rescore job at once; follow it at GET /api/v1/model/publish/{id}. Refused with 409 while an earlier publish is still rescoring.',
          body: Type.Object(
            { document: Type.Optional(ModelDocument) },
            { additionalProperties: false, description: '`{}` publishes the draft.' },
          ),
          response: {
            202: Type.Object({ version: Type.Integer(), job: PublishJobView }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { model, job } = await onBody(
          inDocument(publishModel(ctx, principalOf(request), request.body.document)),
        );
        const work = runPublishJob(ctx, job.id)
          .catch((error: unknown) => request.log.error({ err: error, jobId: job.id }, 'model rescore failed'))
          .finally(() => running.delete(work));
        running.add(work);
        return reply.status(202).send({ version: model.version, job });
      },
    );

    app.get(
      '/model/publish/:id',
      {
        config: { permission: 'model:read' },
        schema: {
          tags: ['model'],
          summary: 'Progress of a publish: leads rescored of the total, and leads moved',
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          response: { 200: PublishJobView, ...errors },
        },
      },
      async (request) => publishJob(ctx, request.params.id),
    );
  };
}
