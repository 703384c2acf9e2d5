import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';

describeEachDatabase('rescore reads and claims: leads below a version, unchanged since read', (env) => {
  it('reads in id order after a cursor, and claims only the leads nobody wrote since the read', async () => {
    const { db } = env.app.database;
    const { models } = env.app.ctx.store;
    const version = 1_000_000; // above every stored version: every lead of this database is below it
    const { rows: made } = await sql<{ id: string }>`
      insert into leads (email) select 'claim' || i || '@example.com' from generate_series(1, 5) as i
      returning id`.execute(db);
    const ours = new Set(made.map((r) => r.id));
    const all = await models.readBelow(version, null, 1_000_000);
    const read = all.filter((r) => ours.has(r.lead.id));
    expect(read.map((r) => r.lead.id)).toEqual([...ours].sort());
    const ids = all.map((r) => r.lead.id);
    expect(ids).toEqual([...ids].sort());
    // The cursor: only leads after it, at most the limit.
    const [first, second, third] = read;
    if (!first || !second || !third) throw new Error('five leads were made');
    const after = await models.readBelow(version, first.lead.id, 2);
    expect(after.map((r) => r.lead.id)).toEqual(ids.filter((id) => id > first.lead.id).slice(0, 2));

    // Written since the read: an edit of one lead, a rescore of another to the version itself.
    await sql`update leads set name = 'Edited' where id = ${second.lead.id}`.execute(db);
    await sql`update leads set model_version = ${version} where id = ${third.lead.id}`.execute(db);
    const claimed = await env.app.ctx.store.transaction((tx) => tx.models.claimUnchanged(version, read));
    expect([...claimed].sort()).toEqual(
      [...ours].filter((id) => id !== second.lead.id && id !== third.lead.id).sort(),
    );
    // Read again, the edited lead is claimable; the rescored one is no longer below the version.
    const again = (await models.readBelow(version, null, 1_000_000)).filter((r) => ours.has(r.lead.id));
    expect(again.map((r) => r.lead.id)).not.toContain(third.lead.id);
    const reclaimed = await env.app.ctx.store.transaction((tx) => tx.models.claimUnchanged(version, again));
    expect(reclaimed.has(second.lead.id)).toBe(true);
  });
});
