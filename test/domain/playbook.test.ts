import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summariseEngagement } from '../../src/domain/desk/engagement.js';
import {
  ACTION_KINDS,
  MARKETING_KINDS,
  nextBestActions,
  type PlaybookInput,
  SALES_KINDS,
} from '../../src/domain/desk/playbook.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/desk/playbook-defaults.js';
import type { SlaView } from '../../src/domain/desk/speed-to-lead.js';
import type { StatusChange } from '../../src/domain/desk/status.js';
import type { Task } from '../../src/domain/desk/task.js';
import type { ActivityEvent } from '../../src/domain/event.js';
import { LEAD_STATUSES } from '../../src/domain/lead.js';
import { TEMPERATURES } from '../../src/domain/scoring/model.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-20T10:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let nextId = 1;
function event(type: string, at: Date, properties: Record<string, unknown> = {}): ActivityEvent {
  nextId += 1;
  return {
    id: nextId,
    leadId: 'lead',
    type,
    occurredAt: at,
    receivedAt: at,
    externalId: null,
    properties,
  };
}

function input(overrides: Partial<PlaybookInput> = {}, events: readonly ActivityEvent[] = []): PlaybookInput {
  return {
    lead: { status: 'open', optedOut: false, ownerId: null },
    temperature: 'cold',
    temperatureSince: null,
    cooledAt: null,
    coolPeriodDays: 60,
    suggestLetGo: false,
    engagement: summariseEngagement(events, NOW),
    wasEverHot: false,
    lastStatusChange: null,
    lostFollowUpDays: 30,
    openTasks: [],
    sla: null,
    ...overrides,
  };
}

function statusChange(to: StatusChange['to'], at: Date, extra: Partial<StatusChange> = {}): StatusChange {
  return {
    id: 1,
    leadId: 'lead',
    from: 'open',
    to,
    at,
    recordedAt: at,
    reason: null,
    value: null,
    currency: null,
    wasHot: false,
    actor: null,
    ...extra,
  };
}

function task(extra: Partial<Task> = {}): Task {
  return {
    id: 'task',
    leadId: 'lead',
    kind: 'call',
    title: 'Contact now: lead turned hot',
    notes: null,
    ownerId: null,
    dueAt: null,
    doneAt: null,
    closedReason: null,
    outcome: null,
    sla: false,
    origin: 'user',
    createdBy: null,
    createdAt: ago(DAY),
    updatedAt: ago(DAY),
    ...extra,
  };
}

const run = (i: PlaybookInput) => nextBestActions(i, DEFAULT_PLAYBOOK, NOW);
const byKind = (i: PlaybookInput, kind: string) => run(i).find((a) => a.kind === kind);

describe('engagement summary', () => {
  it('counts per type, page and asset over 7 and 30 days, ignoring older events and team events', () => {
    const summary = summariseEngagement(
      [
        event('page_view', ago(1 * DAY), { url: '/pricing?plan=team' }),
        event('page_view', ago(2 * DAY), { url: '/pricing' }),
        event('pricing_page_visit', ago(3 * DAY)),
        event('page_view', ago(10 * DAY), { url: '/pricing' }),
        event('page_view', ago(40 * DAY), { url: '/pricing' }),
        event('page_view', ago(5 * DAY), { url: '/blog/roi' }),
        event('content_download', ago(8 * DAY), { asset: 'ROI guide' }),
        event('call', ago(1 * DAY), { outcome: 'interested' }),
      ],
      NOW,
    );
    expect(summary.pricing).toEqual({ last7: 3, last30: 4, lastAt: ago(1 * DAY) });
    expect(summary.pages[0]).toEqual({ url: '/pricing', last7: 3, last30: 4, lastAt: ago(1 * DAY) });
    expect(summary.pages[1]).toMatchObject({ url: '/blog/roi', last7: 1, last30: 1 });
    expect(summary.assets).toEqual([{ asset: 'ROI guide', last7: 0, last30: 1, lastAt: ago(8 * DAY) }]);
    expect(summary.types.find((t) => t.type === 'page_view')).toMatchObject({ last7: 3, last30: 4 });
    expect(summary.types.find((t) => t.type === 'call')).toBeUndefined();
    expect(summary.last).toEqual({ type: 'page_view', at: ago(1 * DAY), page: '/pricing' });
  });

  it('is empty for a lead with no recent events', () => {
    const summary = summariseEngagement([event('page_view', ago(31 * DAY), { url: '/' })], NOW);
    expect(summary).toMatchObject({ types: [], pages: [], assets: [], pricing: null, last: null });
  });
});

