import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/domain/event.js';
import type { Lead } from '../../../src/domain/lead.js';
import {
  applyEvent,
  b2bModel,
  emptyState,
  foldEvents,
  lateFrom,
  type RecordedHistory,
  recompute,
  rewriteHistory,
  type ScoreState,
  type ScoringModel,
  setCriterion,
  stepsFromEvents,
  stepsFromState,
  type Transition,
  temperatureAt,
  transitionsBetween,
} from '../../../src/domain/scoring/index.js';
import { eventStream, leads, models } from './arbitraries.js';
import { aLead, anEvent, day, T0 } from './factories.js';

const MINUTE_MS = 60_000;

type Stored = Transition & { readonly id: number };

/**
 * A lead as `scoreNewEvents`, the sweeper and a rep's answer keep it, in memory: the state, the
 * stored history and how far it goes (`through`, the lead's `scored_at`).
 */
class SimulatedLead {
  state: ScoreState;
  history: Stored[] = [];
  through: Date | null = null;
  readonly events: ActivityEvent[] = [];
  private nextId = 1;

  constructor(
    readonly lead: Lead,
    readonly model: ScoringModel,
  ) {
    this.state = emptyState(model);
  }

  /** The temperature the history starts at: the lead's before any event (a customer is warm). */
  get start() {
    return temperatureAt(emptyState(this.model), this.lead, this.model, new Date(T0)).temperature;
  }

  ingest(batch: readonly ActivityEvent[], now: Date): void {
    const events = [...batch].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
    this.events.push(...events);
    const fromMs = lateFrom(this.state, events, this.model, this.through);
    if (fromMs === null) {
      this.inOrder(events, now);
      return;
    }
    const next =
      foldEvents(this.state, events, this.model) ??
      recompute(this.lead, this.events, this.state.criteria, this.model, now).state;
    const steps =
      stepsFromState(next, fromMs, this.model) ?? stepsFromEvents(this.events, fromMs, this.model);
    const before = this.history.filter((t) => t.at.getTime() < fromMs);
    const stored = this.history.filter((t) => t.at.getTime() >= fromMs);
    const untilMs = Math.min(
      now.getTime(),
      Math.max(
        fromMs,
        (events.at(-1) as ActivityEvent).occurredAt.getTime(),
        next.head.atMs ?? fromMs,
        stored.at(-1)?.at.getTime() ?? fromMs,
      ),
    );
    const rewrite = rewriteHistory({
      lead: this.lead,
      model: this.model,
      criteria: next.criteria,
      steps,
      fromMs,
      untilMs,
      storedBefore: before.at(-1)?.to ?? this.start,
      stored,
      cause: { kind: 'event', eventId: (events[0] as ActivityEvent).id },
    });
    const removed = new Set(rewrite.removed.map((t) => t.id));
    this.history = [...this.history.filter((t) => !removed.has(t.id)), ...this.store(rewrite.added)];
    this.state = next;
    this.through = new Date(untilMs);
  }

  private inOrder(events: readonly ActivityEvent[], now: Date): void {
    let recorded: RecordedHistory = {
      through: this.through,
      lastTransitionAt: this.history.at(-1)?.at ?? null,
    };
    for (const event of events) {
      const result = applyEvent(this.state, event, this.lead, this.model, now, recorded);
      if (result.kind !== 'scored') throw new Error('an in-order event never needs a rescan');
      this.state = result.state;
      recorded = result.recorded;
      this.history.push(...this.store(result.transitions));
    }
    this.through = recorded.through;
  }

  sweep(now: Date): void {
    if (this.through === null || this.through >= now) return;
    this.history.push(
      ...this.store(transitionsBetween(this.state, this.lead, this.model, this.through, now)),
    );
    this.through = now;
  }

  /** A rep's answer at `now`, after what the lead went through by itself (as `setQualification`). */
  qualify(criterion: string, value: 'yes' | 'no', now: Date): void {
    this.sweep(now);
    const result = setCriterion(
      this.state,
      { criterion, value, userId: 'rep-1', at: now },
      this.lead,
      this.model,
      now,
    );
    this.state = result.state;
    if (result.transition) this.history.push(...this.store([result.transition]));
    this.through = now;
  }

  private store(transitions: readonly Transition[]): Stored[] {
    return transitions.map((t) => ({ ...t, id: this.nextId++ }));
  }
}

/** What a history says, ids aside. */
const said = (history: readonly Transition[]) =>
  history.map((t) => ({
    from: t.from,
    to: t.to,
    at: t.at.toISOString(),
    cause: t.cause,
    suggestLetGo: t.suggestLetGo,
  }));

/** The reference: every event in time order, one at a time, then the sweeper at the end. */
function inTimeOrder(
  lead: Lead,
  model: ScoringModel,
  events: readonly ActivityEvent[],
  answers: readonly { criterion: string; value: 'yes' | 'no'; atMs: number }[],
  end: Date,
): Transition[] {
  const sim = new SimulatedLead(lead, model);
  // The answers are the same rep settings, each counting from its own instant.
  sim.state = {
    ...sim.state,
    criteria: [...answers]
      .sort((a, b) => (a.criterion < b.criterion ? -1 : 1))
      .map((a) => ({ criterion: a.criterion, value: a.value, userId: 'rep-1', atMs: a.atMs })),
  };
  const sorted = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
  for (const event of sorted) sim.ingest([event], end);
  sim.sweep(end);
  return sim.history;
}

