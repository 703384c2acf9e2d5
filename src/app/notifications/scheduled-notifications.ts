import { recipientsOf } from '../../domain/notifications/recipients.js';
import { digestDue, digestWindows } from '../../domain/notifications/schedule.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { preferencesOf, teamNotificationSettings } from './notification-settings.js';
import { notify, usersById } from './notify.js';

// Clocks warned per pass; the rest in the next pass, a poll later.
const WARN_BATCH = 100;
// What a digest lists of each part; the counts say how many there are in all.
const DIGEST_ITEMS = 10;

/**
 * Warns the owner of each speed-to-lead clock that reached the team's warning share
 * (`slaWarningShare`, default 0.75 of the window) untouched. Each clock is warned once: the
 * notification's key is unique per recipient, so two instances sweeping together store it once.
 */
export async function warnRunningOutClocks(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  return ctx.store.transaction(async (store) => {
    const { slaWarningShare } = await teamNotificationSettings(store);
    const timers = await store.notifications.timersToWarn(now, slaWarningShare, WARN_BATCH);
    if (timers.length === 0) return 0;
    const users = await usersById(store);
    const mentions = await store.notifications.leadMentions(timers.map((t) => t.leadId));
    let stored = 0;
    for (const timer of timers) {
      const lead = mentions.get(timer.leadId);
      if (!lead) continue;
      stored += await notify(
        store,
        {
          kind: 'sla_warning',
          dedupeKey: `sla_warning:${timer.id}`,
          leadId: lead.id,
          factsFor: () => ({
            kind: 'sla_warning',
            lead,
            timerId: timer.id,
            startedAt: timer.startedAt.toISOString(),
            dueAt: timer.dueAt.toISOString(),
          }),
        },
        recipientsOf({ kind: 'sla_warning', ownerId: timer.ownerId }, [...users.values()]),
        users,
        now,
      );
    }
    return stored;
  });
}

/**
 * Makes each active user's daily digest once their local digest hour has come (within
 * DIGEST_LATE_LIMIT_MS): their open hot leads, their tasks due today or overdue, and what
 * happened on their leads yesterday — a manager's or admin's covers every lead. One per user and
 * local date, whichever instance gets there first.
 */
export async function makeDueDigests(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  const users = await usersById(ctx.store);
  const active = [...users.values()].filter((u) => u.active);
  const preferences = await preferencesOf(
    ctx.store,
    active.map((u) => u.id),
  );
  let stored = 0;
  for (const user of active) {
    const chosen = preferences.get(user.id);
    if (!chosen) continue;
    const slot = digestDue(now, user.timeZone, chosen.digestHour);
    if (slot === null) continue;
    const dedupeKey = `digest:${slot.date}`;
    if (await ctx.store.notifications.decided(user.id, dedupeKey)) continue;
    const owner = user.role === 'rep' ? user.id : null;
    const windows = digestWindows(slot, user.timeZone);
    stored += await ctx.store.transaction(async (store: Store) => {
      const [hot, tasks, yesterday] = await Promise.all([
        store.notifications.hotLeads(owner, DIGEST_ITEMS),
        store.notifications.tasksDue(owner, windows.endOfToday, DIGEST_ITEMS),
        store.notifications.results(owner, windows.yesterday.from, windows.yesterday.to),
      ]);
      return notify(
        store,
        {
          kind: 'digest',
          dedupeKey,
          leadId: null,
          factsFor: () => ({
            kind: 'digest',
            date: slot.date,
            hotLeads: hot.leads.map((l) => ({ ...l, dueAt: l.dueAt?.toISOString() ?? null })),
            hotLeadsTotal: hot.total,
            tasks: tasks.tasks.map((t) => ({
              taskId: t.id,
              title: t.title,
              lead: t.lead,
              dueAt: t.dueAt.toISOString(),
              overdue: t.dueAt < now,
            })),
            tasksTotal: tasks.total,
            yesterday,
          }),
        },
        [{ userId: user.id, kind: 'digest', escalation: false }],
        users,
        now,
      );
    });
  }
  return stored;
}
