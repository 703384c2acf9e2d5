import { describe, expect, it } from 'vitest';
import { decideOutcome } from '../../src/domain/demo/outcome.js';
import { generateDemoPlan, LIVE_ASK_MINUTES, liveLeadCount } from '../../src/domain/demo/plan.js';
import { Random } from '../../src/domain/demo/random.js';
import { TARGET_INDUSTRIES } from '../../src/domain/demo/vocabulary.js';
import { FREE_MAIL_PATTERN } from '../../src/domain/free-mail.js';

const DAY = 86_400_000;
const end = new Date('2026-06-01T12:00:00.000Z');
const start = new Date(end.getTime() - 120 * DAY);
const options = { seed: 1, leads: 600, start, end };
const plan = generateDemoPlan(options);

describe('the demo plan', () => {
  it('is the same for the same seed and different for another', () => {
    expect(generateDemoPlan(options)).toEqual(plan);
    expect(generateDemoPlan({ ...options, seed: 2 }).leads[0]).not.toEqual(plan.leads[0]);
  });

  it('has a manager and four reps on demo.hearth.example', () => {
    expect(plan.users.map((u) => u.role)).toEqual(['manager', 'rep', 'rep', 'rep', 'rep']);
    for (const user of plan.users) expect(user.email).toMatch(/@demo\.hearth\.example$/);
  });

  it('gives every lead a unique email and a creation time within the window, oldest first', () => {
    expect(plan.leads).toHaveLength(600);
    expect(new Set(plan.leads.map((l) => l.email)).size).toBe(600);
    for (const lead of plan.leads) {
      expect(lead.createdAt.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(lead.createdAt.getTime()).toBeLessThanOrEqual(end.getTime());
      expect(lead.email).toMatch(/\.example$/);
    }
    const created = plan.leads.map((l) => l.createdAt.getTime());
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('mixes free mail, decision makers, target industries and heavy-tailed company sizes', () => {
    const share = (test: (l: (typeof plan.leads)[number]) => boolean) =>
      plan.leads.filter(test).length / plan.leads.length;
    expect(share((l) => new RegExp(FREE_MAIL_PATTERN, 'i').test(l.email))).toBeGreaterThan(0.1);
    expect(share((l) => new RegExp(FREE_MAIL_PATTERN, 'i').test(l.email))).toBeLessThan(0.35);
    expect(
      share((l) => /\b(ceo|cto|vp|head|director|founder|owner|partner|chief)\b/i.test(l.jobTitle)),
    ).toBeGreaterThan(0.2);
    expect(share((l) => l.industry === 'Software' || l.industry === 'SaaS')).toBeGreaterThan(0.1);
    const sizes = plan.leads.flatMap((l) => (l.companySize === null ? [] : [l.companySize]));
    expect(Math.max(...sizes)).toBeGreaterThan(2000);
    expect(sizes.filter((s) => s < 50).length / sizes.length).toBeGreaterThan(0.3);
    expect(share((l) => l.attributes.purchase_date !== undefined)).toBeGreaterThan(0.1);
  });

  it('plans events in time order, after their lead appeared and before the end, with unique ids', () => {
    const createdAt = new Map(plan.leads.map((l) => [l.email, l.createdAt.getTime()]));
    expect(new Set(plan.events.map((e) => e.id)).size).toBe(plan.events.length);
    let previous = 0;
    for (const event of plan.events) {
      const at = event.occurredAt.getTime();
      expect(at).toBeGreaterThanOrEqual(previous);
      expect(at).toBeGreaterThanOrEqual(createdAt.get(event.email) as number);
      expect(at).toBeLessThanOrEqual(end.getTime());
      expect(event.id).toMatch(/^demo-1-\d+-\d+$/);
      previous = at;
    }
  });

  it('has a heavy-tailed, varied stream of events in which a minority asks for sales', () => {
    const types = new Map<string, number>();
    for (const e of plan.events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    for (const type of [
      'page_view',
      'email_open',
      'email_click',
      'newsletter_signup',
      'content_download',
      'call',
    ]) {
      expect(types.get(type), type).toBeGreaterThan(0);
    }
    expect(types.get('demo_request')).toBeGreaterThan(0);
    const urls = plan.events.filter((e) => e.type === 'page_view').map((e) => String(e.properties.url));
    for (const page of ['/pricing', '/docs/', '/blog/', '/careers'])
      expect(urls.some((u) => u.startsWith(page))).toBe(true);
    const askers = new Set(
      plan.events
        .filter(
          (e) =>
            (e.type === 'form_submit' && e.properties.form === 'Contact sales') || e.type === 'demo_request',
        )
        .map((e) => e.email),
    );
    expect(askers.size / plan.leads.length).toBeGreaterThan(0.05);
    expect(askers.size / plan.leads.length).toBeLessThan(0.35);
    const perLead = new Map<string, number>();
    for (const e of plan.events) perLead.set(e.email, (perLead.get(e.email) ?? 0) + 1);
    const counts = [...perLead.values()].sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] as number;
    expect(counts.at(-1) as number).toBeGreaterThan(4 * median);
  });

  it('calls back some sales requests within the hour, some later, and leaves a few without a call', () => {
    const delays: number[] = [];
    const calls = plan.events.filter((e) => e.type === 'call');
    for (const form of plan.events.filter(
      (e) => e.type === 'form_submit' && e.properties.form === 'Contact sales',
    )) {
      const call = calls.find((c) => c.email === form.email && c.occurredAt >= form.occurredAt);
      delays.push(
        call ? (call.occurredAt.getTime() - form.occurredAt.getTime()) / 60_000 : Number.POSITIVE_INFINITY,
      );
    }
    expect(delays.some((d) => d < 60)).toBe(true);
    expect(delays.some((d) => d > 60 && d <= 300)).toBe(true);
    expect(delays.some((d) => d === Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('ends on a live morning: its last leads, fit, ask for sales 5–40 minutes before the end and are not called', () => {
    expect(liveLeadCount(600)).toBe(4);
    expect(liveLeadCount(12)).toBe(1);
    const asks = plan.events.filter(
      (e) =>
        e.type === 'form_submit' &&
        e.properties.form === 'Contact sales' &&
        e.occurredAt.getTime() >= end.getTime() - LIVE_ASK_MINUTES.earliest * 60_000,
    );
    expect(asks.length).toBeGreaterThanOrEqual(4);
    // The last four planned (event ids demo-<seed>-<lead index>-<n>), not the last created.
    const liveEmails = new Set(
      plan.events.filter((e) => Number(e.id.split('-')[2]) >= 596).map((e) => e.email),
    );
    const live = plan.leads.filter((l) => liveEmails.has(l.email));
    expect(live).toHaveLength(4);
    const minutesBefore: number[] = [];
    for (const lead of live) {
      const ask = asks.find((e) => e.email === lead.email);
      expect(ask, lead.email).toBeDefined();
      const minutes = (end.getTime() - (ask?.occurredAt.getTime() as number)) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(LIVE_ASK_MINUTES.latest);
      expect(minutes).toBeLessThanOrEqual(LIVE_ASK_MINUTES.earliest);
      minutesBefore.push(minutes);
      // Fit ≥ 50 in the b2b preset, so the "Contact sales" form makes them hot.
      expect(lead.jobTitle).toMatch(/\b(ceo|cto|cfo|coo|vp|head|director|founder|chief)\b/i);
      expect(TARGET_INDUSTRIES.has(lead.industry as string)).toBe(true);
      expect(lead.companySize).toBeGreaterThanOrEqual(50);
      expect(lead.companySize).toBeLessThanOrEqual(1000);
      expect(lead.email).not.toMatch(new RegExp(FREE_MAIL_PATTERN, 'i'));
      expect(lead.decision).toBeNull();
      expect(plan.events.some((e) => e.email === lead.email && e.type === 'call')).toBe(false);
    }
    // Spread over the window, so the deadlines do not all fall at once.
    expect(Math.max(...minutesBefore) - Math.min(...minutesBefore)).toBeGreaterThan(10);
  });

  it('decides leads at least 5 days after creation (5–30 days after intent, 10–40 after creation), never after the end', () => {
    const decided = plan.leads.filter((l) => l.decision !== null);
    expect(decided.length).toBeGreaterThan(plan.leads.length / 3);
    for (const lead of decided) {
      const days = ((lead.decision?.at.getTime() as number) - lead.createdAt.getTime()) / DAY;
      expect(days).toBeGreaterThanOrEqual(4); // moved into office hours: up to 18 hours earlier
      expect(lead.decision?.at.getTime()).toBeLessThanOrEqual(end.getTime());
      expect(lead.decision?.draw).toBeGreaterThanOrEqual(0);
      expect(lead.decision?.draw).toBeLessThan(1);
    }
  });
});

describe('demo outcomes', () => {
  const decision = { at: end, value: 5000, reason: 'No budget this year' };
  it('wins hot leads more often than warm ones, and warm more often than cold', () => {
    const wins = (temperature: 'hot' | 'warm' | 'cold') => {
      const random = new Random(3);
      let won = 0;
      for (let i = 0; i < 2000; i++) {
        if (decideOutcome(temperature, false, { ...decision, draw: random.next() })?.status === 'customer')
          won++;
      }
      return won;
    };
    expect(wins('hot')).toBeGreaterThan(wins('warm'));
    expect(wins('warm')).toBeGreaterThan(wins('cold'));
  });

  it('leaves a lead open when the draw falls past the chances', () => {
    expect(decideOutcome('cold', false, { ...decision, draw: 0.99 })).toBeNull();
    expect(decideOutcome('hot', true, { ...decision, draw: 0.01 })).toEqual({
      status: 'customer',
      value: 5000,
    });
    expect(decideOutcome('warm', false, { ...decision, draw: 0.2 })).toEqual({
      status: 'lost',
      reason: 'No budget this year',
    });
  });
});

describe('the seeded generator', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = new Random(42);
    const b = new Random(42);
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
