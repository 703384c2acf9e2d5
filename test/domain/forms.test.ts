import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORM_FIELDS,
  DEFAULT_FORM_SOURCE,
  DEFAULT_HONEYPOT,
  type HostedForm,
} from '../../src/domain/forms/form.js';
import { escapeHtml, formSnippet } from '../../src/domain/forms/snippet.js';
import { judgeSpam, type SignedLoadTime } from '../../src/domain/forms/spam.js';
import { type PostedFields, readPost } from '../../src/domain/forms/submission.js';

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const form: HostedForm = {
  id: 'f1',
  formKey: 'hfm_test',
  name: 'Contact sales',
  redirectUrl: 'https://www.example.com/thanks',
  errorUrl: null,
  fields: DEFAULT_FORM_FIELDS,
  qualification: {
    budget: { field: 'budget_range', values: { 'Over 50k': 'yes', None: 'no' } },
    timeline: { field: 'when' },
  },
  honeypotField: DEFAULT_HONEYPOT,
  minFillSeconds: 3,
  requireFillTime: false,
  allowedOrigins: [],
  source: DEFAULT_FORM_SOURCE,
  active: true,
  createdAt: new Date(NOW),
  updatedAt: new Date(NOW),
  createdBy: null,
  deletedAt: null,
};

const UNSIGNED: SignedLoadTime = { kind: 'missing' };
const signedAt = (loadedAtMs: number): SignedLoadTime => ({ kind: 'signed', loadedAtMs });

describe('judgeSpam', () => {
  it("times a post by Hearth's signed load time: the visitor's own times cannot shorten or lengthen it", () => {
    const claimsSlow: PostedFields = [
      ['hearth_ts', String(NOW - 60_000)],
      ['hearth_sent', String(NOW)],
    ];
    expect(judgeSpam(claimsSlow, form, NOW, signedAt(NOW - 1000))).toEqual({
      spam: true,
      reason: "filled in 1 s, under the form's minimum of 3 s",
    });
    expect(judgeSpam([], form, NOW, signedAt(NOW - 7000))).toEqual({ spam: false, fillSeconds: 7 });
    const strict = { ...form, requireFillTime: true };
    expect(judgeSpam([], strict, NOW, signedAt(NOW - 7000))).toEqual({ spam: false, fillSeconds: 7 });
  });

  it('with requireFillTime, a post without a good signed load time is spam whatever hearth_ts says', () => {
    const strict = { ...form, requireFillTime: true };
    const claimsSlow: PostedFields = [
      ['hearth_ts', String(NOW - 60_000)],
      ['hearth_sent', String(NOW)],
    ];
    const reasons = [
      UNSIGNED,
      { kind: 'forged' } as const,
      signedAt(NOW + 5000),
      signedAt(NOW - 25 * 60 * 60 * 1000),
    ].map((signed) => {
      const verdict = judgeSpam(claimsSlow, strict, NOW, signed);
      expect(verdict.spam).toBe(true);
      return verdict.spam ? verdict.reason : '';
    });
    expect(reasons).toEqual([
      "no signed load time (hearth_t): the form's script did not run or could not reach Hearth",
      'the signed load time (hearth_t) does not verify',
      'the signed load time is ahead of the server clock',
      'the signed load time is more than 24 h old',
    ]);
    // Without requireFillTime such a post falls back to the visitor's own times.
    expect(judgeSpam(claimsSlow, form, NOW, { kind: 'forged' })).toEqual({ spam: false, fillSeconds: 60 });
  });

  it('drops a post whose honeypot holds anything, whatever its timing', () => {
    expect(
      judgeSpam(
        [
          ['hearth_hp', ' x '],
          ['hearth_ts', String(NOW - 60_000)],
        ],
        form,
        NOW,
        UNSIGNED,
      ),
    ).toMatchObject({
      spam: true,
    });
    expect(judgeSpam([['hearth_hp', '  ']], form, NOW, UNSIGNED)).toEqual({ spam: false, fillSeconds: null });
  });

  it("times a post by the visitor's own two clocks, so a wrong clock does not matter", () => {
    const skewed = NOW + 3_600_000; // the visitor's clock is an hour ahead
    expect(
      judgeSpam(
        [
          ['hearth_ts', String(skewed - 5000)],
          ['hearth_sent', String(skewed)],
        ],
        form,
        NOW,
        UNSIGNED,
      ),
    ).toEqual({
      spam: false,
      fillSeconds: 5,
    });
    expect(
      judgeSpam(
        [
          ['hearth_ts', String(skewed - 1000)],
          ['hearth_sent', String(skewed)],
        ],
        form,
        NOW,
        UNSIGNED,
      ),
    ).toEqual({
      spam: true,
      reason: "filled in 1 s, under the form's minimum of 3 s",
    });
  });

  it('falls back on the server clock, and lets an untimeable post through unless timing is required', () => {
    expect(judgeSpam([['hearth_ts', String(NOW - 2000)]], form, NOW, UNSIGNED)).toMatchObject({ spam: true });
    expect(judgeSpam([['hearth_ts', String(NOW + 60_000)]], form, NOW, UNSIGNED)).toEqual({
      spam: false,
      fillSeconds: null,
    });
    expect(judgeSpam([], form, NOW, UNSIGNED)).toEqual({ spam: false, fillSeconds: null });
    expect(
      judgeSpam([['hearth_ts', 'soon']], { ...form, requireFillTime: true }, NOW, UNSIGNED),
    ).toMatchObject({
      spam: true,
    });
    expect(judgeSpam([], { ...form, requireFillTime: true, minFillSeconds: 0 }, NOW, UNSIGNED)).toMatchObject(
      {
        spam: false,
      },
    );
  });

  it('never throws, and a filled honeypot is always spam', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string(), fc.string())),
        fc.string({ minLength: 1 }),
        (fields, trap) => {
          const verdict = judgeSpam([...fields, ['hearth_hp', trap]], form, NOW, UNSIGNED);
          expect(verdict.spam).toBe(trap.trim() !== '' || judgeSpam(fields, form, NOW, UNSIGNED).spam);
        },
      ),
    );
  });
});

