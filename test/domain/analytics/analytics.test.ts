import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conversionByTemperature,
  funnel,
  rate,
  speed,
  temperatureSeries,
} from '../../../src/domain/analytics/metrics.js';
import { intervalBounds, MAX_WINDOW_DAYS, statsWindow } from '../../../src/domain/analytics/window.js';

const d = (iso: string) => new Date(iso);
const isoList = (dates: Date[]) => dates.map((x) => x.toISOString());

describe('report windows', () => {
  const now = d('2026-03-10T12:00:00Z');

  it('defaults to the 90 days before now', () => {
    expect(statsWindow({}, now)).toEqual({ from: d('2025-12-10T12:00:00Z'), to: now });
    expect(statsWindow({ to: d('2026-01-01T00:00:00Z') }, now).from).toEqual(d('2025-10-03T00:00:00Z'));
  });

  it('refuses from at or after to, and a span over the maximum, naming from', () => {
    for (const input of [
      { from: now, to: now },
      { from: d('2026-03-11T00:00:00Z'), to: now },
      { from: new Date(now.getTime() - (MAX_WINDOW_DAYS + 1) * 86_400_000), to: now },
    ]) {
      expect(() => statsWindow(input, now)).toThrow(expect.objectContaining({ code: 'invalid' }));
      try {
        statsWindow(input, now);
      } catch (error) {
        expect((error as { details: { problems: { path: string }[] } }).details.problems[0]?.path).toBe(
          'from',
        );
      }
    }
    expect(() =>
      statsWindow({ from: new Date(now.getTime() - MAX_WINDOW_DAYS * 86_400_000), to: now }, now),
    ).not.toThrow();
  });

  it('cuts days at UTC midnight, with partial first and last days', () => {
    expect(
      isoList(intervalBounds({ from: d('2026-03-01T12:00:00Z'), to: d('2026-03-03T06:00:00Z') }, 'day')),
    ).toEqual([
      '2026-03-01T12:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
      '2026-03-03T06:00:00.000Z',
    ]);
    expect(
      isoList(intervalBounds({ from: d('2026-03-01T00:00:00Z'), to: d('2026-03-02T00:00:00Z') }, 'day')),
    ).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z']);
  });

  it('cuts weeks on Mondays and months on the 1st', () => {
    // 2026-03-04 is a Wednesday; the next Mondays are the 9th and the 16th.
    expect(
      isoList(intervalBounds({ from: d('2026-03-04T10:00:00Z'), to: d('2026-03-20T00:00:00Z') }, 'week')),
    ).toEqual([
      '2026-03-04T10:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
      '2026-03-16T00:00:00.000Z',
      '2026-03-20T00:00:00.000Z',
    ]);
    // From a Monday midnight, the first cut is the next Monday.
    expect(
      isoList(intervalBounds({ from: d('2026-03-09T00:00:00Z'), to: d('2026-03-17T00:00:00Z') }, 'week')),
    ).toEqual(['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z', '2026-03-17T00:00:00.000Z']);
    expect(
      isoList(intervalBounds({ from: d('2026-01-31T00:00:00Z'), to: d('2026-04-01T00:00:00Z') }, 'month')),
    ).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
  });

  it('bounds always rise from from to to, every inner one on a calendar boundary', () => {
    const start = d('2024-01-01T00:00:00Z').getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 * 86_400_000 }),
        fc.integer({ min: 1, max: 400 * 86_400_000 }),
        fc.constantFrom('day' as const, 'week' as const, 'month' as const),
        (offset, span, interval) => {
          const window = { from: new Date(start + offset), to: new Date(start + offset + span) };
          const bounds = intervalBounds(window, interval);
          expect(bounds[0]).toEqual(window.from);
          expect(bounds.at(-1)).toEqual(window.to);
          for (let i = 1; i < bounds.length; i++) {
            expect((bounds[i] as Date).getTime()).toBeGreaterThan((bounds[i - 1] as Date).getTime());
          }
          for (const inner of bounds.slice(1, -1)) {
            expect(inner.getUTCHours() + inner.getUTCMinutes() + inner.getUTCSeconds()).toBe(0);
            if (interval === 'week') expect(inner.getUTCDay()).toBe(1);
            if (interval === 'month') expect(inner.getUTCDate()).toBe(1);
          }
        },
      ),
    );
  });
});

describe('report maths', () => {
  it('a rate of nothing is null, not 0', () => {
    expect(rate(1, 4)).toBe(0.25);
    expect(rate(0, 0)).toBeNull();
  });

  it('the temperature series is the running sum of the changes, from those before the window', () => {
    const bounds = [d('2026-03-01T00:00:00Z'), d('2026-03-02T00:00:00Z'), d('2026-03-03T00:00:00Z')];
    const points = temperatureSeries(bounds, [
      { bucket: 0, temperature: 'cold', delta: 3 },
      { bucket: 1, temperature: 'cold', delta: -1 },
      { bucket: 1, temperature: 'hot', delta: 1 },
      { bucket: 2, temperature: 'cold', delta: 2 },
    ]);
    expect(points).toEqual([
      { start: bounds[0], end: bounds[1], cold: 2, cool: 0, warm: 0, hot: 1, total: 3 },
      { start: bounds[1], end: bounds[2], cold: 4, cool: 0, warm: 0, hot: 1, total: 5 },
    ]);
  });

  it('the funnel divides each stage by the one before and by the cohort', () => {
    const result = funnel({
      leads: 10,
      warm: 5,
      hot: 2,
      customers: 1,
      wonAll: 3,
      medianMs: { warm: 10, hot: 20, customer: 30 },
      medianCreatedToCustomerMs: 60,
    });
    expect(
      result.steps.map((s) => [
        s.stage,
        s.leads,
        s.rateFromPrevious,
        s.rateFromStart,
        s.medianMsFromPrevious,
      ]),
    ).toEqual([
      ['cold', 10, null, 1, null],
      ['warm', 5, 0.5, 0.5, 10],
      ['hot', 2, 0.4, 0.2, 20],
      ['customer', 1, 0.5, 0.1, 30],
    ]);
    expect(result.overallRate).toBe(0.1);
    expect(result.wonWithoutHot).toBe(2);
  });

  it('conversion by temperature: a row for every temperature, lift over the overall rate', () => {
    const result = conversionByTemperature([
      { temperature: 'hot', won: 3, lost: 1 },
      { temperature: 'warm', won: 1, lost: 3 },
    ]);
    expect(result.byTemperature.map((r) => [r.temperature, r.rate, r.lift])).toEqual([
      ['cold', null, null],
      ['cool', null, null],
      ['warm', 0.25, 0.5],
      ['hot', 0.75, 1.5],
    ]);
    expect(result.total).toEqual({ won: 4, lost: 4, outcomes: 8, rate: 0.5 });
  });

  it('the breach rate counts only timers whose SLA is decided', () => {
    const counts = { timers: 6, touched: 3, met: 3, breached: 1, running: 2, medianMs: 1, p90Ms: 2 };
    expect(speed(counts).breachRate).toBe(0.25);
    expect(speed({ ...counts, met: 0, breached: 0 }).breachRate).toBeNull();
  });
});
