import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explain,
  interestScore,
  nextScheduledChange,
  recompute,
  temperatureAt,
  transitionsBetween,
} from '../../../src/domain/scoring/index.js';
import { decayGroups, rawInterest } from '../../../src/domain/scoring/interest.js';
import { INTEREST_GROUPS } from '../../../src/domain/scoring/model.js';
import { criteriaFor, eventStream, instants, leads, models } from './arbitraries.js';

const scenario = fc.record({
  model: models,
  events: eventStream(),
  lead: leads,
});

describe('readings over random event streams', () => {
  it('explains every score with contributions that add up exactly to it', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc.record({ criteria: criteriaFor(s.model), now: instants }).map((x) => ({ ...s, ...x })),
        ),
        ({ model, events, lead, criteria, now }) => {
          const { state, reading } = recompute(lead, events, criteria, model, now);
          const explanation = explain(state, lead, model, events, now);
          expect(explanation.matchesState).toBe(true);
          const cents = (x: number) => Math.round(x * 100);
          const total = explanation.interest.contributions.reduce((sum, c) => sum + cents(c.decayed), 0);
          expect(total).toBe(cents(explanation.interest.sum));
          const byGroup = Object.values(explanation.interest.byGroup).reduce((sum, x) => sum + cents(x), 0);
          expect(byGroup).toBe(total);
          for (const c of explanation.interest.contributions)
            expect(Math.abs(c.decayed - c.exact)).toBeLessThan(0.01 + 1e-9);
          expect(explanation.interest.score).toBe(reading.interest);
          expect(Math.min(100, Math.max(0, explanation.interest.sum))).toBe(reading.interest);
          const fitSum = explanation.fit.contributions.reduce((sum, c) => sum + c.points, 0);
          expect(fitSum).toBe(explanation.fit.raw);
          expect(explanation.temperature).toEqual(reading);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never lets interest rise between events', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc
            .tuple(fc.integer({ min: 0, max: 400 * 24 * 60 }), fc.integer({ min: 0, max: 400 * 24 * 60 }))
            .map((gaps) => ({ ...s, gaps })),
        ),
        ({ model, events, lead, gaps }) => {
          const { head } = recompute(lead, events, [], model, new Date()).state;
          if (head.atMs === null) return;
          const [a, b] = [...gaps].sort((x, y) => x - y) as [number, number];
          const earlier = interestScore(head.groups, head.atMs, model, head.atMs + a * 60_000);
          const later = interestScore(head.groups, head.atMs, model, head.atMs + b * 60_000);
          expect(later).toBeLessThanOrEqual(earlier);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('schedules each change of temperature at the exact millisecond it happens', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc
            .record({
              criteria: criteriaFor(s.model),
              now: instants,
              probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
            })
            .map((x) => ({ ...s, ...x })),
        ),
        ({ model, events, lead, criteria, now, probes }) => {
          const { state, reading } = recompute(lead, events, criteria, model, now);
          const change = nextScheduledChange(state, lead, model, now);
          if (!change) {
            const farFuture = new Date(reading.at.getTime() + 20 * 365 * 86_400_000);
            expect(temperatureAt(state, lead, model, farFuture).temperature).toBe(reading.temperature);
            return;
          }
          const at = change.at.getTime();
          expect(change.from).toBe(reading.temperature);
          expect(temperatureAt(state, lead, model, change.at).temperature).toBe(change.to);
          expect(temperatureAt(state, lead, model, new Date(at - 1)).temperature).toBe(reading.temperature);
          // Nothing changes before the scheduled instant.
          const start = reading.at.getTime();
          for (const p of probes) {
            const probe = new Date(start + Math.floor(p * (at - start - 1)));
            expect(temperatureAt(state, lead, model, probe).temperature).toBe(reading.temperature);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('lists transitions that match the temperature read at any later instant', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc
            .record({ criteria: criteriaFor(s.model), now: instants, later: instants })
            .map((x) => ({ ...s, ...x })),
        ),
        ({ model, events, lead, criteria, now, later }) => {
          const { state, reading } = recompute(lead, events, criteria, model, now);
          const until = new Date(Math.max(later.getTime(), reading.at.getTime()));
          const transitions = transitionsBetween(state, lead, model, reading.at, until);
          let expected = reading.temperature;
          for (const t of transitions) {
            expect(t.from).toBe(expected);
            expected = t.to;
          }
          expect(temperatureAt(state, lead, model, until).temperature).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lists the same transitions as walking nextScheduledChange until past the end', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc
            .record({
              criteria: criteriaFor(s.model),
              now: instants,
              from: instants,
              to: instants,
              // Often the end is exactly a change's instant, or a millisecond before it.
              endAtChange: fc.option(fc.tuple(fc.nat(5), fc.boolean()), { nil: null }),
            })
            .map((x) => ({ ...s, ...x })),
        ),
        ({ model, events, lead, criteria, now, from, to, endAtChange }) => {
          const { state } = recompute(lead, events, criteria, model, now);
          // The definition: each next change from the last one, as long as it is not after `end`.
          const walk = (end: Date) => {
            const walked = [];
            for (let cursor = from; walked.length < 50; ) {
              const next = nextScheduledChange(state, lead, model, cursor);
              if (!next || next.at.getTime() > end.getTime()) break;
              walked.push({ ...next, modelVersion: model.version });
              cursor = next.at;
            }
            return walked;
          };
          let end = to;
          if (endAtChange !== null) {
            const changes = walk(new Date(8.64e15));
            const [index, before] = endAtChange;
            const change = changes[Math.min(index, changes.length - 1)];
            if (change) end = new Date(change.at.getTime() - (before ? 1 : 0));
          }
          expect(transitionsBetween(state, lead, model, from, end)).toEqual(walk(end));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('sums decayed interest to the bit as the groups decayed one by one and added in order', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: -86_400_000, max: 4_000 * 86_400_000 }),
        ({ model, events, lead }, elapsedMs) => {
          const { head } = recompute(lead, events, [], model, new Date()).state;
          const decayed = decayGroups(head.groups, model, elapsedMs);
          let sum = 0;
          for (const group of INTEREST_GROUPS) sum += decayed[group];
          expect(Object.is(rawInterest(head.groups, model, elapsedMs), sum)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
