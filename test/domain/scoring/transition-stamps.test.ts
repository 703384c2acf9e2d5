import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/domain/event.js';
import type { Lead } from '../../../src/domain/lead.js';
import {
  b2bModel,
  DAY_MS,
  emptyState,
  eventTransitions,
  NOTHING_RECORDED,
  type RecordedHistory,
  readingAsOf,
  recompute,
  type ScoreState,
  type ScoringModel,
  scoreEvent,
  type Transition,
  temperatureAsOf,
  temperatureAt,
  transitionsBetween,
} from '../../../src/domain/scoring/index.js';
import { anyOrder, criteriaFor, eventStream, instants, lateArrivals, leads, models } from './arbitraries.js';
import { aFitLead, aLead, anEvent, day, HOUR_MS } from './factories.js';

const model = b2bModel;

/**
 * Ingest as `scoreNewEvents` does it, one arrival at a time at its own `now`: score with the
 * recorded history, rescan when asked. The sweeper stores what happens by itself after the last
 * event: after every arrival with `sweepEach`, else once at the end.
 */
function ingestWithHistory(
  arrivals: readonly { event: ActivityEvent; now: Date }[],
  lead: Lead,
  scoringModel: ScoringModel,
  options: { sweepEach: boolean },
): { state: ScoreState; transitions: Transition[] } {
  let state = emptyState(scoringModel);
  let recorded: RecordedHistory = NOTHING_RECORDED;
  const seen: ActivityEvent[] = [];
  const transitions: Transition[] = [];
  const sweep = (now: Date) => {
    if (recorded.through === null || recorded.through >= now) return;
    const after = transitionsBetween(state, lead, scoringModel, recorded.through, now);
    transitions.push(...after);
    recorded = { through: now, lastTransitionAt: after.at(-1)?.at ?? recorded.lastTransitionAt };
  };
  for (const { event, now } of arrivals) {
    seen.push(event);
    const result = scoreEvent(state, event, lead, scoringModel, now, recorded);
    if (result.kind === 'scored') {
      state = result.state;
      recorded = result.recorded;
      transitions.push(...result.transitions);
    } else {
      const rebuilt = recompute(lead, seen, state.criteria, scoringModel, now);
      const stamped = eventTransitions(
        state,
        rebuilt.state,
        lead,
        scoringModel,
        new Date(Math.max(event.occurredAt.getTime(), rebuilt.state.head.atMs ?? 0)),
        now,
        recorded,
        { kind: 'event', eventId: event.id },
      );
      state = rebuilt.state;
      recorded = stamped.recorded;
      transitions.push(...stamped.transitions);
    }
    if (options.sweepEach) sweep(now);
  }
  const last = arrivals.at(-1);
  if (last) sweep(last.now);
  return { state, transitions };
}

