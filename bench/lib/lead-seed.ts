import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * `count` leads written in SQL for the list-plan benchmarks (bench/leads-list-plans.ts,
 * bench/leads-sort-plans.ts): a year of creation dates, 5 reps owning two thirds of them,
 * temperatures about 2% hot, 10% warm, 18% cool, 70% cold (a desk's usual shape: few hot leads),
 * 2% customers and 2.5% lost. Unscored: no score state, fit or interest keys. Returns a rep's id.
 */
export async function seedLeads(db: Kysely<Database>, count: number): Promise<string> {
  await sql`
    insert into users (email, name, role, password_hash)
    select 'rep' || g || '@plans.example', 'Rep ' || g, 'rep', 'x' from generate_series(1, 5) g`.execute(db);
  await sql`
    with reps as (select array_agg(id order by email) as ids from users)
    insert into leads (email, name, company, source, owner_id, status, temperature, temperature_since,
                       created_at, updated_at, last_activity_at, account_key)
    select 'lead' || g || '@company' || (g % 5000) || '.example',
           'Lead ' || g,
           'Company ' || (g % 5000),
           (array['website', 'ads', 'referral', 'event', 'import'])[1 + g % 5],
           case when g % 3 = 0 then null else reps.ids[1 + g % 5] end,
           case when g % 50 = 0 then 'customer' when g % 40 = 0 then 'lost' else 'open' end,
           case when r < 0.02 then 'hot' when r < 0.12 then 'warm' when r < 0.30 then 'cool' else 'cold' end,
           created,
           created,
           created + interval '1 hour',
           case when g % 7 = 0 then null else created + (random() * 30) * interval '1 day' end,
           'company' || (g % 5000) || '.example'
    from generate_series(1, ${count}) g
    cross join reps
    -- g * 0 ties the subquery to its row, so that each lead draws its own numbers.
    cross join lateral (select random() + g * 0 as r, now() - random() * interval '365 days' + g * interval '0 s' as created) x`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  const rep = await sql<{ id: string }>`select id from users order by email limit 1`.execute(db);
  return rep.rows[0]?.id as string;
}
