import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { runDueWork } from '../../src/app/scoring/due-work.js';
import { setQualification } from '../../src/app/scoring/lead-scoring.js';
import type { ActivityEvent } from '../../src/domain/event.js';
import type { Lead } from '../../src/domain/lead.js';
import {
  applyEvent,
  emptyState,
  NOTHING_RECORDED,
  type RecordedHistory,
  type ScoringModel,
  type Transition,
  transitionsBetween,
  type UserCriterion,
} from '../../src/domain/scoring/index.js';
import type { StoredTransition } from '../../src/store/scoring.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A seeded generator (mulberry32): the scenario is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The reference: the lead's events in time order, one at a time, each scored as ingest scores an
 * event that extends the history, then the sweeper at `end` — with the rep answers the lead has
 * (each counting from its instant) in place.
 */
function historyInTimeOrder(
  lead: Lead,
  events: readonly ActivityEvent[],
  criteria: readonly UserCriterion[],
  model: ScoringModel,
  end: Date,
): Transition[] {
  let state = { ...emptyState(model), criteria };
  let recorded: RecordedHistory = NOTHING_RECORDED;
  const history: Transition[] = [];
  for (const event of events) {
    const result = applyEvent(state, event, lead, model, end, recorded);
    if (result.kind !== 'scored') throw new Error('events in time order never need a rescan');
    state = result.state;
    recorded = result.recorded;
    history.push(...result.transitions);
  }
  if (recorded.through !== null && recorded.through < end) {
    history.push(...transitionsBetween(state, lead, model, recorded.through, end));
  }
  return history;
}

const said = (history: readonly Transition[]) =>
  history.map((t) => [
    t.from,
    t.to,
    t.at.toISOString(),
    JSON.stringify(t.cause, Object.keys(t.cause).sort()),
  ]);

/** Event shapes the b2b preset scores (and a note it does not). */
const shapes = [
  { type: 'newsletter_signup' },
  { type: 'page_view', properties: { url: '/pricing' } },
  { type: 'page_view', properties: { url: '/blog/a' } },
  { type: 'email_open' },
  { type: 'email_click' },
  { type: 'content_download' },
  { type: 'demo_request' },
  { type: 'form_submit', properties: { form: 'Contact sales' } },
  { type: 'form_submit', properties: { form: 'Webinar', answers: { budget: 'yes' } } },
  { type: 'email_unsubscribe' },
  { type: 'call', properties: { outcome: 'not_interested' } },
  { type: 'note' },
] as const;

const scenario = fc.record({
  fit: fc.boolean(),
  events: fc.array(
    fc.record({ shape: fc.constantFrom(...shapes), minutesAgo: fc.integer({ min: 1, max: 75 * 24 * 60 }) }),
    { minLength: 1, maxLength: 25 },
  ),
  order: fc.infiniteStream(fc.nat()),
  plan: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('batch' as const),
        size: fc.integer({ min: 1, max: 8 }),
        advance: fc.integer({ min: 0, max: 30 }),
      }),
      fc.record({ kind: fc.constant('sweep' as const), advance: fc.integer({ min: 0, max: 24 * 60 }) }),
      fc.record({
        kind: fc.constant('answer' as const),
        criterion: fc.constantFrom('budget' as const, 'need' as const, 'influence' as const),
        value: fc.constantFrom('yes' as const, 'no' as const),
        advance: fc.integer({ min: 1, max: 60 }),
      }),
    ),
    { maxLength: 12 },
  ),
});

