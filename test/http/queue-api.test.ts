import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface TaskBody {
  id: string;
  leadId: string;
  kind: string;
  title: string;
  ownerId: string | null;
  dueAt: string | null;
  doneAt: string | null;
  closedReason: string | null;
  outcome: string | null;
  sla: boolean;
}
interface Card {
  section: 'now' | 'overdue' | 'due_today' | 'later';
  lead: { id: string; status: string; temperature: string };
  sla: { state: string; msLeft: number | null; elapsedMs: number | null; closedReason: string | null } | null;
  hotSince: string | null;
  tasks: TaskBody[];
}
interface QueueBody {
  now: string;
  endOfDay: string;
  timeZone: string;
  counts: Record<Card['section'], number>;
  truncated: boolean;
  data: Card[];
}

// 21:00 in Berlin (CET, UTC+1): Berlin's day ends at 23:00 UTC, UTC's at midnight.
describeEachDatabase(
  'the hot queue as a triage list and the task lifecycle over HTTP',
  (env) => {
    let server: FastifyInstance;
    let admin: { authorization: string };

    beforeAll(async () => {
      server = await testServer(env.app);
      admin = await bearer(env.app, 'admin');
      const settings = await server.inject({
        method: 'PUT',
        url: '/api/v1/settings/desk',
        headers: admin,
        payload: { routing: { mode: 'none' }, speedToLead: { slaMinutes: 15 } },
      });
      expect(settings.statusCode).toBe(200);
    });
    afterAll(async () => {
      await server.close();
    });

    const inject = async (
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      payload?: unknown,
      headers = admin,
    ) => server.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
    const plainLead = async () =>
      json<{ id: string }>(await inject('POST', '/leads', { email: uniqueEmail() })).id;
    const hotLead = async () => {
      const id = json<{ id: string }>(await inject('POST', '/leads', fitLeadPayload(env.clock()))).id;
      await inject('POST', '/events', {
        leadId: id,
        type: 'form_submit',
        properties: { form: 'contact-sales' },
      });
      await runDeskWork(env.app.ctx);
      return id;
    };
    const task = async (leadId: string, dueAt: Date | null, extra: Record<string, unknown> = {}) => {
      const response = await inject('POST', '/tasks', {
        leadId,
        kind: 'call',
        title: 'Call',
        dueAt: dueAt?.toISOString() ?? null,
        ...extra,
      });
      expect(response.statusCode).toBe(201);
      return json<TaskBody>(response);
    };
    const queue = async (query = '', headers = admin) =>
      json<QueueBody>(await inject('GET', `/queue?limit=500${query}`, undefined, headers));
    const cardOf = (q: QueueBody, leadId: string) => q.data.filter((c) => c.lead.id === leadId);
    const at = (ms: number) => new Date(env.clock().getTime() + ms);

    it('sorts leads into now, overdue, due today (in the viewer’s zone) and later, one card each with its tasks', async () => {
      env.clock.set('2026-03-10T20:00:00Z');
      const hot = await hotLead();
      const hotTask = await task(hot, at(2 * 24 * HOUR));
      const overdue = await plainLead();
      const late = await task(overdue, at(-HOUR));
      const later = await task(overdue, at(3 * 24 * HOUR));
      const beforeBerlinMidnight = await plainLead();
      await task(beforeBerlinMidnight, at(2 * HOUR + 30 * MINUTE));
      const afterBerlinMidnight = await plainLead();
      await task(afterBerlinMidnight, at(3 * HOUR + 30 * MINUTE));
      const unscheduled = await plainLead();
      await task(unscheduled, null);

      const berlin = await queue('&tz=Europe/Berlin');
      expect(berlin).toMatchObject({ timeZone: 'Europe/Berlin', endOfDay: '2026-03-10T23:00:00.000Z' });
      const sectionOf = (q: QueueBody, id: string) => cardOf(q, id).map((c) => c.section);
      expect(sectionOf(berlin, hot)).toEqual(['now']);
      expect(sectionOf(berlin, overdue)).toEqual(['overdue']);
      expect(sectionOf(berlin, beforeBerlinMidnight)).toEqual(['due_today']);
      expect(sectionOf(berlin, afterBerlinMidnight)).toEqual(['later']);
      expect(sectionOf(berlin, unscheduled)).toEqual(['later']);
      // The same instant in UTC: 23:30 is still today.
      expect(sectionOf(await queue(), afterBerlinMidnight)).toEqual(['due_today']);

      const [hotCard] = cardOf(berlin, hot);
      expect(hotCard?.sla).toMatchObject({ state: 'running', msLeft: 15 * MINUTE });
      expect(hotCard?.tasks.map((t) => (t.sla ? 'contact now' : t.id))).toEqual(['contact now', hotTask.id]);
      expect(cardOf(berlin, overdue)[0]?.tasks.map((t) => t.id)).toEqual([late.id, later.id]);

      const sections = berlin.data.map((c) => c.section);
      expect(sections).toEqual(
        [...sections].sort(
          (a, b) =>
            ['now', 'overdue', 'due_today', 'later'].indexOf(a) -
            ['now', 'overdue', 'due_today', 'later'].indexOf(b),
        ),
      );
      for (const section of ['now', 'overdue', 'due_today', 'later'] as const) {
        expect(berlin.counts[section]).toBe(berlin.data.filter((c) => c.section === section).length);
      }
      expect(new Set(berlin.data.map((c) => c.lead.id)).size).toBe(berlin.data.length);
    });

    it('puts running clocks first, soonest deadline first, then breached ones most recent first; a closed lead never under now', async () => {
      env.clock.set('2026-03-11T09:00:00Z');
      const first = await hotLead();
      env.clock.advance(MINUTE);
      const second = await hotLead();
      let now = (await queue()).data.filter((c) => c.section === 'now').map((c) => c.lead.id);
      expect(now.indexOf(first)).toBeLessThan(now.indexOf(second));

      env.clock.advance(20 * MINUTE);
      const running = await hotLead();
      const closed = await hotLead();
      const lost = await inject('POST', `/leads/${closed}/outcome`, { status: 'lost', reason: 'budget' });
      expect(lost.statusCode).toBe(200);
      const q = await queue();
      now = q.data.filter((c) => c.section === 'now').map((c) => c.lead.id);
      const ours = now.filter((id) => [first, second, running].includes(id));
      expect(ours).toEqual([running, second, first]);
      expect(cardOf(q, first)[0]?.sla?.state).toBe('breached');
      expect(now).not.toContain(closed);
      for (const card of q.data.filter((c) => c.section === 'now')) {
        expect(card.lead.status).toBe('open');
        expect(card.lead.temperature).toBe('hot');
      }
    });

    it('refuses an unknown time zone, naming the parameter', async () => {
      const response = await inject('GET', '/queue?tz=Mars/Olympus');
      expect(response.statusCode).toBe(400);
      expect(
        json<{ error: { message: string; details: { problems: { path: string }[] } } }>(response).error
          .details.problems[0]?.path,
      ).toBe('query.tz');
    });

    it('completing the contact-now task with a call outcome stores the call, stops the clock and suggests a next step', async () => {
      env.clock.set('2026-03-12T09:00:00Z');
      const lead = await hotLead();
      const contactNow = cardOf(await queue(), lead)[0]?.tasks.find((t) => t.sla);
      expect(contactNow).toBeDefined();
      env.clock.advance(4 * MINUTE);

      const wrong = await inject('POST', `/tasks/${contactNow?.id}/complete`, { outcome: 'replied' });
      expect(wrong.statusCode).toBe(400);
      expect(json<{ error: { message: string } }>(wrong).error.message).toContain('body.outcome');

      const done = await inject('POST', `/tasks/${contactNow?.id}/complete`, {
        outcome: 'interested',
        note: 'Wants a demo on Friday',
      });
      expect(done.statusCode).toBe(200);
      const body = json<{
        task: TaskBody;
        eventId: number;
        nextStep: { kind: string; title: string; inDays: number };
      }>(done);
      expect(body.task).toMatchObject({
        closedReason: 'completed',
        outcome: 'call: interested',
        doneAt: env.clock().toISOString(),
      });
      expect(body.nextStep).toMatchObject({ kind: 'meeting', inDays: 2 });

      const events = json<{ data: { id: number; type: string; properties: Record<string, unknown> }[] }>(
        await inject('GET', `/leads/${lead}/events`),
      );
      expect(events.data.find((e) => e.id === body.eventId)).toMatchObject({
        type: 'call',
        properties: { outcome: 'interested', note: 'Wants a demo on Friday', taskId: contactNow?.id },
      });
      const [card] = cardOf(await queue(), lead);
      expect(card).toMatchObject({
        section: 'later',
        sla: { state: 'met', elapsedMs: 4 * MINUTE },
        tasks: [],
      });

      const again = await inject('POST', `/tasks/${contactNow?.id}/complete`, { outcome: 'interested' });
      expect(again.statusCode).toBe(409);

      // The next step the rep accepts is an ordinary task on the lead: its card holds it.
      const next = await task(lead, new Date('2026-03-14T08:00:00Z'), {
        kind: body.nextStep.kind,
        title: body.nextStep.title,
      });
      expect(cardOf(await queue(), lead)[0]?.tasks.map((t) => t.id)).toEqual([next.id]);
    });

    it('completing an email task as replied logs the email; other logs nothing', async () => {
      env.clock.set('2026-03-12T12:00:00Z');
      const lead = await plainLead();
      const email = await task(lead, at(HOUR), { kind: 'email', title: 'Send the case study' });
      const done = json<{ eventId: number; task: TaskBody }>(
        await inject('POST', `/tasks/${email.id}/complete`, { outcome: 'replied' }),
      );
      expect(done.task.outcome).toBe('email: replied');
      const events = json<{ data: { id: number; type: string }[] }>(
        await inject('GET', `/leads/${lead}/events`),
      );
      expect(events.data.find((e) => e.id === done.eventId)?.type).toBe('email_sent');

      const other = await task(lead, null, { kind: 'other', title: 'Update the CRM notes' });
      const plain = json<{ eventId: number | null; task: TaskBody }>(
        await inject('POST', `/tasks/${other.id}/complete`, { outcome: 'Notes cleaned up' }),
      );
      expect(plain).toMatchObject({
        eventId: null,
        task: { outcome: 'Notes cleaned up', closedReason: 'completed' },
      });
    });

    it('snoozing an overdue task moves its lead to later; re-opening clears the outcome', async () => {
      env.clock.set('2026-03-13T10:00:00Z');
      const lead = await plainLead();
      const t = await task(lead, at(-2 * HOUR));
      expect(cardOf(await queue(), lead)[0]?.section).toBe('overdue');
      const snoozed = await inject('PATCH', `/tasks/${t.id}`, { dueAt: at(7 * 24 * HOUR).toISOString() });
      expect(snoozed.statusCode).toBe(200);
      expect(cardOf(await queue(), lead)[0]?.section).toBe('later');

      await inject('POST', `/tasks/${t.id}/complete`, { outcome: 'no_answer' });
      expect(cardOf(await queue(), lead)).toEqual([]);
      const reopened = json<TaskBody>(await inject('PATCH', `/tasks/${t.id}`, { done: false }));
      expect(reopened).toMatchObject({ doneAt: null, closedReason: null, outcome: null });
    });

    it('reassigning: a rep only to themselves; a manager to a rep, whose queue then shows it', async () => {
      env.clock.set('2026-03-13T11:00:00Z');
      const rep = await keyFor(env.app, 'rep');
      const otherRep = await keyFor(env.app, 'rep');
      const repHeaders = { authorization: `Bearer ${rep.key}` };
      const manager = await bearer(env.app, 'manager');
      const lead = await plainLead();
      const t = await task(lead, at(HOUR), { ownerId: null });

      const toOther = await inject('PATCH', `/tasks/${t.id}`, { ownerId: otherRep.userId }, repHeaders);
      expect(toOther.statusCode).toBe(403);
      expect(json<{ error: { details: { field: string } } }>(toOther).error.details.field).toBe('ownerId');
      const toSelf = await inject('PATCH', `/tasks/${t.id}`, { ownerId: rep.userId }, repHeaders);
      expect(json<TaskBody>(toSelf).ownerId).toBe(rep.userId);

      const handed = await inject('PATCH', `/tasks/${t.id}`, { ownerId: otherRep.userId }, manager);
      expect(json<TaskBody>(handed).ownerId).toBe(otherRep.userId);
      const otherQueue = await queue('', { authorization: `Bearer ${otherRep.key}` });
      expect(cardOf(otherQueue, lead)[0]?.tasks.map((x) => x.id)).toEqual([t.id]);
      expect(cardOf(await queue('', repHeaders), lead)).toEqual([]);
      const notHers = await inject('POST', `/tasks/${t.id}/complete`, { outcome: 'interested' }, repHeaders);
      expect(notHers.statusCode).toBe(403);
    });

    it('a lead moved to another rep takes its owner’s open tasks along; a third party’s task stays, off every card', async () => {
      env.clock.set('2026-03-13T12:00:00Z');
      const [a, b, c] = [
        await keyFor(env.app, 'rep'),
        await keyFor(env.app, 'rep'),
        await keyFor(env.app, 'rep'),
      ];
      const as = (rep: { key: string }) => ({ authorization: `Bearer ${rep.key}` });
      const manager = await bearer(env.app, 'manager');
      const lead = json<{ id: string }>(
        await inject('POST', '/leads', { email: uniqueEmail(), ownerId: a.userId }),
      ).id;
      const ofA = await task(lead, at(HOUR), { ownerId: a.userId });
      const ofC = await task(lead, at(HOUR), { ownerId: c.userId });
      const shared = await task(lead, at(2 * HOUR), { ownerId: null });
      const done = await task(lead, at(HOUR), { ownerId: a.userId });
      await inject('POST', `/tasks/${done.id}/complete`, { outcome: 'no_answer' });

      const moved = await inject('PATCH', `/leads/${lead}`, { ownerId: b.userId }, manager);
      expect(moved.statusCode).toBe(200);
      const ownerOf = async (id: string) => json<TaskBody>(await inject('GET', `/tasks/${id}`)).ownerId;
      expect([await ownerOf(ofA.id), await ownerOf(ofC.id), await ownerOf(shared.id)]).toEqual([
        b.userId,
        c.userId,
        null,
      ]);
      // Closed work is history: it stays with who did it.
      expect(await ownerOf(done.id)).toBe(a.userId);

      expect(cardOf(await queue('', as(a)), lead)).toEqual([]);
      // C may not see a lead B owns: no card, though C's task is on it.
      expect(cardOf(await queue('', as(c)), lead)).toEqual([]);
      expect(cardOf(await queue('', as(b)), lead)[0]?.tasks.map((t) => t.id)).toEqual([ofA.id, shared.id]);
      const byB = await inject('POST', `/tasks/${ofA.id}/complete`, { outcome: 'interested' }, as(b));
      expect(byB.statusCode).toBe(200);

      // Bulk assign hands B's open work back to A, as a claim would.
      const again = await task(lead, at(HOUR), { ownerId: b.userId });
      const bulk = await inject(
        'POST',
        '/leads/bulk',
        { ids: [lead], action: { type: 'assign', ownerId: a.userId } },
        manager,
      );
      expect(bulk.statusCode).toBe(200);
      expect(await ownerOf(again.id)).toBe(a.userId);
      expect(cardOf(await queue('', as(a)), lead)[0]?.tasks.map((t) => t.id)).toEqual([again.id, shared.id]);
    });

    it('Done on a contact-now task the desk closed meanwhile keeps the rep’s call; a completed one is a conflict', async () => {
      env.clock.set('2026-03-14T09:00:00Z');
      const closedBy = async (close: (lead: string) => Promise<void>) => {
        const lead = await hotLead();
        const contactNow = cardOf(await queue(), lead)[0]?.tasks.find((t) => t.sla) as TaskBody;
        env.clock.advance(3 * MINUTE);
        await close(lead);
        return { lead, contactNow };
      };
      const lost = await closedBy(async (lead) => {
        expect(
          (await inject('POST', `/leads/${lead}/outcome`, { status: 'lost', reason: 'budget' })).statusCode,
        ).toBe(200);
      });
      const cooled = await closedBy(async (lead) => {
        await inject('PATCH', `/leads/${lead}`, { industry: 'Retail', companySize: 1 });
        await runDeskWork(env.app.ctx);
      });

      for (const [{ lead, contactNow }, reason] of [
        [lost, 'lost'],
        [cooled, 'cooled'],
      ] as const) {
        const before = json<TaskBody>(await inject('GET', `/tasks/${contactNow.id}`));
        expect(before).toMatchObject({ closedReason: reason });
        env.clock.advance(MINUTE);
        const done = await inject('POST', `/tasks/${contactNow.id}/complete`, {
          outcome: 'interested',
          note: 'Reached them after all',
        });
        expect(done.statusCode).toBe(200);
        const body = json<{ task: TaskBody; eventId: number; nextStep: { kind: string } }>(done);
        expect(body.task).toEqual(before);
        expect(body.nextStep.kind).toBe('meeting');
        const events = json<{ data: { id: number; type: string; properties: Record<string, unknown> }[] }>(
          await inject('GET', `/leads/${lead}/events`),
        );
        expect(events.data.find((e) => e.id === body.eventId)).toMatchObject({
          type: 'call',
          properties: { outcome: 'interested', note: 'Reached them after all', taskId: contactNow.id },
        });
      }

      const completed = await closedBy(async () => {});
      const first = await inject('POST', `/tasks/${completed.contactNow.id}/complete`, {
        outcome: 'interested',
      });
      expect(first.statusCode).toBe(200);
      const twice = await inject('POST', `/tasks/${completed.contactNow.id}/complete`, {
        outcome: 'interested',
      });
      expect(twice.statusCode).toBe(409);
    });

    it('a clock that stopped without a touch says why: the card of a cooled lead', async () => {
      env.clock.set('2026-03-15T09:00:00Z');
      const cooled = await hotLead();
      const running = await hotLead();
      const followUp = await task(cooled, at(2 * 24 * HOUR));
      await inject('PATCH', `/leads/${cooled}`, { industry: 'Retail', companySize: 1 });
      await runDeskWork(env.app.ctx);
      const q = await queue();
      expect(cardOf(q, running)[0]?.sla).toMatchObject({ state: 'running', closedReason: null });
      expect(cardOf(q, cooled)[0]).toMatchObject({
        section: 'later',
        sla: { state: 'closed', closedReason: 'cooled' },
        tasks: [{ id: followUp.id }],
      });
    });
  },
  { clock: '2026-03-10T20:00:00Z' },
);
