import { describe, expect, it } from 'vitest';
import {
  type Automation,
  automationActor,
  MAX_RUNS_PER_LEAD_PER_HOUR,
  matchesTrigger,
  namedUsers,
  planActions,
  validateAutomation,
} from '../../src/domain/desk/automation.js';
import type { Signal } from '../../src/domain/desk/signal.js';
import type { Lead } from '../../src/domain/lead.js';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const USER = '6f1c0a52-4b7e-4d5c-9a3e-2f8b1c7d9e01';

const lead = (overrides: Partial<Lead> = {}): Lead => ({
  id: '0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
  email: 'ann@acme.com',
  name: 'Ann',
  phone: null,
  company: 'Acme',
  jobTitle: 'VP Sales',
  industry: 'Software',
  companySize: 200,
  country: 'DE',
  source: 'website',
  ownerId: null,
  status: 'open',
  optedOut: false,
  attributes: { plan: 'pro' },
  createdAt: NOW,
  updatedAt: NOW,
  lastActivityAt: null,
  ...overrides,
});

const rule = (overrides: Partial<Automation> = {}): Automation => ({
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  name: 'Hot leads get a call',
  enabled: true,
  position: 0,
  trigger: { on: 'temperature_changed', to: 'hot' },
  where: null,
  actions: [{ type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' }],
  createdBy: null,
  createdAt: NOW,
  updatedBy: null,
  updatedAt: NOW,
  ...overrides,
});

const signal = (type: Signal['type'], payload: Record<string, unknown>, id = 7): Signal => ({
  id,
  type,
  leadId: lead().id,
  payload,
  occurredAt: NOW,
  recordedAt: NOW,
});

const valid = {
  name: 'Hot → call',
  trigger: { on: 'temperature_changed', to: 'hot' },
  actions: [{ type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' }],
};

describe('validateAutomation', () => {
  it('accepts a rule with every kind of action and a where condition', () => {
    const result = validateAutomation({
      ...valid,
      where: { all: [{ industry: { in: ['Software'] } }, { 'attributes.plan': { exists: true } }] },
      actions: [
        ...valid.actions,
        { type: 'assign', to: 'round_robin' },
        { type: 'notify' },
        { type: 'notify', webhookId: USER },
        { type: 'set_field', field: 'attributes.stage', value: 'handed over' },
        { type: 'set_field', field: 'companySize', value: 250 },
        { type: 'set_field', field: 'optedOut', value: true },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it('names the trigger field at fault, once, for the trigger it is', () => {
    const result = validateAutomation({ ...valid, trigger: { on: 'status_changed', to: 'hot' } });
    expect(result).toEqual({
      ok: false,
      problems: [{ path: 'trigger.to', message: 'must be one of open, customer, lost, disqualified' }],
    });
    expect(validateAutomation({ ...valid, trigger: { on: 'rain' } })).toMatchObject({
      ok: false,
      problems: [{ path: 'trigger.on', message: expect.stringContaining('temperature_changed') }],
    });
    expect(
      validateAutomation({ ...valid, trigger: { on: 'temperature_changed', from: 'hot', to: 'hot' } }),
    ).toMatchObject({ ok: false, problems: [{ path: 'trigger.to' }] });
  });

  it('names each action field at fault with its index', () => {
    const result = validateAutomation({
      ...valid,
      actions: [
        { type: 'notify' },
        { type: 'create_task', kind: 'fax', title: 'x', dueInMinutes: -1, owner: 'somebody' },
        { type: 'assign', to: 'nobody' },
        { type: 'set_field', field: 'status', value: 'customer' },
        { type: 'set_field', field: 'companySize', value: 'big' },
        { type: 'launch' },
      ],
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual(['actions[5].type']);
    const second = validateAutomation({
      ...valid,
      actions: [
        { type: 'notify' },
        { type: 'create_task', kind: 'call', title: 'x', dueInMinutes: 5, owner: 'somebody' },
        { type: 'assign', to: 'nobody' },
        { type: 'set_field', field: 'status', value: 'customer' },
        { type: 'set_field', field: 'companySize', value: 'big' },
      ],
    });
    expect(second.ok ? [] : second.problems).toEqual([
      { path: 'actions[1].owner', message: 'must be lead_owner, round_robin or a user id' },
      { path: 'actions[2].to', message: 'must be round_robin or a user id' },
      { path: 'actions[3].field', message: expect.stringContaining('status changes are outcomes') },
      { path: 'actions[4].value', message: 'must be a whole number of employees or null' },
    ]);
    const third = validateAutomation({
      ...valid,
      actions: [{ type: 'create_task', kind: 'fax', title: '', dueInMinutes: -1, owner: 'lead_owner', x: 1 }],
    });
    expect(third.ok ? [] : third.problems.map((p) => p.path).sort()).toEqual([
      'actions[0].dueInMinutes',
      'actions[0].kind',
      'actions[0].title',
      'actions[0].x',
    ]);
  });

  it('checks the where condition with the scoring model condition language, on lead fields only', () => {
    expect(validateAutomation({ ...valid, where: { temperature: { equals: 'hot' } } })).toMatchObject({
      ok: false,
      problems: [{ path: 'where.temperature', message: expect.stringContaining('is not a lead field') }],
    });
    expect(validateAutomation({ ...valid, where: { name: { regex: '(a+)+$' } } })).toMatchObject({
      ok: false,
      problems: [{ path: 'where.name' }],
    });
  });

  it('refuses an empty action list and unknown top-level fields', () => {
    const result = validateAutomation({ ...valid, actions: [], colour: 'red' });
    expect(result.ok ? [] : result.problems.map((p) => p.path).sort()).toEqual(['actions', 'colour']);
  });

  it('lists the users a rule names, with their paths', () => {
    const result = validateAutomation({
      ...valid,
      actions: [
        { type: 'create_task', kind: 'call', title: 'x', dueInMinutes: 5, owner: USER },
        { type: 'assign', to: 'round_robin' },
        { type: 'assign', to: USER },
      ],
    });
    if (!result.ok) throw new Error('expected a valid rule');
    expect(namedUsers(result.input)).toEqual([
      { path: 'actions[0].owner', userId: USER },
      { path: 'actions[2].to', userId: USER },
    ]);
  });
});

describe('matchesTrigger', () => {
  it('matches a temperature change by its ends', () => {
    const toHot = rule();
    expect(matchesTrigger(toHot, signal('lead.temperature_changed', { from: 'warm', to: 'hot' }))).toBe(true);
    expect(matchesTrigger(toHot, signal('lead.temperature_changed', { from: 'hot', to: 'warm' }))).toBe(
      false,
    );
    const fromHot = rule({ trigger: { on: 'temperature_changed', from: 'hot' } });
    expect(matchesTrigger(fromHot, signal('lead.temperature_changed', { from: 'hot', to: 'cool' }))).toBe(
      true,
    );
    expect(matchesTrigger(fromHot, signal('lead.status_changed', { from: 'open', to: 'lost' }))).toBe(false);
  });

  it('matches status changes, breaches and overdue tasks by type', () => {
    const lost = rule({ trigger: { on: 'status_changed', to: 'lost' } });
    expect(matchesTrigger(lost, signal('lead.status_changed', { from: 'open', to: 'lost' }))).toBe(true);
    expect(matchesTrigger(lost, signal('lead.status_changed', { from: 'open', to: 'customer' }))).toBe(false);
    expect(matchesTrigger(rule({ trigger: { on: 'sla_breached' } }), signal('sla.breached', {}))).toBe(true);
    expect(matchesTrigger(rule({ trigger: { on: 'task_overdue' } }), signal('task.overdue', {}))).toBe(true);
    expect(matchesTrigger(rule({ trigger: { on: 'task_overdue' } }), signal('task.created', {}))).toBe(false);
  });
});

describe('planActions', () => {
  const hot = signal('lead.temperature_changed', { from: 'warm', to: 'hot' });

  it('plans each action in order with its due time, owner choice and the opted-out flag', () => {
    const plan = planActions(
      rule({
        actions: [
          { type: 'assign', to: USER },
          { type: 'create_task', kind: 'call', title: 'Call now', dueInMinutes: 15, owner: 'lead_owner' },
          { type: 'set_field', field: 'attributes.stage', value: 'sales' },
          { type: 'set_field', field: 'industry', value: null },
          { type: 'notify' },
        ],
      }),
      hot,
      lead({ optedOut: true }),
      NOW,
      { recentRuns: 0 },
    );
    if (!plan.run) throw new Error('expected a run');
    expect(plan.actions.map((a) => a.optedOut)).toEqual([true, true, true, true, true]);
    expect(plan.actions[0]).toMatchObject({ type: 'assign', owner: { by: 'user', userId: USER } });
    expect(plan.actions[1]).toMatchObject({
      type: 'create_task',
      dueAt: new Date(NOW.getTime() + 15 * 60_000),
      owner: { by: 'lead_owner' },
    });
    expect(plan.actions[2]).toMatchObject({ fields: { attributes: { stage: 'sales' } } });
    expect(plan.actions[3]).toMatchObject({ fields: { industry: null } });
    expect(plan.actions[4]).toMatchObject({
      type: 'notify',
      signal: {
        type: 'automation.notify',
        payload: {
          automation: { id: rule().id, name: rule().name },
          webhookId: null,
          trigger: { signalId: 7, type: 'lead.temperature_changed', data: { from: 'warm', to: 'hot' } },
          lead: { id: lead().id, optedOut: true },
          optedOut: true,
        },
      },
    });
  });

  it('does nothing for a lead that fails the where condition', () => {
    const plan = planActions(
      rule({ where: { optedOut: { equals: false } } }),
      hot,
      lead({ optedOut: true }),
      NOW,
      { recentRuns: 0 },
    );
    expect(plan).toMatchObject({ run: false, reason: 'condition_not_met' });
    expect(
      planActions(rule({ where: { 'attributes.plan': { equals: 'pro' } } }), hot, lead(), NOW, {
        recentRuns: 0,
      }),
    ).toMatchObject({ run: true });
  });

  it('does not feed itself: an overdue task this rule created does not trigger it again', () => {
    const overdue = rule({ trigger: { on: 'task_overdue' } });
    const taskSignal = signal('task.overdue', { taskId: 't' });
    expect(
      planActions(overdue, taskSignal, lead(), NOW, {
        recentRuns: 0,
        taskCreatedBy: automationActor(overdue.id),
      }),
    ).toMatchObject({ run: false, reason: 'own_task' });
    expect(
      planActions(overdue, taskSignal, lead(), NOW, { recentRuns: 0, taskCreatedBy: 'automation:other' }),
    ).toMatchObject({ run: true });
  });

  it('stops after the hourly cap of runs per lead', () => {
    expect(
      planActions(rule(), hot, lead(), NOW, { recentRuns: MAX_RUNS_PER_LEAD_PER_HOUR - 1 }),
    ).toMatchObject({ run: true });
    expect(planActions(rule(), hot, lead(), NOW, { recentRuns: MAX_RUNS_PER_LEAD_PER_HOUR })).toMatchObject({
      run: false,
      reason: 'rate_limit',
    });
  });
});
