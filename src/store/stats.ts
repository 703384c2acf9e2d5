import { type Kysely, sql, type Transaction } from 'kysely';
import type {
  BreakdownCounts,
  FunnelCounts,
  OutcomeCounts,
  SpeedCounts,
  TemperatureDelta,
} from '../domain/analytics/metrics.js';
import type { StatsWindow } from '../domain/analytics/window.js';
import type { Temperature } from '../domain/scoring/model.js';
import type { Database } from './schema.js';

/** Speed-to-lead counts of one owner's timers (`ownerId` null: unassigned). */
export interface OwnerSpeedCounts extends SpeedCounts {
  readonly ownerId: string | null;
  readonly ownerName: string | null;
}

/** A breakdown row: `key` is the source or the owner's id (null: none). */
export interface KeyedBreakdownCounts extends BreakdownCounts {
  readonly key: string | null;
  /** The owner's name, for a breakdown by owner. */
  readonly name: string | null;
}

/**
 * The analytics queries (SPEC §5; definitions in docs/analytics.md). Each answers with counts,
 * medians and percentiles computed in SQL (`percentile_cont`, exact on PostgreSQL and PGlite);
 * rates and running sums are the domain's (`domain/analytics/metrics.ts`).
 */
export interface StatsStore {
  /**
   * How each temperature's count changes per interval: a lead adds 1 to cold at its creation,
   * and each transition moves 1 from the temperature before it to the one after. Bucket 0 holds
   * the changes before `bounds[0]`, bucket i those in `[bounds[i-1], bounds[i])`.
   *
   * @example await store.stats.temperatureDeltas([from, midnight, to])
   */
  temperatureDeltas(bounds: readonly Date[]): Promise<TemperatureDelta[]>;
  /** The funnel of the leads created in the window, as of now. */
  funnel(window: StatsWindow): Promise<FunnelCounts>;
  /** Outcomes (customer, lost) dated in the window, by the lead's temperature just before each. */
  outcomesByTemperature(window: StatsWindow): Promise<OutcomeCounts[]>;
  /** First-touch timers started in the window: every owner's, and (`ownerId` undefined) the total. */
  speedToLead(window: StatsWindow, now: Date): Promise<{ total: SpeedCounts; byOwner: OwnerSpeedCounts[] }>;
  /** The leads created in the window by source or by current owner, most leads first. */
  breakdown(by: 'source' | 'owner', window: StatsWindow): Promise<KeyedBreakdownCounts[]>;
}

