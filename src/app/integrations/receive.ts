import type { Principal } from '../../domain/access.js';
import { phoneKey } from '../../domain/duplicates.js';
import { type FieldProblem, HearthError, isHearthError } from '../../domain/errors.js';
import {
  type DeliveryOutcome,
  HOOK_PROVIDERS,
  type HookLead,
  type HookProvider,
} from '../../domain/integrations/hook.js';
import { toE164 } from '../../domain/integrations/phone.js';
import type { Lead } from '../../domain/lead.js';
import type { NewHookDelivery } from '../../store/inbound-hooks.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { ingestEvents } from '../events/ingest.js';
import { LeadInput } from '../leads/lead-schemas.js';
import { upsertLead } from '../leads/lead-service.js';
import { validator } from '../validation.js';
import { ADAPTERS, type HookRequest } from './adapters.js';

/** What the sender is told, and what the delivery log keeps. */
export interface HookReceipt {
  readonly deliveryId: number;
  readonly outcome: DeliveryOutcome;
  readonly reason: string | null;
  readonly leadId: string | null;
  readonly leadCreated: boolean;
  readonly eventIds: number[];
}

// Leads created from a delivery act like an ingest key's: no owner given, no audit line per field.
const HOOK_ACTOR: Principal = { role: 'ingest', userId: null, keyId: null };
// Leads sharing a phone key are few; past this many, the oldest ones are the candidates.
const PHONE_CANDIDATES = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const leadInput = validator(LeadInput);

const isProvider = (value: string): value is HookProvider =>
  (HOOK_PROVIDERS as readonly string[]).includes(value);
const sentence = (problems: readonly FieldProblem[]) =>
  problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');

/** The lead a delivery is about, by email or else by phone in E.164; undefined when there is none. */
async function findLead(store: Store, person: HookLead, defaultCountry: string | undefined) {
  if (person.email !== undefined) {
    const byEmail = await store.leads.byEmail(person.email);
    if (byEmail || person.phone === undefined) return byEmail;
  }
  const key = phoneKey(person.phone ?? null);
  if (key === null || person.phone === undefined) return undefined;
  // The key is the last nine digits; the full number decides, with the lead's own written in the
  // hook's country when it has no country code.
  const candidates = await store.inboundHooks.leadsByPhoneKey(key, PHONE_CANDIDATES);
  return candidates.find((lead) => toE164(lead.phone, defaultCountry) === person.phone);
}

/** A lead for a person no lead matches, made from what the delivery says about them. */
async function leadFor(ctx: AppContext, person: HookLead): Promise<{ lead: Lead; created: boolean }> {
  const input = leadInput.check({
    ...(person.email !== undefined ? { email: person.email } : {}),
    ...(person.phone !== undefined ? { phone: person.phone } : {}),
    ...person.fields,
    ...(Object.keys(person.attributes).length > 0 ? { attributes: person.attributes } : {}),
  });
  if (!input.ok) throw HearthError.invalid(input.problems.map((p) => ({ ...p, path: `lead.${p.path}` })));
  const { lead, created } = await upsertLead(ctx, HOOK_ACTOR, input.value);
  return { lead, created };
}

/**
 * Receives one delivery at `/hooks/{provider}/{id}`: verifies it with the provider's own scheme,
 * maps it, and stores its events once (a re-delivery is a duplicate) with the lead found by email
 * or phone, or created. Every delivery is logged; a refused one stores nothing else and throws
 * `unauthenticated` (bad signature, stale timestamp) or `invalid` (a verified body that does not
 * map). An unknown hook is `not_found` and is not logged.
 */
