import type { ActivityEvent } from '../event.js';
import { compiledModel, matchEvent } from './compiled-model.js';
import { firstInstantBelow, interestScore } from './interest.js';
import { DAY_MS, type ScoringModel } from './model.js';
import { applyMatch, emptyState, type ScoreState } from './state.js';

/** One reading of a lead's interest: measured from its events (past) or projected with no new event. */
export interface InterestPoint {
  readonly at: Date;
  /** Reported interest 0–100 (hundredths), as `GET /leads/{id}` would have shown it at `at`. */
  readonly interest: number;
  /** True for instants after `now`: the decay of today's interest if nothing new happens. */
  readonly projected: boolean;
}

export interface InterestSeries {
  readonly modelVersion: number;
  readonly now: Date;
  readonly warm: number;
  readonly hot: number;
  /** Oldest first; every step, each event inside the window, and `now`. */
  readonly points: readonly InterestPoint[];
  /** When interest will fall below the hot threshold with no new event; null when it is already below. */
  readonly belowHotAt: Date | null;
  /** The same for the warm threshold. */
  readonly belowWarmAt: Date | null;
}

export interface SeriesWindow {
  readonly pastDays: number;
  readonly futureDays: number;
  /** Spacing of the regular points. Default 6 hours: 241 points for 30 + 30 days. */
  readonly stepMs?: number;
}

/**
 * A lead's interest over the past `pastDays` and projected `futureDays` past `now` under the
 * model's decay, for a chart with the warm and hot thresholds. The past is replayed from the
 * lead's events with the same fold as scoring (`applyMatch`), so each past point equals the
 * interest a read at that instant would have given under this model; events after `now` are
 * ignored. Each event in the window adds a point at its instant, so jumps are not smoothed away.
 *
 * @example interestSeries(events, b2bModel, new Date(), { pastDays: 30, futureDays: 30 }).belowHotAt
 */
export function interestSeries(
  events: readonly ActivityEvent[],
  model: ScoringModel,
  now: Date,
  window: SeriesWindow,
): InterestSeries {
  const nowMs = now.getTime();
  const stepMs = window.stepMs ?? DAY_MS / 4;
  const startMs = nowMs - window.pastDays * DAY_MS;
  const endMs = nowMs + window.futureDays * DAY_MS;
  const compiled = compiledModel(model);
  const matches = events
    .map((event) => matchEvent(compiled, event))
    .filter((m) => m.atMs <= nowMs)
    .sort((a, b) => a.atMs - b.atMs || a.eventId - b.eventId);

  const instants = new Set<number>();
  for (let at = nowMs; at >= startMs; at -= stepMs) instants.add(at);
  for (let at = nowMs + stepMs; at <= endMs; at += stepMs) instants.add(at);
  for (const m of matches) if (m.atMs >= startMs) instants.add(m.atMs);

  let state: ScoreState = emptyState(model);
  let next = 0;
  const reading = (atMs: number) =>
    state.head.atMs === null ? 0 : interestScore(state.head.groups, state.head.atMs, model, atMs);
  const points: InterestPoint[] = [];
  for (const atMs of [...instants].sort((a, b) => a - b)) {
    for (let match = matches[next]; match !== undefined && match.atMs <= atMs; match = matches[++next]) {
      const applied = applyMatch(state, match, model);
      // Matches arrive in folding order, so none is ever too late.
      if (applied.kind === 'applied') state = applied.state;
    }
    points.push({ at: new Date(atMs), interest: reading(atMs), projected: atMs > nowMs });
  }

  const crossing = (threshold: number): Date | null => {
    const { atMs } = state.head;
    if (atMs === null || reading(nowMs) < threshold) return null;
    return new Date(firstInstantBelow(state.head.groups, atMs, model, threshold));
  };
  return {
    modelVersion: model.version,
    now,
    warm: model.temperature.warm,
    hot: model.temperature.hot,
    points,
    belowHotAt: crossing(model.temperature.hot),
    belowWarmAt: crossing(model.temperature.warm),
  };
}
