// How long the event loop stalls while heavy reads run in the process that serves requests: a
// backtest of model version 1 (every decided lead scored as of its decision under it and the active
// model) and a year's funnel report, run through
// the application services in this process, with the loop's delay histogram sampling every 10 ms.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runBacktest } from '../../src/app/backtest/backtest-service.js';
import { funnel } from '../../src/app/stats/stats-service.js';
import { loadConfig } from '../../src/config.js';
import { openApp } from '../../src/main.js';
import type { DatabaseTarget } from '../../src/store/database.js';
import { round } from './stats.js';

export interface LoopGap {
  readonly ms: number;
  /** The longest stall of the event loop, beyond the 10 ms sampling interval. */
  readonly maxGapMs: number;
  readonly p99GapMs: number;
}

export interface LoopFigures {
  readonly backtest: LoopGap & { readonly leads: number };
  readonly funnelYear: LoopGap;
}

async function watch<T>(work: () => Promise<T>): Promise<{ gap: LoopGap; value: T }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  histogram.disable();
  // The histogram records each tick's delay beyond the resolution, in nanoseconds.
  return {
    value,
    gap: {
      ms: round(ms),
      maxGapMs: round(histogram.max / 1e6),
      p99GapMs: round(histogram.percentile(99) / 1e6),
    },
  };
}

export async function eventLoopGaps(target: DatabaseTarget, now: Date): Promise<LoopFigures> {
  const app = await openApp(loadConfig({}), { target });
  try {
    const backtest = await watch(() => runBacktest(app.ctx, { version: 1 }));
    const year = {
      from: new Date(now.getTime() - 365 * 86_400_000).toISOString(),
      to: now.toISOString(),
    };
    const report = await watch(() => funnel(app.ctx, year));
    return { backtest: { ...backtest.gap, leads: backtest.value.leads }, funnelYear: report.gap };
  } finally {
    await app.close();
  }
}
