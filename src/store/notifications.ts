import { type Kysely, sql, type Transaction } from 'kysely';
import type {
  Channel,
  DeliveryState,
  DigestResults,
  LeadMention,
  NotificationFacts,
  NotificationKind,
} from '../domain/notifications/kinds.js';
import type { PreferencesPatch } from '../domain/notifications/preferences.js';
import type { Database } from './schema.js';

/** `team`: the team's Slack channel rather than one person. */
export type Recipient = string | 'team';

export interface NewNotification {
  readonly recipient: Recipient;
  readonly userId: string | null;
  readonly kind: NotificationKind;
  /** With the recipient, unique: the same occasion never notifies the same recipient twice. */
  readonly dedupeKey: string;
  readonly leadId: string | null;
  readonly facts: NotificationFacts;
  /** Listed in the recipient's web app. */
  readonly inApp: boolean;
  /** The push channels (email, Slack), each held until a time or not. */
  readonly push: readonly { readonly channel: Exclude<Channel, 'app'>; readonly heldUntil: Date | null }[];
  /** A push delivery is retried this long after it may first go (made, or held until). */
  readonly retryWindowMs: number;
}

/** One channel's delivery of a notification: the log a user and an admin read. */
export interface DeliveryRecord {
  readonly channel: Channel;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly heldUntil: Date | null;
  readonly lastError: string | null;
  readonly sentAt: Date | null;
}

export interface NotificationRecord {
  readonly id: number;
  readonly kind: NotificationKind;
  readonly leadId: string | null;
  readonly facts: NotificationFacts;
  readonly createdAt: Date;
  readonly readAt: Date | null;
  readonly deliveries: readonly DeliveryRecord[];
}

/** A delivery leased to one sender, with what it needs to send it. */
export interface ClaimedNotification {
  readonly deliveryId: number;
  readonly channel: Exclude<Channel, 'app'>;
  /** Including the one about to be made. */
  readonly attempts: number;
  readonly giveUpAt: Date;
  readonly notificationId: number;
  readonly kind: NotificationKind;
  readonly recipient: Recipient;
  readonly facts: NotificationFacts;
  readonly createdAt: Date;
  /** Null for the team. */
  readonly user: {
    readonly email: string;
    readonly name: string;
    readonly timeZone: string;
    readonly active: boolean;
    readonly preferences: PreferencesPatch | null;
  } | null;
}

/** How a send ended. */
export type SendOutcome =
  | { readonly state: 'sent'; readonly at: Date }
  | { readonly state: 'pending'; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly state: 'failed' | 'skipped'; readonly error: string };

/** A running speed-to-lead clock whose warning share has passed. */
export interface TimerToWarn {
  readonly id: number;
  readonly leadId: string;
  readonly ownerId: string;
  readonly startedAt: Date;
  readonly dueAt: Date;
}

export interface NotificationStore {
  /** Stored preference documents of these users (missing: never saved). */
  preferencesOf(userIds: readonly string[]): Promise<Map<string, PreferencesPatch>>;
  savePreferences(userId: string, document: PreferencesPatch, now: Date): Promise<void>;
  /**
   * Stores a notification and its deliveries (the app's sent at once); undefined when this
   * recipient already has one with the key — the occasion was handled, maybe by another instance.
   */
  create(notification: NewNotification, now: Date): Promise<number | undefined>;
  /** A user's in-app notifications, newest first; `before` is a notification id. */
  inbox(
    userId: string,
    query: { readonly limit: number; readonly before?: number; readonly unreadOnly?: boolean },
  ): Promise<NotificationRecord[]>;
  unreadCount(userId: string): Promise<number>;
  /** Marks the user's notifications read (these ids, or all); returns how many changed. */
  markRead(userId: string, ids: readonly number[] | 'all', now: Date): Promise<number>;
  /**
   * Leases due push deliveries (`for update skip locked`: instances never take the same one)
   * until `leaseUntil`, counting the attempt about to be made. Call in a short transaction.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedNotification[]>;
  /** Applies a send's outcome and releases the lease. */
  record(deliveryId: number, outcome: SendOutcome): Promise<void>;
  /**
   * Running, untouched clocks with an active owner past `share` of their window and before their
   * deadline, not yet warned about.
   */
  timersToWarn(now: Date, share: number, limit: number): Promise<TimerToWarn[]>;
  leadMentions(leadIds: readonly string[]): Promise<Map<string, LeadMention>>;
  /** Open hot leads of an owner (all leads when null), with a running clock's deadline. */
  hotLeads(
    ownerId: string | null,
    limit: number,
  ): Promise<{ leads: (LeadMention & { dueAt: Date | null })[]; total: number }>;
  /** Open tasks of an owner due before `before` (overdue ones included), soonest first. */
  tasksDue(
    ownerId: string | null,
    before: Date,
    limit: number,
  ): Promise<{ tasks: { id: string; title: string; lead: LeadMention; dueAt: Date }[]; total: number }>;
  /** What happened on an owner's (all when null) leads between two instants. */
  results(ownerId: string | null, from: Date, to: Date): Promise<DigestResults>;
  /** Whether a notification (for anyone) has this key: a digest or warning already decided. */
  decided(recipient: Recipient, dedupeKey: string): Promise<boolean>;
}

