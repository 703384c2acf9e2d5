import { type Kysely, sql } from 'kysely';

// Work follows the lead (docs/lead-desk.md): the desk now closes a lead's work when the lead
// closes or cools. This closes, once, what those rules would have closed in data written before
// them, so that an existing installation's queue holds no "contact now" for a lead long gone.
// Forward-only; running it again changes nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Tasks still open on a won, lost or disqualified lead that were already there when it closed:
  // closed with its status, at the change (or at their creation, if that came after a backdated
  // change). Tasks made after the change — the follow-up of a loss — stay open.
  await sql`
    update tasks t
    set done_at = greatest(c.at, t.created_at), closed_reason = l.status, updated_at = now()
    from leads l
    join lateral (
      select s.at, s.recorded_at from lead_status_changes s
      where s.lead_id = l.id and s.to_status = l.status
      order by s.id desc limit 1
    ) c on true
    where t.lead_id = l.id and t.done_at is null
      and l.status in ('customer', 'lost', 'disqualified')
      and t.created_at <= c.recorded_at`.execute(db);

  // Clocks still running on a lead that is not hot any more: closed as cooled when it last left
  // hot — but not before the clock started (a turn from imported history handed over when it
  // had long cooled: no breach for time before Hearth knew) — with their "contact now" tasks.
  await sql`
    with cooled as (
      update first_touch_timers f
      set closed_at = greatest(
            coalesce(
              (select max(tr.at) from lead_transitions tr
                where tr.lead_id = f.lead_id and tr.from_temperature = 'hot'),
              f.started_at),
            f.started_at),
          closed_reason = 'cooled'
      from leads l
      where l.id = f.lead_id and f.touched_at is null and f.closed_at is null and l.temperature <> 'hot'
      returning f.task_id, f.closed_at
    )
    update tasks t
    set done_at = greatest(c.closed_at, t.created_at), closed_reason = 'cooled', updated_at = now()
    from cooled c
    where t.id = c.task_id and t.done_at is null`.execute(db);
}
