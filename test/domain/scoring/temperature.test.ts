import { describe, expect, it } from 'vitest';
import {
  b2bModel,
  DAY_MS,
  emptyState,
  leadChanged,
  nextScheduledChange,
  rescoreForModel,
  type ScoringModel,
  temperatureAt,
  transitionsBetween,
} from '../../../src/domain/scoring/index.js';
import { aFitLead, aLead, anEvent, day, scoreAll } from './factories.js';

const model = b2bModel;

describe('the temperature state machine', () => {
  it('keeps a lead that never showed interest cold, without suggesting to let it go', () => {
    const lead = aLead();
    const { state } = scoreAll(emptyState(model), [anEvent('page_view', day(0), { url: '/' })], lead, model);
    expect(temperatureAt(state, lead, model, day(0))).toMatchObject({
      temperature: 'cold',
      suggestLetGo: false,
      cooledAt: null,
    });
    expect(nextScheduledChange(state, lead, model, day(0))).toBeNull();
  });

  it('measures the cool period from the instant interest fell below warm', () => {
    const lead = aLead();
    const { state } = scoreAll(emptyState(model), [anEvent('newsletter_signup', day(0))], lead, model);
    const [cooling, letGo] = transitionsBetween(state, lead, model, day(0), day(400));
    // 50 engagement points fall below 30 after 30 × log2(50 / 29.995) ≈ 22.1 days.
    expect(cooling).toMatchObject({ from: 'warm', to: 'cool', cause: { kind: 'decay', threshold: 'warm' } });
    expect((cooling?.at.getTime() ?? 0) - day(0).getTime()).toBeCloseTo(
      30 * Math.log2(50 / 29.995) * DAY_MS,
      -3,
    );
    expect(letGo).toMatchObject({
      from: 'cool',
      to: 'cold',
      cause: { kind: 'cool_period' },
      suggestLetGo: true,
    });
    expect(letGo?.at.getTime()).toBe((cooling?.at.getTime() ?? 0) + 60 * DAY_MS);
  });

  it('warms a cool lead again on new interest and restarts the cool period from the new fall', () => {
    const lead = aLead();
    const events = [
      anEvent('newsletter_signup', day(0)),
      anEvent('form_submit', day(40), { form: 'webinar' }),
    ];
    const { state, transitions } = scoreAll(emptyState(model), events, lead, model);
    expect(transitions.map((t) => [t.from, t.to])).toEqual([
      ['cold', 'warm'],
      ['cool', 'warm'],
    ]);
    const reading = temperatureAt(state, lead, model, day(100));
    expect(reading.temperature).toBe('cool');
    expect(reading.cooledAt?.getTime()).toBeGreaterThan(day(60).getTime());
  });

  it('records a transition when an edit changes the fit behind a high-intent event', () => {
    const before = aLead({ email: 'ann@gmail.com' });
    const events = [anEvent('trial_start', day(0))];
    const { state } = scoreAll(emptyState(model), events, before, model);
    expect(temperatureAt(state, before, model, day(1)).temperature).toBe('warm');
    const after = aFitLead();
    expect(leadChanged(state, before, after, model, day(1))).toMatchObject({
      from: 'warm',
      to: 'hot',
      cause: { kind: 'lead_update' },
    });
  });

  it('records model publishes as the cause when a new model moves a lead', () => {
    const lead = aLead();
    const events = [anEvent('newsletter_signup', day(0))];
    const { state } = scoreAll(emptyState(model), events, lead, model);
    const stricter: ScoringModel = {
      ...model,
      version: 2,
      temperature: { ...model.temperature, warm: 60, hot: 80 },
    };
    const result = rescoreForModel({ state, model }, lead, events, stricter, day(1));
    expect(result.state.modelVersion).toBe(2);
    // Under the new model the lead never reached warm, so it is cold rather than cool.
    expect(result.transition).toMatchObject({
      from: 'warm',
      to: 'cold',
      cause: { kind: 'model_publish', version: 2 },
      modelVersion: 2,
    });
  });

  it('refuses to read a state with a model other than the one that built it', () => {
    expect(() => temperatureAt(emptyState(model), aLead(), { ...model, version: 9 }, day(0))).toThrow(
      /recompute/,
    );
  });

  it('is at least warm while the lead is a customer', () => {
    const customer = aLead({ status: 'customer' });
    expect(temperatureAt(emptyState(model), customer, model, day(0))).toMatchObject({
      temperature: 'warm',
      warmBecause: 'returning_customer',
    });
    expect(nextScheduledChange(emptyState(model), customer, model, day(0))).toBeNull();
  });
});
