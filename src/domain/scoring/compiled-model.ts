import { type FieldProblem, HearthError } from '../errors.js';
import type { ActivityEvent } from '../event.js';
import { LEAD_FIELD_NAMES, type Lead } from '../lead.js';
import { type CompiledCondition, compileCondition, readPath, type ValueReader } from './condition.js';
import {
  type FitRule,
  type HighIntentRule,
  type InterestRule,
  type QualificationRule,
  RETURNING_CUSTOMER_ID,
  type ScoringModel,
} from './model.js';

/** A model with its conditions compiled and its rules indexed by event type. */
export interface CompiledModel {
  readonly model: ScoringModel;
  readonly fit: readonly { readonly rule: FitRule; readonly when: CompiledCondition }[];
  readonly interestById: ReadonlyMap<string, InterestRule>;
  readonly interestByType: ReadonlyMap<string, readonly EventMatcher[]>;
  /** Event-driven markers: qualification event rules, high-intent rules, returning customers. */
  readonly markersByType: ReadonlyMap<string, readonly EventMatcher[]>;
  readonly qualification: readonly CompiledQualificationRule[];
}

export interface EventMatcher {
  readonly id: string;
  readonly where: CompiledCondition | null;
}

export interface CompiledQualificationRule {
  readonly rule: QualificationRule;
  readonly lead: CompiledCondition | null;
}

/** What an event means to a model: the interest rules it matches and the markers it sets. */
export interface EventMatch {
  readonly eventId: number;
  readonly atMs: number;
  /** Interest rule ids, in model order. */
  readonly rules: readonly string[];
  readonly marks: readonly string[];
}

const LEAD_PATHS = new Set<string>([...LEAD_FIELD_NAMES, 'id', 'createdAt', 'updatedAt', 'lastActivityAt']);

/** Null when a condition path names a lead field or `attributes.<name>`; else why it does not. */
export function checkLeadPath(segments: readonly string[]): string | null {
  const [first] = segments;
  if (first === 'attributes') return segments.length > 1 ? null : 'name an attribute: attributes.<name>';
  if (first !== undefined && LEAD_PATHS.has(first) && segments.length === 1) return null;
  return `is not a lead field (use one of ${[...LEAD_PATHS].join(', ')}, or attributes.<name>)`;
}

/** Reads lead fields by path: `industry`, `attributes.purchase_date`. */
export function leadReader(lead: Lead): ValueReader {
  return (path) => {
    const [first, ...rest] = path;
    if (first === 'attributes') return readPath(lead.attributes, rest);
    if (first === undefined || rest.length > 0 || !LEAD_PATHS.has(first)) return undefined;
    return (lead as unknown as Record<string, unknown>)[first];
  };
}

/** What matching reads of an event: a backtest reads only these columns. */
export type ScorableEvent = Pick<ActivityEvent, 'id' | 'type' | 'occurredAt' | 'properties'>;

/** Reads event properties by path: `url`, `answers.budget`. */
export function eventReader(event: Pick<ActivityEvent, 'properties'>): ValueReader {
  return (path) => readPath(event.properties, path);
}

/**
 * Compiles every condition of a model, appending problems (with document paths) to `problems`.
 * `validateModel` uses it to find problems; `compiledModel` to run a valid model.
 */
export function buildCompiledModel(model: ScoringModel, problems: FieldProblem[]): CompiledModel {
  const lead = { allowTime: false, checkPath: checkLeadPath };
  const event = { allowTime: false };
  const fit = model.fit.map((rule, i) => ({
    rule,
    when: compileCondition(rule.when, `fit[${i}].when`, problems, lead),
  }));

  const interestByType = new Map<string, EventMatcher[]>();
  model.interest.forEach((rule, i) => {
    const where = rule.where ? compileCondition(rule.where, `interest[${i}].where`, problems, event) : null;
    push(interestByType, rule.type, { id: rule.id, where });
  });

  const markersByType = new Map<string, EventMatcher[]>();
  const qualification = model.qualification.rules.map((rule, i) => {
    const at = `qualification.rules[${i}].when`;
    const trigger = rule.when.event;
    if (trigger) {
      const where = trigger.where
        ? compileCondition(trigger.where, `${at}.event.where`, problems, event)
        : null;
      push(markersByType, trigger.type, { id: rule.id, where });
    }
    const leadCondition = rule.when.lead
      ? compileCondition(rule.when.lead, `${at}.lead`, problems, { ...lead, allowTime: true })
      : null;
    return { rule, lead: leadCondition };
  });
  model.temperature.highIntent.forEach((rule: HighIntentRule, i) => {
    const where = rule.where
      ? compileCondition(rule.where, `temperature.highIntent[${i}].where`, problems, event)
      : null;
    push(markersByType, rule.type, { id: rule.id, where });
  });
  const returning = model.temperature.returningCustomer;
  if (returning) push(markersByType, returning.purchaseType, { id: RETURNING_CUSTOMER_ID, where: null });

  return {
    model,
    fit,
    interestById: new Map(model.interest.map((rule) => [rule.id, rule])),
    interestByType,
    markersByType,
    qualification,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const cache = new WeakMap<ScoringModel, CompiledModel>();

/**
 * The compiled form of a valid model, built once per model object. The core trusts the edge:
 * a model that reaches here passed `validateModel`, so a problem now is a programming error.
 */
export function compiledModel(model: ScoringModel): CompiledModel {
  const hit = cache.get(model);
  if (hit) return hit;
  const problems: FieldProblem[] = [];
  const built = buildCompiledModel(model, problems);
  if (problems.length > 0) throw HearthError.invalid(problems);
  cache.set(model, built);
  return built;
}

/**
 * Which interest rules an event matches and which markers it sets, before caps are applied.
 *
 * @example matchEvent(compiledModel(b2bModel), event) // { rules: ['page_view'], marks: [] , …}
 */
export function matchEvent(model: CompiledModel, event: ScorableEvent): EventMatch {
  const read = eventReader(event);
  const atMs = event.occurredAt.getTime();
  return {
    eventId: event.id,
    atMs,
    rules: matching(model.interestByType.get(event.type), read, atMs),
    marks: matching(model.markersByType.get(event.type), read, atMs),
  };
}

// A plain loop: this runs for every event of every lead in a backtest.
function matching(list: readonly EventMatcher[] | undefined, read: ValueReader, atMs: number): string[] {
  const ids: string[] = [];
  if (list === undefined) return ids;
  for (const m of list) if (m.where === null || m.where.holds(read, atMs)) ids.push(m.id);
  return ids;
}