const iso = (d: Date) => d.toISOString();
// Milliseconds between two instants, as float8 for percentile_cont.
const ms = (later: string, earlier: string) =>
  sql.raw(`(extract(epoch from (${later} - ${earlier})) * 1000)::float8`);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function statsStore(db: Kysely<Database> | Transaction<Database>): StatsStore {
  return {
    temperatureDeltas: async (bounds) => {
      const to = bounds.at(-1) as Date;
      // `lag` takes the temperature before each transition from the lead's previous transition
      // (cold before the first), so the counts follow "the latest transition wins" even where a
      // stored `from` disagrees. A transition dated before its lead's creation (imported history)
      // counts from the creation.
      const { rows } = await sql<{ bucket: number; temperature: Temperature; delta: number }>`
        with moves as (
          select greatest(t.at, l.created_at) as at,
            coalesce(lag(t.to_temperature) over (partition by t.lead_id order by t.at, t.id), 'cold') as from_t,
            t.to_temperature as to_t
          from lead_transitions t join leads l on l.id = t.lead_id
          where t.at < ${iso(to)}::timestamptz
        ),
        changes as (
          select created_at as at, 'cold' as temperature, 1 as delta
            from leads where created_at < ${iso(to)}::timestamptz
          union all
          select at, to_t, 1 from moves where to_t <> from_t
          union all
          select at, from_t, -1 from moves where to_t <> from_t
        )
        select width_bucket(at, ${bounds.map(iso)}::timestamptz[]) as bucket, temperature,
          sum(delta)::int as delta
        from changes
        where at < ${iso(to)}::timestamptz
        group by 1, 2`.execute(db);
      return rows.map((r) => ({
        bucket: Number(r.bucket),
        temperature: r.temperature,
        delta: Number(r.delta),
      }));
    },

    funnel: async (window) => {
      const { rows } = await sql<Record<string, unknown>>`
        with cohort as (
          select id, created_at from leads
          where created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz
        ),
        won as (
          select s.lead_id, min(s.at) as at
          from lead_status_changes s join cohort c on c.id = s.lead_id
          where s.to_status = 'customer'
          group by s.lead_id
        ),
        -- One grouped pass over the cohort's warm and hot transitions (hash joins at any size)
        -- rather than a lookup per lead.
        firsts as (
          select t.lead_id,
            min(greatest(t.at, c.created_at)) as warm_at,
            min(greatest(t.at, c.created_at)) filter (where t.to_temperature = 'hot') as hot_at
          from cohort c
            join lead_transitions t on t.lead_id = c.id
            left join won w on w.lead_id = c.id
          where t.to_temperature in ('warm', 'hot') and (w.at is null or t.at < w.at)
          group by t.lead_id
        ),
        stages as (
          -- greatest() skips nulls: a lead never won must keep a null won_at.
          select c.created_at, case when w.at is not null then greatest(w.at, c.created_at) end as won_at,
            f.warm_at, f.hot_at
          from cohort c left join won w on w.lead_id = c.id left join firsts f on f.lead_id = c.id
        )
        select count(*)::int as leads,
          count(warm_at)::int as warm,
          count(hot_at)::int as hot,
          count(*) filter (where hot_at is not null and won_at is not null)::int as customers,
          count(won_at)::int as won_all,
          percentile_cont(0.5) within group (order by ${ms('warm_at', 'created_at')}) as warm_ms,
          percentile_cont(0.5) within group (order by ${ms('hot_at', 'warm_at')}) as hot_ms,
          percentile_cont(0.5) within group (order by ${ms('won_at', 'hot_at')}) as customer_ms,
          percentile_cont(0.5) within group (order by ${ms('won_at', 'created_at')})
            filter (where hot_at is not null) as created_to_customer_ms
        from stages`.execute(db);
      const r = rows[0] ?? {};
      return {
        leads: Number(r.leads ?? 0),
        warm: Number(r.warm ?? 0),
        hot: Number(r.hot ?? 0),
        customers: Number(r.customers ?? 0),
        wonAll: Number(r.won_all ?? 0),
        medianMs: { warm: num(r.warm_ms), hot: num(r.hot_ms), customer: num(r.customer_ms) },
        medianCreatedToCustomerMs: num(r.created_to_customer_ms),
      };
    },

    outcomesByTemperature: async (window) => {
      // Strictly before the outcome: recording a win itself moves a lead to warm (a returning
      // customer) at that instant, which is not the temperature the lead was handed over with.
      const { rows } = await sql<{ temperature: Temperature; won: number; lost: number }>`
        select coalesce(
            (select t.to_temperature from lead_transitions t
              where t.lead_id = s.lead_id and t.at < s.at
              order by t.at desc, t.id desc limit 1),
            'cold') as temperature,
          count(*) filter (where s.to_status = 'customer')::int as won,
          count(*) filter (where s.to_status = 'lost')::int as lost
        from lead_status_changes s
        where s.to_status in ('customer', 'lost')
          and s.at >= ${iso(window.from)}::timestamptz and s.at < ${iso(window.to)}::timestamptz
        group by 1`.execute(db);
      return rows.map((r) => ({ temperature: r.temperature, won: Number(r.won), lost: Number(r.lost) }));
    },

    speedToLead: async (window, now) => {
      const { rows } = await sql<Record<string, unknown>>`
        select grouping(f.owner_id) = 1 as is_total, f.owner_id, u.name as owner_name,
          count(*)::int as timers,
          count(f.touched_at)::int as touched,
          count(*) filter (where f.touched_at <= f.due_at)::int as met,
          count(*) filter (
            where coalesce(f.touched_at, f.closed_at, ${iso(now)}::timestamptz) > f.due_at)::int as breached,
          count(*) filter (where f.touched_at is null and f.closed_at is null)::int as running,
          percentile_cont(0.5) within group (order by f.elapsed_ms::float8)
            filter (where f.touched_at is not null) as median_ms,
          percentile_cont(0.9) within group (order by f.elapsed_ms::float8)
            filter (where f.touched_at is not null) as p90_ms
        from first_touch_timers f left join users u on u.id = f.owner_id
        where f.started_at >= ${iso(window.from)}::timestamptz and f.started_at < ${iso(window.to)}::timestamptz
        group by grouping sets ((f.owner_id, u.name), ())
        order by is_total desc, timers desc, owner_name nulls last, f.owner_id`.execute(db);
      const counts = (r: Record<string, unknown>): SpeedCounts => ({
        timers: Number(r.timers),
        touched: Number(r.touched),
        met: Number(r.met),
        breached: Number(r.breached),
        running: Number(r.running),
        medianMs: num(r.median_ms),
        p90Ms: num(r.p90_ms),
      });
      const totalRow = rows.find((r) => r.is_total === true);
      return {
        total: totalRow
          ? counts(totalRow)
          : { timers: 0, touched: 0, met: 0, breached: 0, running: 0, medianMs: null, p90Ms: null },
        byOwner: rows
          .filter((r) => r.is_total !== true)
          .map((r) => ({
            ownerId: (r.owner_id as string | null) ?? null,
            ownerName: (r.owner_name as string | null) ?? null,
            ...counts(r),
          })),
      };
    },

    breakdown: async (by, window) => {
      const key = by === 'source' ? sql`l.source` : sql`l.owner_id::text`;
      const { rows } = await sql<Record<string, unknown>>`
        with cohort as (
          select l.id, ${key} as key from leads l
          where l.created_at >= ${iso(window.from)}::timestamptz and l.created_at < ${iso(window.to)}::timestamptz
        ),
        hot as (
          select distinct t.lead_id from lead_transitions t join cohort c on c.id = t.lead_id
          where t.to_temperature = 'hot'
        ),
        won as (
          select distinct s.lead_id from lead_status_changes s join cohort c on c.id = s.lead_id
          where s.to_status = 'customer'
        ),
        counts as (
          select c.key, count(*)::int as leads, count(h.lead_id)::int as hot, count(w.lead_id)::int as customers
          from cohort c left join hot h on h.lead_id = c.id left join won w on w.lead_id = c.id
          group by c.key
        ),
        speeds as (
          select c.key, percentile_cont(0.5) within group (order by f.elapsed_ms::float8) as median_ms
          from first_touch_timers f join cohort c on c.id = f.lead_id
          where f.touched_at is not null
          group by c.key
        )
        select counts.key, counts.leads, counts.hot, counts.customers, speeds.median_ms, u.name
        from counts
          left join speeds on speeds.key is not distinct from counts.key
          left join users u on ${by === 'owner' ? sql`u.id::text = counts.key` : sql`false`}
        order by counts.leads desc, counts.key nulls last`.execute(db);
      return rows.map((r) => ({
        key: (r.key as string | null) ?? null,
        name: (r.name as string | null) ?? null,
        leads: Number(r.leads),
        hot: Number(r.hot),
        customers: Number(r.customers),
        medianSpeedMs: num(r.median_ms),
      }));
    },
  };
}
