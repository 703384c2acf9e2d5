import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, setUserActive } from '../../src/app/access/access-service.js';
import { updateDeskSettings } from '../../src/app/desk/desk-settings.js';
import { pruneSignals, runDeskWork } from '../../src/app/desk/desk-work.js';
import { recordOutcome } from '../../src/app/desk/outcomes.js';
import { updateTask } from '../../src/app/desk/tasks.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import { updateLead, upsertLead } from '../../src/app/leads/lead-service.js';
import { createWebhook, listDeliveries } from '../../src/app/webhooks/webhook-service.js';
import { nextInRotation } from '../../src/domain/desk/routing.js';
import type { Task } from '../../src/domain/desk/task.js';
import type { OpenApp } from '../../src/main.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A fit lead (fit 62) that a "contact sales" form makes hot on its own (b2b high intent). */
async function leadTurningHot(app: OpenApp): Promise<string> {
  const now = app.ctx.clock();
  const { lead } = await upsertLead(app.ctx, adminActor, fitLeadPayload(now) as never);
  const summary = await ingestEvents(app.ctx, [
    { leadId: lead.id, type: 'form_submit', properties: { form: 'Contact sales' } },
  ]);
  expect(summary.results[0]).toMatchObject({ status: 'stored', temperature: 'hot' });
  return lead.id;
}

const signalsOf = async (app: OpenApp, leadId: string, type: string) =>
  (await app.ctx.store.signals.forLead(leadId)).filter((s) => s.type === type);
const tasksOf = (app: OpenApp, leadId: string): Promise<Task[]> =>
  app.ctx.store.tasks.list({ leadId, now: app.ctx.clock(), limit: 100 });

