import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { StatsWindowQuery, TemperaturesQuery } from '../../app/stats/stats-schemas.js';
import {
  byOwner,
  bySource,
  conversionByTemperature,
  funnel,
  speedToLead,
  temperaturesOverTime,
} from '../../app/stats/stats-service.js';
import { FUNNEL_STAGES } from '../../domain/analytics/metrics.js';
import { STATS_INTERVALS } from '../../domain/analytics/window.js';
import { HearthError, isHearthError } from '../../domain/errors.js';
import { TEMPERATURES } from '../../domain/scoring/model.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime } from '../schemas.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

const Rate = (description: string) =>
  Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: `${description} Null when dividing by 0.`,
  });
const Ms = (description: string) =>
  Type.Union([Type.Number(), Type.Null()], {
    description: `${description} In milliseconds; null without data.`,
  });
const Count = (description: string) => Type.Integer({ minimum: 0, description });

const windowFields = {
  from: DateTime('Start of the window (inclusive).'),
  to: DateTime('End of the window (exclusive).'),
};

const TemperaturesView = Type.Object({
  ...windowFields,
  interval: Type.Enum(STATS_INTERVALS),
  points: Type.Array(
    Type.Object({
      start: DateTime('Start of the interval.'),
      end: DateTime('End of the interval: the counts hold just before this instant.'),
      ...Object.fromEntries(TEMPERATURES.map((t) => [t, Count(`Leads ${t} at the end of the interval.`)])),
      total: Count('Leads that existed at the end of the interval.'),
    }),
  ),
});

const FunnelView = Type.Object({
  ...windowFields,
  steps: Type.Array(
    Type.Object({
      stage: Type.Enum(FUNNEL_STAGES),
      leads: Count('Leads of the cohort that reached the stage (cold: every lead created in the window).'),
      rateFromPrevious: Rate('Share of the previous stage that reached this one; null for cold.'),
      rateFromStart: Rate('Share of the cohort that reached this stage.'),
      medianMsFromPrevious: Ms('Median time from the previous stage to this one; null for cold.'),
    }),
  ),
  overallRate: Rate('Customers (won after being hot) over the leads of the cohort.'),
  medianCreatedToCustomerMs: Ms('Median time from creation to winning, over the customers of the funnel.'),
  wonWithoutHot: Count('Leads of the cohort won without having been hot first (not in the funnel).'),
});

const ConversionFields = {
  won: Count('Outcomes: customer.'),
  lost: Count('Outcomes: lost.'),
  outcomes: Count('won + lost.'),
  rate: Rate('won / (won + lost).'),
};
const ConversionView = Type.Object({
  ...windowFields,
  byTemperature: Type.Array(
    Type.Object({
      temperature: Type.Enum(TEMPERATURES, { description: 'The temperature just before the outcome.' }),
      ...ConversionFields,
      lift: Rate("This temperature's rate over the overall rate."),
    }),
  ),
  total: Type.Object(ConversionFields),
});

const SpeedFields = {
  timers: Count('First-touch timers started in the window (one per turn to hot).'),
  touched: Count('Timers stopped by a first touch.'),
  met: Count('Touched at or before the deadline.'),
  breached: Count('Deadline passed with no touch by then: touched late, closed late, or still waiting.'),
  running: Count('No touch yet and not closed by an outcome (some may be breached).'),
  medianMs: Ms('Median time from hot to first touch, over touched timers.'),
  p90Ms: Ms('90th percentile of the time from hot to first touch (linear interpolation).'),
  breachRate: Rate('breached / (met + breached).'),
};
const SpeedView = Type.Object({
  ...windowFields,
  total: Type.Object(SpeedFields),
  byOwner: Type.Array(
    Type.Object({
      ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
        description: 'The owner the timer was started for; null: the unassigned queue.',
      }),
      ownerName: Type.Union([Type.String(), Type.Null()]),
      ...SpeedFields,
    }),
  ),
});

const BreakdownFields = {
  leads: Count('Leads created in the window.'),
  hot: Count('Of them, leads that were ever hot.'),
  customers: Count('Of them, leads that were ever won.'),
  hotRate: Rate('hot / leads.'),
  conversionRate: Rate('customers / leads.'),
  medianSpeedMs: Ms("Median hot-to-first-touch time of these leads' touched timers."),
};
const SourcesView = Type.Object({
  ...windowFields,
  sources: Type.Array(Type.Object({ source: Type.Union([Type.String(), Type.Null()]), ...BreakdownFields })),
});
const OwnersView = Type.Object({
  ...windowFields,
  owners: Type.Array(
    Type.Object({
      ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
        description: "The lead's current owner; null: unassigned.",
      }),
      ownerName: Type.Union([Type.String(), Type.Null()]),
      ...BreakdownFields,
    }),
  ),
});

/** A window the service refused names its field as the query string does: `query.from`. */
async function onQuery<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
      throw HearthError.invalid(error.details.problems.map((p) => ({ ...p, path: `query.${p.path}` })));
    }
    throw error;
  }
}

/** The analytics (SPEC §5), for managers and admins. Definitions: docs/analytics.md. */
export function statsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { permission: 'stats:read' } as const;
    const tags = ['stats'];

    app.get(
      '/stats/temperatures',
      {
        config,
        schema: {
          tags,
          summary: 'Leads per temperature at the end of each day, week or month',
          querystring: TemperaturesQuery,
          response: { 200: TemperaturesView, ...errors },
        },
      },
      async (request) => onQuery(temperaturesOverTime(ctx, request.query)),
    );

    app.get(
      '/stats/funnel',
      {
        config,
        schema: {
          tags,
          summary: 'Funnel cold → warm → hot → customer of the leads created in the window',
          querystring: StatsWindowQuery,
          response: { 200: FunnelView, ...errors },
        },
      },
      async (request) => onQuery(funnel(ctx, request.query)),
    );

    app.get(
      '/stats/conversion-by-temperature',
      {
        config,
        schema: {
          tags,
          summary: 'Conversion rate of the outcomes in the window by temperature at hand-off',
          querystring: StatsWindowQuery,
          response: { 200: ConversionView, ...errors },
        },
      },
      async (request) => onQuery(conversionByTemperature(ctx, request.query)),
    );

    app.get(
      '/stats/speed-to-lead',
      {
        config,
        schema: {
          tags,
          summary: 'Time from hot to first touch (median, p90) and SLA breaches, in all and by owner',
          querystring: StatsWindowQuery,
          response: { 200: SpeedView, ...errors },
        },
      },
      async (request) => onQuery(speedToLead(ctx, request.query)),
    );

    app.get(
      '/stats/sources',
      {
        config,
        schema: {
          tags,
          summary: 'Leads created in the window by source: hot, customers, conversion, speed to lead',
          querystring: StatsWindowQuery,
          response: { 200: SourcesView, ...errors },
        },
      },
      async (request) => onQuery(bySource(ctx, request.query)),
    );

    app.get(
      '/stats/owners',
      {
        config,
        schema: {
          tags,
          summary: 'Leads created in the window by owner: hot, customers, conversion, speed to lead',
          querystring: StatsWindowQuery,
          response: { 200: OwnersView, ...errors },
        },
      },
      async (request) => onQuery(byOwner(ctx, request.query)),
    );
  };
}
