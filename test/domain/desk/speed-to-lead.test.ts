import { describe, expect, it } from 'vitest';
import { type FirstTouchTimer, isTouch, slaView } from '../../../src/domain/desk/speed-to-lead.js';
import { taskState } from '../../../src/domain/desk/task.js';

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 9, minutes));
const timer = (overrides: Partial<FirstTouchTimer> = {}): FirstTouchTimer => ({
  id: 1,
  leadId: 'l',
  startedAt: at(0),
  dueAt: at(60),
  ownerId: null,
  taskId: null,
  touchedAt: null,
  touch: null,
  elapsedMs: null,
  breachedAt: null,
  closedAt: null,
  closedReason: null,
  ...overrides,
});

describe('slaView', () => {
  it('is running with the time left until the deadline, breached after it even before the sweep', () => {
    expect(slaView(timer(), at(45))).toMatchObject({ state: 'running', msLeft: 15 * 60_000 });
    expect(slaView(timer(), at(61))).toMatchObject({ state: 'breached', msLeft: -60_000 });
  });

  it('is met or late once touched, with the elapsed time, and closed without a touch', () => {
    expect(slaView(timer({ touchedAt: at(20), elapsedMs: 20 * 60_000 }), at(90))).toMatchObject({
      state: 'met',
      elapsedMs: 20 * 60_000,
      msLeft: null,
    });
    expect(slaView(timer({ touchedAt: at(75), elapsedMs: 75 * 60_000 }), at(90)).state).toBe('late');
    expect(slaView(timer({ closedAt: at(10) }), at(90)).state).toBe('closed');
  });

  it('names why a closed clock stopped, a status change by the lead’s fate alone', () => {
    const closed = (closedReason: string | null) =>
      slaView(timer({ closedAt: at(10), closedReason }), at(90)).closedReason;
    expect(closed('cooled')).toBe('cooled');
    expect(closed('merged')).toBe('merged');
    expect(closed('status customer')).toBe('customer');
    expect(closed('status lost')).toBe('lost');
    expect(closed('status disqualified')).toBe('disqualified');
    expect(closed('something else')).toBeNull();
    expect(slaView(timer({ closedReason: 'cooled' }), at(30)).closedReason).toBeNull();
  });
});

describe('taskState', () => {
  it('is due within the hour before its due time, overdue after, done once done', () => {
    const task = { doneAt: null, dueAt: at(120) };
    expect(taskState(task, at(0))).toBe('upcoming');
    expect(taskState(task, at(60))).toBe('due');
    expect(taskState(task, at(121))).toBe('overdue');
    expect(taskState({ ...task, doneAt: at(5) }, at(121))).toBe('done');
    expect(taskState({ doneAt: null, dueAt: null }, at(0))).toBe('unscheduled');
  });
});

describe('isTouch', () => {
  const types = new Set(['call', 'email_sent']);
  const call = (properties: Record<string, unknown>) => ({ type: 'call', properties });

  it('counts the touch types, and an outbound call whether or not anyone answered', () => {
    expect(isTouch({ type: 'email_sent', properties: {} }, types)).toBe(true);
    expect(isTouch({ type: 'page_view', properties: {} }, types)).toBe(false);
    expect(isTouch(call({ direction: 'outbound', outcome: 'no_answer' }), types)).toBe(true);
    expect(isTouch(call({ outcome: 'voicemail' }), types)).toBe(true);
  });

  it('does not count an inbound call nobody answered', () => {
    expect(isTouch(call({ direction: 'inbound', answered: false }), types)).toBe(false);
    expect(isTouch(call({ direction: 'inbound', outcome: 'voicemail' }), types)).toBe(false);
    expect(isTouch(call({ direction: 'inbound', answered: true, outcome: 'interested' }), types)).toBe(true);
  });
});
