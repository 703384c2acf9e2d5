import { describe, expect, it } from 'vitest';
import { b2bModel, DAY_MS, recompute } from '../../../src/domain/scoring/index.js';
import { interestSeries } from '../../../src/domain/scoring/interest-series.js';
import { aLead, anEvent, day, T0 } from './factories.js';

const model = b2bModel;
const window = { pastDays: 30, futureDays: 30 };

describe('interest series', () => {
  it('is flat at zero for a lead without events, with no crossings', () => {
    const series = interestSeries([], model, day(0), window);
    expect(series.points.every((p) => p.interest === 0)).toBe(true);
    expect(series.points).toHaveLength(30 * 4 * 2 + 1);
    expect(series.belowHotAt).toBeNull();
    expect(series.belowWarmAt).toBeNull();
    expect([series.warm, series.hot]).toEqual([30, 70]);
  });

  it('replays each past point as a read at that instant would have scored it', () => {
    const lead = aLead();
    const events = [
      anEvent('demo_request', day(-20)),
      anEvent('pricing_page_visit', day(-10.3)),
      anEvent('trial_start', day(-2)),
    ];
    const series = interestSeries(events, model, day(0), window);
    for (const point of series.points.filter((p) => !p.projected)) {
      const before = events.filter((e) => e.occurredAt <= point.at);
      const expected = recompute(lead, before, [], model, point.at).reading.interest;
      expect(point.interest).toBe(expected);
    }
    // The event instants are points of their own: the jump is not smoothed away.
    expect(series.points.some((p) => p.at.getTime() === day(-10.3).getTime())).toBe(true);
  });

  it('projects the decay of interest now when nothing new happens', () => {
    const series = interestSeries([anEvent('demo_request', day(-1))], model, day(0), window);
    const now = series.points.find((p) => p.at.getTime() === day(0).getTime());
    const inTwoWeeks = series.points.find((p) => p.at.getTime() === day(14).getTime());
    expect(now?.projected).toBe(false);
    expect(inTwoWeeks?.projected).toBe(true);
    // Intent halves every 14 days.
    expect(inTwoWeeks?.interest).toBeCloseTo((now?.interest ?? 0) / 2, 1);
    const projected = series.points.filter((p) => p.projected).map((p) => p.interest);
    expect(projected).toEqual([...projected].sort((a, b) => b - a));
  });

  it('names the instant interest falls below warm, and none for hot when already below', () => {
    const series = interestSeries([anEvent('demo_request', day(0))], model, day(0), window);
    // 50 intent points fall below 30 after 14 × log2(50 / 29.995) days.
    const expected = T0 + 14 * DAY_MS * Math.log2(50 / 29.995);
    expect(Math.abs((series.belowWarmAt?.getTime() ?? 0) - expected)).toBeLessThan(1000);
    expect(series.belowHotAt).toBeNull();
  });

  it('names when a hot-level interest drops below hot', () => {
    const events = [anEvent('demo_request', day(-1)), anEvent('trial_start', day(-0.5))];
    const series = interestSeries(events, model, day(0), window);
    const at = series.belowHotAt?.getTime() ?? 0;
    expect(at).toBeGreaterThan(day(0).getTime());
    const recomputed = (instant: number) =>
      recompute(aLead(), events, [], model, new Date(instant)).reading.interest;
    expect(recomputed(at)).toBeLessThan(70);
    expect(recomputed(at - 1)).toBeGreaterThanOrEqual(70);
  });

  it('ignores events after now', () => {
    const series = interestSeries([anEvent('demo_request', day(3))], model, day(0), window);
    expect(series.points.every((p) => p.interest === 0)).toBe(true);
  });
});
