import { HearthError } from '../errors.js';
import type { Lead } from '../lead.js';
import { fitScore } from './fit.js';
import { firstInstantBelow, interestScore } from './interest.js';
import { DAY_MS, RETURNING_CUSTOMER_ID, type ScoringModel, type Temperature } from './model.js';
import { type QualificationReading, qualificationAt, qualificationEdges } from './qualification.js';
import { lastSighting, type ScoreState } from './state.js';

/** Why a temperature changed. */
export type TransitionCause =
  | { readonly kind: 'event'; readonly eventId: number }
  /** Interest decayed below the hot or warm threshold. */
  | { readonly kind: 'decay'; readonly threshold: 'hot' | 'warm' }
  /** A rep set or cleared a qualification criterion. */
  | { readonly kind: 'qualification'; readonly criterion: string; readonly userId: string }
  /** A time window of a rule opened or closed (a timeline, a high-intent event, a returning customer). */
  | { readonly kind: 'rule'; readonly ruleId: string }
  /** The cool period ended: the lead is cold and suggested for letting go. */
  | { readonly kind: 'cool_period' }
  | { readonly kind: 'model_publish'; readonly version: number }
  /** The lead's fields or status changed (fit, dates, customer). */
  | { readonly kind: 'lead_update' };

/** A change of temperature, as stored in the lead's history. */
export interface Transition {
  readonly from: Temperature;
  readonly to: Temperature;
  readonly at: Date;
  readonly cause: TransitionCause;
  readonly modelVersion: number;
  /** Set when the lead turns cold after cooling down. */
  readonly suggestLetGo: boolean;
}

export type HotReason =
  | { readonly kind: 'interest_and_qualification' }
  | { readonly kind: 'high_intent'; readonly ruleId: string; readonly eventId: number; readonly until: Date };

/** A lead's temperature at an instant, with what it rests on. */
export interface TemperatureReading {
  readonly temperature: Temperature;
  readonly at: Date;
  readonly modelVersion: number;
  /** Reported interest, 0–100. */
  readonly interest: number;
  readonly fit: number;
  readonly qualification: QualificationReading;
  readonly hotBecause: HotReason | null;
  readonly warmBecause: 'interest' | 'returning_customer' | null;
  /** High-intent events whose window is open now (they count only with enough fit). */
  readonly highIntent: readonly { readonly ruleId: string; readonly eventId: number; readonly until: Date }[];
  /** Status customer, or a purchase within the returning-customer window. */
  readonly returningCustomer: boolean;
  /** For cool and cold leads that were warm or hot: when that ended. */
  readonly cooledAt: Date | null;
  /** Cold after the cool period: the playbook suggests letting the lead go. */
  readonly suggestLetGo: boolean;
}

/**
 * The temperature at `now`, exact at any instant: it accounts for every threshold crossing and
 * window end since the state was written, so reads are right before the sweeper runs.
 *
 * - hot: interest ≥ hot and qualified, or a high-intent event (for a lead with enough fit);
 * - warm: not hot, and interest ≥ warm or a returning customer;
 * - cool: neither, but it was warm or hot less than the cool period ago;
 * - cold: otherwise; `suggestLetGo` when it got there by cooling down.
 *
 * Times before the newest event are read as that event's time (events may be a few minutes
 * "in the future" through clock skew).
 *
 * @example temperatureAt(state, lead, b2bModel, new Date()).temperature // 'warm'
 */
export function temperatureAt(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  now: Date,
): TemperatureReading {
  assertSameModel(state, model);
  return readingAt(state, lead, model, effectiveNow(state, now.getTime()));
}

function effectiveNow(state: ScoreState, nowMs: number): number {
  return state.head.atMs === null ? nowMs : Math.max(nowMs, state.head.atMs);
}

export function assertSameModel(state: ScoreState, model: ScoringModel): void {
  if (state.modelVersion !== model.version) {
    throw new HearthError(
      'conflict',
      `This score state was built by model version ${state.modelVersion}, not ${model.version}; recompute it.`,
    );
  }
}

interface Window {
  readonly endMs: number;
  readonly ruleId: string;
}

/** A temperature without the details a reading carries: enough to compare two instants. */
export type TemperatureOnly = Pick<TemperatureReading, 'temperature' | 'suggestLetGo'>;

/**
 * The temperature at `now` without building the qualification evidence unless it decides the
 * answer (interest at or above hot): for comparisons before and after a change.
 */
export function temperatureOnlyAt(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  now: Date,
): TemperatureOnly & Pick<TemperatureReading, 'modelVersion'> {
  assertSameModel(state, model);
  return readingAt(state, lead, model, effectiveNow(state, now.getTime()), false);
}

const NOT_EVALUATED: QualificationReading = { criteria: [], yes: 0, required: 0, qualified: false };

