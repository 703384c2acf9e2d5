import { isbot } from 'isbot';
import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { isPlausibleEmail, type Lead, normaliseEmail } from '../../domain/lead.js';
import { firstTouchOf, leadAttribution } from '../../domain/tracking/attribution.js';
import { eventTime } from '../../domain/tracking/event-time.js';
import { originAllowed } from '../../domain/tracking/origins.js';
import { type TrackingRefusal, trackingRefusal } from '../../domain/tracking/privacy.js';
import { trackerProperties } from '../../domain/tracking/properties.js';
import type { FirstTouch, SiteKey, Visitor, VisitorEvent } from '../../domain/tracking/site-key.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { ingestEvents } from '../events/ingest.js';
import { LeadInput } from '../leads/lead-schemas.js';
import { upsertLead } from '../leads/lead-service.js';
import { validator } from '../validation.js';
import { CollectInput, type IdentifyInput } from './collect-schemas.js';
import { asLeadEvent, attachVisitorToLead } from './identify.js';

/**
 * Most events kept for one anonymous visitor: weeks of ordinary browsing. A visitor who never
 * identifies cannot grow the table without bound; past this its events are dropped (counted in
 * the answer), and an identified visitor's go to the lead as usual.
 */
export const MAX_ANONYMOUS_EVENTS = 500;

// Leads the tracker creates act like an ingest key's: no owner given, no audit line per field.
const TRACKER_ACTOR: Principal = { role: 'ingest', userId: null, keyId: null };
const collectInput = validator(CollectInput);
const leadInput = validator(LeadInput);

/** What a browser sent, with what its request said about it. */
export interface CollectRequest {
  readonly body: unknown;
  readonly origin: string | undefined;
  readonly userAgent: string | undefined;
  readonly doNotTrack: boolean;
  readonly globalPrivacyControl: boolean;
}

/** What the browser is told. No lead id: the endpoint is public. */
export type CollectReceipt =
  | {
      readonly outcome: 'stored';
      readonly stored: number;
      readonly duplicates: number;
      readonly dropped: number;
    }
  | { readonly outcome: 'ignored'; readonly reason: TrackingRefusal };

/** Called once the key and visitor are known, before anything is stored; throws `rate_limited`. */
export type CollectAdmission = (siteKeyId: string, visitorId: string) => void;

/**
 * The key a browser names, when it is live and the page's origin is one of its own; otherwise
 * `forbidden` (the same answer for an unknown key, a revoked one and a wrong origin, so that the
 * endpoint tells nobody which keys exist).
 */
export async function siteKeyForOrigin(
  ctx: AppContext,
  key: string,
  origin: string | undefined,
): Promise<SiteKey> {
  const found = key.startsWith('hpk_') ? await ctx.store.tracking.siteKeyByKey(key) : undefined;
  if (!found || found.revokedAt !== null || !originAllowed(origin, found.allowedOrigins)) {
    throw new HearthError(
      'forbidden',
      'This site key is unknown, revoked, or not allowed for the page’s origin; nothing was stored',
    );
  }
  return found;
}

function identifiedEmail(identify: IdentifyInput): string {
  const email = normaliseEmail(identify.email);
  if (email === null || !isPlausibleEmail(email)) {
    throw HearthError.invalid([
      { path: 'identify.email', message: `"${identify.email}" is not a valid email address` },
    ]);
  }
  return email;
}

/**
 * The lead an `identify` names, by email; created when unknown, with the visitor's first touch as
 * its source and campaign. An existing lead keeps its fields (first-touch attribution stays) and
 * gains only those it lacked.
 */
async function leadFor(
  ctx: AppContext,
  email: string,
  identify: IdentifyInput,
  touch: FirstTouch,
): Promise<Lead> {
  const traits = {
    ...(identify.name ? { name: identify.name } : {}),
    ...(identify.phone ? { phone: identify.phone } : {}),
    ...(identify.company ? { company: identify.company } : {}),
    ...(identify.jobTitle ? { jobTitle: identify.jobTitle } : {}),
  };
  const existing = await ctx.store.leads.byEmail(email);
  if (existing) {
    const missing = Object.fromEntries(
      Object.entries(traits).filter(([field]) => existing[field as keyof typeof traits] === null),
    );
    if (Object.keys(missing).length === 0) return existing;
    return (await upsertLead(ctx, TRACKER_ACTOR, leadInput.parse({ email, ...missing }, 'identify'))).lead;
  }
  const { source, attributes } = leadAttribution(touch);
  const input = leadInput.parse(
    { email, ...traits, source, ...(Object.keys(attributes).length > 0 ? { attributes } : {}) },
    'identify',
  );
  return (await upsertLead(ctx, TRACKER_ACTOR, input)).lead;
}

/** The visitor, created on its first request with where it came from (its first page view). */
async function visitorFor(
  store: Store,
  key: SiteKey,
  visitorId: string,
  events: readonly VisitorEvent[],
  now: Date,
): Promise<Visitor> {
  const existing = await store.tracking.visitor(visitorId);
  if (existing) return existing;
  const firstPage = events.find((e) => e.type === 'page_view' && typeof e.properties.url === 'string');
  const referrer = firstPage?.properties.referrer;
  const touch = firstPage
    ? firstTouchOf({
        url: firstPage.properties.url as string,
        referrer: typeof referrer === 'string' ? referrer : undefined,
      })
    : {};
  const firstSeen = events.reduce((min, e) => (e.occurredAt < min ? e.occurredAt : min), now);
  return store.tracking.createVisitor({ id: visitorId, siteKeyId: key.id, firstTouch: touch }, firstSeen);
}

