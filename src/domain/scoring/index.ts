/**
 * Lead scoring (SPEC §2): fit, interest with exact decay, qualification, temperature and
 * explanations. Pure: every function takes the time it needs as an argument. docs/scoring.md
 * explains the model document, the maths and the defaults.
 *
 * The calls the rest of Hearth makes:
 * - `validateModel(doc)` at the edge (CLI, HTTP) before a model is stored or published;
 * - `applyEvent(state, event, lead, model, now)` per stored event, in the ingest transaction
 *   (`scoreEvent` also reads the lead at `now`);
 * - `recompute(lead, events, criteria, model, now)` when `scoreEvent` asks, after a merge;
 * - `readingAsOf(lead, events, criteria, model, at)` in backtests (the reading of a recompute, cheaper);
 * - `rescoreForModel(...)` for each lead when a model is published;
 * - `setCriterion(...)` when a rep sets a qualification criterion; `leadChanged(...)` after an edit;
 * - `temperatureAt(...)` for reads, `nextScheduledChange(...)` / `transitionsBetween(...)` for the sweeper;
 * - `explain(state, lead, model, events, now)` for the explanation endpoint and `hearth lead`.
 */

export { apportion } from './apportion.js';
export { type Check, temperatureChecks } from './checks.js';
export type { ScorableEvent } from './compiled-model.js';
export { type Explanation, explain, type InterestContribution } from './explain.js';
export { type FitContribution, type FitScore, fitScore } from './fit.js';
export { type InterestKeys, interestKeys, rankingInterest, valueFromKey } from './hot-list.js';
export { firstInstantBelow, interestScore } from './interest.js';
export * from './model.js';
export { renderModelSchema, ScoringModelSchema, scoringModelJsonSchema } from './model-schema.js';
export { b2bModel, DEFAULT_PRESET, ecommerceModel, PRESETS, type PresetName } from './presets.js';
export {
  type CriterionEvidence,
  type CriterionReading,
  type CriterionSource,
  type QualificationReading,
  qualificationAt,
} from './qualification.js';
export {
  type AppliedEvent,
  applyEvent,
  type CriterionChange,
  type EventContribution,
  eventTransitions,
  leadChanged,
  NOTHING_RECORDED,
  type RecordedHistory,
  readingAsOf,
  recompute,
  rescoreForModel,
  type ScoreEventResult,
  scoreEvent,
  setCriterion,
  temperatureAsOf,
} from './score.js';
export { type Clamp, reportedScore } from './score-scale.js';
export { ALLOWED_LATENESS_MS, emptyState, type ScoreState, type UserCriterion } from './state.js';
export {
  type HotReason,
  nextScheduledChange,
  type ScheduledChange,
  type TemperatureOnly,
  type TemperatureReading,
  type Transition,
  type TransitionCause,
  temperatureAt,
  transitionsBetween,
} from './temperature.js';
export { type ModelValidation, validateModel } from './validate-model.js';
