import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beside } from '../../../src/domain/scoring/checks.js';
import { b2bModel, emptyState, explain } from '../../../src/domain/scoring/index.js';
import { aFitLead, aLead, anEvent, day, scoreAll } from './factories.js';

const model = b2bModel;

function checksAt(lead: ReturnType<typeof aLead>, events: ReturnType<typeof anEvent>[], at: Date) {
  const { state } = scoreAll(emptyState(model), events, lead, model);
  const explanation = explain(state, lead, model, events, at);
  return { explanation, byId: new Map(explanation.checks.map((c) => [c.id, c])) };
}

describe('the temperature checks as sentences', () => {
  it('says why a lead is hot on its own, beside an interest below the hot threshold', () => {
    const lead = aFitLead();
    const events = [anEvent('form_submit', day(0), { form: 'Contact sales' })];
    const { explanation, byId } = checksAt(lead, events, day(3));
    expect(explanation.temperature.temperature).toBe('hot');
    expect(byId.get('interest_hot')).toMatchObject({ passed: false });
    expect(byId.get('interest_hot')?.sentence).toMatch(/^Interest \d+ is below the hot threshold 70\.$/);
    expect(byId.get('high_intent:contact_sales')?.sentence).toBe(
      'A "contact sales" event (form_submit) 3 days ago, with fit 55 (at least 50): hot on its own for 11 days more.',
    );
  });

  it('does not read "52 of 50" for a rule whose event never happened: it says the event is missing', () => {
    const lead = aFitLead();
    const { byId } = checksAt(lead, [anEvent('page_view', day(0), { url: '/' })], day(1));
    const trial = byId.get('high_intent:free_trial');
    expect(trial?.passed).toBe(false);
    expect(trial?.sentence).toBe(
      'No "free trial" event (trial_start) yet; with fit 55 (at least 50), one would make the lead hot for 14 days.',
    );
  });

  it('tells an expired high-intent event from a fit too low', () => {
    const fit = aFitLead();
    const expired = checksAt(fit, [anEvent('trial_start', day(0))], day(20)).byId;
    expect(expired.get('high_intent:free_trial')?.sentence).toBe(
      'The last "free trial" event (trial_start) was 20 days ago: it counts for 14 days only.',
    );
    const unfit = checksAt(aLead(), [anEvent('trial_start', day(0))], day(1)).byId;
    expect(unfit.get('high_intent:free_trial')?.sentence).toMatch(
      /^Fit -?\d+ is below 50, so a "free trial" event \(trial_start\) does not make this lead hot on its own\.$/,
    );
  });

  it('counts the criteria in words and names a customer as a returning one', () => {
    const { byId } = checksAt(aFitLead({ status: 'customer' }), [], day(0));
    expect(byId.get('qualified')?.sentence).toMatch(/^\d of 5 criteria are yes and all 5 are needed: /);
    expect(byId.get('returning_customer')).toMatchObject({
      passed: true,
      sentence: 'Status customer: a returning customer is at least warm.',
    });
  });

  it('never shows a number on the other side of its threshold than the check says', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 99 }),
        (v, limit) => {
          const shown = Number(beside(v, limit));
          expect(shown >= limit).toBe(v >= limit);
        },
      ),
    );
    expect(beside(49.6, 50)).toBe('49.6');
    expect(beside(49.996, 50)).toBe('49.99');
    expect(beside(52.4, 50)).toBe('52');
  });
});
