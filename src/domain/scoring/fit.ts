import type { Lead } from '../lead.js';
import { compiledModel, leadReader } from './compiled-model.js';
import type { ScoringModel } from './model.js';
import { type Clamp, clampScore } from './score-scale.js';

/** A fit rule that matched, with its points. */
export interface FitContribution {
  readonly ruleId: string;
  readonly points: number;
}

export interface FitScore {
  /** 0–100: the sum of the contributions, clamped. */
  readonly score: number;
  /** The sum before clamping. */
  readonly raw: number;
  readonly clamp: Clamp;
  readonly contributions: readonly FitContribution[];
}

/**
 * Fit: who the lead is. The clamped sum of the fit rules that match the lead's fields and
 * attributes; a pure function of the lead (no time, no events), so it never decays.
 *
 * @example fitScore({ ...lead, industry: 'Software', companySize: 200 }, b2bModel).score // 25
 */
export function fitScore(lead: Lead, model: ScoringModel): FitScore {
  const hit = computed.get(lead);
  if (hit?.model === model) return hit.fit;
  const fit = evaluate(lead, model);
  computed.set(lead, { model, fit });
  return fit;
}

// Leads and models are immutable values, and a reading asks for the fit of the same pair at every
// instant it examines (each candidate change of a transition, each event of an import): evaluated
// once per pair instead. A lead edit makes a new lead object, a publish a new model object.
const computed = new WeakMap<Lead, { readonly model: ScoringModel; readonly fit: FitScore }>();

function evaluate(lead: Lead, model: ScoringModel): FitScore {
  const read = leadReader(lead);
  const contributions = compiledModel(model)
    .fit.filter(({ when }) => when.holds(read, 0))
    .map(({ rule }) => ({ ruleId: rule.id, points: rule.points }));
  // Whole points: this sum is exact.
  const raw = contributions.reduce((sum, c) => sum + c.points, 0);
  const { score, clamp } = clampScore(raw);
  return { score, raw, clamp, contributions };
}