describe('next best actions', () => {
  it('educates a cold lead without selling, saying how little it did', () => {
    const actions = run(input({}, [event('email_open', ago(12 * DAY))]));
    expect(actions.map((a) => a.id)).toEqual(['cold.educate', 'cold.educate.2', 'cold.offer']);
    expect(actions[0]?.reason).toBe(
      '1 event in the last 30 days, mostly email_open (1); last on 8 Nov (email_open)',
    );
    expect(actions.some((a) => SALES_KINDS.includes(a.kind))).toBe(false);
    expect(actions[0]?.detail).toMatch(/no hard selling/);
  });

  it('personalises for a warm lead with the pages and assets it engaged with', () => {
    const events = [
      event('page_view', ago(1 * DAY), { url: '/pricing' }),
      event('page_view', ago(2 * DAY), { url: '/pricing' }),
      event('page_view', ago(3 * DAY), { url: '/pricing' }),
      event('content_download', ago(8 * DAY), { asset: 'ROI guide' }),
    ];
    const actions = run(input({ temperature: 'warm', temperatureSince: ago(3 * DAY) }, events));
    expect(actions.map((a) => a.kind)).toEqual(['personalise', 'offer']);
    expect(actions[0]?.reason).toBe("viewed the pricing page 3× this week; downloaded 'ROI guide' on 12 Nov");
    expect(actions[1]?.reason).toBe('viewed the pricing page 3× this week');
  });

  it('names the most viewed page when there was no pricing visit', () => {
    const events = [
      event('page_view', ago(9 * DAY), { url: '/features/reporting' }),
      event('page_view', ago(12 * DAY), { url: '/features/reporting' }),
    ];
    expect(byKind(input({ temperature: 'warm' }, events), 'offer')?.reason).toBe(
      'viewed /features/reporting 2× in the last 30 days',
    );
  });

  it('hands a hot lead to sales: contact with the clock, assign while nobody owns it', () => {
    const hotAt = new Date('2026-11-20T09:14:00.000Z');
    const sla: SlaView = {
      state: 'running',
      startedAt: hotAt,
      dueAt: new Date('2026-11-20T10:14:00.000Z'),
      msLeft: 14 * 60_000,
      elapsedMs: null,
      closedReason: null,
    };
    const open = task({ sla: true, origin: 'speed_to_lead', dueAt: sla.dueAt });
    const hot = input({ temperature: 'hot', temperatureSince: hotAt, sla, openTasks: [open] }, [
      event('demo_request', ago(46 * 60_000)),
    ]);
    const actions = run(hot);
    expect(actions.map((a) => a.kind)).toEqual(['contact', 'assign', 'educate', 'appreciate']);
    expect(actions[0]?.reason).toBe(
      'hot since 09:14 UTC; first touch due by 10:14 UTC (14 min left); open task "Contact now: lead turned hot" due 10:14 UTC',
    );
    expect(actions[1]?.reason).toBe('hot since 09:14 UTC, no owner yet');

    const owned = run({ ...hot, lead: { ...hot.lead, ownerId: 'rep-1' } });
    expect(owned.map((a) => a.kind)).not.toContain('assign');
  });

  it('says how late a breached first touch is', () => {
    const sla: SlaView = {
      state: 'breached',
      startedAt: ago(3 * 3_600_000),
      dueAt: ago(2 * 3_600_000),
      msLeft: -2 * 3_600_000,
      elapsedMs: null,
      closedReason: null,
    };
    expect(
      byKind(input({ temperature: 'hot', temperatureSince: sla.startedAt, sla }), 'contact')?.reason,
    ).toBe('hot since 07:00 UTC; no first touch yet: the deadline 08:00 UTC passed 2 h ago');
  });

  it('re-engages a cool lead and says when it will be let go', () => {
    const cooledAt = new Date('2026-09-29T10:00:00.000Z');
    const actions = run(input({ temperature: 'cool', cooledAt, temperatureSince: cooledAt }));
    expect(actions.map((a) => a.kind)).toEqual(['re_engage', 'let_go']);
    expect(actions[1]?.reason).toBe('cool for 52 of 60 days: let go on 28 Nov unless they re-engage');
    expect(actions[0]?.reason).toBe('cool since 29 Sep 10:00 UTC; no engagement in the last 30 days');
  });

  it('suggests letting a cold lead go once the cool period ended, first', () => {
    const cooledAt = new Date('2026-09-01T00:00:00.000Z');
    const actions = run(input({ temperature: 'cold', cooledAt, suggestLetGo: true }));
    expect(actions[0]).toMatchObject({ id: 'cool.let_go', kind: 'let_go' });
    expect(actions[0]?.reason).toBe(
      'cooled on 1 Sep and did not re-engage in the 60-day cool period (ended 31 Oct)',
    );
  });

  it('moves the let-go date with the clock', () => {
    const cooledAt = new Date('2026-11-01T00:00:00.000Z');
    const at = (iso: string) =>
      nextBestActions(input({ temperature: 'cool', cooledAt }), DEFAULT_PLAYBOOK, new Date(iso)).find(
        (a) => a.kind === 'let_go',
      )?.reason;
    expect(at('2026-11-02T00:00:00.000Z')).toBe(
      'cool for 1 of 60 days: let go on 31 Dec unless they re-engage',
    );
    expect(at('2026-12-30T23:00:00.000Z')).toBe(
      'cool for 59 of 60 days: let go on 31 Dec unless they re-engage',
    );
  });

  it('follows up a lead lost after being hot, after the configured delay', () => {
    const lost = statusChange('lost', new Date('2026-11-03T12:00:00.000Z'), {
      reason: 'price',
      wasHot: true,
    });
    const i = input({
      lead: { status: 'lost', optedOut: false, ownerId: 'rep-1' },
      wasEverHot: true,
      lastStatusChange: lost,
    });
    expect(run(i)).toEqual([
      expect.objectContaining({
        id: 'lost_after_hot.follow_up',
        reason: 'lost on 3 Nov after being hot (reason: "price"); follow up on 3 Dec to learn why',
      }),
    ]);
    const later = nextBestActions(i, DEFAULT_PLAYBOOK, new Date('2026-12-10T00:00:00.000Z'));
    expect(later[0]?.reason).toMatch(/the follow-up was due on 3 Dec: ask why$/);
  });

  it('appreciates a customer with what they bought', () => {
    const won = statusChange('customer', new Date('2026-10-12T00:00:00.000Z'), {
      value: 12000,
      currency: 'EUR',
    });
    const actions = run(
      input({ lead: { status: 'customer', optedOut: false, ownerId: null }, lastStatusChange: won }),
    );
    expect(actions.map((a) => a.kind)).toEqual(['appreciate', 'educate']);
    expect(actions[0]?.reason).toBe('customer since 12 Oct (won 12,000 EUR)');
  });

  it('recommends no marketing content to an opted-out lead, and says why', () => {
    const events = [event('page_view', ago(DAY), { url: '/pricing' })];
    const warm = run(
      input({ temperature: 'warm', lead: { status: 'open', optedOut: true, ownerId: null } }, events),
    );
    expect(warm).toEqual([
      expect.objectContaining({
        kind: 'one_to_one',
        reason: 'opted out of marketing: one-to-one contact only',
      }),
    ]);
    const hot = run(input({ temperature: 'hot', lead: { status: 'open', optedOut: true, ownerId: null } }));
    expect(hot.map((a) => a.kind)).toEqual(['contact', 'assign', 'one_to_one']);
  });

  it('gives a disqualified lead no sales actions, and says so first', () => {
    const change = statusChange('disqualified', new Date('2026-11-18T00:00:00.000Z'), { reason: 'student' });
    const actions = run(
      input({
        temperature: 'hot',
        lead: { status: 'disqualified', optedOut: false, ownerId: null },
        lastStatusChange: change,
      }),
    );
    expect(actions[0]).toEqual({
      id: 'disqualified.hold',
      kind: 'hold',
      title: 'No sales actions',
      reason: 'disqualified on 18 Nov (reason: "student")',
    });
    expect(actions.some((a) => SALES_KINDS.includes(a.kind))).toBe(false);
  });

  it('uses the configured lists', () => {
    const playbook = {
      ...DEFAULT_PLAYBOOK,
      warm: [{ kind: 'offer' as const, title: 'Send the spring discount', description: '' }],
    };
    const actions = nextBestActions(input({ temperature: 'warm' }), playbook, NOW);
    expect(actions).toEqual([
      {
        id: 'warm.offer',
        kind: 'offer',
        title: 'Send the spring discount',
        reason: 'no engagement in the last 30 days',
      },
    ]);
  });
});

