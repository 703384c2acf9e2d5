import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  b2bModel,
  DAY_MS,
  emptyState,
  firstInstantBelow,
  interestKeys,
  interestScore,
  type ScoreState,
  valueFromKey,
} from '../../../src/domain/scoring/index.js';
import { T0 } from './factories.js';

const model = b2bModel;
const engagement = (points: number) => ({ engagement: points, intent: 0, negative: 0 });

describe('exact decay', () => {
  it('halves engagement points every 30 days and intent points every 14', () => {
    expect(interestScore(engagement(50), T0, model, T0 + 30 * DAY_MS)).toBe(25);
    expect(interestScore(engagement(50), T0, model, T0 + 60 * DAY_MS)).toBe(12.5);
    expect(interestScore({ engagement: 0, intent: 80, negative: 0 }, T0, model, T0 + 14 * DAY_MS)).toBe(40);
  });

  it('clamps interest to 0–100 and never reports a negative score', () => {
    expect(interestScore({ engagement: 90, intent: 60, negative: 0 }, T0, model, T0)).toBe(100);
    expect(interestScore({ engagement: 10, intent: 0, negative: -40 }, T0, model, T0)).toBe(0);
  });

  it('finds the instant interest falls below a threshold to the millisecond', () => {
    // 60 engagement points report below 30 once the raw value is below 29.995.
    const analytic = T0 + 30 * DAY_MS * Math.log2(60 / 29.995);
    const crossing = firstInstantBelow(engagement(60), T0, model, 30);
    expect(Math.abs(crossing - analytic)).toBeLessThan(1000);
    expect(interestScore(engagement(60), T0, model, crossing)).toBeLessThan(30);
    expect(interestScore(engagement(60), T0, model, crossing - 1)).toBeGreaterThanOrEqual(30);
  });

  it('works centuries from the epoch without overflowing', () => {
    const farFuture = Date.parse('2400-01-01T00:00:00Z');
    expect(interestScore(engagement(40), farFuture, model, farFuture + 30 * DAY_MS)).toBe(20);
    expect(firstInstantBelow(engagement(40), farFuture, model, 30)).toBeGreaterThan(farFuture);
  });
});

describe('hot-list keys', () => {
  const stateWith = (value: number, atMs: number): ScoreState => {
    const empty = emptyState(model);
    return { ...empty, head: { ...empty.head, atMs, groups: { engagement: 0, intent: value, negative: 0 } } };
  };

  it('order leads by their current value of a group, at any later instant', () => {
    const lead = fc.record({
      value: fc.double({ min: 0.01, max: 500, noNaN: true }),
      at: fc.integer({ min: 0, max: 90 }),
    });
    fc.assert(
      fc.property(lead, lead, fc.integer({ min: 90, max: 400 }), (a, b, nowDays) => {
        const now = T0 + nowDays * DAY_MS;
        const sa = stateWith(a.value, T0 + a.at * DAY_MS);
        const sb = stateWith(b.value, T0 + b.at * DAY_MS);
        const ka = interestKeys(sa, model).intent as number;
        const kb = interestKeys(sb, model).intent as number;
        const va = a.value * 2 ** (-(now - T0 - a.at * DAY_MS) / (14 * DAY_MS));
        const vb = b.value * 2 ** (-(now - T0 - b.at * DAY_MS) / (14 * DAY_MS));
        if (Math.abs(va - vb) > 1e-9 * Math.max(va, vb)) expect(ka > kb).toBe(va > vb);
        expect(valueFromKey(ka, 14, now)).toBeCloseTo(va, 6);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out groups without points', () => {
    expect(interestKeys(emptyState(model), model)).toEqual({ engagement: null, intent: null });
  });
});