describe('readPost', () => {
  it('reads the lead fields, the answers and the mapped qualification', () => {
    const reading = readPost(
      [
        ['email', ' Ann@Acme.COM '],
        ['name', 'Ann'],
        ['budget_range', 'over 50K'],
        ['when', 'this month'],
        ['topics', 'a'],
        ['topics', 'b'],
        ['empty', '  '],
        ['hearth_ts', '1'],
        ['hearth_vid', 'abcdefghijklmnop'],
        ['hearth_hp', ''],
      ],
      form,
    );
    expect(reading).toEqual({
      ok: true,
      post: {
        email: 'ann@acme.com',
        lead: { name: 'Ann' },
        answers: {
          budget_range: 'over 50K',
          budget: 'yes',
          when: 'this month',
          timeline: 'this month',
          topics: ['a', 'b'],
        },
        visitorId: 'abcdefghijklmnop',
      },
    });
  });

  it('names the posted field at fault', () => {
    expect(readPost([['name', 'Ann']], form)).toEqual({
      ok: false,
      problems: [{ path: 'email', message: 'is required: give an email address' }],
    });
    expect(
      readPost(
        [
          ['email', 'ann'],
          ['note', 'x'.repeat(10_001)],
        ],
        form,
      ),
    ).toEqual({
      ok: false,
      problems: [
        { path: 'email', message: 'is not a valid email address' },
        { path: 'note', message: 'must be at most 10000 characters long' },
      ],
    });
  });

  it('keeps control fields, the honeypot and identity fields out of the answers, and no prototype keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })), { maxLength: 30 }),
        (fields) => {
          const reading = readPost([['email', 'a@b.co'], ...(fields as PostedFields)], form);
          if (!reading.ok) return;
          const keys = Object.keys(reading.post.answers);
          for (const hidden of [
            'hearth_ts',
            'hearth_sent',
            'hearth_vid',
            'hearth_hp',
            'email',
            'name',
            'company',
            'phone',
            'job_title',
          ]) {
            expect(keys).not.toContain(hidden);
          }
          expect(Object.getPrototypeOf(reading.post.answers)).toBe(Object.prototype);
        },
      ),
    );
  });
});

describe('formSnippet', () => {
  it('escapes what it writes into the page', () => {
    const snippet = formSnippet({ ...form, honeypotField: 'a"b' }, 'https://h.example.com');
    expect(snippet).toContain('name="a&quot;b"');
    expect(escapeHtml('<&>"')).toBe('&lt;&amp;&gt;&quot;');
  });
});
