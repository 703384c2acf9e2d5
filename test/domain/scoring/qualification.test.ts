import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../src/domain/lead.js';
import {
  b2bModel,
  emptyState,
  nextScheduledChange,
  qualificationAt,
  type ScoreState,
  type ScoringModel,
  setCriterion,
  temperatureAt,
} from '../../../src/domain/scoring/index.js';
import { aFitLead, aLead, anEvent, day, scoreAll } from './factories.js';

const model = b2bModel;

function criterion(state: ScoreState, lead: Lead, name: string, at = day(0), m: ScoringModel = model) {
  return qualificationAt(state, lead, m, at.getTime()).criteria.find((c) => c.criterion === name);
}

function budgetForm(answer: string, at: Date) {
  return anEvent('form_submit', at, { form: 'webinar', answers: { budget: answer } });
}

describe('qualification precedence', () => {
  it("lets a rep's setting win over rules", () => {
    const lead = aFitLead();
    expect(criterion(emptyState(model), lead, 'fit')).toMatchObject({
      value: 'yes',
      decidedBy: { source: { kind: 'rule', ruleId: 'fit_score' } },
    });
    const { state } = setCriterion(
      emptyState(model),
      { criterion: 'fit', value: 'no', userId: 'rep-7', at: day(0), note: 'subsidiary, buys centrally' },
      lead,
      model,
      day(0),
    );
    expect(criterion(state, lead, 'fit')).toMatchObject({
      value: 'no',
      decidedBy: { source: { kind: 'user', userId: 'rep-7', note: 'subsidiary, buys centrally' } },
      outranked: [{ value: 'yes', source: { kind: 'rule', ruleId: 'fit_score' } }],
    });
  });

  it("keeps a rep's explicit unknown until the rep clears it", () => {
    const lead = aFitLead();
    const set = setCriterion(
      emptyState(model),
      { criterion: 'fit', value: 'unknown', userId: 'rep-1', at: day(0) },
      lead,
      model,
      day(0),
    );
    expect(criterion(set.state, lead, 'fit')?.value).toBe('unknown');
    const cleared = setCriterion(
      set.state,
      { criterion: 'fit', value: null, userId: 'rep-1', at: day(1) },
      lead,
      model,
      day(1),
    );
    expect(cleared.state.criteria).toEqual([]);
    expect(criterion(cleared.state, lead, 'fit', day(1))?.value).toBe('yes');
  });

  it('takes the latest form answer, whatever order the answers arrive in', () => {
    const lead = aLead();
    const yes = budgetForm('yes', day(-6));
    const no = budgetForm('no', day(-2));
    for (const order of [
      [yes, no],
      [no, yes],
    ]) {
      const { state } = scoreAll(emptyState(model), order, lead, model);
      expect(criterion(state, lead, 'budget')).toMatchObject({
        value: 'no',
        decidedBy: { source: { kind: 'form', ruleId: 'budget_answer_no', eventId: no.id } },
      });
    }
  });

  it('lets a form answer outrank an inferred rule', () => {
    const custom: ScoringModel = {
      ...model,
      qualification: {
        ...model.qualification,
        rules: [
          {
            id: 'budget_from_size',
            criterion: 'budget',
            value: 'yes',
            when: { lead: { companySize: { min: 100 } } },
          },
          ...model.qualification.rules,
        ],
      },
    };
    const lead = aFitLead();
    const { state } = scoreAll(emptyState(custom), [budgetForm('none', day(-1))], lead, custom);
    expect(criterion(state, lead, 'budget', day(0), custom)).toMatchObject({
      value: 'no',
      outranked: [{ value: 'yes', source: { kind: 'rule', ruleId: 'budget_from_size' } }],
    });
  });

  it('uses the first rule in model order when several rules apply', () => {
    const custom: ScoringModel = {
      ...model,
      qualification: {
        ...model.qualification,
        rules: [
          { id: 'tiny_company', criterion: 'fit', value: 'no', when: { lead: { companySize: { max: 5 } } } },
          { id: 'any_fit', criterion: 'fit', value: 'yes', when: { fit: { min: 0 } } },
        ],
      },
    };
    expect(criterion(emptyState(custom), aLead({ companySize: 3 }), 'fit', day(0), custom)?.value).toBe('no');
    expect(criterion(emptyState(custom), aLead({ companySize: 30 }), 'fit', day(0), custom)?.value).toBe(
      'yes',
    );
  });
});

