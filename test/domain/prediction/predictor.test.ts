import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../../src/domain/backtest/metrics.js';
import {
  type PlantedLead,
  plantedExamples,
  plantedHistory,
} from '../../../src/domain/prediction/planted-history.js';
import {
  HOLDOUT_SHARE,
  MINIMUM_OUTCOMES_EACH,
  predict,
  trainPredictor,
} from '../../../src/domain/prediction/predictor.js';
import { b2bModel } from '../../../src/domain/scoring/index.js';

const examplesOf = (history: readonly PlantedLead[]) => plantedExamples(history, b2bModel);

/** The planted model's own AUC on the same held-out leads: the best any model could do. */
function plantedAuc(history: readonly PlantedLead[]): number {
  const ordered = [...history].sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
  const heldOut = ordered.slice(Math.round(ordered.length * (1 - HOLDOUT_SHARE)));
  return rocAuc(heldOut.map((h) => ({ score: h.trueProbability, won: h.won }))) as number;
}

describe('the predictive score on history with a planted conversion model', () => {
  // 20,000 leads: 4,000 held out, so the AUC's own sampling error (≈0.01) is well inside 0.02.
  const history = plantedHistory({ count: 20_000, seed: 11 });
  const planted = plantedAuc(history);
  const result = trainPredictor(examplesOf(history));

  it('comes within 0.02 of the planted model’s held-out AUC', () => {
    expect(result.quality.auc).not.toBeNull();
    expect(Math.abs((result.quality.auc as number) - planted)).toBeLessThanOrEqual(0.02);
    expect(result.quality.logLoss).toBeLessThan(result.quality.baseRateLogLoss);
  });

  it('gives calibrated probabilities (expected calibration error under 0.05)', () => {
    expect(result.quality.calibrationError).toBeLessThan(0.05);
    for (const band of result.quality.reliability.filter((b) => b.leads >= 200)) {
      expect(Math.abs(band.meanProbability - band.conversionRate)).toBeLessThan(0.1);
    }
  });

  it('finds the interaction an additive model cannot', () => {
    expect(result.quality.auc as number).toBeGreaterThan(result.quality.additiveAuc as number);
  });

  it('explains a prediction with the planted effects, adding up to its log-odds', () => {
    const lead = history.find(
      (h) => h.lead.industry === 'software' && h.trueProbability > 0.8,
    ) as PlantedLead;
    const prediction = predict(result.predictor, examplesOf([lead])[0]?.observation ?? {});
    expect(prediction.probability).toBeGreaterThan(0.5);
    expect(prediction.positive.length).toBeGreaterThan(0);
    for (const factor of prediction.positive) expect(factor.points).toBeGreaterThan(0);
    for (const factor of prediction.negative) expect(factor.points).toBeLessThan(0);
    const planted = [
      'companySize',
      'industry',
      'activity.pricing_page_visit',
      'jobTitle',
      'activity.demo_request',
    ];
    expect(planted.some((column) => prediction.positive.some((f) => f.column === column))).toBe(true);
  });
});

describe('leakage', () => {
  const history = plantedHistory({
    count: 10_000,
    seed: 5,
    activityAfterDecision: true,
    outcomeColumn: true,
  });
  const planted = plantedAuc(history);
  const examples = examplesOf(history);

  it('activity after the decision is not a feature, so it cannot inflate the AUC', () => {
    const result = trainPredictor(examples, { exclude: ['Converted'] });
    expect(result.quality.auc as number).toBeLessThanOrEqual(planted + 0.02);
    expect(result.predictor.encodings.some((e) => e.name.startsWith('activity.purchase'))).toBe(false);
    expect(result.predictor.encodings.some((e) => e.name.startsWith('activity.meeting'))).toBe(false);
  });

  it('a column filled in after the decision is flagged, and excluding it as documented removes the inflation', () => {
    const leaky = trainPredictor(examples);
    expect(leaky.suspects.map((s) => s.column)).toEqual(['attributes.Converted']);
    expect(leaky.quality.auc as number).toBeGreaterThan(0.99);
    const clean = trainPredictor(examples, { exclude: ['converted'] });
    expect(clean.suspects).toEqual([]);
    expect(clean.predictor.encodings.some((e) => e.name === 'attributes.Converted')).toBe(false);
    expect(clean.quality.auc as number).toBeLessThanOrEqual(planted + 0.02);
  });
});

describe('the minimum of outcomes', () => {
  it('refuses with a message naming the counts and the minimum', () => {
    const history = plantedHistory({ count: 300, seed: 3 });
    const examples = examplesOf(history).map((e, i) => ({ ...e, won: i < MINIMUM_OUTCOMES_EACH - 1 }));
    expect(() => trainPredictor(examples)).toThrow(
      `at least ${MINIMUM_OUTCOMES_EACH} won and ${MINIMUM_OUTCOMES_EACH} lost leads; there are ${MINIMUM_OUTCOMES_EACH - 1} won and ${300 - MINIMUM_OUTCOMES_EACH + 1} lost`,
    );
  });
});
