import fc from 'fast-check';
import type { ActivityEvent } from '../../../src/domain/event.js';
import type { Lead } from '../../../src/domain/lead.js';
import {
  b2bModel,
  DAY_MS,
  ecommerceModel,
  type ScoringModel,
  type UserCriterion,
} from '../../../src/domain/scoring/index.js';
import { aLead, T0 } from './factories.js';

const MINUTE_MS = 60_000;

/** Event shapes that hit the preset rules (and some that hit none). */
const eventShape = fc.oneof(
  fc.record({
    type: fc.constant('page_view'),
    properties: fc.record({ url: fc.constantFrom('/blog/a', '/pricing', '/careers', '/products/kettle') }),
  }),
  fc.record({
    type: fc.constantFrom(
      'email_open',
      'email_click',
      'content_download',
      'newsletter_signup',
      'demo_request',
      'pricing_page_visit',
      'email_reply',
      'email_unsubscribe',
      'social_follow',
      'social_share',
      'trial_start',
      'purchase',
      'cart_add',
      'checkout_start',
      'survey_response',
      'app_install',
      'webinar_attended',
    ),
    properties: fc.record({ value: fc.integer({ min: 0, max: 200 }) }),
  }),
  fc.record({
    type: fc.constant('form_submit'),
    properties: fc.record({
      form: fc.constantFrom('Contact sales', 'newsletter', 'webinar'),
      answers: fc.record({
        budget: fc.constantFrom('yes', 'no', 'maybe'),
        timeline: fc.constantFrom('this quarter', 'next year'),
      }),
    }),
  }),
  fc.record({
    type: fc.constant('call'),
    properties: fc.record({
      direction: fc.constantFrom('inbound', 'outbound'),
      outcome: fc.constantFrom('interested', 'not_interested', 'no_answer', 'callback_requested'),
    }),
  }),
  fc.record({
    type: fc.constant('email_bounce'),
    properties: fc.record({ bounce_type: fc.constantFrom('hard', 'soft') }),
  }),
);

/**
 * A lead's history: up to `max` events over `spanDays`, clustered enough to hit daily caps.
 * Ids are distinct; several events may share an instant.
 */
export function eventStream(max = 40, spanDays = 60): fc.Arbitrary<ActivityEvent[]> {
  const minutes = spanDays * 24 * 60;
  const offset = fc.oneof(
    fc.integer({ min: 0, max: minutes }),
    // Bursts on a few days, to exercise caps.
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 0, 1, 7, 600, 1439))
      .map(([d, m]) => d * 24 * 60 * 15 + m),
  );
  return fc.array(fc.record({ shape: eventShape, offset }), { maxLength: max, size: 'max' }).map((items) =>
    items.map(({ shape, offset: m }, i) => ({
      id: i + 1,
      leadId: '00000000-0000-4000-8000-000000000001',
      type: shape.type,
      occurredAt: new Date(T0 + m * MINUTE_MS),
      receivedAt: new Date(T0 + m * MINUTE_MS),
      externalId: null,
      properties: shape.properties as Record<string, unknown>,
    })),
  );
}

/** A shuffled copy: any arrival order. */
export function anyOrder<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

/** Mostly chronological arrival with each event delayed by up to `maxDelayDays` (late syncs). */
export function lateArrivals(
  events: readonly ActivityEvent[],
  maxDelayDays: number,
): fc.Arbitrary<ActivityEvent[]> {
  return fc
    .array(fc.integer({ min: 0, max: maxDelayDays * 24 * 60 }), {
      minLength: events.length,
      maxLength: events.length,
    })
    .map((delays) =>
      events
        .map((event, i) => ({
          event,
          arrives: event.occurredAt.getTime() + (delays[i] as number) * MINUTE_MS,
        }))
        .sort((a, b) => a.arrives - b.arrives || a.event.id - b.event.id)
        .map((a) => a.event),
    );
}

export const leads: fc.Arbitrary<Lead> = fc
  .record({
    fit: fc.boolean(),
    purchaseInDays: fc.option(fc.integer({ min: -30, max: 200 }), { nil: null }),
    customer: fc.boolean(),
  })
  .map(({ fit, purchaseInDays, customer }) =>
    aLead({
      email: fit ? 'ann@acme.io' : 'ann@gmail.com',
      company: fit ? 'Acme' : null,
      jobTitle: fit ? 'Head of Sales' : 'Student',
      industry: fit ? 'software' : 'education',
      companySize: fit ? 300 : 3,
      status: customer ? 'customer' : 'open',
      attributes:
        purchaseInDays === null
          ? {}
          : { purchase_date: new Date(T0 + purchaseInDays * DAY_MS).toISOString().slice(0, 10) },
    }),
  );

export function criteriaFor(model: ScoringModel): fc.Arbitrary<UserCriterion[]> {
  return fc
    .subarray([...model.qualification.criteria])
    .chain((names) =>
      fc.tuple(
        ...names.map((criterion) =>
          fc.record({
            criterion: fc.constant(criterion),
            value: fc.constantFrom('yes' as const, 'no' as const, 'unknown' as const),
            userId: fc.constant('rep-1'),
            atMs: fc.integer({ min: T0 - DAY_MS, max: T0 + 100 * DAY_MS }),
          }),
        ),
      ),
    )
    .map((list) => [...list].sort((a, b) => (a.criterion < b.criterion ? -1 : 1)));
}

/**
 * The presets, plus variants with other half-lives (the negative one still the longest, as
 * validation requires), tighter weekly caps and other thresholds.
 */
export const models: fc.Arbitrary<ScoringModel> = fc.oneof(
  fc.constant(b2bModel),
  fc.constant(ecommerceModel),
  fc
    .record({
      base: fc.constantFrom(b2bModel, ecommerceModel),
      engagement: fc.integer({ min: 1, max: 90 }),
      intent: fc.integer({ min: 1, max: 90 }),
      extra: fc.integer({ min: 0, max: 60 }),
      weekly: fc.integer({ min: 1, max: 3 }),
      warm: fc.integer({ min: 10, max: 50 }),
      gap: fc.integer({ min: 0, max: 40 }),
    })
    .map(({ base, engagement, intent, extra, weekly, warm, gap }) => ({
      ...base,
      halfLifeDays: { engagement, intent, negative: Math.max(engagement, intent) + extra },
      interest: base.interest.map((rule) =>
        rule.cap?.per === 'day' ? { ...rule, cap: { max: weekly, per: 'week' as const } } : rule,
      ),
      temperature: { ...base.temperature, warm, hot: Math.min(100, warm + gap) },
    })),
);

/** An instant within or after the stream's span. */
export const instants = fc
  .oneof(fc.integer({ min: 0, max: 70 * 24 * 60 }), fc.integer({ min: 0, max: 250 * 24 * 60 }))
  .map((m) => new Date(T0 + m * MINUTE_MS));
