import { describe, expect, it } from 'vitest';
import {
  b2bModel,
  DAY_MS,
  emptyState,
  explain,
  fitScore,
  nextScheduledChange,
  setCriterion,
  temperatureAt,
  transitionsBetween,
  validateModel,
} from '../../../src/domain/scoring/index.js';
import { aFitLead, aLead, anEvent, day, scoreAll } from './factories.js';

const model = b2bModel;

/** The trail of a lead who asks for a demo: reads, pricing, a case study, the demo form, a discovery call. */
function demoTrail() {
  return [
    anEvent('page_view', day(-6), { url: '/blog/pipeline-hygiene' }),
    anEvent('email_click', day(-5), { campaign: 'april-newsletter' }),
    anEvent('page_view', day(-3), { url: '/pricing' }),
    anEvent('content_download', day(-3), { asset: 'case-study-acme.pdf' }),
    anEvent('demo_request', day(-2), { form: 'demo' }),
    anEvent('call', day(-1), { direction: 'outbound', outcome: 'interested', duration: 900 }),
  ];
}

function budgetSetByRep(state: ReturnType<typeof emptyState>, lead: ReturnType<typeof aFitLead>) {
  return setCriterion(
    state,
    { criterion: 'budget', value: 'yes', userId: 'rep-1', at: day(-1) },
    lead,
    model,
    day(0),
  ).state;
}