function readingAt(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  atMs: number,
  detailed = true,
): TemperatureReading {
  const { head } = state;
  const { warm, hot, coolPeriodDays } = model.temperature;
  const interest = head.atMs === null ? 0 : interestScore(head.groups, head.atMs, model, atMs);
  const fit = fitScore(lead, model).score;
  // Qualification only matters to the temperature when interest reaches hot.
  const qualification =
    detailed || interest >= hot ? qualificationAt(state, lead, model, atMs) : NOT_EVALUATED;
  const highIntent = highIntentWindows(state, model, fit);
  const returning = returningWindow(state, lead, model);

  const active = highIntent
    .filter((w) => w.startMs <= atMs && atMs < w.endMs)
    .map((w) => ({ ruleId: w.ruleId, eventId: w.eventId, until: new Date(w.endMs) }));
  const activeIntent = active[0];
  const returningCustomer = returning !== null && atMs < returning.endMs;
  const base = {
    at: new Date(atMs),
    modelVersion: model.version,
    interest,
    fit,
    qualification,
    highIntent: active,
    returningCustomer,
  };
  const quiet = { cooledAt: null, suggestLetGo: false };
  if (interest >= hot && qualification.qualified) {
    return {
      ...base,
      ...quiet,
      temperature: 'hot',
      hotBecause: { kind: 'interest_and_qualification' },
      warmBecause: null,
    };
  }
  if (activeIntent) {
    const hotBecause: HotReason = { kind: 'high_intent', ...activeIntent };
    return { ...base, ...quiet, temperature: 'hot', hotBecause, warmBecause: null };
  }
  const warmBecause = interest >= warm ? 'interest' : returningCustomer ? 'returning_customer' : null;
  if (warmBecause) return { ...base, ...quiet, temperature: 'warm', hotBecause: null, warmBecause };

  const interestEnd = interestEngagementEnd(state, model);
  const ends = [
    ...(interestEnd === null ? [] : [interestEnd]),
    ...highIntent.map((w) => w.endMs),
    ...(returning ? [returning.endMs] : []),
  ].filter((endMs) => endMs <= atMs);
  const none = { hotBecause: null, warmBecause: null };
  if (ends.length === 0) return { ...base, ...none, ...quiet, temperature: 'cold' };
  const cooledAtMs = Math.max(...ends);
  const cool = atMs < cooledAtMs + coolPeriodDays * DAY_MS;
  return {
    ...base,
    ...none,
    temperature: cool ? 'cool' : 'cold',
    cooledAt: new Date(cooledAtMs),
    suggestLetGo: !cool,
  };
}

/** When interest last fell (or will fall, with no new event) below warm; null if it never reached it. */
function interestEngagementEnd(state: ScoreState, model: ScoringModel): number | null {
  const { head } = state;
  if (
    head.atMs !== null &&
    interestScore(head.groups, head.atMs, model, head.atMs) >= model.temperature.warm
  ) {
    return firstInstantBelow(head.groups, head.atMs, model, model.temperature.warm);
  }
  return head.engagedUntilMs;
}

function highIntentWindows(
  state: ScoreState,
  model: ScoringModel,
  fit: number,
): (Window & { startMs: number; eventId: number })[] {
  return model.temperature.highIntent.flatMap((rule) => {
    const seen = lastSighting(state.head, rule.id);
    if (!seen || fit < rule.minFit) return [];
    return [
      {
        startMs: seen.atMs,
        endMs: seen.atMs + rule.forDays * DAY_MS,
        ruleId: rule.id,
        eventId: seen.eventId,
      },
    ];
  });
}

function returningWindow(state: ScoreState, lead: Lead, model: ScoringModel): Window | null {
  if (lead.status === 'customer') return { endMs: Number.POSITIVE_INFINITY, ruleId: RETURNING_CUSTOMER_ID };
  const settings = model.temperature.returningCustomer;
  const seen = lastSighting(state.head, RETURNING_CUSTOMER_ID);
  if (!settings || !seen) return null;
  return { endMs: seen.atMs + settings.forDays * DAY_MS, ruleId: RETURNING_CUSTOMER_ID };
}

/** The next change of temperature that will happen with no new event or input. */
export interface ScheduledChange {
  readonly at: Date;
  readonly from: Temperature;
  readonly to: Temperature;
  readonly cause: TransitionCause;
  readonly suggestLetGo: boolean;
}

/**
 * Computes in advance the instant (to the millisecond) at which the temperature will next change
 * if nothing else happens: interest decaying below a threshold, a rule's window closing or
 * opening, the cool period ending. Null when it will never change on its own. A sweeper stores
 * this instant, and applies the transition when it comes.
 *
 * @example nextScheduledChange(state, lead, b2bModel, now) // { at: …, from: 'warm', to: 'cool', cause: { kind: 'decay', threshold: 'warm' } }
 */