describe('when a transition is stamped', () => {
  it('stamps the change an event makes at the event, not when it is scored', () => {
    const signup = anEvent('newsletter_signup', day(0), {}, 11);
    const result = scoreEvent(emptyState(model), signup, aLead(), model, day(90));
    expect(result).toMatchObject({
      kind: 'scored',
      transition: { from: 'cold', to: 'warm', at: day(0), cause: { kind: 'event', eventId: 11 } },
    });
  });

  it('turns an import of old history into the history the lead went through, at its instants', () => {
    // Imported on day 200: a newsletter signup on day 0, a webinar form on day 100.
    const now = day(200);
    const { transitions } = ingestWithHistory(
      [
        { event: anEvent('newsletter_signup', day(0), {}, 21), now },
        { event: anEvent('form_submit', day(100), { form: 'Webinar' }, 22), now },
      ],
      aLead(),
      model,
      { sweepEach: false },
    );
    const path = transitions.map((t) => [t.from, t.to, t.cause.kind]);
    expect(path).toEqual([
      ['cold', 'warm', 'event'],
      ['warm', 'cool', 'decay'],
      ['cool', 'cold', 'cool_period'],
      ['cold', 'warm', 'event'],
      ['warm', 'cool', 'decay'],
      ['cool', 'cold', 'cool_period'],
    ]);
    expect(transitions[0]?.at).toEqual(day(0));
    expect(transitions[3]?.at).toEqual(day(100));
    // Each self-made change at its exact instant, as the sweeper would have stored it.
    const signupOnly = recompute(aLead(), [anEvent('newsletter_signup', day(0), {}, 21)], [], model, day(0));
    const [cooling, cold] = transitionsBetween(signupOnly.state, aLead(), model, day(0), day(99));
    expect(transitions[1]?.at).toEqual(cooling?.at);
    expect(transitions[2]?.at).toEqual(cold?.at);
    expect(transitions.every((t) => t.at.getTime() <= now.getTime())).toBe(true);
  });

  it('never stamps a late event before the lead’s latest transition', () => {
    const lead = aFitLead();
    const recorded: RecordedHistory = { through: day(10), lastTransitionAt: day(10) };
    // The state knows a signup on day 2; a demo request from day 1 arrives on day 10.
    const state = recompute(lead, [anEvent('newsletter_signup', day(2), {}, 31)], [], model, day(10)).state;
    const late = scoreEvent(state, anEvent('demo_request', day(1), {}, 32), lead, model, day(10), recorded);
    expect(late.kind).toBe('scored');
    if (late.kind !== 'scored') return;
    for (const t of late.transitions) expect(t.at.getTime()).toBeGreaterThanOrEqual(day(10).getTime());
    expect(late.recorded.through).toEqual(day(10));
  });

  it('stamps a late event no earlier than the lead’s newest event: readings before it are not known', () => {
    const lead = aLead();
    const state = recompute(lead, [anEvent('page_view', day(3), { url: '/a' }, 41)], [], model, day(3)).state;
    const result = scoreEvent(state, anEvent('newsletter_signup', day(2), {}, 42), lead, model, day(3));
    expect(result).toMatchObject({ kind: 'scored', transition: { from: 'cold', to: 'warm', at: day(3) } });
  });

  it('stamps an event from a clock ahead of ours at now', () => {
    const ahead = anEvent('newsletter_signup', new Date(day(0).getTime() + HOUR_MS), {}, 51);
    const result = scoreEvent(emptyState(model), ahead, aLead(), model, day(0));
    expect(result).toMatchObject({ kind: 'scored', transition: { to: 'warm', at: day(0) } });
  });

  it('keeps every lead’s history in time order, each change starting where the last ended, whatever the arrival order', () => {
    fc.assert(
      fc.property(
        fc.record({ model: models, events: eventStream(25), lead: leads }).chain((s) =>
          fc.oneof(lateArrivals(s.events, 12), anyOrder(s.events)).chain((arrivals) =>
            fc
              .array(fc.integer({ min: 0, max: 20 * 24 * 60 }), {
                minLength: arrivals.length,
                maxLength: arrivals.length,
              })
              .map((delays) => ({ ...s, arrivals, delays })),
          ),
        ),
        ({ model: m, arrivals, delays, lead }) => {
          // Each arrival is scored some time after the newest event seen so far.
          let clock = Number.NEGATIVE_INFINITY;
          const timed = arrivals.map((event, i) => {
            clock = Math.max(clock, event.occurredAt.getTime() + (delays[i] as number) * 60_000);
            return { event, now: new Date(clock) };
          });
          const { state, transitions } = ingestWithHistory(timed, lead, m, { sweepEach: true });
          // A customer is warm before any event (a returning customer).
          let temperature = temperatureAt(emptyState(m), lead, m, day(0)).temperature;
          let at = Number.NEGATIVE_INFINITY;
          for (const t of transitions) {
            expect(t.at.getTime()).toBeGreaterThanOrEqual(at);
            expect(t.from).toBe(temperature);
            temperature = t.to;
            at = t.at.getTime();
          }
          const last = timed.at(-1);
          if (last) expect(temperatureAt(state, lead, m, last.now).temperature).toBe(temperature);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('records, for events imported in time order, the temperature a reading gives at every instant', () => {
    fc.assert(
      fc.property(models, eventStream(20), leads, instants, (m, events, lead, probe) => {
        const sorted = [...events].sort(
          (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id,
        );
        const now = day(400);
        const { transitions } = ingestWithHistory(
          sorted.map((event) => ({ event, now })),
          lead,
          m,
          { sweepEach: false },
        );
        // The history at any instant after the first event equals a recompute from the events up
        // to it, read at that instant.
        const first = sorted[0];
        if (!first || probe.getTime() < first.occurredAt.getTime()) return;
        const upTo = sorted.filter((e) => e.occurredAt.getTime() <= probe.getTime());
        const expected = recompute(lead, upTo, [], m, probe).reading.temperature;
        const recordedAt =
          transitions.filter((t) => t.at.getTime() <= probe.getTime()).at(-1)?.to ??
          temperatureAt(emptyState(m), lead, m, probe).temperature;
        expect(recordedAt).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readingAsOf (backtests)', () => {
  it('gives the reading (and the temperature) of a full recompute, for any events and criteria', () => {
    fc.assert(
      fc.property(
        models.chain((m) => fc.record({ model: fc.constant(m), criteria: criteriaFor(m) })),
        eventStream(),
        leads,
        instants,
        ({ model: m, criteria }, events, lead, at) => {
          const before = events.filter((e) => e.occurredAt.getTime() < at.getTime());
          const { reading } = recompute(lead, before, criteria, m, at);
          expect(readingAsOf(lead, before, criteria, m, at)).toEqual(reading);
          expect(temperatureAsOf(lead, before, criteria, m, at)).toMatchObject({
            temperature: reading.temperature,
            suggestLetGo: reading.suggestLetGo,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts a repeated event once, as a recompute does', () => {
    const signup = anEvent('newsletter_signup', day(0), {}, 61);
    expect(readingAsOf(aLead(), [signup, signup], [], model, day(1))).toEqual(
      recompute(aLead(), [signup], [], model, day(1)).reading,
    );
    expect(DAY_MS).toBe(86_400_000);
  });
});
