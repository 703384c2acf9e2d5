import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { ingestEvents } from '../../src/app/events/ingest.js';
import type { LeadInput } from '../../src/app/leads/lead-schemas.js';
import { updateLead, upsertLead } from '../../src/app/leads/lead-service.js';
import { up } from '../../src/store/migrations/0015_work_follows_the_lead.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;

// Migration 0015 closes, in data written before the rules, what the rules close now
// (docs/lead-desk.md, "Work follows the lead").
describeEachDatabase('migration 0015: work follows the lead in existing data', (env) => {
  const ctx = () => env.app.ctx;
  const db = () => env.app.database.db;

  beforeAll(async () => {
    await createUser(ctx(), adminActor, {
      email: uniqueEmail('rep'),
      name: 'Rita Rep',
      role: 'rep',
      password: 'correct horse battery',
    });
  });

  const handedOver = async () => {
    const { lead } = await upsertLead(ctx(), adminActor, fitLeadPayload(env.clock()) as LeadInput);
    await ingestEvents(ctx(), [
      { leadId: lead.id, type: 'form_submit', properties: { form: 'Contact sales' } },
    ]);
    await runDeskWork(ctx());
    const [task] = await ctx().store.tasks.openOf([lead.id]);
    expect(task?.sla).toBe(true);
    return { leadId: lead.id, taskId: task?.id as string };
  };

  it('closes the tasks a lead had when it was lost before the rule, keeps the later follow-up, and cooled clocks', async () => {
    // Lost the old way: the status and its history row written, the clock closed, the task left open.
    const lost = await handedOver();
    env.clock.advance(5 * MINUTE);
    const lostAt = env.clock();
    await sql`update leads set status = 'lost' where id = ${lost.leadId}::uuid`.execute(db());
    await sql`
      insert into lead_status_changes (lead_id, from_status, to_status, at, recorded_at, was_hot)
      values (${lost.leadId}::uuid, 'open', 'lost', ${lostAt.toISOString()}::timestamptz,
              ${lostAt.toISOString()}::timestamptz, true)`.execute(db());
    await sql`update first_touch_timers set closed_at = ${lostAt.toISOString()}::timestamptz, closed_reason = 'status lost'
      where lead_id = ${lost.leadId}::uuid`.execute(db());
    env.clock.advance(MINUTE);
    const followUp = await ctx().store.tasks.create(
      {
        leadId: lost.leadId,
        kind: 'call',
        title: 'Why?',
        ownerId: null,
        dueAt: null,
        origin: 'follow_up',
        createdBy: 'playbook',
      },
      env.clock(),
    );

    // Cooled with no dispatcher pass since: the clock still runs on a lead that is not hot.
    const cooled = await handedOver();
    env.clock.advance(10 * MINUTE);
    await updateLead(ctx(), adminActor, cooled.leadId, { industry: 'Retail' });
    const cooledAt = env.clock();

    // Migrations are written against an untyped database.
    const migrating = db() as unknown as Kysely<unknown>;
    await up(migrating);
    await up(migrating); // a second run changes nothing

    const tasks = await ctx().store.tasks.list({ leadId: lost.leadId, now: env.clock(), limit: 10 });
    expect(tasks.map((t) => [t.id, t.closedReason, t.doneAt])).toEqual(
      expect.arrayContaining([
        [lost.taskId, 'lost', lostAt],
        [followUp.id, null, null],
      ]),
    );
    const [timer] = await ctx().store.desk.timersOf(cooled.leadId);
    expect(timer).toMatchObject({ closedReason: 'cooled', closedAt: cooledAt });
    expect(await ctx().store.tasks.byId(cooled.taskId)).toMatchObject({
      closedReason: 'cooled',
      doneAt: cooledAt,
    });
  });
});