/** One step of a run: a batch arrives, the sweeper runs, or a rep answers; the clock moves on. */
type Step =
  | { readonly kind: 'batch'; readonly size: number; readonly advance: number }
  | { readonly kind: 'sweep'; readonly advance: number }
  | {
      readonly kind: 'answer';
      readonly criterion: string;
      readonly value: 'yes' | 'no';
      readonly advance: number;
    };

const steps = (model: ScoringModel) =>
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('batch' as const),
          size: fc.integer({ min: 1, max: 6 }),
          advance: fc.integer({ min: 0, max: 3 * 24 * 60 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('sweep' as const),
          advance: fc.integer({ min: 0, max: 10 * 24 * 60 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('answer' as const),
          criterion: fc.constantFrom(...model.qualification.criteria),
          value: fc.constantFrom('yes' as const, 'no' as const),
          advance: fc.integer({ min: 1, max: 24 * 60 }),
        }),
      },
    ),
    { minLength: 1, maxLength: 30 },
  );

describe('the stored history is a function of the events', () => {
  it('equals the history of the events in time order, whatever the arrival order, batching, sweeps and rep answers between', () => {
    fc.assert(
      fc.property(
        fc.record({ model: models, lead: leads, events: eventStream(30, 75) }).chain((s) =>
          fc.record({
            ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fc.constant(v)])),
            arrivals: fc.shuffledSubarray(s.events, {
              minLength: s.events.length,
              maxLength: s.events.length,
            }),
            plan: steps(s.model),
            // Arrivals start after the last event (an import of history) or amid them (live).
            startMinutes: fc.integer({ min: 0, max: 80 * 24 * 60 }),
          }),
        ) as fc.Arbitrary<{
          model: ScoringModel;
          lead: Lead;
          events: ActivityEvent[];
          arrivals: ActivityEvent[];
          plan: Step[];
          startMinutes: number;
        }>,
        ({ model, lead, arrivals, plan, startMinutes }) => {
          const sim = new SimulatedLead(lead, model);
          let clock = T0 + startMinutes * MINUTE_MS;
          let next = 0;
          const answered = new Set<string>();
          const answers: { criterion: string; value: 'yes' | 'no'; atMs: number }[] = [];
          const arrive = (size: number) => {
            const batch = arrivals.slice(next, next + size);
            next += batch.length;
            if (batch.length === 0) return;
            // An event is never received before it happened.
            clock = Math.max(clock, ...batch.map((e) => e.occurredAt.getTime()));
            sim.ingest(batch, new Date(clock));
          };
          for (const step of plan) {
            clock += step.advance * MINUTE_MS;
            if (step.kind === 'batch') arrive(step.size);
            else if (step.kind === 'sweep') sim.sweep(new Date(clock));
            else if (!answered.has(step.criterion)) {
              answered.add(step.criterion);
              answers.push({ criterion: step.criterion, value: step.value, atMs: clock });
              sim.qualify(step.criterion, step.value, new Date(clock));
            }
          }
          arrive(arrivals.length);
          const end = new Date(clock);
          sim.sweep(end);
          const received = arrivals.slice(0, next);
          expect(said(sim.history)).toEqual(said(inTimeOrder(lead, model, received, answers, end)));
          // Linked, in time order, and ending at the temperature a reading gives now.
          let temperature = sim.start;
          let at = Number.NEGATIVE_INFINITY;
          for (const t of sim.history) {
            expect(t.from).toBe(temperature);
            expect(t.at.getTime()).toBeGreaterThanOrEqual(at);
            temperature = t.to;
            at = t.at.getTime();
          }
          expect(temperatureAt(sim.state, lead, model, end).temperature).toBe(temperature);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('rewrites nothing for a late event that changes nothing after it', () => {
    const lead = aLead();
    const sim = new SimulatedLead(lead, b2bModel);
    const views = [1, 2, 3, 4, 5].map((i) =>
      anEvent('page_view', new Date(day(0).getTime() + i * MINUTE_MS), { url: '/blog' }, i),
    );
    sim.ingest([anEvent('newsletter_signup', day(0), {}, 10), ...views], day(0));
    sim.sweep(day(200));
    const before = [...sim.history];
    // A sixth page view that day, synced months later: the daily cap of 5 is full, it counts nothing.
    sim.ingest(
      [anEvent('page_view', new Date(day(0).getTime() + 60 * MINUTE_MS), { url: '/blog' }, 11)],
      day(200),
    );
    expect(sim.history).toEqual(before);
  });

  it('moves the cooling a late event delays, and the rest of the history with it', () => {
    const lead = aLead();
    const sim = new SimulatedLead(lead, b2bModel);
    sim.ingest([anEvent('newsletter_signup', day(0), {}, 1)], day(0));
    sim.sweep(day(200));
    const cooled = sim.history.find((t) => t.to === 'cool') as Stored;
    // A download three days after the signup, synced months later, keeps the lead warm longer.
    sim.ingest([anEvent('content_download', day(3), {}, 2)], day(200));
    sim.sweep(day(200));
    const recooled = sim.history.find((t) => t.to === 'cool') as Stored;
    expect(recooled.at.getTime()).toBeGreaterThan(cooled.at.getTime());
    expect(said(sim.history)).toEqual(said(inTimeOrder(lead, b2bModel, sim.events, [], day(200))));
  });
});
