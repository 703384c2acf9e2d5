import { stripVTControlCharacters } from 'node:util';
import Chartscii from 'chartscii';
import Table from 'cli-table3';
import type { AppContext } from '../../app/context.js';
import {
  byOwner,
  bySource,
  conversionByTemperature,
  funnel,
  speedToLead,
  temperaturesOverTime,
} from '../../app/stats/stats-service.js';
import type { BreakdownCounts } from '../../domain/analytics/metrics.js';
import type { StatsInterval } from '../../domain/analytics/window.js';
import { HearthError, isHearthError } from '../../domain/errors.js';
import { TEMPERATURES } from '../../domain/scoring/model.js';
import { STATS_REPORTS, type StatsReport } from '../choices.js';
import { type Io, line, withApp } from '../runtime.js';

export interface StatsOptions {
  readonly from?: string;
  readonly to?: string;
  readonly interval?: StatsInterval;
  readonly json?: boolean;
}

const PLAIN = { head: [], border: [] };
const SERIES_COLORS = { cold: 'blue', cool: 'cyan', warm: 'yellow', hot: 'red' } as const;

const percent = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);

/** "45s", "12m", "3h 20m", "2d 4h": a duration a reader takes in at a glance. */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  return `${Math.floor(minutes / 1440)}d ${Math.floor((minutes % 1440) / 60)}h`;
}

function instant(raw: string | undefined, flag: string): string | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) {
    throw HearthError.invalid([
      { path: flag, message: 'must be a date or time, e.g. 2026-03-01 or 2026-03-01T09:00:00Z' },
    ]);
  }
  return new Date(ms).toISOString();
}

/** Charts in colour on a terminal, plain characters in a pipe or a file. */
function chart(io: Io, text: string): string {
  return io.out.isTTY ? text : stripVTControlCharacters(text);
}

function printTemperatures(io: Io, report: Awaited<ReturnType<typeof temperaturesOverTime>>): void {
  line(io.out, `Leads by temperature at the end of each ${report.interval} (UTC)`);
  const label = (end: Date) => end.toISOString().slice(5, 10);
  if (report.points.length > 1) {
    const series = report.points.map((p) => TEMPERATURES.map((t) => ({ value: p[t], label: label(p.end) })));
    const rendered = new Chartscii(series, {
      type: 'line',
      width: Math.min(100, Math.max(40, report.points.length * 6)),
      height: 10,
      color: TEMPERATURES.map((t) => SERIES_COLORS[t]),
      legend: { values: [...TEMPERATURES], position: 'top', align: 'left' },
    }).create();
    line(io.out, chart(io, rendered));
  }
  const table = new Table({ style: PLAIN, head: ['end', ...TEMPERATURES, 'total'] });
  for (const p of report.points) table.push([p.end.toISOString(), ...TEMPERATURES.map((t) => p[t]), p.total]);
  line(io.out, table.toString());
}

function printFunnel(io: Io, report: Awaited<ReturnType<typeof funnel>>): void {
  line(io.out, 'Funnel of the leads created in the window: cold → warm → hot → customer');
  if (report.steps[0]?.leads) {
    const bars = report.steps.map((s) => ({ label: s.stage, value: s.leads }));
    line(io.out, chart(io, new Chartscii(bars, { width: 50, valueLabels: true, color: 'cyan' }).create()));
  }
  const table = new Table({
    style: PLAIN,
    head: ['stage', 'leads', 'from previous', 'of all', 'median time from previous'],
  });
  for (const s of report.steps) {
    table.push([
      s.stage,
      s.leads,
      s.stage === 'cold' ? '' : percent(s.rateFromPrevious),
      percent(s.rateFromStart),
      s.stage === 'cold' ? '' : duration(s.medianMsFromPrevious),
    ]);
  }
  line(io.out, table.toString());
  line(
    io.out,
    `Overall ${percent(report.overallRate)}; median creation to customer ${duration(report.medianCreatedToCustomerMs)}; ` +
      `won without having been hot: ${report.wonWithoutHot}`,
  );
}

function printConversion(io: Io, report: Awaited<ReturnType<typeof conversionByTemperature>>): void {
  line(io.out, 'Conversion of the outcomes in the window by temperature just before each');
  const table = new Table({ style: PLAIN, head: ['temperature', 'won', 'lost', 'rate', 'lift'] });
  for (const r of report.byTemperature) {
    table.push([
      r.temperature,
      r.won,
      r.lost,
      percent(r.rate),
      r.lift === null ? '–' : `${r.lift.toFixed(2)}×`,
    ]);
  }
  table.push(['all', report.total.won, report.total.lost, percent(report.total.rate), '']);
  line(io.out, table.toString());
}