describeEachDatabase(
  'the stored history is a function of the events',
  (env) => {
    const ctx = () => env.app.ctx;

    it('equals the history of the events in time order, whatever the arrival order, batching and sweeps between', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ fit, events, order, plan }) => {
          const start = env.clock();
          const { lead } = await upsertLead(
            ctx(),
            adminActor,
            (fit ? fitLeadPayload(start) : { email: uniqueEmail('exact') }) as LeadInput,
          );
          const items = events.map(({ shape, minutesAgo }) => ({
            leadId: lead.id,
            ...shape,
            occurredAt: new Date(start.getTime() - minutesAgo * MINUTE).toISOString(),
          }));
          // A random arrival order: each next event picked among those left.
          const left = [...items];
          const arrivals = [...order.take(items.length)].map((n) => left.splice(n % left.length, 1)[0]);
          const answered = new Set<string>();
          let next = 0;
          for (const step of plan) {
            env.clock.advance(step.advance * MINUTE);
            if (step.kind === 'batch') {
              await ingestEvents(ctx(), arrivals.slice(next, next + step.size));
              next += step.size;
            } else if (step.kind === 'sweep') {
              await runDueWork(ctx());
            } else if (!answered.has(step.criterion)) {
              answered.add(step.criterion);
              await setQualification(ctx(), adminActor, lead.id, { [step.criterion]: { value: step.value } });
            }
          }
          if (next < arrivals.length) await ingestEvents(ctx(), arrivals.slice(next));
          env.clock.advance(MINUTE);
          await runDueWork(ctx());

          const stored = await ctx().store.scoring.transitionsOf(lead.id);
          const row = (await ctx().store.scoring.lockForScoring([lead.id])).get(lead.id);
          const model = await ctx().store.scoring.activeModel();
          const expected = historyInTimeOrder(
            row?.lead as Lead,
            await ctx().store.scoring.eventsInOrder(lead.id),
            row?.state?.criteria ?? [],
            model,
            env.clock(),
          );
          expect(said(stored)).toEqual(said(expected));
          let temperature = 'cold';
          for (const t of stored) {
            expect(t.from).toBe(temperature);
            temperature = t.to;
          }
          expect(row?.temperature).toBe(temperature);
        }),
        { numRuns: 25 },
      );
    }, 600_000);

    it('stores identical histories for 6 leads × 240 events sent by 16 concurrent clients in random order and one by one in time order', async () => {
      const random = seeded(17);
      const start = env.clock();
      const pairs = await Promise.all(
        [0, 1, 2, 3, 4, 5].map(async (i) => {
          const fields = i % 2 === 0 ? fitLeadPayload(start) : {};
          const make = async (run: string) =>
            (
              await upsertLead(ctx(), adminActor, {
                ...fields,
                email: uniqueEmail(`${run}${i}`),
              } as LeadInput)
            ).lead;
          const events = Array.from({ length: 240 }, (_, k) => ({
            ...(shapes[Math.floor(random() * shapes.length)] as (typeof shapes)[number]),
            k,
            occurredAt: new Date(start.getTime() - Math.floor(random() * 75 * DAY)).toISOString(),
          }));
          return { concurrent: await make('concurrent'), ordered: await make('ordered'), events };
        }),
      );
      const itemsFor = (run: 'concurrent' | 'ordered') =>
        pairs.flatMap((pair, i) =>
          pair.events.map(({ k, ...event }) => ({
            ...event,
            leadId: pair[run].id,
            id: `${run}-${i}-${k}`,
          })),
        );

      // 16 clients, each sending its share of the shuffled events in batches of 1–10, while the
      // sweeper runs; the clock moves a second per request.
      const shuffled = itemsFor('concurrent')
        .map((item) => ({ item, key: random() }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.item);
      let sending = true;
      const sweeper = (async () => {
        while (sending) {
          await runDueWork(ctx());
          env.clock.advance(1000);
        }
      })();
      await Promise.all(
        Array.from({ length: 16 }, async (_, client) => {
          const share = shuffled.filter((_, n) => n % 16 === client);
          for (let n = 0; n < share.length; ) {
            const size = 1 + Math.floor(random() * 10);
            const summary = await ingestEvents(ctx(), share.slice(n, n + size));
            expect(summary.results.filter((r) => r.status !== 'stored')).toEqual([]);
            env.clock.advance(1000);
            n += size;
          }
        }),
      );
      sending = false;
      await sweeper;

      // The same events, one by one in time order, the sweeper every 20 requests.
      const inOrder = itemsFor('ordered').sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      for (const [n, item] of inOrder.entries()) {
        await ingestEvents(ctx(), [item]);
        env.clock.advance(1000);
        if (n % 20 === 19) await runDueWork(ctx());
      }
      env.clock.advance(MINUTE);
      await runDueWork(ctx());

      const historyOf = async (lead: Lead) => {
        const byId = new Map(
          (await ctx().store.scoring.eventsInOrder(lead.id)).map((e) => [e.id, e.externalId?.split('-')[2]]),
        );
        return (await ctx().store.scoring.transitionsOf(lead.id)).map((t) => [
          t.from,
          t.to,
          t.at.toISOString(),
          t.cause.kind === 'event' ? `event ${byId.get(t.cause.eventId)}` : JSON.stringify(t.cause),
        ]);
      };
      let transitions = 0;
      for (const pair of pairs) {
        const concurrent = await historyOf(pair.concurrent);
        expect(concurrent).toEqual(await historyOf(pair.ordered));
        transitions += concurrent.length;
      }
      expect(transitions).toBeGreaterThan(12);
    }, 900_000);

    it('announces a correction when a late event rewrites announced transitions, naming what changed', async () => {
      const start = env.clock();
      const { lead } = await upsertLead(ctx(), adminActor, { email: uniqueEmail('corrected') });
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'newsletter_signup',
          occurredAt: new Date(start.getTime() - 100 * DAY).toISOString(),
        },
      ]);
      await runDueWork(ctx());
      const before = await ctx().store.scoring.transitionsOf(lead.id);
      expect(before.map((t) => t.to)).toEqual(['warm', 'cool', 'cold']);
      // A download three days after the signup, synced now: the lead stayed warm longer.
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'content_download',
          occurredAt: new Date(start.getTime() - 97 * DAY).toISOString(),
        },
      ]);
      // Rewritten up to the last stored transition; the sweeper stores what follows, as after
      // any event.
      const rewritten = await ctx().store.scoring.transitionsOf(lead.id);
      expect(rewritten[0]).toEqual(before[0]);
      expect(rewritten.map((t) => t.to)).toEqual(['warm', 'cool']);
      expect(rewritten[1]?.at.getTime()).toBeGreaterThan(before[1]?.at.getTime() as number);
      const signals = await ctx().store.signals.forLead(lead.id);
      const corrections = signals.filter((s) => s.type === 'lead.temperature_corrected');
      expect(corrections).toHaveLength(1);
      const payload = corrections[0]?.payload as {
        removed: { transitionId: number; to: string }[];
        added: { transitionId: number; to: string; at: string }[];
        temperature: { before: string; after: string };
        from: string;
        through: string;
      };
      expect(payload.removed.map((t) => t.transitionId)).toEqual(before.slice(1).map((t) => t.id));
      expect(payload.added.map((t) => t.transitionId)).toEqual(rewritten.slice(1).map((t) => t.id));
      expect(payload.added.map((t) => t.at)).toEqual(rewritten.slice(1).map((t) => t.at.toISOString()));
      // At the old end of the history (when it said cold), the lead is still cool now.
      expect(payload.temperature).toEqual({ before: 'cold', after: 'cool' });
      expect(payload.from).toBe(new Date(start.getTime() - 97 * DAY).toISOString());
      expect(payload.through).toBe(before[2]?.at.toISOString());
      // Each added transition is announced as usual too.
      const changed = signals
        .filter((s) => s.type === 'lead.temperature_changed')
        .map((s) => s.payload.transitionId);
      expect(changed).toEqual([...before, ...rewritten.slice(1)].map((t: StoredTransition) => t.id));
      await runDueWork(ctx());
      const after = await ctx().store.scoring.transitionsOf(lead.id);
      expect(after.map((t) => t.to)).toEqual(['warm', 'cool', 'cold']);
      expect(after[2]?.at.getTime()).toBeGreaterThan(before[2]?.at.getTime() as number);
    });

    it('writes nothing for a late event that changes nothing after it', async () => {
      const start = env.clock();
      const { lead } = await upsertLead(ctx(), adminActor, { email: uniqueEmail('unchanged') });
      const day0 = start.getTime() - 70 * DAY;
      await ingestEvents(ctx(), [
        { leadId: lead.id, type: 'newsletter_signup', occurredAt: new Date(day0).toISOString() },
        ...[1, 2, 3, 4, 5].map((i) => ({
          leadId: lead.id,
          type: 'page_view',
          properties: { url: '/blog/a' },
          occurredAt: new Date(day0 + i * MINUTE).toISOString(),
        })),
      ]);
      await runDueWork(ctx());
      const before = await ctx().store.scoring.transitionsOf(lead.id);
      const signalsBefore = await ctx().store.signals.forLead(lead.id);
      // A sixth page view that day: the daily cap of five is full.
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'page_view',
          properties: { url: '/blog/a' },
          occurredAt: new Date(day0 + 60 * MINUTE).toISOString(),
        },
      ]);
      expect(await ctx().store.scoring.transitionsOf(lead.id)).toEqual(before);
      expect(await ctx().store.signals.forLead(lead.id)).toEqual(signalsBefore);
    });
  },
  { clock: '2026-06-01T12:00:00.000Z' },
);
