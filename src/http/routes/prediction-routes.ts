import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { getLead } from '../../app/leads/lead-service.js';
import {
  leadPrediction,
  predictionRun,
  predictionStatus,
  startTraining,
  TrainInput,
} from '../../app/prediction/prediction-service.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, IdParams, NullableDateTime } from '../schemas.js';
import { onBody } from '../validation.js';

const Rate = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

const FactorView = Type.Object({
  column: Type.String({
    description: 'The column: `companySize`, `attributes.budget`, `activity.demo_request`, `fit` …',
  }),
  value: Type.String({
    description: 'The lead’s value as the model saw it, e.g. `demo_request in the last 7 days: 1`.',
  }),
  logOdds: Type.Number({
    description: 'Change in log-odds; with the base they add up to the lead’s log-odds.',
  }),
  points: Type.Number({ description: 'Percentage points the probability would move without this factor.' }),
});

const PredictionView = Type.Object({
  probability: Type.Number({ minimum: 0, maximum: 1, description: 'Calibrated probability of converting.' }),
  positive: Type.Array(FactorView, { description: 'Up to three factors raising it most.' }),
  negative: Type.Array(FactorView, { description: 'Up to three factors lowering it most.' }),
  modelId: Type.Integer(),
  predictedAt: DateTime(),
});

const QualityView = Type.Object(
  {
    method: Type.Literal('time_split'),
    trainedOn: Type.Integer({
      description: 'Leads the measured model learned from (the earlier 80% of decisions).',
    }),
    heldOut: Type.Integer({
      description: 'Leads it was measured on (the latest 20%), never seen in training.',
    }),
    heldOutWon: Type.Integer(),
    auc: Rate('Held-out ROC AUC.'),
    logLoss: Type.Number({ description: 'Held-out log loss (lower is better).' }),
    baseRateLogLoss: Type.Number({
      description: 'The log loss of always predicting the base rate: the bar to beat.',
    }),
    calibrationError: Type.Number({
      description: 'Expected calibration error over ten bands (0 is perfect).',
    }),
    reliability: Type.Array(
      Type.Object({
        from: Type.Number(),
        to: Type.Number(),
        leads: Type.Integer(),
        meanProbability: Type.Number(),
        conversionRate: Type.Number(),
      }),
    ),
    additiveAuc: Rate('Held-out AUC of an additive model (one split per tree), for comparison.'),
    trees: Type.Integer(),
  },
  { additionalProperties: true },
);

const ReportView = Type.Object(
  {
    quality: QualityView,
    features: Type.Integer({ description: 'Features the model uses.' }),
    examples: Type.Object({ won: Type.Integer(), lost: Type.Integer() }),
    suspects: Type.Array(Type.Object({ column: Type.String(), auc: Type.Number() }), {
      description:
        'Columns that alone separate won from lost almost perfectly: probably filled in after the decision.',
    }),
  },
  { additionalProperties: true },
);

const ModelView = Type.Object({
  id: Type.Integer(),
  trainedAt: DateTime(),
  trainedBy: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  trigger: Type.Enum(['manual', 'schedule']),
  exclude: Type.Array(Type.String()),
  report: ReportView,
});

const RunView = Type.Object({
  id: Type.Integer(),
  state: Type.Enum(['running', 'done', 'failed']),
  trigger: Type.Enum(['manual', 'schedule']),
  requestedBy: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  exclude: Type.Array(Type.String()),
  startedAt: DateTime(),
  heartbeatAt: DateTime(),
  finishedAt: NullableDateTime(),
  progress: Type.Record(Type.String(), Type.Unknown(), {
    description: '`{ phase: reading | training | predicting, done, total }` while running.',
  }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why it failed, for a person.' }),
  modelId: Type.Union([Type.Integer(), Type.Null()], { description: 'The model it trained, once done.' }),
});

const RunParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function predictionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/prediction/train',
      {
        config: { permission: 'prediction:train' },
        schema: {
          tags: ['prediction'],
          summary: 'Train the predictive score on leads with known outcomes (in the background)',
          description:
            'Starts a training and answers at once with its run; poll `GET /prediction/runs/{id}`. ' +
            'Refused (409) while another runs; the run fails with a clear error below 50 won or 50 lost leads.',
          body: TrainInput,
          response: { 202: RunView, ...errors },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const run = await onBody(
          startTraining(
            ctx,
            { ...request.body, trigger: 'manual', requestedBy: principal.userId ?? null },
            (error) => app.log.error({ err: error }, 'predictive score training failed'),
          ),
        );
        return reply.status(202).send(run);
      },
    );

    app.get(
      '/prediction',
      {
        config: { permission: 'prediction:read' },
        schema: {
          tags: ['prediction'],
          summary: 'The predictive model in use with its measured quality, and the latest trainings',
          response: {
            200: Type.Object({ model: Type.Union([ModelView, Type.Null()]), runs: Type.Array(RunView) }),
            ...errors,
          },
        },
      },
      async () => {
        const { model, runs } = await predictionStatus(ctx);
        // The report is the JSON the trainer wrote (TrainingResult without the trees).
        return { runs, model: model && { ...model, report: model.report as Static<typeof ReportView> } };
      },
    );

    app.get(
      '/prediction/runs/:id',
      {
        config: { permission: 'prediction:read' },
        schema: {
          tags: ['prediction'],
          summary: 'One training run: its progress, or its outcome',
          params: RunParams,
          response: { 200: RunView, ...errors },
        },
      },
      async (request) => predictionRun(ctx, request.params.id),
    );

    app.get(
      '/leads/:id/prediction',
      {
        config: { permission: 'leads:read' },
        schema: {
          tags: ['leads'],
          summary: 'A lead’s conversion probability and the factors behind it',
          params: IdParams,
          response: {
            200: Type.Object({ prediction: Type.Union([PredictionView, Type.Null()]) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const lead = await getLead(ctx, principal, request.params.id);
        return { prediction: await leadPrediction(ctx, lead) };
      },
    );
  };
}
