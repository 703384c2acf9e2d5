import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { SignalType } from '../domain/desk/signal.js';
import type { DeliveryState, LeadSnapshot, Webhook, WebhookBody } from '../domain/desk/webhook.js';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.js';

export interface NewWebhook {
  readonly url: string;
  readonly events: readonly SignalType[];
  readonly secret: string;
  readonly description: string | null;
  readonly createdBy: string | null;
}

export interface NewDelivery {
  readonly webhookId: string;
  readonly signalId: number;
  readonly leadId: string | null;
  readonly event: SignalType;
  readonly body: WebhookBody;
  readonly giveUpAt: Date;
}

export interface DeliveryAttempt {
  readonly attemptedAt: Date;
  /** The receiver's HTTP status; null when no response came (refused, timed out, …). */
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface Delivery {
  readonly id: number;
  readonly webhookId: string;
  readonly signalId: number;
  readonly leadId: string | null;
  readonly event: SignalType;
  readonly state: DeliveryState;
  readonly attemptCount: number;
  readonly nextAttemptAt: Date | null;
  readonly giveUpAt: Date;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

export interface DeliveryLogEntry extends Delivery {
  /** Oldest first. */
  readonly attempts: DeliveryAttempt[];
}

/** A delivery leased to one sender, with what it needs to send it. */
export interface ClaimedDelivery {
  readonly id: number;
  readonly webhookId: string;
  readonly event: SignalType;
  readonly body: WebhookBody;
  /** Including the one about to be made. */
  readonly attemptCount: number;
  readonly giveUpAt: Date;
  readonly url: string;
  readonly secret: string;
}

/** How an attempt ended: delivered, to be tried again at a time, or given up. */
export type AttemptOutcome =
  | { readonly state: 'delivered' }
  | { readonly state: 'pending'; readonly nextAttemptAt: Date }
  | { readonly state: 'failed' };

export interface WebhookStore {
  create(webhook: NewWebhook, now: Date): Promise<Webhook>;
  /** Subscriptions not deleted, oldest first. */
  list(): Promise<Webhook[]>;
  /** Deleted ones too: their log stays readable. */
  byId(id: string): Promise<Webhook | undefined>;
  /**
   * Marks the subscription deleted (inactive) and gives up its pending deliveries; keeps the
   * rows. Undefined when there is no such subscription or it was deleted already.
   */
  softDelete(id: string, now: Date): Promise<Webhook | undefined>;
  /**
   * The webhook view of these leads, locked against erasure (`for key share`) until the
   * transaction ends so that the deliveries written next can reference them.
   */
  leadSnapshots(leadIds: readonly string[]): Promise<Map<string, LeadSnapshot>>;
  /** Queues deliveries due at `now`; a (subscription, signal) pair queued already is skipped. */
  enqueue(deliveries: readonly NewDelivery[], now: Date): Promise<void>;
  /**
   * Leases up to `limit` due deliveries until `leaseUntil` (`for update skip locked`), counting
   * the attempt. Only a subscription's oldest pending delivery for a lead is due, so a lead's
   * deliveries go one at a time, in order; an expired lease is due again.
   *
   * @example
   * const claimed = await store.transaction((tx) => tx.webhooks.claimDue(now, inOneMinute, 20));
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]>;
  /** Logs an attempt and applies its outcome; releases the lease. */
  recordAttempt(deliveryId: number, attempt: DeliveryAttempt, outcome: AttemptOutcome): Promise<void>;
  delivery(webhookId: string, deliveryId: number): Promise<Delivery | undefined>;
  /** A subscription's deliveries, newest first, with their attempts; `before` is a delivery id. */
  deliveries(
    webhookId: string,
    query: { readonly limit: number; readonly before?: number; readonly state?: DeliveryState },
  ): Promise<DeliveryLogEntry[]>;
  /**
   * Makes a delivery due at `now` with a new retry window: a failed one (given up), or a pending
   * one whose last attempt failed and that is not being sent right now (so its backoff is skipped).
   * Undefined when it is neither (delivered, never tried yet, or in flight).
   */
  requeueFailed(deliveryId: number, now: Date, giveUpAt: Date): Promise<Delivery | undefined>;
}

function toWebhook(row: Omit<Selectable<WebhooksTable>, 'secret'>): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events as SignalType[],
    description: row.description,
    active: row.active,
    createdAt: row.created_at,
    createdBy: row.created_by,
    deletedAt: row.deleted_at,
  };
}

