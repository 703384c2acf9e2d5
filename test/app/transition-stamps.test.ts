import { beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { updateLead, upsertLead } from '../../src/app/leads/lead-service.js';
import { runDueWork } from '../../src/app/scoring/due-work.js';
import { b2bModel, recompute, transitionsBetween } from '../../src/domain/scoring/index.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const NOW = '2026-06-01T12:00:00.000Z';
const MINUTE = 60_000;
const iso = (s: string) => new Date(s).toISOString();

describeEachDatabase(
  'transitions are stamped when they happened',
  (env) => {
    const ctx = () => env.app.ctx;

    beforeAll(async () => {
      await createUser(ctx(), adminActor, {
        email: uniqueEmail('rep'),
        name: 'Rita Rep',
        role: 'rep',
        password: 'correct horse battery',
      });
    });

    it('turns imported history into transitions at its historical instants', async () => {
      const { lead } = await upsertLead(ctx(), adminActor, {
        email: uniqueEmail('history'),
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      // One import batch on 1 June: a newsletter signup in January and a webinar form in April.
      const history = [
        { leadId: lead.id, type: 'newsletter_signup', occurredAt: '2026-01-05T10:00:00.000Z' },
        {
          leadId: lead.id,
          type: 'form_submit',
          occurredAt: '2026-04-01T09:30:00.000Z',
          properties: { form: 'Webinar' },
        },
      ];
      const summary = await ingestEvents(ctx(), history);
      expect(summary.stored).toBe(2);
      // What happened by itself after the last event is the sweeper's, at its instants.
      await runDueWork(ctx());

      const stored = await ctx().store.scoring.transitionsOf(lead.id);
      const events = await ctx().store.scoring.eventsInOrder(lead.id);
      // The reference: the domain's own schedule after each event.
      const first = recompute(lead, events.slice(0, 1), [], b2bModel, events[0]?.occurredAt as Date);
      const all = recompute(lead, events, [], b2bModel, events[1]?.occurredAt as Date);
      const [cooled, letGo] = transitionsBetween(
        first.state,
        lead,
        b2bModel,
        new Date(history[0]?.occurredAt as string),
        new Date(history[1]?.occurredAt as string),
      );
      const after = transitionsBetween(all.state, lead, b2bModel, events[1]?.occurredAt as Date, env.clock());
      expect(stored.map((t) => [t.from, t.to, t.cause.kind, t.at.toISOString()])).toEqual([
        ['cold', 'warm', 'event', iso('2026-01-05T10:00:00Z')],
        ['warm', 'cool', 'decay', cooled?.at.toISOString()],
        ['cool', 'cold', 'cool_period', letGo?.at.toISOString()],
        ['cold', 'warm', 'event', iso('2026-04-01T09:30:00Z')],
        ...after.map((t) => [t.from, t.to, t.cause.kind, t.at.toISOString()]),
      ]);
      expect(after.length).toBeGreaterThan(0);
      expect(cooled?.at.getTime()).toBeLessThan(Date.parse('2026-02-01T00:00:00Z'));

      // The temperature series counts the January warm-up in January.
      const deltas = await ctx().store.stats.temperatureDeltas([
        new Date('2026-02-01T00:00:00Z'),
        new Date('2026-03-01T00:00:00Z'),
        env.clock(),
      ]);
      // Before February (this file's only lead so far): created, warm on 5 January, cool by the 27th.
      const january = Object.fromEntries(
        deltas.filter((d) => d.bucket === 0).map((d) => [d.temperature, d.delta]),
      );
      expect(january).toEqual({ cold: 0, warm: 0, cool: 1 });
    });

    it('stores what a lead went through by itself before an edit made before the sweeper ran', async () => {
      const { lead } = await upsertLead(ctx(), adminActor, {
        email: uniqueEmail('edited'),
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await ingestEvents(ctx(), [
        { leadId: lead.id, type: 'newsletter_signup', occurredAt: '2026-01-05T10:00:00.000Z' },
      ]);
      // No sweep: the decay to cool and the end of the cool period are not stored yet.
      await updateLead(ctx(), adminActor, lead.id, { jobTitle: 'Analyst' });
      const stored = await ctx().store.scoring.transitionsOf(lead.id);
      expect(stored.map((t) => [t.from, t.to, t.cause.kind])).toEqual([
        ['cold', 'warm', 'event'],
        ['warm', 'cool', 'decay'],
        ['cool', 'cold', 'cool_period'],
      ]);
      expect(stored.every((t) => t.at.getTime() < Date.parse('2026-05-01T00:00:00Z'))).toBe(true);
      expect(await runDueWork(ctx())).toMatchObject({ transitions: 0 });
    });

    it('keeps a lead’s history in time order when an older event comes after newer ones', async () => {
      const { lead } = await upsertLead(ctx(), adminActor, { email: uniqueEmail('late') });
      await ingestEvents(ctx(), [{ leadId: lead.id, type: 'newsletter_signup' }]);
      env.clock.advance(10 * MINUTE);
      // A demo request dated a week back, synced late.
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'demo_request',
          occurredAt: new Date(env.clock().getTime() - 7 * 86_400_000).toISOString(),
        },
      ]);
      const stored = await ctx().store.scoring.transitionsOf(lead.id);
      for (let i = 1; i < stored.length; i += 1) {
        expect(stored[i]?.at.getTime()).toBeGreaterThanOrEqual(stored[i - 1]?.at.getTime() as number);
        expect(stored[i]?.from).toBe(stored[i - 1]?.to);
      }
    });

    it('hands over a live turn to hot with the clock from when the event arrived, as before', async () => {
      env.clock.advance(MINUTE);
      const { lead } = await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput);
      // The form was sent 20 s before it reached Hearth.
      const sentAt = new Date(env.clock().getTime() - 20_000);
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'form_submit',
          occurredAt: sentAt.toISOString(),
          properties: { form: 'Contact sales' },
        },
      ]);
      const [hot] = (await ctx().store.scoring.transitionsOf(lead.id)).filter((t) => t.to === 'hot');
      expect(hot?.at).toEqual(sentAt);
      await runDeskWork(ctx());
      const [timer] = await ctx().store.desk.timersOf(lead.id);
      expect(timer?.startedAt).toEqual(env.clock());
      expect(timer?.dueAt).toEqual(new Date(env.clock().getTime() + 60 * MINUTE));
      expect(timer?.taskId).not.toBeNull();
    });

    it('does not hand over a turn to hot from imported history that has cooled since', async () => {
      const { lead } = await upsertLead(ctx(), adminActor, {
        ...fitLeadPayload(env.clock()),
        createdAt: '2026-01-01T00:00:00.000Z',
      } as LeadInput);
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'form_submit',
          occurredAt: '2026-02-01T09:00:00.000Z',
          properties: { form: 'Contact sales' },
        },
      ]);
      await runDueWork(ctx());
      await runDeskWork(ctx());
      const transitions = await ctx().store.scoring.transitionsOf(lead.id);
      expect(transitions[0]).toMatchObject({ to: 'hot', at: new Date('2026-02-01T09:00:00.000Z') });
      expect(transitions.at(-1)?.to).not.toBe('hot');
      expect(await ctx().store.desk.timersOf(lead.id)).toEqual([]);
      expect((await ctx().store.leads.byId(lead.id))?.ownerId).toBeNull();
    });

    it('does not hand over imported history that is still hot: past the live window it is history', async () => {
      const { lead } = await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput);
      const threeDaysAgo = new Date(env.clock().getTime() - 3 * 86_400_000);
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'form_submit',
          occurredAt: threeDaysAgo.toISOString(),
          properties: { form: 'Contact sales' },
        },
      ]);
      env.clock.advance(MINUTE);
      await runDueWork(ctx());
      await runDeskWork(ctx());
      const [hot] = await ctx().store.scoring.transitionsOf(lead.id);
      expect(hot).toMatchObject({ to: 'hot', at: threeDaysAgo });
      // Hot now (the contact form holds for 14 days) and in the hot list, but nobody is handed a
      // three-day-old turn as if it had just happened.
      expect((await ctx().store.scoring.transitionsOf(lead.id)).at(-1)?.to).toBe('hot');
      expect(await ctx().store.desk.timersOf(lead.id)).toEqual([]);
      expect(await ctx().store.tasks.openOf([lead.id])).toEqual([]);
      expect((await ctx().store.leads.byId(lead.id))?.ownerId).toBeNull();
    });

    it('hands over a turn to hot learned late but within the live window, the clock from when it arrived', async () => {
      const { lead } = await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput);
      // A form tool's webhook retried for 40 minutes (the window is the SLA: 60 minutes).
      const sentAt = new Date(env.clock().getTime() - 40 * MINUTE);
      await ingestEvents(ctx(), [
        {
          leadId: lead.id,
          type: 'form_submit',
          occurredAt: sentAt.toISOString(),
          properties: { form: 'Contact sales' },
        },
      ]);
      const arrivedAt = env.clock();
      await runDeskWork(ctx());
      const [timer] = await ctx().store.desk.timersOf(lead.id);
      expect(timer?.startedAt).toEqual(arrivedAt);
      expect(timer?.dueAt).toEqual(new Date(arrivedAt.getTime() + 60 * MINUTE));
      expect((await ctx().store.leads.byId(lead.id))?.ownerId).not.toBeNull();
    });
  },
  { clock: NOW },
);
