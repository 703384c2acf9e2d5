import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEAD_VOCABULARY, planColumns } from '../../../src/domain/import/column-plan.js';
import { parseCompanySize } from '../../../src/domain/import/company-size.js';
import { dateOrderEvidence, parseImportDate } from '../../../src/domain/import/import-dates.js';
import { mapLeadRow } from '../../../src/domain/import/lead-row.js';

const inFitRange = (size: number) => size >= 50 && size <= 1000; // the b2b preset's size rule

describe('company sizes', () => {
  it('reads numbers, ranges and open ranges', () => {
    expect(parseCompanySize('120')).toBe(120);
    expect(parseCompanySize('1,200')).toBe(1200);
    expect(parseCompanySize('51-200')).toBe(125);
    expect(parseCompanySize('1001–5000 employees')).toBe(3000);
    expect(parseCompanySize('10,001+')).toBe(10001);
    expect(parseCompanySize('< 10')).toBe(9);
    expect(parseCompanySize('many')).toBeUndefined();
    expect(parseCompanySize('200-51')).toBeUndefined();
  });

  it('a range lies where its size falls, and a range inside or outside 50–1,000 stays so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const size = parseCompanySize(`${low}-${high}`) as number;
        expect(size).toBeGreaterThanOrEqual(low);
        expect(size).toBeLessThanOrEqual(high);
        if (inFitRange(low) && inFitRange(high)) expect(inFitRange(size)).toBe(true);
        if (high < 50 || low > 1000) expect(inFitRange(size)).toBe(false);
      }),
    );
  });
});

describe('import dates', () => {
  it('reads the usual export formats, a time without zone as UTC', () => {
    const iso = (text: string, order: 'mdy' | 'dmy' = 'mdy') => parseImportDate(text, order)?.toISOString();
    expect(iso('2024-03-14T10:15:00Z')).toBe('2024-03-14T10:15:00.000Z');
    expect(iso('2024-03-14 10:15')).toBe('2024-03-14T10:15:00.000Z');
    expect(iso('2024-03-14T10:15:00+02:00')).toBe('2024-03-14T08:15:00.000Z');
    expect(iso('03/04/2024')).toBe('2024-03-04T00:00:00.000Z');
    expect(iso('03/04/2024', 'dmy')).toBe('2024-04-03T00:00:00.000Z');
    expect(iso('1/5/2024 9:30 PM')).toBe('2024-01-05T21:30:00.000Z');
    expect(iso('25.03.2024 16:45')).toBe('2024-03-25T16:45:00.000Z');
    expect(iso('04-Mar-2024')).toBe('2024-03-04T00:00:00.000Z');
    expect(iso('Mar 4, 2024 10:15 AM')).toBe('2024-03-04T10:15:00.000Z');
    expect(iso('25/03/2024')).toBeUndefined();
    expect(iso('2024-02-30')).toBeUndefined();
    expect(dateOrderEvidence('25/03/2024')).toBe('dmy');
    expect(dateOrderEvidence('03/25/2024')).toBe('mdy');
    expect(dateOrderEvidence('03/04/2024')).toBeUndefined();
  });

  it('every instant written month-first, day-first or ISO reads back to itself', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        (date) => {
          const at = new Date(Math.floor(date.getTime() / 60_000) * 60_000);
          const p = (n: number) => String(n).padStart(2, '0');
          const [y, m, d, h, min] = [
            at.getUTCFullYear(),
            at.getUTCMonth() + 1,
            at.getUTCDate(),
            at.getUTCHours(),
            at.getUTCMinutes(),
          ];
          const hour12 = h % 12 === 0 ? 12 : h % 12;
          expect(
            parseImportDate(`${m}/${d}/${y} ${hour12}:${p(min)} ${h < 12 ? 'AM' : 'PM'}`, 'mdy'),
          ).toEqual(at);
          expect(parseImportDate(`${p(d)}/${p(m)}/${y} ${p(h)}:${p(min)}`, 'dmy')).toEqual(at);
          expect(parseImportDate(`${y}-${p(m)}-${p(d)} ${p(h)}:${p(min)}`, 'mdy')).toEqual(at);
        },
      ),
    );
  });
});

describe('lead rows', () => {
  it('joins first and last name, maps source and status with the originals kept', () => {
    const columns = ['First Name', 'Last Name', 'Lead Source', 'Lead Status', 'Created Date'];
    const plan = planColumns(columns, LEAD_VOCABULARY, new Map());
    expect(plan.format?.id).toBe('salesforce-leads');
    const row = mapLeadRow(
      {
        cells: 'text',
        entries: [
          ['First Name', 'Ann'],
          ['Last Name', 'Lee'],
          ['Lead Source', 'Partner Referral'],
          ['Lead Status', 'Closed - Converted'],
          ['Created Date', '2/1/2024'],
        ],
      },
      plan,
      'mdy',
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(row.problems).toEqual([]);
    expect(row.value).toEqual({
      name: 'Ann Lee',
      source: 'referral',
      createdAt: '2024-02-01T00:00:00.000Z',
      attributes: { lead_source: 'Partner Referral', lead_status: 'Closed - Converted' },
    });
    expect(row.outcome).toEqual({ status: 'customer' });
  });

  it('a Hearth export is not taken for a CRM format', () => {
    const hearth = [
      'id',
      'email',
      'name',
      'phone',
      'company',
      'jobTitle',
      'industry',
      'companySize',
      'country',
      'source',
      'ownerId',
      'status',
      'optedOut',
      'attributes',
      'createdAt',
      'updatedAt',
    ];
    const plan = planColumns(hearth, LEAD_VOCABULARY, new Map());
    expect(plan.format).toBeNull();
    expect(plan.columns.every((c) => c.decidedBy === 'exact name' || c.decidedBy === 'synonym')).toBe(true);
  });
});
