import Type, { type Static } from 'typebox';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, STATS_INTERVALS } from '../../domain/analytics/window.js';

const windowFields = {
  from: Type.Optional(
    Type.String({
      format: 'date-time',
      description: `Start of the window, inclusive (ISO 8601); default ${DEFAULT_WINDOW_DAYS} days before \`to\`. At most ${MAX_WINDOW_DAYS} days before \`to\`.`,
    }),
  ),
  to: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'End of the window, exclusive (ISO 8601); default now.',
    }),
  ),
};

/** The window every report takes: `from` (inclusive) and `to` (exclusive). */
export const StatsWindowQuery = Type.Object(windowFields, { additionalProperties: false });
export type StatsWindowQuery = Static<typeof StatsWindowQuery>;

export const TemperaturesQuery = Type.Object(
  {
    ...windowFields,
    interval: Type.Optional(
      Type.Enum(STATS_INTERVALS, {
        default: 'day',
        description: 'One point at the end of each UTC day, ISO week (from Monday) or calendar month.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TemperaturesQuery = Static<typeof TemperaturesQuery>;
