import { describe, expect, it } from 'vitest';
import {
  ecommerceModel,
  emptyState,
  explain,
  temperatureAt,
  validateModel,
} from '../../../src/domain/scoring/index.js';
import { aLead, anEvent, day, HOUR_MS, scoreAll } from './factories.js';

const model = ecommerceModel;
const shopper = aLead({ email: 'lee@example.com', country: 'DE' });
const at = (days: number, hours = 0) => new Date(day(days).getTime() + hours * HOUR_MS);

describe('the ecommerce preset', () => {
  it('passes its own validation', () => {
    expect(validateModel(model).ok).toBe(true);
  });

  it('makes a shopper hot who visited several times this week, viewed products, added to cart, installed the app, subscribed and followed', () => {
    const events = [
      // Three visits this week.
      anEvent('page_view', at(-6), { url: '/' }),
      anEvent('page_view', at(-6, 0.1), { url: '/products/linen-shirt' }),
      anEvent('page_view', at(-3), { url: '/collections/summer' }),
      anEvent('page_view', at(-3, 0.1), { url: '/products/linen-trousers' }),
      anEvent('page_view', at(-3, 0.2), { url: '/products/straw-hat' }),
      anEvent('newsletter_signup', at(-3, 0.3)),
      anEvent('social_follow', at(-2), { network: 'instagram' }),
      anEvent('app_install', at(-1), { platform: 'ios' }),
      anEvent('page_view', at(0), { url: '/products/linen-shirt' }),
      anEvent('cart_add', at(0, 0.1), { sku: 'LS-42', value: 59 }),
    ];
    const { state } = scoreAll(emptyState(model), events, shopper, model);
    const reading = temperatureAt(state, shopper, model, at(0, 1));
    expect(reading.temperature).toBe('hot');
    expect(reading.interest).toBeGreaterThanOrEqual(70);
    expect(Object.fromEntries(reading.qualification.criteria.map((c) => [c.criterion, c.value]))).toEqual({
      need: 'yes',
      budget: 'yes',
      timeline: 'yes',
    });
  });

  it('makes a returning customer hot who opens and clicks launch emails and completes a survey about a new line', () => {
    const customer = aLead({ email: 'rio@example.com', country: 'FR' });
    const launch = (days: number, email: string) => [
      anEvent('email_open', at(days), { email }),
      anEvent('email_click', at(days, 0.05), { email, url: '/products/ceramics-line' }),
      // The click lands on the new line's product page.
      anEvent('page_view', at(days, 0.06), { url: '/products/ceramics-line' }),
    ];
    const events = [
      anEvent('purchase', at(-200), { order: 'A-1009', value: 140 }),
      ...launch(-6, 'launch-teaser'),
      ...launch(-3, 'launch-day'),
      ...launch(-1, 'launch-reminder'),
      anEvent('survey_response', at(0), { survey: 'ceramics line', answers: { interest: 'very' } }),
    ];
    const { state } = scoreAll(emptyState(model), events, customer, model);
    const reading = temperatureAt(state, customer, model, at(0, 1));
    expect(reading.returningCustomer).toBe(true);
    expect(reading.temperature).toBe('hot');
    const explanation = explain(state, customer, model, events, at(0, 1));
    expect(
      explanation.qualification.criteria.filter((c) => c.value === 'yes').map((c) => c.criterion),
    ).toEqual(['need', 'budget']);
  });

  it('keeps a returning customer warm before any new activity', () => {
    const customer = aLead({ email: 'rio@example.com' });
    const { state } = scoreAll(
      emptyState(model),
      [anEvent('purchase', at(-200), { value: 140 })],
      customer,
      model,
    );
    expect(temperatureAt(state, customer, model, at(0))).toMatchObject({
      temperature: 'warm',
      warmBecause: 'returning_customer',
      interest: 0,
    });
  });

  it('makes a reachable shopper hot for three days after starting a checkout', () => {
    const { state } = scoreAll(
      emptyState(model),
      [anEvent('checkout_start', at(0), { value: 80 })],
      shopper,
      model,
    );
    expect(temperatureAt(state, shopper, model, at(2.9)).hotBecause).toMatchObject({ kind: 'high_intent' });
    expect(temperatureAt(state, shopper, model, at(3)).temperature).not.toBe('hot');
  });
});