const LEAD_MENTION = ['leads.id', 'leads.name', 'leads.email', 'leads.company'] as const;
const mention = (r: { id: string; name: string | null; email: string | null; company: string | null }) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  company: r.company,
});

export function notificationStore(db: Kysely<Database> | Transaction<Database>): NotificationStore {
  return {
    preferencesOf: async (userIds) => {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('notification_preferences')
        .select(['user_id', 'document'])
        .where('user_id', 'in', [...userIds])
        .execute();
      return new Map(rows.map((r) => [r.user_id, r.document as PreferencesPatch]));
    },
    savePreferences: async (userId, document, now) => {
      const json = JSON.stringify(document);
      await db
        .insertInto('notification_preferences')
        .values({ user_id: userId, document: json, updated_at: now })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ document: json, updated_at: now }))
        .execute();
    },
    create: async (n, now) => {
      const row = await db
        .insertInto('notifications')
        .values({
          recipient: n.recipient,
          user_id: n.userId,
          kind: n.kind,
          dedupe_key: n.dedupeKey,
          lead_id: n.leadId,
          facts: JSON.stringify(n.facts),
          in_app: n.inApp,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['recipient', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return undefined;
      const deliveries = [
        ...(n.inApp
          ? [
              {
                notification_id: row.id,
                channel: 'app' as const,
                state: 'sent' as const,
                give_up_at: now,
                created_at: now,
                sent_at: now,
              },
            ]
          : []),
        ...n.push.map((p) => ({
          notification_id: row.id,
          channel: p.channel,
          state: 'pending' as const,
          held_until: p.heldUntil,
          next_attempt_at: p.heldUntil ?? now,
          give_up_at: new Date((p.heldUntil ?? now).getTime() + n.retryWindowMs),
          created_at: now,
        })),
      ];
      if (deliveries.length > 0) await db.insertInto('notification_deliveries').values(deliveries).execute();
      return row.id;
    },
    inbox: async (userId, query) => {
      let q = db
        .selectFrom('notifications')
        .select(['id', 'kind', 'lead_id', 'facts', 'created_at', 'read_at'])
        .where('user_id', '=', userId)
        .where('in_app', '=', true);
      if (query.before !== undefined) q = q.where('id', '<', query.before);
      if (query.unreadOnly) q = q.where('read_at', 'is', null);
      const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
      if (rows.length === 0) return [];
      const deliveries = await db
        .selectFrom('notification_deliveries')
        .select(['notification_id', 'channel', 'state', 'attempts', 'held_until', 'last_error', 'sent_at'])
        .where(
          'notification_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        leadId: r.lead_id,
        facts: r.facts as unknown as NotificationFacts,
        createdAt: r.created_at,
        readAt: r.read_at,
        deliveries: deliveries
          .filter((d) => d.notification_id === r.id)
          .map((d) => ({
            channel: d.channel,
            state: d.state,
            attempts: d.attempts,
            heldUntil: d.held_until,
            lastError: d.last_error,
            sentAt: d.sent_at,
          })),
      }));
    },
    unreadCount: async (userId) => {
      const row = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('in_app', '=', true)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    markRead: async (userId, ids, now) => {
      if (ids !== 'all' && ids.length === 0) return 0;
      let q = db
        .updateTable('notifications')
        .set({ read_at: now })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null);
      if (ids !== 'all') q = q.where('id', 'in', [...ids]);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    claimDue: async (now, leaseUntil, limit) => {
      const { rows } = await sql<{
        id: number;
        notification_id: number;
        channel: 'email' | 'slack';
        attempts: number;
        give_up_at: Date;
      }>`
        update notification_deliveries d
        set leased_until = ${leaseUntil}, attempts = d.attempts + 1
        from (
          select id from notification_deliveries
          where state = 'pending' and next_attempt_at <= ${now}
            and (leased_until is null or leased_until <= ${now})
          order by next_attempt_at, id
          limit ${limit}
          for update skip locked
        ) due
        where d.id = due.id
        returning d.id, d.notification_id, d.channel, d.attempts, d.give_up_at`.execute(db);
      if (rows.length === 0) return [];
      const notifications = await db
        .selectFrom('notifications as n')
        .leftJoin('users as u', 'u.id', 'n.user_id')
        .leftJoin('notification_preferences as p', 'p.user_id', 'n.user_id')
        .select([
          'n.id',
          'n.kind',
          'n.recipient',
          'n.facts',
          'n.created_at',
          'u.email',
          'u.name',
          'u.time_zone',
          'u.active',
          'p.document',
        ])
        .where(
          'n.id',
          'in',
          rows.map((r) => r.notification_id),
        )
        .execute();
      const byId = new Map(notifications.map((n) => [Number(n.id), n]));
      return rows.flatMap((r) => {
        const n = byId.get(Number(r.notification_id));
        if (!n) return [];
        return [
          {
            deliveryId: Number(r.id),
            channel: r.channel,
            attempts: r.attempts,
            giveUpAt: new Date(r.give_up_at),
            notificationId: Number(n.id),
            kind: n.kind,
            recipient: n.recipient,
            facts: n.facts as unknown as NotificationFacts,
            createdAt: n.created_at,
            user:
              n.email === null
                ? null
                : {
                    email: n.email,
                    name: n.name ?? '',
                    timeZone: n.time_zone ?? 'UTC',
                    active: n.active ?? false,
                    preferences: (n.document as PreferencesPatch | null) ?? null,
                  },
          },
        ];
      });
    },
    record: async (deliveryId, outcome) => {
      await db
        .updateTable('notification_deliveries')
        .set(
          outcome.state === 'sent'
            ? {
                state: 'sent',
                sent_at: outcome.at,
                last_error: null,
                leased_until: null,
                next_attempt_at: null,
              }
            : outcome.state === 'pending'
              ? {
                  last_error: outcome.error.slice(0, 2000),
                  next_attempt_at: outcome.nextAttemptAt,
                  leased_until: null,
                }
              : {
                  state: outcome.state,
                  last_error: outcome.error.slice(0, 2000),
                  leased_until: null,
                  next_attempt_at: null,
                },
        )
        .where('id', '=', deliveryId)
        .where('state', '=', 'pending')
        .execute();
    },
    timersToWarn: async (now, share, limit) => {
      const rows = await db
        .selectFrom('first_touch_timers as t')
        .innerJoin('users as u', 'u.id', 't.owner_id')
        .select(['t.id', 't.lead_id', 't.owner_id', 't.started_at', 't.due_at'])
        .where('t.touched_at', 'is', null)
        .where('t.closed_at', 'is', null)
        .where('t.breached_at', 'is', null)
        .where('t.due_at', '>', now)
        .where('u.active', '=', true)
        .where(sql<boolean>`t.started_at + (t.due_at - t.started_at) * ${share}::float8 <= ${now}`)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('notifications as n')
                .select(sql`1`.as('one'))
                .whereRef('n.recipient', '=', sql`t.owner_id::text`)
                .where('n.dedupe_key', '=', sql<string>`'sla_warning:' || t.id`),
            ),
          ),
        )
        .orderBy('t.due_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        leadId: r.lead_id,
        ownerId: r.owner_id as string,
        startedAt: r.started_at,
        dueAt: r.due_at,
      }));
    },
    leadMentions: async (leadIds) => {
      if (leadIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('leads')
        .select(LEAD_MENTION)
        .where('id', 'in', [...leadIds])
        .execute();
      return new Map(rows.map((r) => [r.id, mention(r)]));
    },
    hotLeads: async (ownerId, limit) => {
      let base = db
        .selectFrom('leads')
        .where('leads.status', '=', 'open')
        .where('leads.temperature', '=', 'hot');
      if (ownerId !== null) base = base.where('leads.owner_id', '=', ownerId);
      const [rows, count] = await Promise.all([
        base
          .leftJoin('first_touch_timers as t', (join) =>
            join
              .onRef('t.lead_id', '=', 'leads.id')
              .on('t.touched_at', 'is', null)
              .on('t.closed_at', 'is', null),
          )
          .select([...LEAD_MENTION, 't.due_at'])
          .orderBy(sql`t.due_at asc nulls last`)
          .orderBy('leads.temperature_since', 'desc')
          .limit(limit)
          .execute(),
        base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { leads: rows.map((r) => ({ ...mention(r), dueAt: r.due_at })), total: Number(count.n) };
    },
    tasksDue: async (ownerId, before, limit) => {
      let base = db
        .selectFrom('tasks')
        .innerJoin('leads', 'leads.id', 'tasks.lead_id')
        .where('tasks.done_at', 'is', null)
        .where('tasks.due_at', '<', before);
      if (ownerId !== null) base = base.where('tasks.owner_id', '=', ownerId);
      const [rows, count] = await Promise.all([
        base
          .select(['tasks.id as task_id', 'tasks.title', 'tasks.due_at', ...LEAD_MENTION])
          .orderBy('tasks.due_at')
          .limit(limit)
          .execute(),
        base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        tasks: rows.map((r) => ({
          id: r.task_id,
          title: r.title,
          lead: mention(r),
          dueAt: r.due_at as Date,
        })),
        total: Number(count.n),
      };
    },
    results: async (ownerId, from, to) => {
      const owner = ownerId === null ? sql`true` : sql`owner_id = ${ownerId}`;
      const { rows } = await sql<{
        won: string;
        lost: string;
        met: string;
        late: string;
        breached: string;
        done: string;
      }>`
        select
          (select count(*) from lead_status_changes c join leads l on l.id = c.lead_id
            where ${ownerId === null ? sql`true` : sql`l.owner_id = ${ownerId}`}
              and c.to_status = 'customer' and c.at >= ${from} and c.at < ${to}) as won,
          (select count(*) from lead_status_changes c join leads l on l.id = c.lead_id
            where ${ownerId === null ? sql`true` : sql`l.owner_id = ${ownerId}`}
              and c.to_status = 'lost' and c.at >= ${from} and c.at < ${to}) as lost,
          (select count(*) from first_touch_timers where ${owner}
              and touched_at >= ${from} and touched_at < ${to} and touched_at <= due_at) as met,
          (select count(*) from first_touch_timers where ${owner}
              and touched_at >= ${from} and touched_at < ${to} and touched_at > due_at) as late,
          (select count(*) from first_touch_timers where ${owner}
              and due_at >= ${from} and due_at < ${to} and touched_at is null
              and (closed_at is null or closed_at > due_at)) as breached,
          (select count(*) from tasks where ${owner}
              and closed_reason = 'completed' and done_at >= ${from} and done_at < ${to}) as done`.execute(
        db,
      );
      const r = rows[0];
      return {
        won: Number(r?.won ?? 0),
        lost: Number(r?.lost ?? 0),
        metSla: Number(r?.met ?? 0),
        lateSla: Number(r?.late ?? 0),
        breached: Number(r?.breached ?? 0),
        tasksDone: Number(r?.done ?? 0),
      };
    },
    decided: async (recipient, dedupeKey) =>
      (await db
        .selectFrom('notifications')
        .select('id')
        .where('recipient', '=', recipient)
        .where('dedupe_key', '=', dedupeKey)
        .executeTakeFirst()) !== undefined,
  };
}
