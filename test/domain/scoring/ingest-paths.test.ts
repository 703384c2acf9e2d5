import { describe, expect, it } from 'vitest';
import { capWindowStart } from '../../../src/domain/scoring/calendar.js';
import {
  ALLOWED_LATENESS_MS,
  b2bModel,
  DAY_MS,
  emptyState,
  explain,
  recompute,
  type ScoringModel,
  scoreEvent,
  temperatureAt,
  validateModel,
} from '../../../src/domain/scoring/index.js';
import { aLead, anEvent, day, HOUR_MS, scoreAll } from './factories.js';

const model = b2bModel;
const lead = aLead();
const at = (days: number, hours = 0) => new Date(day(days).getTime() + hours * HOUR_MS);

describe('caps', () => {
  it('counts the earliest five page views of a UTC day, whatever order they arrive in', () => {
    const views = [0, 1, 2, 3, 4, 5, 6].map((h) => anEvent('page_view', at(0, h), { url: '/blog' }));
    const reversed = scoreAll(emptyState(model), [...views].reverse(), lead, model).state;
    const explanation = explain(reversed, lead, model, views, at(0, 7));
    expect(explanation.interest.contributions.map((c) => c.eventId)).toEqual(
      views.slice(0, 5).map((v) => v.id),
    );
    expect(reversed).toEqual(recompute(lead, views, [], model, at(1)).state);
  });

  it('lets a late event displace the latest counted one in its window', () => {
    const views = [3, 4, 5, 6, 7].map((h) => anEvent('page_view', at(0, h), { url: '/blog' }));
    const state = scoreAll(emptyState(model), views, lead, model).state;
    const late = anEvent('page_view', at(0, 1), { url: '/blog' });
    const result = scoreEvent(state, late, lead, model, at(0, 9));
    expect(result.kind).toBe('scored');
    if (result.kind !== 'scored') return;
    expect(result.contributions).toMatchObject([{ ruleId: 'page_view', eventId: late.id, points: 1 }]);
    const counted = explain(result.state, lead, model, [...views, late], at(0, 9)).interest.contributions;
    expect(counted.map((c) => c.eventId)).toEqual([late.id, ...views.slice(0, 4).map((v) => v.id)]);
  });

  it('counts a "first only" rule once', () => {
    const signups = [anEvent('newsletter_signup', at(0)), anEvent('newsletter_signup', at(40))];
    const { state } = scoreAll(emptyState(model), signups, lead, model);
    expect(explain(state, lead, model, signups, at(40)).interest.contributions).toHaveLength(1);
  });

  it('starts weekly windows on Monday 00:00 UTC', () => {
    expect(new Date(capWindowStart('week', Date.parse('2025-03-09T23:59:59Z'))).toISOString()).toBe(
      '2025-03-03T00:00:00.000Z',
    );
    expect(new Date(capWindowStart('week', Date.parse('2025-03-10T00:00:00Z'))).toISOString()).toBe(
      '2025-03-10T00:00:00.000Z',
    );
    expect(capWindowStart('ever', Date.parse('2025-03-10T00:00:00Z'))).toBe(0);
  });
});

describe('scoreEvent', () => {
  it('asks for a rescan for an event older than the allowed lateness', () => {
    const state = scoreAll(
      emptyState(model),
      [anEvent('page_view', day(30), { url: '/' })],
      lead,
      model,
    ).state;
    const old = anEvent('demo_request', new Date(day(30).getTime() - ALLOWED_LATENESS_MS - 1));
    expect(scoreEvent(state, old, lead, model, day(30))).toEqual({
      kind: 'needs_recompute',
      reason: 'too_late',
    });
  });

  it('scores an event up to the allowed lateness without a rescan', () => {
    const state = scoreAll(
      emptyState(model),
      [anEvent('page_view', day(30), { url: '/' })],
      lead,
      model,
    ).state;
    const late = anEvent('demo_request', new Date(day(30).getTime() - ALLOWED_LATENESS_MS));
    expect(scoreEvent(state, late, lead, model, day(30)).kind).toBe('scored');
  });

  it('asks for a rescan when the state was built by another model version', () => {
    const result = scoreEvent(
      emptyState(model),
      anEvent('page_view', day(0)),
      lead,
      { ...model, version: 2 },
      day(0),
    );
    expect(result).toEqual({ kind: 'needs_recompute', reason: 'model_changed' });
  });

  it('changes nothing when the same event is scored twice', () => {
    const event = anEvent('demo_request', day(0));
    const once = scoreAll(emptyState(model), [event], lead, model).state;
    const twice = scoreEvent(once, event, lead, model, day(0));
    expect(twice.kind === 'scored' && twice.state).toEqual(once);
  });

  it('ignores events no rule scores', () => {
    const state = emptyState(model);
    const result = scoreEvent(
      state,
      anEvent('note', day(0), { text: 'left a voicemail' }),
      lead,
      model,
      day(0),
    );
    expect(result).toMatchObject({ kind: 'scored', state, contributions: [], transition: null });
  });

  it('records the transition an event causes, at the time it is scored', () => {
    const result = scoreEvent(
      emptyState(model),
      anEvent('newsletter_signup', day(0), {}, 501),
      lead,
      model,
      day(0),
    );
    expect(result).toMatchObject({
      kind: 'scored',
      transition: {
        from: 'cold',
        to: 'warm',
        at: day(0),
        cause: { kind: 'event', eventId: 501 },
        modelVersion: 1,
      },
    });
  });

  it('keeps a state that survives a JSON round trip (it is stored as jsonb)', () => {
    const events = [
      anEvent('newsletter_signup', day(0)),
      anEvent('page_view', day(1), { url: '/pricing' }),
      anEvent('email_unsubscribe', day(20)),
    ];
    const { state } = scoreAll(emptyState(model), events, lead, model);
    const stored = JSON.parse(JSON.stringify(state));
    expect(stored).toEqual(state);
    expect(temperatureAt(stored, lead, model, day(90))).toEqual(temperatureAt(state, lead, model, day(90)));
  });

  it('treats rule ids that name Object.prototype members as plain ids', () => {
    const odd: ScoringModel = {
      ...model,
      interest: [
        { id: 'toString', group: 'engagement', type: 'page_view', points: 40, cap: { max: 1, per: 'ever' } },
      ],
      qualification: {
        ...model.qualification,
        rules: [
          { id: 'constructor', criterion: 'need', value: 'yes', when: { event: { type: 'demo_request' } } },
        ],
      },
    };
    expect(validateModel(odd).ok).toBe(true);
    const views = [anEvent('page_view', day(0)), anEvent('page_view', day(1))];
    const { state } = scoreAll(emptyState(odd), views, lead, odd);
    const reading = temperatureAt(state, lead, odd, day(1));
    expect(reading.interest).toBeLessThan(40);
    expect(reading.qualification.criteria.find((c) => c.criterion === 'need')?.value).toBe('unknown');
  });

  it('keeps its state small: a year of daily activity leaves only the last week in the tail', () => {
    const events = Array.from({ length: 365 }, (_, i) => anEvent('page_view', day(i), { url: '/pricing' }));
    const { state } = scoreAll(emptyState(model), events, lead, model);
    expect(state.tail.length).toBeLessThanOrEqual(ALLOWED_LATENESS_MS / DAY_MS + 1);
    expect(JSON.stringify(state).length).toBeLessThan(3000);
  });
});
