import { capWindowStart } from './calendar.js';
import { compiledModel, type EventMatch } from './compiled-model.js';
import {
  decayGroups,
  firstInstantBelow,
  type GroupValues,
  NO_INTEREST,
  reportedInterest,
} from './interest.js';
import { type CriterionValue, DAY_MS, type ScoringModel } from './model.js';

/**
 * How late an event may arrive and still be scored incrementally: up to this long before the
 * lead's newest event. Email-open syncs and call logs arrive hours or a day late; an event
 * later than this (an import of old history) needs a rescan (`recompute`).
 */
export const ALLOWED_LATENESS_MS = 7 * DAY_MS;

/** The newest event that set a marker (a qualification event rule, a high-intent rule, …). */
export interface Sighting {
  readonly atMs: number;
  readonly eventId: number;
}

/** How many events a capped rule has counted in its current window (which starts at `windowMs`). */
export interface CapCounter {
  readonly windowMs: number;
  readonly count: number;
}

/**
 * The result of folding a lead's effective events in (occurredAt, id) order. Its size depends on
 * the model (rules, markers), never on the number of events.
 */
export interface Fold {
  /** The newest folded event: the anchor of `groups`. Null before any event. */
  readonly atMs: number | null;
  readonly eventId: number | null;
  /** Interest points per group, decayed to `atMs`. */
  readonly groups: GroupValues;
  /**
   * The last instant interest fell below the warm threshold (ms), if it ever did after having
   * reached it. The cool period is measured from here.
   */
  readonly engagedUntilMs: number | null;
  /** Counters of capped interest rules, by rule id. */
  readonly caps: Readonly<Record<string, CapCounter>>;
  /** The newest event per marker id. */
  readonly latest: Readonly<Record<string, Sighting>>;
}

/** A recent effective event, kept so that a late event can be slotted in and the tail replayed. */
export interface TailEntry {
  readonly eventId: number;
  readonly atMs: number;
  /** The interest rules it counts for (after caps). */
  readonly rules: readonly string[];
  readonly marks: readonly string[];
}

/** A criterion set by a rep. It outranks forms and rules until the rep clears it. */
export interface UserCriterion {
  readonly criterion: string;
  readonly value: CriterionValue;
  readonly userId: string;
  readonly atMs: number;
  readonly note?: string;
}

/**
 * Everything scoring keeps per lead, as plain JSON (stored in a jsonb column). The current
 * scores and temperature are pure functions of this state, the lead, the model and `now`.
 *
 * - `settled` folds the events older than `newestEventMs − ALLOWED_LATENESS_MS`;
 * - `tail` lists the effective events since then, oldest first;
 * - `head` is `settled` with the tail folded in: what reads use, in O(1).
 *
 * A new event after the head is folded into the head (O(1)); a late one within the allowed
 * lateness is slotted into the tail and the tail replayed; an older one asks for a rescan.
 * Events are always folded in (occurredAt, id) order, which is why the state does not depend on
 * the order in which events arrive and why incremental updates equal a full recompute, bit for bit.
 */
export interface ScoreState {
  readonly format: 1;
  readonly modelVersion: number;
  /** The newest event that matched any rule or marker (ms), capped or not. */
  readonly newestEventMs: number | null;
  readonly settled: Fold;
  readonly tail: readonly TailEntry[];
  readonly head: Fold;
  /** Criteria set by reps, sorted by criterion. */
  readonly criteria: readonly UserCriterion[];
}

/**
 * The newest event that set a marker. Rule ids are user-chosen, so look them up as own keys:
 * `latest['constructor']` must not find Object.prototype's.
 */
export function lastSighting(fold: Fold, markerId: string): Sighting | undefined {
  return Object.hasOwn(fold.latest, markerId) ? fold.latest[markerId] : undefined;
}

const EMPTY_FOLD: Fold = {
  atMs: null,
  eventId: null,
  groups: NO_INTEREST,
  engagedUntilMs: null,
  caps: {},
  latest: {},
};

/**
 * The state of a lead with no events and no criteria set.
 *
 * @example emptyState(b2bModel).head.groups // { engagement: 0, intent: 0, negative: 0 }
 */
