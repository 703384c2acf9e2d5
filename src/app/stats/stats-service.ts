import {
  breakdownRow,
  conversionByTemperature as conversionRows,
  funnel as funnelOf,
  speed,
  temperatureSeries,
} from '../../domain/analytics/metrics.js';
import {
  intervalBounds,
  type StatsInterval,
  type StatsWindow,
  statsWindow,
} from '../../domain/analytics/window.js';
import type { AppContext } from '../context.js';
import type { StatsWindowQuery, TemperaturesQuery } from './stats-schemas.js';

// The analytics of SPEC §5. Every definition is in docs/analytics.md; the store counts, the
// domain divides and sums. Authorisation is the edge's: `stats:read` (managers and admins).

const windowOf = (ctx: AppContext, query: StatsWindowQuery): StatsWindow =>
  statsWindow(
    {
      ...(query.from !== undefined ? { from: new Date(query.from) } : {}),
      ...(query.to !== undefined ? { to: new Date(query.to) } : {}),
    },
    ctx.clock(),
  );

/** Leads per temperature at the end of each interval of the window. */
export async function temperaturesOverTime(ctx: AppContext, query: TemperaturesQuery) {
  const window = windowOf(ctx, query);
  const interval: StatsInterval = query.interval ?? 'day';
  const bounds = intervalBounds(window, interval);
  const deltas = await ctx.store.stats.temperatureDeltas(bounds);
  return { ...window, interval, points: temperatureSeries(bounds, deltas) };
}

/** The funnel cold → warm → hot → customer of the leads created in the window. */
export async function funnel(ctx: AppContext, query: StatsWindowQuery) {
  const window = windowOf(ctx, query);
  return { ...window, ...funnelOf(await ctx.store.stats.funnel(window)) };
}

/** Conversion rate of the outcomes dated in the window, by temperature at hand-off. */
export async function conversionByTemperature(ctx: AppContext, query: StatsWindowQuery) {
  const window = windowOf(ctx, query);
  return { ...window, ...conversionRows(await ctx.store.stats.outcomesByTemperature(window)) };
}

/** Speed to lead of the first-touch timers started in the window, in all and by owner. */
export async function speedToLead(ctx: AppContext, query: StatsWindowQuery) {
  const window = windowOf(ctx, query);
  const { total, byOwner } = await ctx.store.stats.speedToLead(window, ctx.clock());
  return { ...window, total: speed(total), byOwner: byOwner.map(speed) };
}

/** The leads created in the window by source. */
export async function bySource(ctx: AppContext, query: StatsWindowQuery) {
  const window = windowOf(ctx, query);
  const rows = await ctx.store.stats.breakdown('source', window);
  return {
    ...window,
    sources: rows.map(({ key, name: _name, ...counts }) => breakdownRow({ source: key, ...counts })),
  };
}

/** The leads created in the window by current owner. */
export async function byOwner(ctx: AppContext, query: StatsWindowQuery) {
  const window = windowOf(ctx, query);
  const rows = await ctx.store.stats.breakdown('owner', window);
  return {
    ...window,
    owners: rows.map(({ key, name, ...counts }) =>
      breakdownRow({ ownerId: key, ownerName: name, ...counts }),
    ),
  };
}
