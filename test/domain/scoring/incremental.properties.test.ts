import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/domain/event.js';
import type { Lead } from '../../../src/domain/lead.js';
import {
  emptyState,
  recompute,
  type ScoreState,
  type ScoringModel,
  scoreEvent,
  temperatureAt,
  type UserCriterion,
  validateModel,
} from '../../../src/domain/scoring/index.js';
import { anyOrder, criteriaFor, eventStream, instants, lateArrivals, leads, models } from './arbitraries.js';

/** Scores events in arrival order as ingest would, rescanning the history seen so far when asked. */
function ingest(
  arrivals: readonly ActivityEvent[],
  lead: Lead,
  criteria: readonly UserCriterion[],
  model: ScoringModel,
): { state: ScoreState; rescans: number } {
  let state: ScoreState = { ...emptyState(model), criteria };
  const seen: ActivityEvent[] = [];
  let rescans = 0;
  for (const event of arrivals) {
    seen.push(event);
    const result = scoreEvent(state, event, lead, model, event.occurredAt);
    if (result.kind === 'scored') {
      state = result.state;
    } else {
      rescans += 1;
      state = recompute(lead, seen, state.criteria, model, event.occurredAt).state;
    }
  }
  return { state, rescans };
}

const scenario = fc.record({
  model: models,
  events: eventStream(),
  lead: leads,
});

describe('incremental scoring over random event streams', () => {
  it('accepts every generated model variant', () => {
    fc.assert(
      fc.property(models, (model) => {
        expect(validateModel(model)).toEqual({ ok: true, model });
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same state scoring events one by one in time order as a full recompute', () => {
    fc.assert(
      fc.property(scenario, ({ model, events, lead }) => {
        const sorted = [...events].sort(
          (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id,
        );
        const { state, rescans } = ingest(sorted, lead, [], model);
        expect(rescans).toBe(0);
        expect(state).toEqual(recompute(lead, events, [], model, new Date()).state);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same state whatever order late events arrive in, within the allowed lateness', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) => lateArrivals(s.events, 6).map((arrivals) => ({ ...s, arrivals }))),
        ({ model, events, lead, arrivals }) => {
          const { state, rescans } = ingest(arrivals, lead, [], model);
          // Six days late is within the seven allowed: never a rescan.
          expect(rescans).toBe(0);
          expect(state).toEqual(recompute(lead, events, [], model, new Date()).state);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives the same scores and temperature for any arrival order, rescanning very late events', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc
            .record({ arrivals: anyOrder(s.events), criteria: criteriaFor(s.model), now: instants })
            .map((x) => ({ ...s, ...x })),
        ),
        ({ model, events, lead, arrivals, criteria, now }) => {
          const incremental = ingest(arrivals, lead, criteria, model).state;
          const reference = recompute(lead, events, criteria, model, now);
          expect(incremental).toEqual(reference.state);
          expect(temperatureAt(incremental, lead, model, now)).toEqual(reference.reading);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