export function emptyState(model: ScoringModel): ScoreState {
  return {
    format: 1,
    modelVersion: model.version,
    newestEventMs: null,
    settled: EMPTY_FOLD,
    tail: [],
    head: EMPTY_FOLD,
    criteria: [],
  };
}

/** What applying one event did. */
export type Application =
  | { readonly kind: 'applied'; readonly state: ScoreState; readonly counted: readonly string[] }
  | { readonly kind: 'too_late' };

/**
 * Applies one matched event to a state. See `ScoreState` for the three cases.
 */
export function applyMatch(state: ScoreState, match: EventMatch, model: ScoringModel): Application {
  if (match.rules.length === 0 && match.marks.length === 0) return { kind: 'applied', state, counted: [] };
  if (state.head.eventId === match.eventId || state.tail.some((e) => e.eventId === match.eventId)) {
    return { kind: 'applied', state, counted: countedFor(state.tail, match.eventId) };
  }
  const { head } = state;
  if (head.atMs === null || follows(match, head.atMs, head.eventId as number)) {
    const step = foldStep(head, match, model);
    const effective = step.counted.length > 0 || match.marks.length > 0;
    const next: ScoreState = effective
      ? { ...state, head: step.fold, tail: [...state.tail, { ...match, rules: step.counted }] }
      : state;
    return { kind: 'applied', state: settle(next, match.atMs, model), counted: step.counted };
  }
  const watermark = (state.newestEventMs as number) - ALLOWED_LATENESS_MS;
  if (match.atMs < watermark) return { kind: 'too_late' };
  const tail = [...state.tail];
  const at = tail.findIndex((e) => follows(e, match.atMs, match.eventId));
  tail.splice(at === -1 ? tail.length : at, 0, { ...match });
  const replayed = replay(state.settled, tail, model);
  return {
    kind: 'applied',
    state: { ...state, head: replayed.head, tail: replayed.tail },
    counted: countedFor(replayed.tail, match.eventId),
  };
}

function countedFor(tail: readonly TailEntry[], eventId: number): readonly string[] {
  return tail.find((e) => e.eventId === eventId)?.rules ?? [];
}

/** Whether an event comes after (atMs, eventId) in the folding order. */
function follows(event: { atMs: number; eventId: number }, atMs: number, eventId: number): boolean {
  return event.atMs > atMs || (event.atMs === atMs && event.eventId > eventId);
}

/** Advances the newest time and moves tail entries older than the allowed lateness into `settled`. */
function settle(state: ScoreState, atMs: number, model: ScoringModel): ScoreState {
  const newestEventMs = state.newestEventMs === null ? atMs : Math.max(state.newestEventMs, atMs);
  const watermark = newestEventMs - ALLOWED_LATENESS_MS;
  let settled = state.settled;
  let moved = 0;
  for (const entry of state.tail) {
    if (entry.atMs >= watermark) break;
    settled = foldStep(settled, entry, model).fold;
    moved += 1;
  }
  return { ...state, newestEventMs, settled, tail: moved === 0 ? state.tail : state.tail.slice(moved) };
}

/** Folds the tail over `settled` again, dropping entries that no longer count for anything. */
function replay(
  settled: Fold,
  entries: readonly TailEntry[],
  model: ScoringModel,
): { head: Fold; tail: TailEntry[] } {
  let head = settled;
  const tail: TailEntry[] = [];
  for (const entry of entries) {
    const step = foldStep(head, entry, model);
    if (step.counted.length === 0 && entry.marks.length === 0) continue;
    head = step.fold;
    tail.push({ ...entry, rules: step.counted });
  }
  return { head, tail };
}

/**
 * Folds one event (at or after the fold's newest) into a fold: decays the groups to the event,
 * notes whether interest fell below warm in between, applies caps and points, records markers.
 */
