import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import {
  createAutomation,
  deleteAutomation,
  listAutomations,
} from '../../src/app/automations/automation-service.js';
import { OPTED_OUT_NOTE, runAutomations } from '../../src/app/automations/run-automations.js';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { recordOutcome } from '../../src/app/desk/outcomes.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { MAX_RUNS_PER_LEAD_PER_HOUR } from '../../src/domain/desk/automation.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;

describeEachDatabase('automations', (env) => {
  const ctx = () => env.app.ctx;
  const store = () => env.app.ctx.store;

  afterEach(async () => {
    // Rules are global: each test removes its own so that the next one starts with none.
    for (const rule of await listAutomations(ctx())) await deleteAutomation(ctx(), adminActor, rule.id);
  });

  /** A fit b2b lead tagged with a case name that the test's rules select with `where`. */
  async function fitLead(tag: string, overrides: Record<string, unknown> = {}) {
    const payload = fitLeadPayload(env.clock(), overrides);
    const attributes = { ...(payload.attributes as Record<string, unknown>), case: tag };
    const { lead } = await upsertLead(ctx(), adminActor, { ...payload, attributes } as LeadInput);
    return lead;
  }

  /** A free-trial signup: high intent, which makes a fit lead hot on its own (b2b preset). */
  async function turnHot(leadId: string) {
    const summary = await ingestEvents(ctx(), [{ leadId, type: 'trial_start' }]);
    expect(summary.results[0]?.temperature).toBe('hot');
  }

  const rule = (tag: string, body: Record<string, unknown>) =>
    createAutomation(ctx(), adminActor, {
      name: `rule ${tag}`,
      where: { 'attributes.case': { equals: tag } },
      ...body,
    });

  const automationTasks = async (leadId: string) =>
    (await store().tasks.list({ leadId, now: env.clock(), limit: 500 })).filter(
      (t) => t.origin === 'automation',
    );

  const hotRule = (tag: string, title = `Call ${tag}`) =>
    rule(tag, {
      trigger: { on: 'temperature_changed', to: 'hot' },
      actions: [
        { type: 'set_field', field: 'attributes.stage', value: 'sales' },
        { type: 'create_task', kind: 'call', title, dueInMinutes: 10, owner: 'lead_owner' },
      ],
    });

  it('runs "to hot → set a field and create a task" exactly once, however often the desk work runs', async () => {
    const tag = randomUUID();
    const automation = await hotRule(tag);
    const lead = await fitLead(tag);
    await turnHot(lead.id);
    await runDeskWork(ctx());
    await runDeskWork(ctx());

    const tasks = await automationTasks(lead.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      kind: 'call',
      title: `Call ${tag}`,
      createdBy: `automation:${automation.id}`,
      dueAt: new Date(env.clock().getTime() + 10 * MINUTE),
      notes: null,
    });
    expect((await store().leads.byId(lead.id))?.attributes.stage).toBe('sales');
    const runs = await store().automations.runsOf(automation.id, 10);
    expect(runs).toEqual([
      expect.objectContaining({
        signalType: 'lead.temperature_changed',
        leadId: lead.id,
        outcome: 'done',
        detail: {
          optedOut: false,
          actions: [
            { type: 'set_field', field: 'attributes.stage', changed: true, optedOut: false },
            { type: 'create_task', taskId: tasks[0]?.id, ownerId: tasks[0]?.ownerId, optedOut: false },
          ],
        },
      }),
    ]);
    // Its task is announced like any other, and the announcement is dispatched too.
    const signals = await store().signals.forLead(lead.id);
    expect(
      signals.filter((s) => s.type === 'task.created' && s.payload.taskId === tasks[0]?.id),
    ).toHaveLength(1);
    const audit = await store().audit.forEntity('lead', lead.id);
    expect(
      audit.some((a) => a.action === 'lead.update' && a.details?.by === `automation:${automation.id}`),
    ).toBe(true);
  });

  it('runs once when two desk workers dispatch at the same time', async () => {
    const tag = randomUUID();
    const automation = await hotRule(tag);
    const leads = await Promise.all([fitLead(tag), fitLead(tag), fitLead(tag)]);
    for (const lead of leads) await turnHot(lead.id);
    await Promise.all([runDeskWork(ctx()), runDeskWork(ctx()), runDeskWork(ctx())]);
    await runDeskWork(ctx());
    for (const lead of leads) expect(await automationTasks(lead.id)).toHaveLength(1);
    expect(await store().automations.runsOf(automation.id, 10)).toHaveLength(3);
  });

  it('claims a run once per rule and signal even without the dispatch lock (the unique key)', async () => {
    const tag = randomUUID();
    const automation = await hotRule(tag);
    const lead = await fitLead(tag);
    await turnHot(lead.id);
    const signal = (await store().signals.forLead(lead.id)).find(
      (s) => s.type === 'lead.temperature_changed',
    );
    if (!signal) throw new Error('expected a temperature signal');
    // Two transactions reacting to the same signal at once, as two instances would without the lock.
    await Promise.all([
      store().transaction((tx) => runAutomations(tx, [signal], env.clock())),
      store().transaction((tx) => runAutomations(tx, [signal], env.clock())),
    ]);
    expect(await automationTasks(lead.id)).toHaveLength(1);
    expect(await store().automations.runsOf(automation.id, 10)).toHaveLength(1);
    await runDeskWork(ctx());
  });

  it('reacts to a status change: a task for a named rep and the lead assigned to them', async () => {
    const tag = randomUUID();
    const rep = await createUser(ctx(), adminActor, {
      email: uniqueEmail('rep'),
      name: 'Rita Rep',
      role: 'rep',
      password: 'correct horse battery',
    });
    const automation = await rule(tag, {
      trigger: { on: 'status_changed', to: 'lost' },
      actions: [
        { type: 'assign', to: rep.id },
        {
          type: 'create_task',
          kind: 'email',
          title: 'Ask why we lost',
          dueInMinutes: 60,
          owner: 'lead_owner',
        },
      ],
    });
    const lead = await fitLead(tag);
    await recordOutcome(ctx(), adminActor, lead.id, { status: 'customer' });
    await runDeskWork(ctx());
    expect(await automationTasks(lead.id)).toHaveLength(0);
    await recordOutcome(ctx(), adminActor, lead.id, { status: 'lost', reason: 'went with a competitor' });
    await runDeskWork(ctx());

    const [task] = await automationTasks(lead.id);
    expect(task).toMatchObject({ kind: 'email', title: 'Ask why we lost', ownerId: rep.id });
    expect((await store().leads.byId(lead.id))?.ownerId).toBe(rep.id);
    expect(await store().automations.runsOf(automation.id, 10)).toEqual([
      expect.objectContaining({ signalType: 'lead.status_changed', outcome: 'done' }),
    ]);
  });

  it('fails a run whose named owner is no longer active, before writing anything', async () => {
    const tag = randomUUID();
    const rep = await createUser(ctx(), adminActor, {
      email: uniqueEmail('gone'),
      name: 'Gone Rep',
      role: 'rep',
      password: 'correct horse battery',
    });
    const automation = await rule(tag, {
      trigger: { on: 'temperature_changed', to: 'hot' },
      actions: [
        { type: 'set_field', field: 'attributes.stage', value: 'sales' },
        { type: 'assign', to: rep.id },
      ],
    });
    await sql`update users set active = false where id = ${rep.id}`.execute(env.app.database.db);
    const lead = await fitLead(tag);
    await turnHot(lead.id);
    await runDeskWork(ctx());
    expect((await store().leads.byId(lead.id))?.attributes.stage).toBeUndefined();
    expect(await store().automations.runsOf(automation.id, 10)).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        detail: {
          reason: 'owner_unavailable',
          message: `user ${rep.id} is not an active user`,
          optedOut: false,
        },
      }),
    ]);
  });

  it('does nothing for a lead that fails the where condition', async () => {
    const tag = randomUUID();
    const automation = await rule(tag, {
      trigger: { on: 'temperature_changed', to: 'hot' },
      where: { all: [{ 'attributes.case': { equals: tag } }, { optedOut: { equals: false } }] },
      actions: [
        { type: 'set_field', field: 'attributes.stage', value: 'sales' },
        { type: 'create_task', kind: 'call', title: 'Call', dueInMinutes: 10, owner: 'lead_owner' },
      ],
    });
    const lead = await fitLead(tag, { optedOut: true });
    await turnHot(lead.id);
    await runDeskWork(ctx());
    expect(await automationTasks(lead.id)).toHaveLength(0);
    expect((await store().leads.byId(lead.id))?.attributes.stage).toBeUndefined();
    expect(await store().automations.runsOf(automation.id, 10)).toEqual([]);
  });

  it('notifies on an SLA breach with automation.notify, flagging an opted-out lead', async () => {
    const tag = randomUUID();
    const automation = await rule(tag, {
      trigger: { on: 'sla_breached' },
      actions: [
        { type: 'notify' },
        { type: 'create_task', kind: 'call', title: 'Breached: call', dueInMinutes: 5, owner: 'lead_owner' },
      ],
    });
    const lead = await fitLead(tag, { optedOut: true });
    await turnHot(lead.id);
    await runDeskWork(ctx());
    env.clock.advance(61 * MINUTE);
    await runDeskWork(ctx());

    const signals = await store().signals.forLead(lead.id);
    const breach = signals.find((s) => s.type === 'sla.breached');
    const notices = signals.filter((s) => s.type === 'automation.notify');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload).toEqual({
      automation: { id: automation.id, name: automation.name },
      webhookId: null,
      trigger: {
        signalId: breach?.id,
        type: 'sla.breached',
        occurredAt: breach?.occurredAt.toISOString(),
        data: breach?.payload,
      },
      lead: expect.objectContaining({ id: lead.id, email: lead.email, optedOut: true }),
      optedOut: true,
    });
    const [task] = await automationTasks(lead.id);
    expect(task?.notes).toBe(OPTED_OUT_NOTE);
    const [run] = await store().automations.runsOf(automation.id, 10);
    expect(run?.detail).toMatchObject({ optedOut: true, actions: [{ type: 'notify', optedOut: true }, {}] });
  });

  it('leaves nothing half-written when an action fails mid-batch, and runs on the next pass', async () => {
    const tag = randomUUID();
    const title = `boom ${tag}`;
    const automation = await hotRule(tag, title);
    const lead = await fitLead(tag);
    await turnHot(lead.id);
    // The database refuses the rule's second action (its first, set_field, has already run).
    const { db } = env.app.database;
    await sql
      .raw(`create or replace function refuse_boom() returns trigger language plpgsql as $$
        begin
          if new.title = '${title}' then raise exception 'refused for the test'; end if;
          return new;
        end $$`)
      .execute(db);
    await sql`create trigger refuse_boom before insert on tasks for each row execute function refuse_boom()`.execute(
      db,
    );
    try {
      await runDeskWork(ctx());
    } finally {
      await sql`drop trigger refuse_boom on tasks`.execute(db);
    }
    expect(await automationTasks(lead.id)).toHaveLength(0);
    expect((await store().leads.byId(lead.id))?.attributes.stage).toBeUndefined();
    expect(await store().automations.runsOf(automation.id, 10)).toEqual([]);
    const pending = await store().signals.undispatched(100);
    expect(pending.some((s) => s.leadId === lead.id && s.type === 'lead.temperature_changed')).toBe(true);

    await runDeskWork(ctx());
    expect(await automationTasks(lead.id)).toHaveLength(1);
    expect((await store().leads.byId(lead.id))?.attributes.stage).toBe('sales');
    expect(await store().automations.runsOf(automation.id, 10)).toEqual([
      expect.objectContaining({ outcome: 'done' }),
    ]);
  });

  it('stops a rule that feeds itself: its own overdue tasks do not trigger it', async () => {
    const tag = randomUUID();
    const automation = await rule(tag, {
      trigger: { on: 'task_overdue' },
      actions: [{ type: 'create_task', kind: 'call', title: 'Chase', dueInMinutes: 0, owner: 'lead_owner' }],
    });
    const lead = await fitLead(tag);
    await store().tasks.create(
      {
        leadId: lead.id,
        kind: 'call',
        title: 'Call back',
        ownerId: null,
        dueAt: new Date(env.clock().getTime() + MINUTE),
        origin: 'user',
        createdBy: null,
      },
      env.clock(),
    );
    for (let pass = 0; pass < 6; pass++) {
      env.clock.advance(2 * MINUTE);
      await runDeskWork(ctx());
    }
    expect(await automationTasks(lead.id)).toHaveLength(1);
    const runs = await store().automations.runsOf(automation.id, 10);
    expect(runs.map((r) => [r.outcome, r.detail.reason ?? null])).toEqual([
      ['skipped', 'own_task'],
      ['done', null],
    ]);
  });

  it('stops two rules that feed each other at the hourly cap per lead', async () => {
    const tag = randomUUID();
    const chase = (name: string) =>
      rule(tag, {
        name,
        trigger: { on: 'task_overdue' },
        actions: [{ type: 'create_task', kind: 'call', title: name, dueInMinutes: 0, owner: 'lead_owner' }],
      });
    const first = await chase('ping');
    const second = await chase('pong');
    const lead = await fitLead(tag);
    await store().tasks.create(
      {
        leadId: lead.id,
        kind: 'call',
        title: 'Call back',
        ownerId: null,
        dueAt: new Date(env.clock().getTime() + MINUTE),
        origin: 'user',
        createdBy: null,
      },
      env.clock(),
    );
    for (let pass = 0; pass < 15; pass++) {
      env.clock.advance(2 * MINUTE);
      await runDeskWork(ctx());
    }
    expect(await automationTasks(lead.id)).toHaveLength(2 * MAX_RUNS_PER_LEAD_PER_HOUR);
    for (const automation of [first, second]) {
      const runs = await store().automations.runsOf(automation.id, 100);
      expect(runs.filter((r) => r.outcome === 'done')).toHaveLength(MAX_RUNS_PER_LEAD_PER_HOUR);
      expect(runs.some((r) => r.outcome === 'skipped' && r.detail.reason === 'rate_limit')).toBe(true);
    }
  });
});
