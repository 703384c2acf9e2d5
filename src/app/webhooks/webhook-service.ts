import { randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import type { DeliveryState, Webhook } from '../../domain/desk/webhook.js';
import { giveUpAt } from '../../domain/desk/webhook-retry.js';
import { type FieldProblem, HearthError } from '../../domain/errors.js';
import type { Delivery, DeliveryLogEntry } from '../../store/webhooks.js';
import type { AppContext } from '../context.js';
import type { WebhookInput } from './webhook-schemas.js';

/** Problems with a receiver URL: it must be absolute http(s), without credentials. */
function urlProblems(url: string): FieldProblem[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path: 'url', message: 'must be an absolute http or https URL' }];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return [{ path: 'url', message: 'must use http or https' }];
  }
  // fetch refuses such URLs; a receiver that wants a credential reads it from the signature.
  if (parsed.username !== '' || parsed.password !== '') {
    return [{ path: 'url', message: 'must not contain a user name or password' }];
  }
  return [];
}

/** A new signing secret: 32 random bytes (the HMAC-SHA256 block's worth of key). */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const actorName = (actor: Principal) => actor.userId ?? actor.keyId;

/**
 * Subscribes `url` to signal types. The returned `secret` signs every delivery and is shown only
 * here; it cannot be read back later.
 */
export async function createWebhook(
  ctx: AppContext,
  actor: Principal,
  input: WebhookInput,
): Promise<{ webhook: Webhook; secret: string }> {
  const problems = urlProblems(input.url);
  if (problems.length > 0) throw HearthError.invalid(problems);
  const secret = newSecret();
  return ctx.store.transaction(async (store) => {
    const webhook = await store.webhooks.create(
      {
        url: input.url,
        events: [...new Set(input.events)],
        secret,
        description: input.description ?? null,
        createdBy: actorName(actor),
      },
      ctx.clock(),
    );
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'webhook.create',
      entity: 'webhook',
      entityId: webhook.id,
      details: { url: webhook.url, events: webhook.events },
    });
    return { webhook, secret };
  });
}

export async function listWebhooks(ctx: AppContext): Promise<Webhook[]> {
  return ctx.store.webhooks.list();
}

/** One subscription, deleted ones included (their log stays readable). */
export async function getWebhook(ctx: AppContext, id: string): Promise<Webhook> {
  const webhook = await ctx.store.webhooks.byId(id);
  if (!webhook) throw new HearthError('not_found', `No webhook has id ${id}`, { id });
  return webhook;
}

/**
 * Stops a subscription: nothing new is queued for it and its pending deliveries are given up.
 * The subscription and its delivery log are kept (soft delete) to show what was sent where.
 */
export async function deleteWebhook(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const deleted = await store.webhooks.softDelete(id, ctx.clock());
    if (!deleted) throw new HearthError('not_found', `No webhook has id ${id}`, { id });
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'webhook.delete',
      entity: 'webhook',
      entityId: id,
      details: { url: deleted.url },
    });
  });
}

/** A page of a subscription's deliveries, newest first; `next` continues before it. */
export async function listDeliveries(
  ctx: AppContext,
  webhookId: string,
  query: { readonly limit: number; readonly before?: number; readonly state?: DeliveryState },
): Promise<{ deliveries: DeliveryLogEntry[]; next: number | null }> {
  await getWebhook(ctx, webhookId);
  const rows = await ctx.store.webhooks.deliveries(webhookId, { ...query, limit: query.limit + 1 });
  const deliveries = rows.slice(0, query.limit);
  return { deliveries, next: rows.length > query.limit ? (deliveries.at(-1)?.id ?? null) : null };
}

/**
 * Queues a failed delivery again, due now and retried on the usual schedule from now — one given
 * up, or one still pending after a failed attempt (its backoff is skipped: the receiver is back). It goes
 * after anything older still pending for its lead; later ones may have been delivered already.
 */
export async function retryDelivery(
  ctx: AppContext,
  actor: Principal,
  webhookId: string,
  deliveryId: number,
): Promise<Delivery> {
  const webhook = await getWebhook(ctx, webhookId);
  if (!webhook.active) {
    throw new HearthError('conflict', 'The webhook was deleted; its deliveries cannot be retried', {
      id: webhookId,
    });
  }
  const requeued = await ctx.store.transaction(async (store) => {
    const delivery = await store.webhooks.delivery(webhookId, deliveryId);
    if (!delivery) {
      throw new HearthError('not_found', `Webhook ${webhookId} has no delivery ${deliveryId}`, {
        deliveryId,
      });
    }
    const now = ctx.clock();
    const again = await store.webhooks.requeueFailed(deliveryId, now, giveUpAt(now));
    if (!again) {
      throw new HearthError(
        'conflict',
        delivery.state === 'pending'
          ? `Delivery ${deliveryId} has not failed yet (never tried, or being sent now); it goes out on its own`
          : `Delivery ${deliveryId} is ${delivery.state}; only failed ones are retried`,
        {
          deliveryId,
          state: delivery.state,
        },
      );
    }
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'webhook.delivery.retry',
      entity: 'webhook',
      entityId: webhookId,
      details: { deliveryId },
    });
    return again;
  });
  ctx.wakeup.notify();
  return requeued;
}