function foldStep(
  fold: Fold,
  entry: Pick<TailEntry, 'eventId' | 'atMs' | 'rules' | 'marks'>,
  model: ScoringModel,
): { fold: Fold; counted: string[] } {
  const { interestById } = compiledModel(model);
  const warm = model.temperature.warm;
  let groups = fold.groups;
  let engagedUntilMs = fold.engagedUntilMs;
  let engagedUpToEvent = false;
  if (fold.atMs !== null) {
    const decayed = decayGroups(groups, model, entry.atMs - fold.atMs);
    if (reportedInterest(groups) >= warm) {
      // Interest never rises between events: still warm at the event means warm all along, and
      // only a fall below warm needs the exact crossing.
      if (reportedInterest(decayed) >= warm) engagedUpToEvent = true;
      else engagedUntilMs = firstInstantBelow(groups, fold.atMs, model, warm);
    }
    groups = decayed;
  }

  // Folds are never mutated once made, so a step shares what it leaves unchanged with the fold
  // before it: most events touch no capped rule and set no marker (fewer copies in a backtest).
  let caps: Readonly<Record<string, CapCounter>> = fold.caps;
  const sums = { ...groups };
  const counted: string[] = [];
  for (const ruleId of entry.rules) {
    const rule = interestById.get(ruleId);
    if (!rule) continue;
    if (rule.cap) {
      const windowMs = capWindowStart(rule.cap.per, entry.atMs);
      const counter = Object.hasOwn(caps, ruleId) ? caps[ruleId] : undefined;
      const count = counter && counter.windowMs === windowMs ? counter.count : 0;
      if (count >= rule.cap.max) continue;
      caps = { ...caps, [ruleId]: { windowMs, count: count + 1 } };
    }
    sums[rule.group] += rule.points;
    counted.push(ruleId);
  }
  let latest: Readonly<Record<string, Sighting>> = fold.latest;
  if (entry.marks.length > 0) {
    const marked: Record<string, Sighting> = { ...fold.latest };
    for (const mark of entry.marks) marked[mark] = { atMs: entry.atMs, eventId: entry.eventId };
    latest = marked;
  }
  // A negative event can end engagement at its own instant.
  if (engagedUpToEvent && reportedInterest(sums) < warm) {
    engagedUntilMs = entry.atMs;
  }
  return {
    fold: { atMs: entry.atMs, eventId: entry.eventId, groups: sums, engagedUntilMs, caps, latest },
    counted,
  };
}

/**
 * Folds matched events, in any order, into a fresh state: the reference every incremental path
 * must agree with. Also returns, per event id, the interest rules it counts for in the end (in
 * sorted order no later event can displace an earlier one from a cap, so these are final).
 */
export function foldMatches(
  matches: readonly EventMatch[],
  model: ScoringModel,
): { state: ScoreState; counted: ReadonlyMap<number, readonly string[]> } {
  const sorted = [...matches].sort((a, b) => a.atMs - b.atMs || a.eventId - b.eventId);
  let state = emptyState(model);
  const counted = new Map<number, readonly string[]>();
  for (const match of sorted) {
    const applied = applyMatch(state, match, model);
    // Sorted input always follows the head, so it is never too late.
    if (applied.kind !== 'applied') continue;
    state = applied.state;
    if (applied.counted.length > 0) counted.set(match.eventId, applied.counted);
  }
  return { state, counted };
}

/**
 * The head of `foldMatches(matches, model).state` alone — what a reading needs — without the
 * settled fold and the tail that only later late events need: each event is folded once instead
 * of twice, and nothing is copied per event. Equal to that head bit for bit (same steps in the
 * same order). Also returns the newest matched event's time (`newestEventMs`).
 *
 * @example foldHead(events.map((e) => matchEvent(compiledModel(model), e)), model).head.groups
 */
export function foldHead(
  matches: readonly EventMatch[],
  model: ScoringModel,
): { head: Fold; newestEventMs: number | null } {
  const sorted = [...matches].sort((a, b) => a.atMs - b.atMs || a.eventId - b.eventId);
  let head = EMPTY_FOLD;
  let newestEventMs: number | null = null;
  for (const match of sorted) {
    if (match.rules.length === 0 && match.marks.length === 0) continue;
    newestEventMs = match.atMs;
    // The same event twice (a repeated row) counts once, as in `applyMatch`.
    if (head.eventId === match.eventId) continue;
    const step = foldStep(head, match, model);
    if (step.counted.length > 0 || match.marks.length > 0) head = step.fold;
  }
  return { head, newestEventMs };
}