/**
 * `POST /t/collect`: stores what the tracker in a browser sent, once (each event carries the
 * tracker's id, so a retried beacon is a duplicate). The key must be live and the page's origin
 * one of its own (`forbidden`). Bots, browsers asking not to be tracked (when the key honours it)
 * and, when the key requires consent, browsers without it store nothing and are told `ignored`.
 * An anonymous visitor's events are kept as its history; an identified visitor's are the lead's
 * events, scored at once; `identify` finds or creates the lead by email and turns the history into
 * the lead's events at their original times (`attachVisitorToLead`). No IP address is stored.
 */
export async function collectTrackerEvents(
  ctx: AppContext,
  request: CollectRequest,
  admit: CollectAdmission = () => {},
): Promise<CollectReceipt> {
  const input = collectInput.parse(request.body);
  const email = input.identify ? identifiedEmail(input.identify) : null;
  const key = await siteKeyForOrigin(ctx, input.siteKey, request.origin);
  const refusal = trackingRefusal(key, {
    consent: input.consent === true,
    doNotTrack: request.doNotTrack,
    globalPrivacyControl: request.globalPrivacyControl,
    bot: request.userAgent === undefined || request.userAgent === '' || isbot(request.userAgent),
  });
  if (refusal !== null) return { outcome: 'ignored', reason: refusal };
  admit(key.id, input.visitorId);

  const now = ctx.clock();
  const events: VisitorEvent[] = input.events.map((e) => ({
    eventId: e.id,
    type: e.type.trim(),
    occurredAt: eventTime(e.at, input.sentAt, now),
    properties: trackerProperties(e.type.trim(), e.properties ?? {}),
  }));
  const visitorId = input.visitorId;
  return ctx.store.transaction(async (store) => {
    const txCtx = { ...ctx, store };
    await store.tracking.lockVisitor(visitorId);
    const visitor = await visitorFor(store, key, visitorId, events, now);
    await store.tracking.seeVisitor(visitorId, now);
    let leadId = visitor.leadId;
    if (input.identify && email !== null) {
      leadId = (await leadFor(txCtx, email, input.identify, visitor.firstTouch)).id;
      await attachVisitorToLead(txCtx, { visitorId, leadId });
    }
    if (leadId !== null) {
      const summary = await ingestEvents(
        txCtx,
        events.map((e) => asLeadEvent(visitorId, leadId, e)),
      );
      if (summary.rejected > 0) {
        throw HearthError.invalid(summary.results.flatMap((r) => r.problems ?? []));
      }
      return { outcome: 'stored', stored: summary.stored, duplicates: summary.duplicates, dropped: 0 };
    }
    const room = MAX_ANONYMOUS_EVENTS - (await store.tracking.visitorEventCount(visitorId));
    const kept = events.slice(0, Math.max(0, room));
    const added = await store.tracking.addVisitorEvents(visitorId, kept, now);
    return {
      outcome: 'stored',
      stored: added.size,
      duplicates: kept.length - added.size,
      dropped: events.length - kept.length,
    };
  });
}

/** The key's settings the tracker in a page needs (`GET /t/config`), after the same checks. */
export async function trackerSettings(
  ctx: AppContext,
  key: string,
  origin: string | undefined,
): Promise<Pick<SiteKey, 'requireConsent' | 'honourDoNotTrack' | 'captureForms'>> {
  const found = await siteKeyForOrigin(ctx, key, origin);
  return {
    requireConsent: found.requireConsent,
    honourDoNotTrack: found.honourDoNotTrack,
    captureForms: found.captureForms,
  };
}

// The live keys' origins, for CORS preflights, per store (one per running app). A key changed in
// this process clears it at once (forgetSiteKeyOrigins); one changed by another instance is seen
// within the TTL. Only the preflight answer reads it: collect and config read the key itself, so a
// revoked key stores nothing from the moment it is revoked.
const ORIGINS_TTL_MS = 30_000;
const liveOrigins = new WeakMap<
  Store,
  { readonly until: number; readonly origins: Promise<(readonly string[])[]> }
>();

/** Drops the cached origins of live keys (after a key is created, changed or revoked). */
export function forgetSiteKeyOrigins(ctx: AppContext): void {
  liveOrigins.delete(ctx.store);
}

/** True when a live site key allows this origin (a CORS preflight names no key). */
export async function originHasSiteKey(ctx: AppContext, origin: string | undefined): Promise<boolean> {
  const now = ctx.clock().getTime();
  const cached = liveOrigins.get(ctx.store);
  if (cached && cached.until > now) {
    return (await cached.origins).some((allowed) => originAllowed(origin, allowed));
  }
  const origins = ctx.store.tracking
    .siteKeys()
    .then((keys) => keys.filter((key) => key.revokedAt === null).map((key) => key.allowedOrigins));
  const fresh = { until: now + ORIGINS_TTL_MS, origins };
  liveOrigins.set(ctx.store, fresh);
  // A failed read is not kept: the next preflight tries again.
  origins.catch(() => {
    if (liveOrigins.get(ctx.store) === fresh) liveOrigins.delete(ctx.store);
  });
  return (await origins).some((allowed) => originAllowed(origin, allowed));
}