describe('the b2b preset', () => {
  it('passes its own validation and gives a software VP a fit of 55', () => {
    expect(validateModel(model).ok).toBe(true);
    expect(fitScore(aFitLead(), model).score).toBe(55);
  });

  it('makes a lead who only subscribed to the newsletter warm', () => {
    const lead = aLead({ email: 'sam@gmail.com' });
    const { state } = scoreAll(emptyState(model), [anEvent('newsletter_signup', day(0))], lead, model);
    const reading = temperatureAt(state, lead, model, day(0));
    expect(reading.temperature).toBe('warm');
    expect(reading.interest).toBe(50);
    expect(reading.warmBecause).toBe('interest');
  });

  it('makes a fit lead with a demo request, budget, authority and a 30-day timeline hot', () => {
    const lead = aFitLead({ attributes: { purchase_date: day(30).toISOString().slice(0, 10) } });
    const scored = scoreAll(emptyState(model), demoTrail(), lead, model);
    const state = budgetSetByRep(scored.state, lead);
    const reading = temperatureAt(state, lead, model, day(0));
    expect(reading.qualification.criteria.map((c) => [c.criterion, c.value])).toEqual([
      ['need', 'yes'],
      ['fit', 'yes'],
      ['budget', 'yes'],
      ['influence', 'yes'],
      ['timeline', 'yes'],
    ]);
    expect(reading.interest).toBeGreaterThanOrEqual(70);
    expect(reading.temperature).toBe('hot');
    expect(reading.hotBecause).toEqual({ kind: 'interest_and_qualification' });
  });

  it('keeps the same lead warm, not hot, when budget is unknown', () => {
    const lead = aFitLead({ attributes: { purchase_date: day(30).toISOString().slice(0, 10) } });
    const { state } = scoreAll(emptyState(model), demoTrail(), lead, model);
    const reading = temperatureAt(state, lead, model, day(0));
    expect(reading.interest).toBeGreaterThanOrEqual(70);
    expect(reading.qualification.criteria.find((c) => c.criterion === 'budget')?.value).toBe('unknown');
    expect(reading.temperature).toBe('warm');
  });

  it('cools a hot lead that stays silent for 60 days, then lets it go cold after the cool period', () => {
    const lead = aFitLead({ attributes: { purchase_date: day(30).toISOString().slice(0, 10) } });
    const state = budgetSetByRep(scoreAll(emptyState(model), demoTrail(), lead, model).state, lead);
    expect(temperatureAt(state, lead, model, day(0)).temperature).toBe('hot');

    const silent60 = temperatureAt(state, lead, model, day(60));
    expect(silent60.temperature).toBe('cool');
    const cooledAt = silent60.cooledAt as Date;
    expect(cooledAt.getTime()).toBeLessThan(day(60).getTime());

    const justBefore = temperatureAt(state, lead, model, new Date(cooledAt.getTime() + 60 * DAY_MS - 1));
    expect(justBefore.temperature).toBe('cool');
    const after = temperatureAt(state, lead, model, new Date(cooledAt.getTime() + 60 * DAY_MS));
    expect(after.temperature).toBe('cold');
    expect(after.suggestLetGo).toBe(true);

    const path = transitionsBetween(state, lead, model, day(0), day(200)).map((t) => [
      t.from,
      t.to,
      t.cause.kind,
    ]);
    expect(path.at(-2)).toEqual(['warm', 'cool', 'decay']);
    expect(path.at(-1)).toEqual(['cool', 'cold', 'cool_period']);
    expect(path[0]?.[0]).toBe('hot');
  });

  it('drops interest when the lead unsubscribes', () => {
    const lead = aLead();
    const signup = scoreAll(emptyState(model), [anEvent('newsletter_signup', day(0))], lead, model).state;
    const { state, transitions } = scoreAll(signup, [anEvent('email_unsubscribe', day(1))], lead, model);
    const before = temperatureAt(signup, lead, model, day(1)).interest;
    const after = temperatureAt(state, lead, model, day(1));
    expect(after.interest).toBeLessThan(before);
    expect(after.interest).toBeCloseTo(before - 25, 0);
    expect(after.temperature).toBe('cool');
    expect(transitions).toMatchObject([{ from: 'warm', to: 'cool', cause: { kind: 'event' } }]);
  });

  it('makes a fit lead hot on its own when it fills the contact-sales form', () => {
    const lead = aFitLead();
    const { state } = scoreAll(
      emptyState(model),
      [anEvent('form_submit', day(0), { form: 'Contact sales' })],
      lead,
      model,
    );
    const reading = temperatureAt(state, lead, model, day(0));
    expect(reading.temperature).toBe('hot');
    expect(reading.hotBecause).toMatchObject({ kind: 'high_intent', ruleId: 'contact_sales' });
    const change = nextScheduledChange(state, lead, model, day(0));
    // After 14 days the form's 50 intent points have halved to 25: below warm, so the lead cools.
    expect(change).toMatchObject({
      from: 'hot',
      to: 'cool',
      cause: { kind: 'rule', ruleId: 'contact_sales' },
    });
    expect(change?.at).toEqual(day(14));
  });

  it('does not make a poor-fit lead hot from the contact-sales form', () => {
    const lead = aLead({ email: 'kim@gmail.com' });
    const { state } = scoreAll(
      emptyState(model),
      [anEvent('form_submit', day(0), { form: 'Contact sales' })],
      lead,
      model,
    );
    expect(temperatureAt(state, lead, model, day(0)).temperature).toBe('warm');
  });

  it('keeps a returning customer at least warm for a year after a purchase', () => {
    const lead = aLead();
    const { state } = scoreAll(
      emptyState(model),
      [anEvent('purchase', day(0), { value: 1200 })],
      lead,
      model,
    );
    expect(temperatureAt(state, lead, model, day(200))).toMatchObject({
      temperature: 'warm',
      warmBecause: 'returning_customer',
    });
    expect(temperatureAt(state, lead, model, day(366)).temperature).toBe('cool');
    expect(temperatureAt({ ...state }, { ...lead, status: 'customer' }, model, day(900)).temperature).toBe(
      'warm',
    );
  });

  it('explains the hot lead with contributions that add up to its interest', () => {
    const lead = aFitLead({ attributes: { purchase_date: day(30).toISOString().slice(0, 10) } });
    const events = demoTrail();
    const state = budgetSetByRep(scoreAll(emptyState(model), events, lead, model).state, lead);
    const explanation = explain(state, lead, model, events, day(0));
    expect(explanation.matchesState).toBe(true);
    expect(explanation.temperature.temperature).toBe('hot');
    const total = explanation.interest.contributions.reduce((sum, c) => sum + Math.round(c.decayed * 100), 0);
    expect(total).toBe(Math.round(explanation.interest.sum * 100));
    expect(explanation.interest.score).toBe(temperatureAt(state, lead, model, day(0)).interest);
    expect(explanation.checks.find((c) => c.id === 'qualified')).toMatchObject({ passed: true, value: 5 });
    expect(explanation.interest.contributions.map((c) => c.ruleId)).toEqual([
      'page_view',
      'email_click',
      'page_view',
      'pricing_page_view',
      'content_download',
      'demo_request',
      'call_interested',
    ]);
  });
});
