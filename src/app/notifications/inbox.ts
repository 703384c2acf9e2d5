import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import type { NotificationKind } from '../../domain/notifications/kinds.js';
import { messageOf } from '../../domain/notifications/messages.js';
import type { DeliveryRecord } from '../../store/notifications.js';
import type { AppContext } from '../context.js';

/** A notification in the web app's list: the message as its recipient reads it, and its log. */
export interface InboxItem {
  readonly id: number;
  readonly kind: NotificationKind;
  readonly title: string;
  readonly lines: string[];
  /** Where to act in the web app. */
  readonly path: string;
  readonly leadId: string | null;
  readonly createdAt: Date;
  readonly readAt: Date | null;
  readonly deliveries: DeliveryRecord[];
}

function userOf(actor: Principal): string {
  if (actor.userId === null) {
    throw new HearthError('forbidden', 'Notifications belong to a person: use a session or a key of a user');
  }
  return actor.userId;
}

/** The signed-in user's notifications, newest first, a page at a time. */
export async function myNotifications(
  ctx: AppContext,
  actor: Principal,
  query: { limit: number; before?: number | undefined; unread?: boolean | undefined },
): Promise<{ data: InboxItem[]; unread: number; next: number | null }> {
  const userId = userOf(actor);
  const user = await ctx.store.users.byId(userId);
  if (!user) throw new HearthError('not_found', 'Your user no longer exists');
  const now = ctx.clock();
  const records = await ctx.store.notifications.inbox(userId, {
    limit: query.limit,
    ...(query.before !== undefined ? { before: query.before } : {}),
    ...(query.unread ? { unreadOnly: true } : {}),
  });
  const data = records.map((r) => {
    // Written as of when it was made: "45 min left" stays what it said then.
    const message = messageOf(r.facts, user.timeZone, r.createdAt < now ? r.createdAt : now);
    return {
      id: r.id,
      kind: r.kind,
      title: message.title,
      lines: [...message.lines],
      path: message.path,
      leadId: r.leadId,
      createdAt: r.createdAt,
      readAt: r.readAt,
      deliveries: [...r.deliveries],
    };
  });
  return {
    data,
    unread: await ctx.store.notifications.unreadCount(userId),
    next: records.length === query.limit ? (records.at(-1)?.id ?? null) : null,
  };
}

export async function myUnreadCount(ctx: AppContext, actor: Principal): Promise<number> {
  return ctx.store.notifications.unreadCount(userOf(actor));
}

/** Marks some (or all) of the user's notifications read; returns the unread count after. */
export async function markMyNotificationsRead(
  ctx: AppContext,
  actor: Principal,
  which: { ids?: readonly number[] | undefined; all?: boolean | undefined },
): Promise<{ marked: number; unread: number }> {
  const userId = userOf(actor);
  if (!which.all && (which.ids === undefined || which.ids.length === 0)) {
    throw HearthError.invalid([
      { path: 'ids', message: 'name the notifications to mark, or send all: true' },
    ]);
  }
  const marked = await ctx.store.notifications.markRead(
    userId,
    which.all ? 'all' : (which.ids ?? []),
    ctx.clock(),
  );
  return { marked, unread: await ctx.store.notifications.unreadCount(userId) };
}
