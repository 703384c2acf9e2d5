import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { BacktestEvent, EventKey } from '../../src/store/backtest.js';
import { describeEachDatabase } from '../support/databases.js';

describeEachDatabase('backtest reads: events before each decision, in keyset pages', (env) => {
  it('returns every event before its lead’s instant exactly once, in order, across pages of any size', async () => {
    const { db } = env.app.database;
    // Four leads, eight events each, at times with microseconds (as SQL can write them, finer than
    // a Date), two of them sharing one instant.
    const { rows: leads } = await sql<{ id: string }>`
      insert into leads (email, created_at, updated_at)
      select 'keyset' || i || '@example.com', timestamptz '2026-01-01', timestamptz '2026-01-01'
      from generate_series(1, 4) as i
      returning id`.execute(db);
    await sql`
      insert into events (lead_id, type, occurred_at, properties)
      select l.id, 'page_view',
        timestamptz '2026-01-02' + (j / 2) * interval '1 hour' + (j % 2) * interval '1 microsecond'
          + case when j = 7 then - interval '1 hour' - interval '1 microsecond' else interval '0' end,
        jsonb_build_object('url', '/p/' || j)
      from unnest(${leads.map((l) => l.id)}::uuid[]) as l(id) cross join generate_series(1, 8) as j`.execute(
      db,
    );
    const before = new Date('2026-01-02T03:00:00.000Z');
    const wanted = leads.map((l) => ({ leadId: l.id, before }));

    const { rows: direct } = await sql<{ id: number }>`
      select id from events
      where lead_id = any(${leads.map((l) => l.id)}::uuid[]) and occurred_at < ${before.toISOString()}::timestamptz
      order by lead_id, occurred_at, id`.execute(db);
    expect(direct.length).toBeGreaterThan(12);

    for (const limit of [1, 2, 3, 5, 100]) {
      const read: BacktestEvent[] = [];
      let after: EventKey | null = null;
      for (;;) {
        const page = await env.app.ctx.store.backtest.eventsBefore(wanted, after, limit);
        read.push(...page);
        const last = page.at(-1);
        if (!last || page.length < limit) break;
        after = { leadId: last.leadId, occurredUs: last.occurredUs, id: last.id };
      }
      expect(read.map((e) => e.id)).toEqual(direct.map((r) => r.id));
    }
    const [first] = await env.app.ctx.store.backtest.eventsBefore(wanted, null, 1);
    // Whole milliseconds in the Date, the exact time in microseconds beside it.
    expect(first?.occurredAt.getTime()).toBe(Math.floor((first?.occurredUs as number) / 1000));
    expect(first?.properties).toMatchObject({ url: expect.stringMatching(/^\/p\//) });
  });
});
