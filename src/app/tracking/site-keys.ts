import { randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { checkAllowedOrigins } from '../../domain/tracking/origins.js';
import type { SiteKey } from '../../domain/tracking/site-key.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { forgetSiteKeyOrigins } from './collect.js';
import type { SiteKeyInput, SiteKeyPatch } from './site-key-schemas.js';

const actorName = (actor: Principal) => actor.userId ?? actor.keyId;

function checkedOrigins(raws: readonly string[]): string[] {
  const checked = checkAllowedOrigins(raws);
  if (checked.problems.length > 0) throw HearthError.invalid(checked.problems);
  return checked.origins;
}

async function audit(store: Store, actor: Principal, action: string, key: SiteKey, details: object) {
  await store.audit.record({
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    action,
    entity: 'tracker_site_key',
    entityId: key.id,
    details: { name: key.name, ...details },
  });
}

/**
 * The tags a site's pages carry: the optional queue stub (so that `hearth(…)` may be called before
 * the script has loaded) and the script with its key. `baseUrl` is Hearth as browsers reach it.
 */
export function snippetFor(key: Pick<SiteKey, 'key'>, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return [
    '<script>window.hearth=window.hearth||function(){(hearth.q=hearth.q||[]).push(arguments)};</script>',
    `<script async src="${base}/t.js" data-site-key="${key.key}"></script>`,
  ].join('\n');
}

/** Makes a site key (`hpk_` and 128 random bits): publishable, ingest-only, for the origins given. */
export async function createSiteKey(
  ctx: AppContext,
  actor: Principal,
  input: SiteKeyInput,
): Promise<SiteKey> {
  const allowedOrigins = checkedOrigins(input.allowedOrigins);
  const created = await ctx.store.transaction(async (store) => {
    const key = await store.tracking.createSiteKey(
      {
        key: `hpk_${randomBytes(16).toString('base64url')}`,
        name: input.name,
        allowedOrigins,
        requireConsent: input.requireConsent ?? false,
        honourDoNotTrack: input.honourDoNotTrack ?? true,
        captureForms: input.captureForms ?? false,
        createdBy: actorName(actor),
      },
      ctx.clock(),
    );
    await audit(store, actor, 'integration.site.create', key, { allowedOrigins });
    return key;
  });
  forgetSiteKeyOrigins(ctx);
  return created;
}

/** Every site key, revoked ones included (`revokedAt`), oldest first. */
export async function listSiteKeys(ctx: AppContext): Promise<SiteKey[]> {
  return ctx.store.tracking.siteKeys();
}

export async function getSiteKey(ctx: AppContext, id: string): Promise<SiteKey> {
  const key = await ctx.store.tracking.siteKeyById(id);
  if (!key) throw new HearthError('not_found', `No site key has id ${id}`, { id });
  return key;
}

/** Renames a key, replaces its origins or changes its privacy and capture settings. */
export async function updateSiteKey(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: SiteKeyPatch,
): Promise<SiteKey> {
  await getSiteKey(ctx, id);
  const allowedOrigins =
    patch.allowedOrigins === undefined ? undefined : checkedOrigins(patch.allowedOrigins);
  const updated = await ctx.store.transaction(async (store) => {
    const key = await store.tracking.updateSiteKey(
      id,
      {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(allowedOrigins !== undefined ? { allowedOrigins } : {}),
        ...(patch.requireConsent !== undefined ? { requireConsent: patch.requireConsent } : {}),
        ...(patch.honourDoNotTrack !== undefined ? { honourDoNotTrack: patch.honourDoNotTrack } : {}),
        ...(patch.captureForms !== undefined ? { captureForms: patch.captureForms } : {}),
      },
      ctx.clock(),
    );
    if (!key) throw new HearthError('conflict', 'The site key was revoked; it cannot be changed', { id });
    await audit(store, actor, 'integration.site.update', key, { fields: Object.keys(patch) });
    return key;
  });
  forgetSiteKeyOrigins(ctx);
  return updated;
}

/**
 * Revokes a key: from now on its requests store nothing and its tracker goes quiet. The key, its
 * visitors and their histories are kept (a lead identified later still gets its history).
 */
export async function revokeSiteKey(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const key = await store.tracking.revokeSiteKey(id, ctx.clock());
    if (!key) throw new HearthError('not_found', `No live site key has id ${id}`, { id });
    await audit(store, actor, 'integration.site.revoke', key, {});
  });
  forgetSiteKeyOrigins(ctx);
}
