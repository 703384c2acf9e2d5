import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { BacktestInput, runBacktest } from '../../app/backtest/backtest-service.js';
import type { AppContext } from '../../app/context.js';
import { ErrorBody } from '../error-mapping.js';
import { onBody } from '../validation.js';

const Rate = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });
const TemperatureRow = Type.Object({
  leads: Type.Integer(),
  won: Type.Integer(),
  conversionRate: Rate('won / leads; null for no leads.'),
});
const ThresholdPoint = {
  threshold: Type.Number({ description: 'Interest threshold (whole points).' }),
  leads: Type.Integer({ description: 'Leads at or above it.' }),
  precision: Type.Number({ description: 'Their conversion rate.' }),
  recall: Type.Number({ description: 'Share of all won leads among them.' }),
};

const BacktestView = Type.Object({
  model: Type.Object({
    source: Type.Enum(['document', 'version', 'draft']),
    version: Type.Integer(),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  activeVersion: Type.Integer({ description: 'The active model the temperatures are compared with.' }),
  leads: Type.Integer({ description: 'Leads with a known outcome (latest decision customer or lost).' }),
  won: Type.Integer(),
  lost: Type.Integer(),
  baseRate: Rate('won / leads.'),
  byTemperature: Type.Object(
    { cold: TemperatureRow, cool: TemperatureRow, warm: TemperatureRow, hot: TemperatureRow },
    { description: 'Temperature as of each lead’s decision time under the tested model.' },
  ),
  hotLift: Rate('Conversion rate of hot leads over the base rate.'),
  auc: Type.Object(
    {
      fit: Rate('ROC AUC of fit.'),
      interest: Rate('ROC AUC of interest.'),
      combined: Rate('ROC AUC of fit + interest.'),
      temperature: Rate('ROC AUC of the temperature order cold < cool < warm < hot.'),
    },
    { description: 'Null without both won and lost leads.' },
  ),
  precisionAtK: Type.Array(Type.Object({ k: Type.Integer(), precision: Rate('Won share of the top k.') }), {
    description: 'Leads ranked by temperature, then fit + interest; ties at the cut shared in proportion.',
  }),
  changedVsActive: Type.Object({
    leads: Type.Integer({ description: 'Leads whose temperature differs from the active model’s.' }),
    moved: Type.Record(Type.String(), Type.Integer(), {
      description: 'By "active→tested", e.g. "warm→hot".',
    }),
  }),
  suggestions: Type.Object({
    targetPrecision: Type.Number(),
    hot: Type.Union([Type.Object(ThresholdPoint), Type.Null()], {
      description:
        'The lowest hot threshold whose hot leads convert at ≥ targetPrecision; null if none does.',
    }),
    warm: Type.Union(
      [Type.Object({ ...ThresholdPoint, j: Type.Number({ description: "Youden's J." }) }), Type.Null()],
      {
        description:
          "The warm threshold with the best Youden's J on interest, at most the suggested hot one.",
      },
    ),
  }),
  elapsedMs: Type.Integer(),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export function backtestRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/model/backtest',
      {
        config: { permission: 'model:draft' },
        schema: {
          tags: ['model'],
          summary: 'Backtest a model on the leads with a known outcome, each scored as of its decision time',
          description:
            'Tests `document`, a published `version`, or (with neither) the draft. docs/backtest.md defines every figure.',
          body: BacktestInput,
          response: { 200: BacktestView, ...errors },
        },
      },
      async (request) => onBody(runBacktest(ctx, request.body)),
    );
  };
}