function toDelivery(row: Omit<Selectable<WebhookDeliveriesTable>, 'body'>): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    signalId: row.signal_id,
    leadId: row.lead_id,
    event: row.event as SignalType,
    state: row.state,
    attemptCount: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    giveUpAt: row.give_up_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

// Every column but the secret: it leaves the table only for signing (claimDue).
const WEBHOOK_COLUMNS = [
  'id',
  'url',
  'events',
  'description',
  'active',
  'created_at',
  'created_by',
  'deleted_at',
] as const;
const DELIVERY_COLUMNS = [
  'id',
  'webhook_id',
  'signal_id',
  'lead_id',
  'event',
  'state',
  'attempts',
  'next_attempt_at',
  'give_up_at',
  'leased_until',
  'last_status',
  'last_error',
  'created_at',
  'delivered_at',
] as const;

export function webhookStore(db: Kysely<Database> | Transaction<Database>): WebhookStore {
  return {
    create: async (webhook, now) =>
      toWebhook(
        await db
          .insertInto('webhooks')
          .values({
            url: webhook.url,
            events: [...webhook.events],
            secret: webhook.secret,
            description: webhook.description,
            created_at: now,
            created_by: webhook.createdBy,
          })
          .returning(WEBHOOK_COLUMNS)
          .executeTakeFirstOrThrow(),
      ),
    list: async () =>
      (
        await db
          .selectFrom('webhooks')
          .select(WEBHOOK_COLUMNS)
          .where('deleted_at', 'is', null)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).map(toWebhook),
    byId: async (id) => {
      const row = await db
        .selectFrom('webhooks')
        .select(WEBHOOK_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toWebhook(row);
    },
    softDelete: async (id, now) => {
      const row = await db
        .updateTable('webhooks')
        .set({ active: false, deleted_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returning(WEBHOOK_COLUMNS)
        .executeTakeFirst();
      if (!row) return undefined;
      await db
        .updateTable('webhook_deliveries')
        .set({ state: 'failed', next_attempt_at: null, last_error: 'the subscription was deleted' })
        .where('webhook_id', '=', id)
        .where('state', '=', 'pending')
        .execute();
      return toWebhook(row);
    },
    leadSnapshots: async (leadIds) => {
      if (leadIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('leads')
        .select(['id', 'email', 'name', 'company', 'owner_id', 'status', 'temperature'])
        .where('id', 'in', [...new Set(leadIds)])
        .orderBy('id')
        .forKeyShare()
        .execute();
      return new Map(
        rows.map((r) => [
          r.id,
          {
            id: r.id,
            email: r.email,
            name: r.name,
            company: r.company,
            ownerId: r.owner_id,
            status: r.status,
            temperature: r.temperature,
          },
        ]),
      );
    },
    enqueue: async (deliveries, now) => {
      if (deliveries.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values(
          deliveries.map((d) => ({
            webhook_id: d.webhookId,
            signal_id: d.signalId,
            lead_id: d.leadId,
            event: d.event,
            body: JSON.stringify(d.body),
            state: 'pending' as const,
            next_attempt_at: now,
            give_up_at: d.giveUpAt,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['webhook_id', 'signal_id']).doNothing())
        .execute();
    },
    claimDue: async (now, leaseUntil, limit) => {
      const at = now.toISOString();
      const { rows } = await sql<{
        id: number;
        webhook_id: string;
        event: string;
        body: WebhookBody;
        attempts: number;
        give_up_at: Date;
        url: string;
        secret: string;
      }>`
        update webhook_deliveries d
        set leased_until = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
        from webhooks w
        where w.id = d.webhook_id and d.id in (
          select c.id from webhook_deliveries c
          where c.state = 'pending'
            and c.next_attempt_at <= ${at}::timestamptz
            and (c.leased_until is null or c.leased_until <= ${at}::timestamptz)
            and (c.lead_id is null or not exists (
              select 1 from webhook_deliveries o
              where o.webhook_id = c.webhook_id and o.lead_id = c.lead_id
                and o.state = 'pending' and o.id < c.id))
          order by c.next_attempt_at, c.id
          limit ${limit}
          for update of c skip locked)
        returning d.id, d.webhook_id, d.event, d.body, d.attempts, d.give_up_at, w.url, w.secret`.execute(db);
      return rows
        .map((r) => ({
          id: r.id,
          webhookId: r.webhook_id,
          event: r.event as SignalType,
          body: r.body,
          attemptCount: r.attempts,
          giveUpAt: r.give_up_at,
          url: r.url,
          secret: r.secret,
        }))
        .sort((a, b) => a.id - b.id);
    },
    recordAttempt: async (deliveryId, attempt, outcome) => {
      // The delivery may have gone while it was being sent (its lead was erased): nothing to log.
      await sql`
        insert into webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms)
        select id, ${attempt.attemptedAt.toISOString()}::timestamptz, ${attempt.statusCode}::int4,
          ${attempt.error?.slice(0, 2000) ?? null}::text, ${Math.round(attempt.durationMs)}::int4
        from webhook_deliveries where id = ${deliveryId}`.execute(db);
      const last = {
        leased_until: null,
        last_status: attempt.statusCode,
        last_error: attempt.error?.slice(0, 2000) ?? null,
      };
      switch (outcome.state) {
        case 'delivered':
          // The receiver has it, whatever else happened meanwhile (a delete, an expired lease).
          await db
            .updateTable('webhook_deliveries')
            .set({ ...last, state: 'delivered', next_attempt_at: null, delivered_at: attempt.attemptedAt })
            .where('id', '=', deliveryId)
            .execute();
          return;
        case 'pending':
        case 'failed':
          await db
            .updateTable('webhook_deliveries')
            .set({
              ...last,
              state: outcome.state,
              next_attempt_at: outcome.state === 'pending' ? outcome.nextAttemptAt : null,
            })
            .where('id', '=', deliveryId)
            .where('state', '=', 'pending')
            .execute();
          return;
      }
    },
    delivery: async (webhookId, deliveryId) => {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('id', '=', deliveryId)
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      return row && toDelivery(row);
    },
    deliveries: async (webhookId, query) => {
      let q = db
        .selectFrom('webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('webhook_id', '=', webhookId);
      if (query.before !== undefined) q = q.where('id', '<', query.before);
      if (query.state !== undefined) q = q.where('state', '=', query.state);
      const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
      if (rows.length === 0) return [];
      const attempts = await db
        .selectFrom('webhook_attempts')
        .select(['delivery_id', 'attempted_at', 'status_code', 'error', 'duration_ms'])
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('delivery_id')
        .orderBy('id')
        .execute();
      const byDelivery = new Map<number, DeliveryAttempt[]>();
      for (const a of attempts) {
        const list = byDelivery.get(a.delivery_id) ?? [];
        list.push({
          attemptedAt: a.attempted_at,
          statusCode: a.status_code,
          error: a.error,
          durationMs: a.duration_ms,
        });
        byDelivery.set(a.delivery_id, list);
      }
      return rows.map((r) => ({ ...toDelivery(r), attempts: byDelivery.get(r.id) ?? [] }));
    },
    requeueFailed: async (deliveryId, now, giveUpAt) => {
      const row = await db
        .updateTable('webhook_deliveries')
        .set({ state: 'pending', next_attempt_at: now, give_up_at: giveUpAt, leased_until: null })
        .where('id', '=', deliveryId)
        .where((eb) =>
          eb.or([
            eb('state', '=', 'failed'),
            eb.and([
              eb('state', '=', 'pending'),
              eb('attempts', '>', 0),
              eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', now)]),
            ]),
          ]),
        )
        .returning(DELIVERY_COLUMNS)
        .executeTakeFirst();
      return row && toDelivery(row);
    },
  };
}