export function nextScheduledChange(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  now: Date,
): ScheduledChange | null {
  assertSameModel(state, model);
  return nextChangeBefore(state, lead, model, effectiveNow(state, now.getTime()), Number.POSITIVE_INFINITY);
}

/** `nextScheduledChange` from `atMs`, looking only as far as `untilMs` (null if none by then). */
function nextChangeBefore(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  atMs: number,
  untilMs: number,
): ScheduledChange | null {
  const current = readingAt(state, lead, model, atMs, false);
  for (const candidate of candidateChanges(state, lead, model, current, atMs, untilMs)) {
    const next = readingAt(state, lead, model, candidate.atMs, false);
    if (next.temperature !== current.temperature) {
      return {
        at: new Date(candidate.atMs),
        from: current.temperature,
        to: next.temperature,
        cause: candidate.cause,
        suggestLetGo: next.suggestLetGo,
      };
    }
  }
  return null;
}

/**
 * Every instant in (`atMs`, `untilMs`] where an input of the temperature changes by itself, in
 * order.
 */
function candidateChanges(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  current: TemperatureReading,
  atMs: number,
  untilMs: number,
): { atMs: number; cause: TransitionCause }[] {
  const { head } = state;
  const { warm, hot, coolPeriodDays } = model.temperature;
  const candidates: { atMs: number; cause: TransitionCause }[] = [];
  if (head.atMs !== null) {
    // Interest only falls between events, so a threshold still held at `untilMs` is crossed after
    // it: no need to search for the instant (most events of a burst cross nothing before the next).
    const interestAtUntil = Number.isFinite(untilMs)
      ? interestScore(head.groups, head.atMs, model, untilMs)
      : Number.NEGATIVE_INFINITY;
    for (const [threshold, value] of [
      ['hot', hot],
      ['warm', warm],
    ] as const) {
      if (current.interest >= value && interestAtUntil < value) {
        candidates.push({
          atMs: firstInstantBelow(head.groups, head.atMs, model, value),
          cause: { kind: 'decay', threshold },
        });
      }
    }
  }
  for (const edge of qualificationEdges(state, lead, model, atMs)) {
    candidates.push({ atMs: edge.atMs, cause: { kind: 'rule', ruleId: edge.ruleId } });
  }
  // A rep's setting dated later than now (imports, clock skew) takes effect at its time.
  for (const user of state.criteria) {
    candidates.push({
      atMs: user.atMs,
      cause: { kind: 'qualification', criterion: user.criterion, userId: user.userId },
    });
  }
  for (const window of highIntentWindows(state, model, current.fit)) {
    candidates.push({ atMs: window.endMs, cause: { kind: 'rule', ruleId: window.ruleId } });
  }
  const returning = returningWindow(state, lead, model);
  if (returning && Number.isFinite(returning.endMs)) {
    candidates.push({ atMs: returning.endMs, cause: { kind: 'rule', ruleId: returning.ruleId } });
  }
  if (current.temperature === 'cool' && current.cooledAt) {
    candidates.push({
      atMs: current.cooledAt.getTime() + coolPeriodDays * DAY_MS,
      cause: { kind: 'cool_period' },
    });
  }
  return candidates.filter((c) => c.atMs > atMs && c.atMs <= untilMs).sort((a, b) => a.atMs - b.atMs);
}

/**
 * The transitions that happen by themselves in (from, to]: what a sweeper applies for a lead
 * whose stored temperature was right at `from`.
 *
 * @example transitionsBetween(state, lead, b2bModel, lastSwept, now) // [{ from: 'warm', to: 'cool', … }]
 */
export function transitionsBetween(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  from: Date,
  to: Date,
): Transition[] {
  assertSameModel(state, model);
  const transitions: Transition[] = [];
  let cursor = from;
  for (;;) {
    const atMs = effectiveNow(state, cursor.getTime());
    const next = nextChangeBefore(state, lead, model, atMs, Math.max(atMs, to.getTime()));
    if (!next) return transitions;
    transitions.push({ ...next, modelVersion: model.version });
    cursor = next.at;
  }
}

/**
 * The transition between two readings, if the temperature differs.
 */
export function transitionBetween(
  before: TemperatureOnly,
  after: TemperatureOnly & Pick<TemperatureReading, 'modelVersion'>,
  at: Date,
  cause: TransitionCause,
): Transition | null {
  if (before.temperature === after.temperature) return null;
  return {
    from: before.temperature,
    to: after.temperature,
    at,
    cause,
    modelVersion: after.modelVersion,
    suggestLetGo: after.suggestLetGo,
  };
}