describeEachDatabase(
  'speed to lead: hot → owner, task, timer; touch, breach, follow-up',
  (env) => {
    let reps: string[];
    let webhookId: string;

    beforeAll(async () => {
      reps = [];
      for (const name of ['Ann', 'Bob', 'Cid']) {
        const user = await createUser(env.app.ctx, adminActor, {
          email: uniqueEmail(name),
          name,
          role: 'rep',
          password: 'correct horse battery',
        });
        reps.push(user.id);
      }
      // A subscriber that is never called here (deliveries are only queued): the fan-out is the point.
      webhookId = (
        await createWebhook(env.app.ctx, adminActor, {
          url: 'http://127.0.0.1:9/hook',
          events: ['lead.temperature_changed', 'sla.breached'],
        })
      ).webhook.id;
      await createUser(env.app.ctx, adminActor, {
        email: uniqueEmail('manager'),
        name: 'Meg Manager',
        role: 'manager',
        password: 'correct horse battery',
      });
    });

    it('a lead turning hot gets exactly one contact-now task, an owner by round-robin, and one signal', async () => {
      const rotationBefore = await env.app.ctx.store.desk.lockRotation();
      const first = await leadTurningHot(env.app);
      const second = await leadTurningHot(env.app);
      await runDeskWork(env.app.ctx);
      await runDeskWork(env.app.ctx); // a second pass finds nothing to do again

      const firstOwner = nextInRotation(reps, rotationBefore) as string;
      const secondOwner = nextInRotation(reps, firstOwner) as string;
      expect(firstOwner).not.toBe(secondOwner);
      for (const [leadId, owner] of [
        [first, firstOwner],
        [second, secondOwner],
      ] as const) {
        expect((await env.app.ctx.store.leads.byId(leadId))?.ownerId).toBe(owner);
        const tasks = await tasksOf(env.app, leadId);
        expect(tasks).toHaveLength(1);
        expect(tasks[0]).toMatchObject({ sla: true, origin: 'speed_to_lead', ownerId: owner, kind: 'call' });
        expect(tasks[0]?.dueAt?.getTime()).toBe(env.clock().getTime() + 60 * MINUTE);
        const changed = await signalsOf(env.app, leadId, 'lead.temperature_changed');
        expect(changed.map((s) => s.payload.to)).toEqual(['hot']);
        expect(await signalsOf(env.app, leadId, 'task.created')).toHaveLength(1);
        const queued = (await listDeliveries(env.app.ctx, webhookId, { limit: 500 })).deliveries.filter(
          (d) => d.leadId === leadId,
        );
        expect(queued.map((d) => [d.event, d.signalId])).toEqual([
          ['lead.temperature_changed', changed[0]?.id],
        ]);
      }
    });

    it('round-robin skips inactive reps', async () => {
      const last = await env.app.ctx.store.desk.lockRotation();
      const skipped = nextInRotation(reps, last) as string;
      await setUserActive(env.app.ctx, adminActor, skipped, false);
      try {
        const leadId = await leadTurningHot(env.app);
        await runDeskWork(env.app.ctx);
        const owner = (await env.app.ctx.store.leads.byId(leadId))?.ownerId;
        expect(owner).not.toBe(skipped);
        expect(owner).toBe(
          nextInRotation(
            reps.filter((r) => r !== skipped),
            last,
          ),
        );
      } finally {
        await setUserActive(env.app.ctx, adminActor, skipped, true);
      }
    });

    it('no touch within the SLA → exactly one sla.breached naming the managers; the queue shows it breached', async () => {
      const leadId = await leadTurningHot(env.app);
      await runDeskWork(env.app.ctx);
      env.clock.advance(59 * MINUTE);
      await runDeskWork(env.app.ctx);
      expect(await signalsOf(env.app, leadId, 'sla.breached')).toHaveLength(0);
      env.clock.advance(2 * MINUTE);
      await runDeskWork(env.app.ctx);
      await runDeskWork(env.app.ctx);
      const breaches = await signalsOf(env.app, leadId, 'sla.breached');
      expect(breaches).toHaveLength(1);
      const queued = (await listDeliveries(env.app.ctx, webhookId, { limit: 500 })).deliveries.filter(
        (d) => d.leadId === leadId && d.event === 'sla.breached',
      );
      expect(queued).toHaveLength(1);
      expect(breaches[0]?.payload).toMatchObject({ leadId, slaMinutes: 60 });
      expect(breaches[0]?.payload.notify).toEqual([expect.objectContaining({ name: 'Meg Manager' })]);
      const [timer] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(timer?.breachedAt).not.toBeNull();
      // The contact-now task is overdue too, announced once.
      expect(await signalsOf(env.app, leadId, 'task.overdue')).toHaveLength(1);
    });

    it('a logged call stops the clock and records the time from hot to the call', async () => {
      const leadId = await leadTurningHot(env.app);
      const hotAt = env.clock().getTime();
      await runDeskWork(env.app.ctx);
      env.clock.advance(17 * MINUTE);
      await ingestEvents(env.app.ctx, [
        { leadId, type: 'call', properties: { direction: 'outbound', outcome: 'interested', duration: 300 } },
      ]);
      const [timer] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(timer).toMatchObject({ touch: 'call', elapsedMs: 17 * MINUTE, breachedAt: null });
      expect(timer?.touchedAt?.getTime()).toBe(hotAt + 17 * MINUTE);
      // The call did what the contact-now task asked: it is done, at the call's time.
      const [task] = await tasksOf(env.app, leadId);
      expect(task?.doneAt?.getTime()).toBe(hotAt + 17 * MINUTE);
      expect(task?.closedReason).toBe('completed');
      env.clock.advance(2 * 60 * MINUTE);
      await runDeskWork(env.app.ctx);
      expect(await signalsOf(env.app, leadId, 'sla.breached')).toHaveLength(0);
    });

    it('a call logged before the dispatcher ran still counts as the first touch', async () => {
      const leadId = await leadTurningHot(env.app);
      env.clock.advance(MINUTE);
      await ingestEvents(env.app.ctx, [{ leadId, type: 'call', properties: { outcome: 'no_answer' } }]);
      await runDeskWork(env.app.ctx);
      const [timer] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(timer).toMatchObject({ touch: 'call', elapsedMs: MINUTE });
    });

    it('a missed inbound call (a call tracker reporting the lead calling in) stops no clock', async () => {
      const leadId = await leadTurningHot(env.app);
      env.clock.advance(MINUTE);
      // Before the dispatcher ran (the early-touch path) and after it (the ingest path).
      await ingestEvents(env.app.ctx, [
        { leadId, type: 'call', properties: { direction: 'inbound', answered: false, outcome: 'no_answer' } },
      ]);
      await runDeskWork(env.app.ctx);
      await ingestEvents(env.app.ctx, [
        { leadId, type: 'call', properties: { direction: 'inbound', answered: false, outcome: 'voicemail' } },
      ]);
      const [missed] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(missed).toMatchObject({ touchedAt: null, closedAt: null });

      env.clock.advance(MINUTE);
      await ingestEvents(env.app.ctx, [
        { leadId, type: 'call', properties: { direction: 'inbound', answered: true, durationSeconds: 240 } },
      ]);
      const [answered] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(answered).toMatchObject({ touch: 'call', elapsedMs: 2 * MINUTE });
    });

    it('completing the contact-now task is a first touch too', async () => {
      const leadId = await leadTurningHot(env.app);
      await runDeskWork(env.app.ctx);
      env.clock.advance(5 * MINUTE);
      const [task] = await tasksOf(env.app, leadId);
      await updateTask(env.app.ctx, adminActor, task?.id as string, { done: true });
      const [timer] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(timer).toMatchObject({ touch: 'task', elapsedMs: 5 * MINUTE });
    });

    /** Cools a hot lead now by an edit: not a software company, its fit falls below the fast track's 50. */
    const cool = async (leadId: string) => {
      await updateLead(env.app.ctx, adminActor, leadId, { industry: 'Retail' });
      expect((await env.app.ctx.store.scoring.transitionsOf(leadId)).at(-1)).toMatchObject({
        from: 'hot',
        at: env.clock(),
      });
    };
    /** Speed-to-lead counts of the timers started at this instant only (each test starts its own). */
    const speedAt = async (startedAt: Date) =>
      (
        await env.app.ctx.store.stats.speedToLead(
          { from: startedAt, to: new Date(startedAt.getTime() + 1) },
          env.clock(),
        )
      ).total;

    it('a lead that cools before its deadline closes its clock and contact-now task as cooled: no breach', async () => {
      env.clock.advance(DAY);
      const leadId = await leadTurningHot(env.app);
      const hotAt = env.clock();
      await runDeskWork(env.app.ctx);
      env.clock.advance(10 * MINUTE);
      await cool(leadId);
      await runDeskWork(env.app.ctx);
      const [timer] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(timer).toMatchObject({ closedReason: 'cooled', closedAt: env.clock(), touchedAt: null });
      const [task] = await tasksOf(env.app, leadId);
      expect(task).toMatchObject({ sla: true, closedReason: 'cooled', doneAt: env.clock() });
      expect(await speedAt(hotAt)).toMatchObject({ timers: 1, breached: 0, met: 0, running: 0 });
      // Past the deadline nothing is announced: the clock was closed before it.
      env.clock.advance(2 * 60 * MINUTE);
      await runDeskWork(env.app.ctx);
      expect(await signalsOf(env.app, leadId, 'sla.breached')).toHaveLength(0);
    });

    it('a lead that cools after its deadline untouched still counts as a breach', async () => {
      env.clock.advance(DAY);
      const leadId = await leadTurningHot(env.app);
      const hotAt = env.clock();
      await runDeskWork(env.app.ctx);
      env.clock.advance(90 * MINUTE);
      await runDeskWork(env.app.ctx);
      await cool(leadId);
      await runDeskWork(env.app.ctx);
      const [timer] = await env.app.ctx.store.desk.timersOf(leadId);
      expect(timer).toMatchObject({ closedReason: 'cooled', closedAt: env.clock() });
      expect(timer?.breachedAt).not.toBeNull();
      expect((await tasksOf(env.app, leadId)).map((t) => t.closedReason)).toEqual(['cooled']);
      expect(await speedAt(hotAt)).toMatchObject({ timers: 1, breached: 1, running: 0 });
    });

    it('cooling closes only the contact-now task: a task a rep planned stays open', async () => {
      const leadId = await leadTurningHot(env.app);
      await runDeskWork(env.app.ctx);
      const planned = await env.app.ctx.store.tasks.create(
        {
          leadId,
          kind: 'email',
          title: 'Send the case study',
          ownerId: null,
          dueAt: null,
          origin: 'user',
          createdBy: null,
        },
        env.clock(),
      );
      env.clock.advance(MINUTE);
      await cool(leadId);
      await runDeskWork(env.app.ctx);
      expect((await env.app.ctx.store.tasks.openOf([leadId])).map((t) => t.id)).toEqual([planned.id]);
    });

    it('a lead lost after being hot gets a follow-up task due after the configured delay', async () => {
      await updateDeskSettings(env.app.ctx, adminActor, { lostFollowUp: { delayDays: 21 } });
      const leadId = await leadTurningHot(env.app);
      await runDeskWork(env.app.ctx);
      env.clock.advance(DAY);
      const lostAt = env.clock();
      await recordOutcome(env.app.ctx, adminActor, leadId, {
        status: 'lost',
        reason: 'went with a competitor',
      });
      await runDeskWork(env.app.ctx);
      await runDeskWork(env.app.ctx);
      const followUps = (await tasksOf(env.app, leadId)).filter((t) => t.origin === 'follow_up');
      expect(followUps).toHaveLength(1);
      expect(followUps[0]?.dueAt?.getTime()).toBe(lostAt.getTime() + 21 * DAY);
      // The lost lead's clock stopped without a breach.
      env.clock.advance(2 * 60 * MINUTE);
      await runDeskWork(env.app.ctx);
      expect(await signalsOf(env.app, leadId, 'sla.breached')).toHaveLength(0);
      const [change] = await env.app.ctx.store.desk.statusChangesOf(leadId);
      expect(change).toMatchObject({
        from: 'open',
        to: 'lost',
        wasHot: true,
        reason: 'went with a competitor',
      });
      await updateDeskSettings(env.app.ctx, adminActor, { lostFollowUp: { delayDays: 30 } });
    });

    it('a lead lost without ever being hot gets no follow-up', async () => {
      const { lead } = await upsertLead(env.app.ctx, adminActor, { email: uniqueEmail('never-hot') });
      await recordOutcome(env.app.ctx, adminActor, lead.id, { status: 'lost' });
      await runDeskWork(env.app.ctx);
      expect(await tasksOf(env.app, lead.id)).toHaveLength(0);
    });

    it('a customer can re-open for a new purchase; the history keeps both changes', async () => {
      const { lead } = await upsertLead(env.app.ctx, adminActor, { email: uniqueEmail('buyer') });
      await recordOutcome(env.app.ctx, adminActor, lead.id, {
        status: 'customer',
        value: 12000,
        currency: 'EUR',
      });
      await recordOutcome(env.app.ctx, adminActor, lead.id, { status: 'open', reason: 'second purchase' });
      const history = await env.app.ctx.store.desk.statusChangesOf(lead.id);
      expect(history.map((h) => `${h.from}→${h.to}`)).toEqual(['open→customer', 'customer→open']);
      expect(history[0]).toMatchObject({ value: 12000, currency: 'EUR' });
      await expect(recordOutcome(env.app.ctx, adminActor, lead.id, { status: 'open' })).rejects.toMatchObject(
        {
          code: 'conflict',
        },
      );
    });

    it('dispatched signals are pruned after the retention period; undispatched ones never', async () => {
      const { lead } = await upsertLead(env.app.ctx, adminActor, { email: uniqueEmail('prune') });
      await runDeskWork(env.app.ctx);
      expect(await signalsOf(env.app, lead.id, 'lead.created')).toHaveLength(1);
      env.clock.advance(31 * DAY);
      const { lead: fresh } = await upsertLead(env.app.ctx, adminActor, { email: uniqueEmail('kept') });
      expect(await pruneSignals(env.app.ctx)).toBeGreaterThan(0);
      expect(await signalsOf(env.app, lead.id, 'lead.created')).toHaveLength(0);
      expect(await signalsOf(env.app, fresh.id, 'lead.created')).toHaveLength(1);
      await runDeskWork(env.app.ctx);
    });

    describe('escalation', () => {
      it('with reassign on, a breach gives the lead and its task to the next rep', async () => {
        await updateDeskSettings(env.app.ctx, adminActor, { escalation: { reassign: true } });
        try {
          const leadId = await leadTurningHot(env.app);
          await runDeskWork(env.app.ctx);
          const before = (await env.app.ctx.store.leads.byId(leadId))?.ownerId;
          env.clock.advance(61 * MINUTE);
          await runDeskWork(env.app.ctx);
          const after = (await env.app.ctx.store.leads.byId(leadId))?.ownerId;
          expect(after).not.toBe(before);
          expect(reps).toContain(after);
          const [task] = (await tasksOf(env.app, leadId)).filter((t) => t.sla);
          expect(task?.ownerId).toBe(after);
          const [breach] = await signalsOf(env.app, leadId, 'sla.breached');
          expect(breach?.payload.reassignedTo).toBe(after);
        } finally {
          await updateDeskSettings(env.app.ctx, adminActor, { escalation: { reassign: false } });
        }
      });
    });
  },
  { clock: '2026-03-02T09:00:00.000Z' },
);
