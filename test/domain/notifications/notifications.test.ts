import { describe, expect, it } from 'vitest';
import type { NotificationFacts } from '../../../src/domain/notifications/kinds.js';
import {
  localTimeText,
  messageOf,
  slackPayload,
  whyHot,
} from '../../../src/domain/notifications/messages.js';
import {
  channelsFor,
  DEFAULT_PREFERENCES,
  withPreferences,
} from '../../../src/domain/notifications/preferences.js';
import { recipientsOf } from '../../../src/domain/notifications/recipients.js';
import {
  digestDue,
  digestWindows,
  holdUntil,
  quietUntil,
  slaWarningAt,
} from '../../../src/domain/notifications/schedule.js';
import type { Check } from '../../../src/domain/scoring/checks.js';

const at = (iso: string) => new Date(iso);
const night = { start: '22:00', end: '07:00' };

describe('quiet hours', () => {
  it('holds a message made late in the evening until the end of quiet hours the next morning, in the zone', () => {
    expect(quietUntil(at('2026-03-02T22:30:00Z'), 'Europe/Berlin', night)).toEqual(
      at('2026-03-03T06:00:00Z'),
    );
  });
  it('holds a message made after midnight until that morning', () => {
    expect(quietUntil(at('2026-03-03T02:00:00Z'), 'Europe/Berlin', night)).toEqual(
      at('2026-03-03T06:00:00Z'),
    );
  });
  it('lets a daytime message through', () => {
    expect(quietUntil(at('2026-03-03T12:00:00Z'), 'Europe/Berlin', night)).toBeNull();
  });
  it('handles quiet hours within one day and the day they end exactly', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(quietUntil(at('2026-03-03T12:10:00Z'), 'UTC', lunch)).toEqual(at('2026-03-03T13:30:00Z'));
    expect(quietUntil(at('2026-03-03T13:30:00Z'), 'UTC', lunch)).toBeNull();
    expect(quietUntil(at('2026-03-03T12:10:00Z'), 'UTC', { start: '09:00', end: '09:00' })).toBeNull();
  });
  it('ends quiet hours at the local wall time across a DST change (Berlin springs forward on 29 March 2026)', () => {
    // 23:00 CET on 28 March; 07:00 on 29 March is CEST (UTC+2).
    expect(quietUntil(at('2026-03-28T22:00:00Z'), 'Europe/Berlin', night)).toEqual(
      at('2026-03-29T05:00:00Z'),
    );
  });
  it('lets urgent kinds through only when the user said so', () => {
    const quiet = { quietHours: night, urgentDuringQuietHours: true };
    const nightTime = at('2026-03-02T23:30:00Z');
    expect(holdUntil(nightTime, 'lead_hot', quiet, 'UTC')).toBeNull();
    expect(holdUntil(nightTime, 'sla_breached', quiet, 'UTC')).toBeNull();
    expect(holdUntil(nightTime, 'sla_warning', quiet, 'UTC')).toEqual(at('2026-03-03T07:00:00Z'));
    expect(holdUntil(nightTime, 'lead_hot', { ...quiet, urgentDuringQuietHours: false }, 'UTC')).toEqual(
      at('2026-03-03T07:00:00Z'),
    );
    expect(
      holdUntil(nightTime, 'lead_hot', { quietHours: null, urgentDuringQuietHours: false }, 'UTC'),
    ).toBeNull();
  });
});

describe('the digest schedule', () => {
  it('is due at the user’s local digest hour and for six hours after, not before', () => {
    expect(digestDue(at('2026-06-01T04:59:00Z'), 'Europe/Kyiv', 8)).toBeNull();
    expect(digestDue(at('2026-06-01T05:00:00Z'), 'Europe/Kyiv', 8)).toEqual({
      date: '2026-06-01',
      dueAt: at('2026-06-01T05:00:00Z'),
    });
    expect(digestDue(at('2026-06-01T10:59:00Z'), 'Europe/Kyiv', 8)?.date).toBe('2026-06-01');
    expect(digestDue(at('2026-06-01T11:00:00Z'), 'Europe/Kyiv', 8)).toBeNull();
  });
  it('names the local date, which differs from UTC’s far from Greenwich', () => {
    // 08:00 in Auckland on 2 March is 19:00 UTC on 1 March.
    expect(digestDue(at('2026-03-01T19:00:00Z'), 'Pacific/Auckland', 8)?.date).toBe('2026-03-02');
  });
  it('covers the local yesterday and today', () => {
    const slot = { date: '2026-03-03', dueAt: at('2026-03-03T13:00:00Z') };
    const w = digestWindows(slot, 'America/New_York');
    expect(w.yesterday).toEqual({ from: at('2026-03-02T05:00:00Z'), to: at('2026-03-03T05:00:00Z') });
    expect(w.endOfToday).toEqual(at('2026-03-04T05:00:00Z'));
  });
  it('warns at the share of the speed-to-lead window', () => {
    expect(slaWarningAt(at('2026-03-02T09:00:00Z'), at('2026-03-02T10:00:00Z'), 0.75)).toEqual(
      at('2026-03-02T09:45:00Z'),
    );
  });
});