export async function receiveHookDelivery(
  ctx: AppContext,
  provider: string,
  hookId: string,
  request: HookRequest,
): Promise<HookReceipt> {
  const hook =
    isProvider(provider) && UUID.test(hookId) ? await ctx.store.inboundHooks.byId(hookId) : undefined;
  if (!hook || hook.provider !== provider || !hook.active) {
    throw new HearthError(
      'not_found',
      `No active ${isProvider(provider) ? provider : 'inbound'} hook has id ${hookId}`,
    );
  }
  const now = ctx.clock();
  const log = (entry: Omit<NewHookDelivery, 'hookId' | 'receivedAt'>, store: Store = ctx.store) =>
    store.inboundHooks.logDelivery({ hookId: hook.id, receivedAt: now, ...entry });
  const nothing = { externalId: null, leadId: null, leadCreated: false, eventIds: [] };
  const receipt = (d: Awaited<ReturnType<typeof log>>): HookReceipt => ({
    deliveryId: d.id,
    outcome: d.outcome,
    reason: d.reason,
    leadId: d.leadId,
    leadCreated: d.leadCreated,
    eventIds: d.eventIds,
  });

  const reading = ADAPTERS[hook.provider](request, hook, now);
  if (!reading.verified) {
    const logged = await log({ ...nothing, outcome: 'rejected', reason: reading.reason });
    throw new HearthError('unauthenticated', `Delivery refused: ${reading.reason}`, {
      deliveryId: logged.id,
    });
  }
  const mapping = reading.mapping;
  const nonce = reading.nonce;
  const claim = async (store: Store) => {
    if (!nonce) return;
    const expiredBefore = new Date(now.getTime() - nonce.keepMs);
    if (!(await store.inboundHooks.claimNonce(hook.id, nonce.value, now, expiredBefore))) {
      throw new HearthError(
        'unauthenticated',
        'Delivery refused: its signed token was used before (a replay)',
      );
    }
  };
  const refuseReplay = async (error: unknown) => {
    if (isHearthError(error) && error.code === 'unauthenticated') {
      const logged = await log({
        ...nothing,
        outcome: 'rejected',
        reason: 'the signed token was used before (a replay)',
      });
      throw new HearthError('unauthenticated', error.message, { deliveryId: logged.id });
    }
    throw error;
  };
  const refuse = async (problems: readonly FieldProblem[], externalId: string | null) => {
    const logged = await log({ ...nothing, externalId, outcome: 'rejected', reason: sentence(problems) });
    return new HearthError('invalid', `The delivery does not map: ${sentence(problems)}`, {
      problems,
      deliveryId: logged.id,
    });
  };
  // A body that does not map stores nothing, so it leaves its token unused: the sender's retry of
  // the same request gets the same 400, not a 401 for a replay.
  if (mapping.kind === 'invalid') throw await refuse(mapping.problems, null);
  if (mapping.kind === 'ignored') {
    await claim(ctx.store).catch(refuseReplay);
    return receipt(await log({ ...nothing, outcome: 'ignored', reason: mapping.reason }));
  }

  const externalIds = mapping.groups.flatMap((g) => g.events.map((e) => e.externalId));
  const externalId = summarised(externalIds);
  const defaultCountry =
    typeof hook.config.defaultCountry === 'string' ? hook.config.defaultCountry : undefined;
  try {
    const logged = await ctx.store.transaction(async (store) => {
      await claim(store);
      // One delivery at a time per person: a caller's first two calls create one lead. Keys are
      // taken in one order, so that two batches about the same people cannot deadlock.
      const keys = [...new Set(mapping.groups.map((g) => g.lead.email ?? g.lead.phone ?? hook.id))].sort();
      for (const key of keys) await store.inboundHooks.lockPerson(key);
      const taken = new Set((await store.events.byExternalIds(externalIds)).map((key) => key.externalId));
      const txCtx = { ...ctx, store };
      const leadIds = new Set<string>();
      const eventIds: number[] = [];
      let created = false;
      let stored = 0;
      let unknown = 0;
      let duplicates = 0;
      let optedOut = 0;
      for (const [g, group] of mapping.groups.entries()) {
        const fresh = group.events.filter((e) => !taken.has(e.externalId));
        duplicates += group.events.length - fresh.length;
        // A duplicate creates no lead: the external ids are looked up before the lead.
        const existing = await findLead(store, group.lead, defaultCountry);
        if (fresh.length === 0) {
          if (existing) leadIds.add(existing.id);
          continue;
        }
        if (!existing && group.unknownLead === 'ignore') {
          unknown += fresh.length;
          continue;
        }
        const found = existing ? { lead: existing, created: false } : await leadFor(txCtx, group.lead);
        leadIds.add(found.lead.id);
        created ||= found.created;
        const summary = await ingestEvents(
          txCtx,
          fresh.map((e) => ({
            type: e.type,
            leadId: found.lead.id,
            id: e.externalId,
            occurredAt: e.occurredAt.toISOString(),
            properties: e.properties,
          })),
          {
            pathOf: (i) =>
              mapping.groups.length === 1 && fresh.length === 1 ? 'event' : `groups[${g}].events[${i}]`,
          },
        );
        const problems = summary.results.flatMap((r) => (r.status === 'rejected' ? (r.problems ?? []) : []));
        // Nothing half-stored: a lead created for events that cannot be stored goes with them.
        if (problems.length > 0) throw HearthError.invalid(problems);
        stored += summary.stored;
        duplicates += summary.duplicates;
        eventIds.push(...summary.results.flatMap((r) => (r.eventId === undefined ? [] : [r.eventId])));
        if (group.optOut && !found.lead.optedOut) {
          await upsertLead(txCtx, HOOK_ACTOR, { id: found.lead.id, optedOut: true });
          // The ingest actor leaves no audit line of its own; an opt-out must leave a trace, by
          // the hook that reported it (as automations sign theirs `automation:<id>`).
          await store.audit.record({
            action: 'lead.update',
            entity: 'lead',
            entityId: found.lead.id,
            details: { fields: ['optedOut'], by: `hook:${hook.id}`, provider: hook.provider },
          });
          optedOut += 1;
        }
      }
      const notes = [
        ...(stored > 0 && duplicates > 0 ? [`${duplicates} event(s) delivered before`] : []),
        ...(unknown > 0 ? [`${unknown} event(s) about an address that is no lead's: not recorded`] : []),
        ...(optedOut > 0 ? [`${optedOut} lead(s) opted out`] : []),
        ...(mapping.skipped ?? []),
      ];
      const outcome: DeliveryOutcome = stored > 0 ? 'mapped' : unknown > 0 ? 'ignored' : 'duplicate';
      const reason =
        outcome === 'duplicate'
          ? ['delivered before', ...notes].join('; ')
          : notes.length > 0
            ? notes.join('; ')
            : null;
      return log(
        {
          externalId,
          leadId: leadIds.size === 1 ? ([...leadIds][0] as string) : null,
          leadCreated: created,
          eventIds,
          outcome,
          reason,
        },
        store,
      );
    });
    return receipt(logged);
  } catch (error) {
    if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
      throw await refuse(error.details.problems, externalId);
    }
    return refuseReplay(error);
  }
}

// The log keeps a batch's first ids; the events themselves hold all of them.
const LOGGED_IDS = 20;

/** The external ids of a delivery as one log field: the first few, and how many more. */
function summarised(ids: readonly string[]): string {
  const shown = ids.slice(0, LOGGED_IDS).join(' ');
  return ids.length > LOGGED_IDS ? `${shown} (+${ids.length - LOGGED_IDS} more)` : shown;
}
