import { randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import type { HookProvider, InboundHook } from '../../domain/integrations/hook.js';
import type { HookDelivery } from '../../store/inbound-hooks.js';
import type { AppContext } from '../context.js';
import { checkHookConfig } from './hook-config.js';
import type { HookInput, HookPatch } from './hook-schemas.js';
import { publicKeyFromBase64 } from './signatures.js';

/** The path a provider is given (outside /api/v1: providers sign, they hold no API key). */
export const hookPath = (hook: Pick<InboundHook, 'provider' | 'id'>) => `/hooks/${hook.provider}/${hook.id}`;

const actorName = (actor: Principal) => actor.userId ?? actor.keyId;

function checkedConfig(provider: HookProvider, config: Record<string, unknown>) {
  const checked = checkHookConfig(provider, config);
  if (checked.problems.length > 0) throw HearthError.invalid(checked.problems);
  return checked.config;
}

// The secret each provider makes and the admin copies into Hearth. The others (Postmark's Basic
// auth password, Typeform's and Calendly's signing secrets, the generic adapter's) are chosen by
// whoever sets the webhook up: Hearth makes one when none is given.
const PROVIDERS_SECRET: Partial<Record<HookProvider, string>> = {
  twilio: 'Auth Token',
  callrail: 'webhook signing key',
  aircall: 'webhook token',
  sendgrid: 'verification key (the public key shown for the signed Event Webhook)',
  mailgun: 'HTTP webhook signing key',
};

function checkedSecret(provider: HookProvider, secret: string | undefined): void {
  const what = PROVIDERS_SECRET[provider];
  if (secret === undefined && what !== undefined) {
    throw HearthError.invalid([{ path: 'secret', message: `give the ${provider} ${what}` }]);
  }
  if (provider === 'sendgrid' && secret !== undefined && publicKeyFromBase64(secret) === null) {
    throw HearthError.invalid([
      { path: 'secret', message: "is not SendGrid's verification key (a base64 EC public key, MFkw…)" },
    ]);
  }
}

/**
 * Configures an inbound adapter. Providers that make their own secret need it given (Twilio's Auth
 * Token, CallRail's and Mailgun's signing keys, Aircall's token, SendGrid's verification key); for
 * the others Hearth makes one when none is given, returned here and never again.
 */
export async function createHook(
  ctx: AppContext,
  actor: Principal,
  input: HookInput,
): Promise<{ hook: InboundHook; secret: string | null }> {
  const config = checkedConfig(input.provider, input.config ?? {});
  checkedSecret(input.provider, input.secret);
  const made = input.secret === undefined ? `hksec_${randomBytes(32).toString('base64url')}` : null;
  return ctx.store.transaction(async (store) => {
    const hook = await store.inboundHooks.create(
      {
        provider: input.provider,
        name: input.name,
        secret: input.secret ?? (made as string),
        config,
        createdBy: actorName(actor),
      },
      ctx.clock(),
    );
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'integration.hook.create',
      entity: 'inbound_hook',
      entityId: hook.id,
      details: { provider: hook.provider, name: hook.name },
    });
    return { hook, secret: made };
  });
}

export async function listHooks(ctx: AppContext): Promise<InboundHook[]> {
  return ctx.store.inboundHooks.list();
}

/** One hook, deleted ones included (their log stays readable); never its secret. */
export async function getHook(ctx: AppContext, id: string): Promise<InboundHook> {
  const found = await ctx.store.inboundHooks.byId(id);
  if (!found) throw new HearthError('not_found', `No inbound hook has id ${id}`, { id });
  const { secret: _secret, ...hook } = found;
  return hook;
}

/** Renames, rotates the secret, replaces the settings, or pauses a hook. */
export async function updateHook(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: HookPatch,
): Promise<InboundHook> {
  const current = await getHook(ctx, id);
  if (patch.secret !== undefined) checkedSecret(current.provider, patch.secret);
  const config = patch.config === undefined ? undefined : checkedConfig(current.provider, patch.config);
  return ctx.store.transaction(async (store) => {
    const hook = await store.inboundHooks.update(
      id,
      {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        ...(config !== undefined ? { config } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      },
      ctx.clock(),
    );
    if (!hook) throw new HearthError('conflict', 'The hook was deleted; it cannot be changed', { id });
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'integration.hook.update',
      entity: 'inbound_hook',
      entityId: id,
      details: { fields: Object.keys(patch) },
    });
    return hook;
  });
}

/** Stops a hook: its deliveries answer 404 from now on; the hook and its log are kept. */
export async function deleteHook(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const deleted = await store.inboundHooks.softDelete(id, ctx.clock());
    if (!deleted) throw new HearthError('not_found', `No inbound hook has id ${id}`, { id });
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'integration.hook.delete',
      entity: 'inbound_hook',
      entityId: id,
      details: { provider: deleted.provider, name: deleted.name },
    });
  });
}

/** A page of a hook's delivery log, newest first; `next` continues before it. */
export async function listHookDeliveries(
  ctx: AppContext,
  id: string,
  query: { readonly limit: number; readonly before?: number },
): Promise<{ deliveries: HookDelivery[]; next: number | null }> {
  await getHook(ctx, id);
  const rows = await ctx.store.inboundHooks.deliveries(id, { ...query, limit: query.limit + 1 });
  const deliveries = rows.slice(0, query.limit);
  return { deliveries, next: rows.length > query.limit ? (deliveries.at(-1)?.id ?? null) : null };
}
