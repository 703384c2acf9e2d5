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

async function leadFor(
  ctx: AppContext,
  person: HookLead,
  defaultCountry: string | undefined,
): Promise<{ lead: Lead; created: boolean }> {
  const existing = await findLead(ctx.store, person, defaultCountry);
  if (existing) return { lead: existing, created: false };
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
  if (mapping.kind === 'ignored')
    return receipt(await log({ ...nothing, outcome: 'ignored', reason: mapping.reason }));
  const refuse = async (problems: readonly FieldProblem[], externalId: string | null) => {
    const logged = await log({ ...nothing, externalId, outcome: 'rejected', reason: sentence(problems) });
    return new HearthError('invalid', `The delivery does not map: ${sentence(problems)}`, {
      problems,
      deliveryId: logged.id,
    });
  };
  if (mapping.kind === 'invalid') throw await refuse(mapping.problems, null);

  const externalIds = mapping.events.map((e) => e.externalId);
  const externalId = externalIds.join(' ');
  const defaultCountry =
    typeof hook.config.defaultCountry === 'string' ? hook.config.defaultCountry : undefined;
  try {
    const logged = await ctx.store.transaction(async (store) => {
      // One delivery at a time per person: a caller's first two calls create one lead.
      await store.inboundHooks.lockPerson(mapping.lead.email ?? mapping.lead.phone ?? hook.id);
      const taken = await store.inboundHooks.takenEventIds(externalIds);
      if (taken.size === externalIds.length) {
        const lead = await findLead(store, mapping.lead, defaultCountry);
        return log(
          {
            ...nothing,
            externalId,
            leadId: lead?.id ?? null,
            outcome: 'duplicate',
            reason: 'delivered before',
          },
          store,
        );
      }
      const txCtx = { ...ctx, store };
      const { lead, created } = await leadFor(txCtx, mapping.lead, defaultCountry);
      const summary = await ingestEvents(
        txCtx,
        mapping.events.map((e) => ({
          type: e.type,
          leadId: lead.id,
          id: e.externalId,
          occurredAt: e.occurredAt.toISOString(),
          properties: e.properties,
        })),
        { pathOf: (i) => (mapping.events.length === 1 ? 'event' : `events[${i}]`) },
      );
      const problems = summary.results.flatMap((r) => (r.status === 'rejected' ? (r.problems ?? []) : []));
      // Nothing half-stored: a lead created for events that cannot be stored goes with them.
      if (problems.length > 0) throw HearthError.invalid(problems);
      return log(
        {
          externalId,
          leadId: lead.id,
          leadCreated: created,
          eventIds: summary.results.flatMap((r) => (r.eventId === undefined ? [] : [r.eventId])),
          outcome: summary.stored > 0 ? 'mapped' : 'duplicate',
          reason: summary.stored > 0 ? null : 'delivered before',
        },
        store,
      );
    });
    return receipt(logged);
  } catch (error) {
    if (isHearthError(error) && error.code === 'invalid' && error.details.problems) {
      throw await refuse(error.details.problems, externalId);
    }
    throw error;
  }
}
