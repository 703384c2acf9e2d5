import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Observation,
  precisionAtK,
  rocAuc,
  type Scored,
  summarise,
  thresholdForPrecision,
  youdenThreshold,
} from '../../../src/domain/backtest/index.js';

const items = (pairs: [number, boolean][]): Scored[] => pairs.map(([score, won]) => ({ score, won }));

// Brute force over every (won, lost) pair: the definition the fast version must equal.
function pairwiseAuc(list: readonly Scored[]): number | null {
  const won = list.filter((i) => i.won);
  const lost = list.filter((i) => !i.won);
  if (won.length === 0 || lost.length === 0) return null;
  let sum = 0;
  for (const w of won) for (const l of lost) sum += w.score > l.score ? 1 : w.score === l.score ? 0.5 : 0;
  return sum / (won.length * lost.length);
}

const scoredList = fc.array(fc.record({ score: fc.integer({ min: -5, max: 5 }), won: fc.boolean() }), {
  minLength: 0,
  maxLength: 60,
});

describe('rocAuc', () => {
  it('is 1 for a perfectly separating score, 0 for its reverse, ½ for a constant', () => {
    const data = items([
      [1, false],
      [2, false],
      [3, true],
      [4, true],
    ]);
    expect(rocAuc(data)).toBe(1);
    expect(rocAuc(data.map((i) => ({ ...i, score: -i.score })))).toBe(0);
    expect(rocAuc(data.map((i) => ({ ...i, score: 7 })))).toBe(0.5);
  });

  it('counts a tie between a won and a lost lead as one half', () => {
    expect(
      rocAuc(
        items([
          [1, false],
          [2, true],
          [2, false],
        ]),
      ),
    ).toBe(0.75);
  });

  it('is undefined (null) without both outcomes', () => {
    expect(rocAuc([])).toBeNull();
    expect(rocAuc(items([[1, true]]))).toBeNull();
  });

  it('equals the pairwise definition with ties', () => {
    fc.assert(
      fc.property(scoredList, (list) => {
        const fast = rocAuc(list);
        const slow = pairwiseAuc(list);
        if (slow === null) return fast === null;
        return fast !== null && Math.abs(fast - slow) < 1e-12;
      }),
    );
  });

  it('is invariant under strictly increasing transforms and flips under decreasing ones', () => {
    fc.assert(
      fc.property(scoredList, (list) => {
        const auc = rocAuc(list);
        const mapped = rocAuc(list.map((i) => ({ ...i, score: Math.exp(i.score) * 3 + 1 })));
        const reversed = rocAuc(list.map((i) => ({ ...i, score: -i.score })));
        if (auc === null) return mapped === null && reversed === null;
        return (
          Math.abs((mapped as number) - auc) < 1e-12 && Math.abs((reversed as number) - (1 - auc)) < 1e-12
        );
      }),
    );
  });
});

describe('precisionAtK', () => {
  it('takes the k highest scores', () => {
    const data = items([
      [9, true],
      [8, false],
      [7, true],
      [1, false],
    ]);
    expect(precisionAtK(data, 1)).toBe(1);
    expect(precisionAtK(data, 2)).toBe(0.5);
    expect(precisionAtK(data, 3)).toBeCloseTo(2 / 3);
    // k beyond the number of leads: all of them.
    expect(precisionAtK(data, 100)).toBe(0.5);
    expect(precisionAtK([], 10)).toBeNull();
  });

  it('shares a tied group at the cut in proportion to the places it fills', () => {
    // Top 2 of {9 won, 5 won, 5 lost, 5 lost}: the 9, then 1 of 3 tied leads of which 1 won.
    const data = items([
      [9, true],
      [5, true],
      [5, false],
      [5, false],
    ]);
    expect(precisionAtK(data, 2)).toBeCloseTo((1 + 1 / 3) / 2);
  });

  it('does not depend on the input order', () => {
    fc.assert(
      fc.property(scoredList, fc.integer({ min: 1, max: 70 }), (list, k) => {
        const a = precisionAtK(list, k);
        const b = precisionAtK([...list].reverse(), k);
        return a === null ? b === null : Math.abs(a - (b as number)) < 1e-12;
      }),
    );
  });
});

describe('threshold searches', () => {
  const data = items([
    [90, true],
    [80, true],
    [70, false],
    [60, true],
    [50, false],
    [40, false],
    [10, false],
  ]);

  it('finds the lowest threshold reaching the target precision', () => {
    const point = thresholdForPrecision(data, 0.75, [20, 45, 55, 65, 75, 85]);
    expect(point).toEqual({ threshold: 55, leads: 4, precision: 0.75, recall: 1 });
    expect(thresholdForPrecision(data, 1.01, [20, 45])).toBeNull();
  });

  it('picks the cut with the best true-positive minus false-positive rate', () => {
    const point = youdenThreshold(data, [20, 45, 55, 65, 75, 85]);
    expect(point?.threshold).toBe(55);
    expect(point?.j).toBeCloseTo(1 - 1 / 4);
  });
});

describe('summarise', () => {
  const obs = (
    temperature: Observation['temperature'],
    won: boolean,
    interest: number,
    active: Observation['temperature'] = temperature,
  ): Observation => ({
    won,
    fit: 50,
    interest,
    temperature,
    hotBy: temperature === 'hot' ? 'qualification' : 'never',
    activeTemperature: active,
  });

  it('counts and rates leads per temperature, the lift of hot and the moves against the active model', () => {
    const summary = summarise(
      [
        obs('hot', true, 80),
        obs('hot', true, 75),
        obs('hot', false, 72, 'warm'),
        obs('warm', true, 40),
        obs('warm', false, 35),
        obs('cold', false, 5),
        obs('cold', false, 0, 'warm'),
        obs('cold', false, 0),
      ],
      { topK: [3], targetPrecision: 0.6 },
    );
    expect(summary.byTemperature.hot).toEqual({ leads: 3, won: 2, conversionRate: 2 / 3 });
    expect(summary.byTemperature.warm).toEqual({ leads: 2, won: 1, conversionRate: 0.5 });
    expect(summary.byTemperature.cool).toEqual({ leads: 0, won: 0, conversionRate: null });
    expect(summary.baseRate).toBe(3 / 8);
    expect(summary.hotLift).toBeCloseTo(2 / 3 / (3 / 8));
    expect(summary.precisionAtK).toEqual([{ k: 3, precision: 2 / 3 }]);
    expect(summary.changedVsActive).toEqual({ leads: 2, moved: { 'warm→hot': 1, 'warm→cold': 1 } });
    expect(summary.suggestions.hot).toMatchObject({ threshold: 1, precision: 2 / 3 });
    expect(summary.auc.temperature).toBeGreaterThan(0.5);
  });
});
