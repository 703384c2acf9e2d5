import type { Lead } from '../lead.js';
import { compiledModel, leadReader } from './compiled-model.js';
import { fitScore } from './fit.js';
import { type CriterionValue, DAY_MS, type ScoringModel } from './model.js';
import { lastSighting, type ScoreState, type UserCriterion } from './state.js';

/** Who or what set a criterion. */
export type CriterionSource =
  | { readonly kind: 'user'; readonly userId: string; readonly note?: string }
  | { readonly kind: 'form'; readonly ruleId: string; readonly eventId: number }
  | { readonly kind: 'rule'; readonly ruleId: string; readonly eventId?: number };

/** One candidate value for a criterion and where it came from. */
export interface CriterionEvidence {
  readonly value: CriterionValue;
  readonly source: CriterionSource;
  /** When it was set: the rep's change, the event, or for rules on lead fields the lead's last update. */
  readonly at: Date;
}

export interface CriterionReading {
  readonly criterion: string;
  readonly value: CriterionValue;
  /** The evidence that decided the value; null when nothing speaks to it (unknown). */
  readonly decidedBy: CriterionEvidence | null;
  /** Other evidence that the deciding one outranked, for the explanation. */
  readonly outranked: readonly CriterionEvidence[];
}

export interface QualificationReading {
  readonly criteria: readonly CriterionReading[];
  /** How many criteria are yes. */
  readonly yes: number;
  /** How many must be yes. */
  readonly required: number;
  readonly qualified: boolean;
}

interface Candidate extends CriterionEvidence {
  readonly criterion: string;
  readonly tier: 'form' | 'rule';
  readonly order: number;
}

/**
 * Each criterion's value at `nowMs`, and whether the lead is qualified. Precedence:
 *
 * 1. a rep's setting (including an explicit `unknown`) wins until the rep clears it;
 * 2. else the lead's own answers (rules marked `formAnswer`): the latest answer wins;
 * 3. else the first rule, in model order, that applies now (fit score, lead fields, a recent event);
 * 4. else unknown.
 *
 * Time-dependent rules (an event within N days, a date within the next N days) are evaluated
 * as of `nowMs`.
 *
 * @example qualificationAt(state, lead, b2bModel, Date.now()).qualified // false
 */
export function qualificationAt(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  nowMs: number,
): QualificationReading {
  const candidates = ruleCandidates(state, lead, model, nowMs);
  const criteria = model.qualification.criteria.map((criterion) =>
    readCriterion(
      criterion,
      state.criteria.find((c) => c.criterion === criterion && c.atMs <= nowMs),
      candidates.filter((c) => c.criterion === criterion),
    ),
  );
  const yes = criteria.filter((c) => c.value === 'yes').length;
  const required = model.qualification.minimumYes ?? criteria.length;
  return { criteria, yes, required, qualified: yes >= required };
}

function readCriterion(
  criterion: string,
  user: UserCriterion | undefined,
  candidates: readonly Candidate[],
): CriterionReading {
  const forms = [...candidates.filter((c) => c.tier === 'form')].sort(
    (a, b) => b.at.getTime() - a.at.getTime() || eventIdOf(b) - eventIdOf(a) || a.order - b.order,
  );
  const rules = candidates.filter((c) => c.tier === 'rule');
  const ranked: CriterionEvidence[] = [...forms, ...rules].map(({ value, source, at }) => ({
    value,
    source,
    at,
  }));
  if (user) {
    const source: CriterionSource = {
      kind: 'user',
      userId: user.userId,
      ...(user.note === undefined ? {} : { note: user.note }),
    };
    return {
      criterion,
      value: user.value,
      decidedBy: { value: user.value, source, at: new Date(user.atMs) },
      outranked: ranked,
    };
  }
  const [first, ...rest] = ranked;
  if (!first) return { criterion, value: 'unknown', decidedBy: null, outranked: [] };
  return { criterion, value: first.value, decidedBy: first, outranked: rest };
}

function eventIdOf(candidate: Candidate): number {
  return 'eventId' in candidate.source ? (candidate.source.eventId ?? 0) : 0;
}

/** The rule-made values that apply at `nowMs`, in model order. */
function ruleCandidates(state: ScoreState, lead: Lead, model: ScoringModel, nowMs: number): Candidate[] {
  const read = leadReader(lead);
  let fit: number | undefined;
  const candidates: Candidate[] = [];
  compiledModel(model).qualification.forEach(({ rule, lead: condition }, order) => {
    const { fit: fitBounds, event } = rule.when;
    const base = { value: rule.value, order, criterion: rule.criterion };
    if (fitBounds) {
      fit ??= fitScore(lead, model).score;
      if ((fitBounds.min ?? -Infinity) <= fit && fit <= (fitBounds.max ?? Infinity)) {
        candidates.push({
          ...base,
          tier: 'rule',
          source: { kind: 'rule', ruleId: rule.id },
          at: lead.updatedAt,
        });
      }
    } else if (condition) {
      if (condition.holds(read, nowMs)) {
        candidates.push({
          ...base,
          tier: 'rule',
          source: { kind: 'rule', ruleId: rule.id },
          at: lead.updatedAt,
        });
      }
    } else if (event) {
      const seen = lastSighting(state.head, rule.id);
      if (!seen || seen.atMs > nowMs) return;
      if (event.withinDays !== undefined && nowMs >= seen.atMs + event.withinDays * DAY_MS) return;
      const at = new Date(seen.atMs);
      candidates.push(
        event.formAnswer
          ? { ...base, tier: 'form', source: { kind: 'form', ruleId: rule.id, eventId: seen.eventId }, at }
          : { ...base, tier: 'rule', source: { kind: 'rule', ruleId: rule.id, eventId: seen.eventId }, at },
      );
    }
  });
  return candidates;
}

/** An instant after which qualification can change with time alone, and the rule behind it. */
export interface QualificationEdge {
  readonly atMs: number;
  readonly ruleId: string;
}

/**
 * The instants after `afterMs` at which a time-dependent qualification rule starts or stops
 * applying: an event rule's window closing, a lead date entering or leaving its window.
 */
export function qualificationEdges(
  state: ScoreState,
  lead: Lead,
  model: ScoringModel,
  afterMs: number,
): QualificationEdge[] {
  const read = leadReader(lead);
  const edges: QualificationEdge[] = [];
  for (const { rule, lead: condition } of compiledModel(model).qualification) {
    const { event } = rule.when;
    const seen = lastSighting(state.head, rule.id);
    if (event?.withinDays !== undefined && seen) {
      edges.push({ atMs: seen.atMs + event.withinDays * DAY_MS, ruleId: rule.id });
    }
    if (condition) for (const atMs of condition.edges(read)) edges.push({ atMs, ruleId: rule.id });
  }
  return edges.filter((edge) => edge.atMs > afterMs);
}