describe('next best actions (properties)', () => {
  const date = fc.date({ min: new Date('2026-01-01T00:00:00.000Z'), max: NOW, noInvalidDate: true });
  const arbitraryEvent = fc
    .record({
      type: fc.constantFrom('page_view', 'pricing_page_visit', 'content_download', 'email_click', 'call'),
      at: date,
      url: fc.option(fc.constantFrom('/pricing', '/blog/a', '/features'), { nil: undefined }),
      asset: fc.option(fc.constantFrom('ROI guide', 'Checklist'), { nil: undefined }),
    })
    .map((e) =>
      event(e.type, e.at, { ...(e.url ? { url: e.url } : {}), ...(e.asset ? { asset: e.asset } : {}) }),
    );
  const arbitraryInput = fc
    .record({
      status: fc.constantFrom(...LEAD_STATUSES),
      temperature: fc.constantFrom(...TEMPERATURES),
      optedOut: fc.boolean(),
      owned: fc.boolean(),
      since: fc.option(date, { nil: null }),
      cooledAt: fc.option(date, { nil: null }),
      suggestLetGo: fc.boolean(),
      wasEverHot: fc.boolean(),
      change: fc.option(
        fc.record({
          to: fc.constantFrom(...LEAD_STATUSES),
          at: date,
          reason: fc.option(fc.constantFrom('price', 'timing'), { nil: null }),
        }),
        { nil: null },
      ),
      tasks: fc.array(fc.record({ dueAt: fc.option(date, { nil: null }), sla: fc.boolean() }), {
        maxLength: 3,
      }),
      events: fc.array(arbitraryEvent, { maxLength: 30 }),
    })
    .map(
      (r): PlaybookInput =>
        input(
          {
            lead: { status: r.status, optedOut: r.optedOut, ownerId: r.owned ? 'rep' : null },
            temperature: r.temperature,
            temperatureSince: r.since,
            cooledAt: r.cooledAt,
            suggestLetGo: r.suggestLetGo,
            wasEverHot: r.wasEverHot,
            lastStatusChange: r.change && statusChange(r.change.to, r.change.at, { reason: r.change.reason }),
            openTasks: r.tasks.map((t) => task(t)),
          },
          r.events,
        ),
    );

  it('gives every action a known kind, a unique id and a non-empty reason', () => {
    fc.assert(
      fc.property(arbitraryInput, (i) => {
        const actions = run(i);
        expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
        for (const a of actions) {
          expect(ACTION_KINDS).toContain(a.kind);
          expect(a.reason.trim()).not.toBe('');
          expect(a.reason).not.toMatch(/undefined|NaN|null/);
        }
      }),
    );
  });

  it('never recommends marketing content to an opted-out lead, nor sales work on a disqualified one', () => {
    fc.assert(
      fc.property(arbitraryInput, (i) => {
        const kinds = run(i).map((a) => a.kind);
        if (i.lead.optedOut) expect(kinds.filter((k) => MARKETING_KINDS.includes(k))).toEqual([]);
        if (i.lead.status === 'disqualified')
          expect(kinds.filter((k) => SALES_KINDS.includes(k))).toEqual([]);
      }),
    );
  });
});
