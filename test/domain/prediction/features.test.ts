import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/domain/event.js';
import type { Lead } from '../../../src/domain/lead.js';
import { isExcluded, learnEncodings } from '../../../src/domain/prediction/encoding.js';
import { observe } from '../../../src/domain/prediction/features.js';

const DAY = 86_400_000;
const AT = new Date('2026-05-01T12:00:00Z');
const ago = (days: number) => new Date(AT.getTime() - days * DAY);

const lead: Lead = {
  id: 'l1',
  email: 'ann@gmail.com',
  name: 'Ann',
  phone: null,
  company: 'Acme',
  jobTitle: 'VP Sales',
  industry: 'Software',
  companySize: 120,
  country: 'gb',
  source: 'Website',
  ownerId: null,
  status: 'customer',
  optedOut: false,
  attributes: { budget: '12000', plan: 'Pro', nested: { a: 1 }, empty: '' },
  createdAt: ago(40),
  updatedAt: ago(1),
  lastActivityAt: ago(-3),
};

let id = 0;
const event = (type: string, at: Date): ActivityEvent => ({
  id: ++id,
  leadId: 'l1',
  type,
  occurredAt: at,
  receivedAt: at,
  externalId: null,
  properties: {},
});

describe('features as of the decision time', () => {
  const events = [
    event('page_view', ago(35)),
    event('page_view', ago(20)),
    event('page_view', ago(3)),
    event('demo_request', ago(2)),
    // At and after the decision: not known when it was made.
    event('purchase', AT),
    event('page_view', ago(-1)),
    event('meeting', ago(-5)),
  ];
  const features = observe(lead, events, { fit: 40, interest: 55 }, AT);

  it('counts only events that occurred before the instant, overall and per recency window', () => {
    expect(features['activity.page_view:count']).toBe(3);
    expect(features['activity.page_view:last30d']).toBe(2);
    expect(features['activity.page_view:last7d']).toBe(1);
    expect(features['activity.demo_request:last7d']).toBe(1);
    expect(features['activity:count']).toBe(4);
    expect(features['activity:daysSinceLast']).toBe(2);
    expect(features['activity.purchase:count']).toBeUndefined();
    expect(features['activity.meeting:count']).toBeUndefined();
  });

  it('measures age at the instant and takes the scores it is given', () => {
    expect(features['age:days']).toBe(40);
    expect(features.fit).toBe(40);
    expect(features.interest).toBe(55);
  });

  it('keeps standard fields, derived seniority and email kind, and every usable attribute', () => {
    expect(features.industry).toBe('software');
    expect(features.country).toBe('GB');
    expect(features['jobTitle:seniority']).toBe('vp');
    expect(features['email:kind']).toBe('free_mail');
    expect(features['attributes.budget']).toBe(12000);
    expect(features['attributes.plan']).toBe('pro');
    expect(features['attributes.nested']).toBeNull();
    expect(features['attributes.empty']).toBeNull();
  });
});

describe('encodings', () => {
  it('detects numbers and categories, and treats an absent event count as zero', () => {
    const observations = Array.from({ length: 40 }, (_, i) => ({
      size: i % 2 === 0 ? i : null,
      plan: i % 3 === 0 ? 'pro' : 'free',
      ...(i % 4 === 0 ? { 'activity.demo_request:count': 1 } : {}),
    }));
    const encodings = learnEncodings(observations);
    expect(encodings.find((e) => e.name === 'size')?.kind).toBe('numeric');
    expect(encodings.find((e) => e.name === 'plan')).toMatchObject({
      kind: 'categorical',
      categories: ['free', 'pro'],
    });
    expect(encodings.find((e) => e.name === 'activity.demo_request:count')).toMatchObject({
      kind: 'numeric',
      edges: [0],
    });
  });

  it('excludes by standard field, attribute name in any spelling, event type or group', () => {
    expect(isExcluded('attributes.Converted', ['converted'])).toBe(true);
    expect(isExcluded('attributes.Converted', ['attributes.Converted'])).toBe(true);
    expect(isExcluded('activity.demo_request:last7d', ['activity.demo_request'])).toBe(true);
    expect(isExcluded('activity:count', ['activity'])).toBe(true);
    expect(isExcluded('companySize', ['company size'])).toBe(true);
    expect(isExcluded('companySize', ['company'])).toBe(false);
    expect(isExcluded('industry', ['activity'])).toBe(false);
  });
});
