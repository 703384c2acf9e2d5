import { uniqueEmail } from './http.js';

const DAY = 86_400_000;

/**
 * A lead the b2b preset finds fit (fit 62: target industry, size, decision-maker title) with a
 * purchase date 30 days after `now`, so that its timeline criterion holds.
 */
export function fitLeadPayload(now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const purchase = new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10);
  return {
    email: uniqueEmail('fit'),
    company: 'Acme',
    industry: 'Software',
    companySize: 200,
    jobTitle: 'VP Sales',
    source: 'website',
    attributes: { purchase_date: purchase },
    ...overrides,
  };
}