describe('time-dependent qualification', () => {
  it('evaluates the 90-day timeline as of the time asked about', () => {
    const lead = aLead({ attributes: { purchase_date: '2025-06-30' } });
    const state = emptyState(model);
    expect(criterion(state, lead, 'timeline', new Date('2025-03-31T12:00:00Z'))?.value).toBe('unknown');
    expect(criterion(state, lead, 'timeline', new Date('2025-04-01T00:00:00Z'))?.value).toBe('yes');
    expect(criterion(state, lead, 'timeline', new Date('2025-06-30T23:59:59Z'))?.value).toBe('yes');
    expect(criterion(state, lead, 'timeline', new Date('2025-07-01T00:00:00Z'))?.value).toBe('unknown');
  });

  it('turns a lead hot the moment its purchase date comes within 90 days, and schedules that moment', () => {
    const lead = aFitLead({ attributes: { purchase_date: '2025-12-31' } });
    const events = [
      anEvent('newsletter_signup', day(-0.5)),
      anEvent('demo_request', day(0)),
      anEvent('call', day(0.5), { outcome: 'interested' }),
      anEvent('pricing_page_visit', day(0.6)),
    ];
    let state = scoreAll(emptyState(model), events, lead, model).state;
    state = setCriterion(
      state,
      { criterion: 'budget', value: 'yes', userId: 'rep-1', at: day(1) },
      lead,
      model,
      day(1),
    ).state;
    // T0 is 2025-03-03: the date is ten months away, so the timeline is unknown and the lead warm.
    expect(temperatureAt(state, lead, model, day(1)).temperature).toBe('warm');
    const change = nextScheduledChange(state, lead, model, day(1));
    expect(change?.to).not.toBe('hot');
    // The same lead with a purchase date two days beyond the 90: hot as soon as the window opens.
    const date = day(92).toISOString().slice(0, 10);
    const soon = { ...lead, attributes: { purchase_date: date } };
    const next = nextScheduledChange(state, soon, model, day(1));
    expect(next).toMatchObject({
      from: 'warm',
      to: 'hot',
      cause: { kind: 'rule', ruleId: 'timeline_purchase_date' },
    });
    expect(next?.at).toEqual(new Date(Date.parse(date) - 90 * 86_400_000));
  });

  it('turns a lead hot when a rep confirms the budget, and back to warm when the rep says no', () => {
    const lead = aFitLead({ attributes: { purchase_date: day(20).toISOString().slice(0, 10) } });
    const events = [
      anEvent('newsletter_signup', day(-1)),
      anEvent('demo_request', day(0)),
      anEvent('call', day(0.5), { outcome: 'interested' }),
    ];
    const scored = scoreAll(emptyState(model), events, lead, model).state;
    const yes = setCriterion(
      scored,
      { criterion: 'budget', value: 'yes', userId: 'rep-1', at: day(1) },
      lead,
      model,
      day(1),
    );
    expect(yes.transition).toMatchObject({
      from: 'warm',
      to: 'hot',
      cause: { kind: 'qualification', criterion: 'budget', userId: 'rep-1' },
    });
    const no = setCriterion(
      yes.state,
      { criterion: 'budget', value: 'no', userId: 'rep-2', at: day(2) },
      lead,
      model,
      day(2),
    );
    expect(no.transition).toMatchObject({ from: 'hot', to: 'warm', cause: { kind: 'qualification' } });
  });

  it('refuses a criterion the model does not have', () => {
    expect(() =>
      setCriterion(
        emptyState(model),
        { criterion: 'champion', value: 'yes', userId: 'rep-1', at: day(0) },
        aLead(),
        model,
        day(0),
      ),
    ).toThrow(/criterion: must be one of need, fit, budget, influence, timeline/);
  });
});
