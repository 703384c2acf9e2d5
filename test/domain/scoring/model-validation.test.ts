import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import {
  b2bModel,
  ecommerceModel,
  type InterestRule,
  type ScoringModel,
  ScoringModelSchema,
  scoringModelJsonSchema,
  validateModel,
} from '../../../src/domain/scoring/index.js';
import { hasNestedQuantifier } from '../../../src/domain/scoring/regex-safety.js';

function withInterest(index: number, rule: Partial<InterestRule>): ScoringModel {
  return {
    ...b2bModel,
    interest: b2bModel.interest.map((r, i) => (i === index ? { ...r, ...rule } : r)),
  };
}

function problemsOf(doc: unknown): string[] {
  const result = validateModel(doc);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('validateModel', () => {
  it('accepts both presets, which also satisfy the published JSON Schema', () => {
    const schema = Compile(ScoringModelSchema);
    for (const model of [b2bModel, ecommerceModel]) {
      expect(validateModel(model)).toEqual({ ok: true, model });
      expect(schema.Check(JSON.parse(JSON.stringify(model)))).toBe(true);
    }
  });

  it('publishes a standalone JSON Schema with one copy of each definition', () => {
    const standalone = scoringModelJsonSchema();
    const text = JSON.stringify(standalone);
    expect(text.match(/"\$id":"Condition"/g)).toHaveLength(1);
    const check = Compile(standalone);
    expect(check.Check(JSON.parse(JSON.stringify(b2bModel)))).toBe(true);
    const bad = JSON.parse(JSON.stringify(b2bModel));
    bad.fit[0].when.industry.regex = 5;
    expect(check.Check(bad)).toBe(false);
  });

  it('names the path of an invalid regex', () => {
    const problems = problemsOf(withInterest(3, { where: { url: { regex: '(unclosed' } } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^interest\[3\]\.where\.url: invalid regex/);
  });

  it('rejects a regex that can backtrack catastrophically', () => {
    expect(problemsOf(withInterest(0, { where: { url: { regex: '^(a+)+$' } } }))).toEqual([
      expect.stringMatching(
        /^interest\[0\]\.where\.url: invalid regex: a quantified group contains a quantifier/,
      ),
    ]);
  });

  it('reports schema problems with document paths, one per field', () => {
    const doc = JSON.parse(JSON.stringify(b2bModel));
    doc.interest[2].points = 'three';
    doc.interest[4].group = 'buzz';
    doc.fit[0].when.industry.regex = 5;
    doc.temperature.colour = 'red';
    delete doc.halfLifeDays.intent;
    expect(problemsOf(doc).sort()).toEqual(
      [
        'interest[2].points: must be an integer',
        'interest[4].group: must be one of engagement, intent, negative',
        'fit[0].when.industry.regex: must be a string',
        'temperature.colour: is not a known field',
        'halfLifeDays.intent: is required',
      ].sort(),
    );
  });

  it('names an unknown matcher key inside a condition', () => {
    const doc = JSON.parse(JSON.stringify(b2bModel));
    doc.fit[1].when.companySize.between = [1, 2];
    expect(problemsOf(doc)).toEqual(['fit[1].when.companySize.between: is not a known field']);
  });

  it('requires the negative half-life to be at least every positive one, so interest never rises without an event', () => {
    expect(problemsOf({ ...b2bModel, halfLifeDays: { engagement: 30, intent: 14, negative: 20 } })).toEqual([
      "halfLifeDays.negative: must be at least 30 days (every positive group's half-life), or interest could rise with no event",
    ]);
  });

  it('rejects points whose sign contradicts the group', () => {
    expect(problemsOf(withInterest(0, { points: -1 }))).toEqual([
      'interest[0].points: must be 0 or more in the engagement group (put penalties in the negative group)',
    ]);
    const unsubscribe = b2bModel.interest.findIndex((r) => r.id === 'email_unsubscribe');
    expect(problemsOf(withInterest(unsubscribe, { points: 5 }))).toEqual([
      `interest[${unsubscribe}].points: must be 0 or less in the negative group`,
    ]);
  });

  it('rejects duplicate rule ids, unknown criteria and an impossible minimum', () => {
    const doc: ScoringModel = {
      ...b2bModel,
      fit: [...b2bModel.fit, { ...(b2bModel.fit[0] as ScoringModel['fit'][number]) }],
      qualification: {
        ...b2bModel.qualification,
        minimumYes: 6,
        rules: [{ id: 'x', criterion: 'money', value: 'yes', when: { fit: { min: 10 } } }],
      },
    };
    expect(problemsOf(doc)).toEqual([
      'fit[7].id: "target_industry" is already the id of fit[0]',
      'qualification.minimumYes: cannot exceed the number of criteria (5)',
      'qualification.rules[0].criterion: must be one of the criteria (need, fit, budget, influence, timeline)',
    ]);
  });

  it('rejects a hot threshold below the warm one and unknown lead fields', () => {
    const doc: ScoringModel = {
      ...b2bModel,
      fit: [{ id: 'size', when: { employees: { min: 10 } }, points: 5 }],
      temperature: { ...b2bModel.temperature, warm: 40, hot: 35 },
    };
    expect(problemsOf(doc)).toEqual([
      expect.stringMatching(/^fit\[0\]\.when\.employees: is not a lead field/),
      'temperature.hot: must be at least the warm threshold (40)',
    ]);
  });

  it('allows dates relative to now only in qualification rules', () => {
    const doc: ScoringModel = {
      ...b2bModel,
      fit: [{ id: 'soon', when: { 'attributes.purchase_date': { withinNextDays: 30 } }, points: 5 }],
    };
    expect(problemsOf(doc)).toEqual([
      'fit[0].when.attributes.purchase_date.withinNextDays: only qualification rules on lead fields may depend on the time (use them for timelines)',
    ]);
  });

  it('reserves the returning-customer id', () => {
    const doc = withInterest(0, { id: 'returning_customer' });
    expect(problemsOf(doc)).toEqual([
      'interest[0].id: "returning_customer" is reserved for returning customers',
    ]);
  });
});

describe('the nested-quantifier check', () => {
  it.each(['(a+)+', '(\\w*)*', '(x|y+){2,}', '((ab)*c)+', '(a{1,5})*'])('flags %s', (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(true);
  });

  it.each([
    '/pricing',
    '\\b(vp|director)\\b',
    '(ab)+',
    '[(a+)+]',
    '\\(a+\\)+',
    '(a+)?',
    '(a+){1}',
    '^/(careers|jobs)\\b',
  ])('allows %s', (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(false);
  });
});