function printSpeed(io: Io, report: Awaited<ReturnType<typeof speedToLead>>): void {
  line(io.out, 'Speed to lead: hot to first touch, for the timers started in the window');
  const table = new Table({
    style: PLAIN,
    head: ['owner', 'timers', 'touched', 'median', 'p90', 'breached', 'breach rate', 'running'],
  });
  const row = (owner: string, s: typeof report.total) => [
    owner,
    s.timers,
    s.touched,
    duration(s.medianMs),
    duration(s.p90Ms),
    s.breached,
    percent(s.breachRate),
    s.running,
  ];
  for (const o of report.byOwner) table.push(row(o.ownerName ?? o.ownerId ?? '(unassigned)', o));
  table.push(row('all', report.total));
  line(io.out, table.toString());
}

function printBreakdown(
  io: Io,
  title: string,
  keyHead: string,
  rows: (BreakdownCounts & { key: string; conversionRate: number | null })[],
): void {
  line(io.out, title);
  if (rows.length === 0) {
    line(io.out, 'No leads were created in the window.');
    return;
  }
  const table = new Table({
    style: PLAIN,
    head: [keyHead, 'leads', 'hot', 'customers', 'conversion', 'median speed to lead'],
  });
  for (const r of rows)
    table.push([r.key, r.leads, r.hot, r.customers, percent(r.conversionRate), duration(r.medianSpeedMs)]);
  line(io.out, table.toString());
}

interface Rendered {
  readonly json: { readonly from: Date; readonly to: Date };
  print(io: Io): void;
}
type Query = { from?: string; to?: string };

// Each report: run it, keep the result for --json, and know how to print it.
const REPORTS: Record<
  StatsReport,
  (ctx: AppContext, query: Query, interval?: StatsInterval) => Promise<Rendered>
> = {
  temperatures: async (ctx, query, interval) => {
    const r = await temperaturesOverTime(ctx, { ...query, ...(interval ? { interval } : {}) });
    return { json: r, print: (io) => printTemperatures(io, r) };
  },
  funnel: async (ctx, query) => {
    const r = await funnel(ctx, query);
    return { json: r, print: (io) => printFunnel(io, r) };
  },
  conversion: async (ctx, query) => {
    const r = await conversionByTemperature(ctx, query);
    return { json: r, print: (io) => printConversion(io, r) };
  },
  speed: async (ctx, query) => {
    const r = await speedToLead(ctx, query);
    return { json: r, print: (io) => printSpeed(io, r) };
  },
  sources: async (ctx, query) => {
    const r = await bySource(ctx, query);
    const rows = r.sources.map((s) => ({ ...s, key: s.source ?? '(none)' }));
    return {
      json: r,
      print: (io) => printBreakdown(io, 'By source, for the leads created in the window', 'source', rows),
    };
  },
  owners: async (ctx, query) => {
    const r = await byOwner(ctx, query);
    const rows = r.owners.map((o) => ({ ...o, key: o.ownerName ?? o.ownerId ?? '(unassigned)' }));
    return {
      json: r,
      print: (io) =>
        printBreakdown(io, 'By current owner, for the leads created in the window', 'owner', rows),
    };
  },
};

/** `hearth stats [REPORT]`: one report, or all of them, for a window (default the last 90 days). */
export async function statsCommand(
  io: Io,
  which: StatsReport | undefined,
  options: StatsOptions,
): Promise<void> {
  const from = instant(options.from, '--from');
  const to = instant(options.to, '--to');
  const query = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  const reports = which === undefined ? STATS_REPORTS : [which];
  await withApp(io, async (app) => {
    const results = new Map<StatsReport, Rendered>();
    for (const r of reports) {
      try {
        results.set(r, await REPORTS[r](app.ctx, query, options.interval));
      } catch (error) {
        // The service names its fields as the API does; the shell user typed flags.
        if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
          throw HearthError.invalid(error.details.problems.map((p) => ({ ...p, path: `--${p.path}` })));
        }
        throw error;
      }
    }
    if (options.json) {
      const json = Object.fromEntries([...results].map(([r, rendered]) => [r, rendered.json]));
      line(io.out, JSON.stringify(which === undefined ? json : json[which], null, 2));
      return;
    }
    const first = [...results.values()][0]?.json;
    if (first) line(io.out, `From ${first.from.toISOString()} to ${first.to.toISOString()}`);
    for (const rendered of results.values()) {
      line(io.out);
      rendered.print(io);
    }
  });
}