describe('who is told', () => {
  const people = [
    { id: 'rep', role: 'rep' as const, active: true },
    { id: 'gone', role: 'rep' as const, active: false },
    { id: 'm1', role: 'manager' as const, active: true },
    { id: 'm2', role: 'manager' as const, active: true },
  ];
  it('tells the owner of a hot lead, and nobody for an unassigned one or an inactive owner', () => {
    expect(recipientsOf({ kind: 'lead_hot', ownerId: 'rep' }, people)).toEqual([
      { userId: 'rep', kind: 'lead_hot', escalation: false },
    ]);
    expect(recipientsOf({ kind: 'lead_hot', ownerId: null }, people)).toEqual([]);
    expect(recipientsOf({ kind: 'lead_hot', ownerId: 'gone' }, people)).toEqual([]);
  });
  it('escalates a missed deadline to the managers named, each once', () => {
    const told = recipientsOf(
      { kind: 'sla_breached', ownerId: 'rep', managerIds: ['m1', 'm2', 'm1'], reassignedTo: null },
      people,
    );
    expect(told.map((r) => [r.userId, r.escalation])).toEqual([
      ['rep', false],
      ['m1', true],
      ['m2', true],
    ]);
  });
  it('leaves a speed-to-lead task’s due time to the breach', () => {
    expect(recipientsOf({ kind: 'task_due', ownerId: 'rep', sla: true }, people)).toEqual([]);
    expect(recipientsOf({ kind: 'task_due', ownerId: 'rep', sla: false }, people)).toHaveLength(1);
  });
});

describe('preferences', () => {
  it('merge a patch kind by kind and channel by channel', () => {
    const p = withPreferences(DEFAULT_PREFERENCES, { channels: { digest: { email: false } } });
    expect(p.channels.digest).toEqual({ app: true, email: false, slack: false });
    expect(p.channels.lead_hot).toEqual(DEFAULT_PREFERENCES.channels.lead_hot);
  });
  it('post to Slack only with a URL', () => {
    expect(channelsFor(DEFAULT_PREFERENCES, 'lead_hot')).toEqual(['app', 'email']);
    const withUrl = withPreferences(DEFAULT_PREFERENCES, {
      slackWebhookUrl: 'https://hooks.slack.com/services/T/B/X',
    });
    expect(channelsFor(withUrl, 'lead_hot')).toEqual(['app', 'email', 'slack']);
  });
});

describe('messages', () => {
  const lead = { id: 'l1', name: 'Ann <Lee>', email: 'ann@acme.com', company: 'Acme & Co' };
  const hot: NotificationFacts = {
    kind: 'lead_hot',
    lead,
    reason:
      'A "demo request" event (demo_request) just now, with fit 62 (at least 40): hot on its own for 14 days more.',
    turnedHotAt: '2026-03-02T09:00:00.000Z',
    dueAt: '2026-03-02T10:00:00.000Z',
  };
  it('say who, why, the deadline in the recipient’s zone, and where', () => {
    const m = messageOf(hot, 'Europe/Berlin', at('2026-03-02T09:00:10Z'));
    expect(m.title).toBe('Hot lead: Ann <Lee> (Acme & Co)');
    expect(m.lines[0]).toContain('Why: A "demo request" event');
    expect(m.lines[1]).toBe('First touch due by Mon 2 Mar, 11:00 CET (60 min left).');
    expect(m.path).toBe('/leads/l1');
  });
  it('escape what Slack would read as markup in a lead’s name', () => {
    const { text } = slackPayload(
      messageOf(hot, 'UTC', at('2026-03-02T09:00:00Z')),
      'https://h.example.com/',
    );
    expect(text.split('\n')[0]).toBe(
      '*<https://h.example.com/leads/l1|Hot lead: Ann &lt;Lee&gt; (Acme &amp; Co)>*',
    );
  });
  it('write the reason from the checks that make the lead hot', () => {
    const checks: Check[] = [
      {
        id: 'interest_hot',
        label: '',
        passed: true,
        value: 72,
        threshold: 70,
        sentence: 'Interest 72 is at least the hot threshold 70.',
      },
      {
        id: 'qualified',
        label: '',
        passed: true,
        value: 5,
        threshold: 5,
        sentence: '5 of 5 criteria are yes and all 5 are needed: qualified.',
      },
      {
        id: 'interest_warm',
        label: '',
        passed: true,
        value: 72,
        threshold: 30,
        sentence: 'Interest 72 is at least the warm threshold 30.',
      },
    ];
    expect(whyHot(checks, { kind: 'interest_and_qualification' })).toBe(
      'Interest 72 is at least the hot threshold 70. 5 of 5 criteria are yes and all 5 are needed: qualified.',
    );
  });
  it('show times as the recipient’s clock does', () => {
    expect(localTimeText(at('2026-03-02T09:00:00Z'), 'America/New_York')).toBe('Mon 2 Mar, 04:00 GMT-5');
  });
});
