import { canSeeLead, type Principal, visibleTo } from '../../domain/access.js';
import { matchKeys, matchKeysAfter } from '../../domain/duplicates.js';
import { HearthError } from '../../domain/errors.js';
import {
  changedLeadFields,
  isPlausibleEmail,
  type Lead,
  type LeadFields,
  normaliseEmail,
} from '../../domain/lead.js';
import type { LeadFilter, LeadSortField } from '../../store/leads.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { handOverOpenTasks, leadCreated, recordStatusChange } from '../desk/lead-changes.js';
import { rankByInterest } from '../scoring/interest-ranking.js';
import { rescoreAfterEdit, rescoreCreated, type ScoredLead, withScores } from '../scoring/scoring-service.js';
import type { LeadInput, LeadListSort, LeadPatch } from './lead-schemas.js';

export interface UpsertResult {
  readonly lead: Lead;
  readonly created: boolean;
  /** False when the lead existed with exactly these values: nothing was written. */
  readonly changed: boolean;
}

/**
 * Turns validated input into lead fields: strings trimmed (blank means "no value"), the email
 * normalised and checked. `prefix` locates problems (`body`, `line 7`).
 */
export function toLeadFields(input: LeadPatch): LeadFields {
  const fields: LeadFields = {};
  const clean = (value: string | null | undefined) =>
    value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim();
  if (input.email !== undefined) {
    const email = input.email === null ? null : normaliseEmail(input.email);
    if (email !== null && !isPlausibleEmail(email)) {
      throw HearthError.invalid([
        { path: 'email', message: `"${input.email}" is not a valid email address` },
      ]);
    }
    fields.email = email;
  }
  const name = clean(input.name);
  if (name !== undefined) fields.name = name;
  const phone = clean(input.phone);
  if (phone !== undefined) fields.phone = phone;
  const company = clean(input.company);
  if (company !== undefined) fields.company = company;
  const jobTitle = clean(input.jobTitle);
  if (jobTitle !== undefined) fields.jobTitle = jobTitle;
  const industry = clean(input.industry);
  if (industry !== undefined) fields.industry = industry;
  const country = clean(input.country);
  if (country !== undefined) fields.country = country;
  const source = clean(input.source);
  if (source !== undefined) fields.source = source;
  if (input.companySize !== undefined) fields.companySize = input.companySize;
  if (input.ownerId !== undefined) fields.ownerId = input.ownerId;
  if (input.status !== undefined) fields.status = input.status;
  if (input.optedOut !== undefined) fields.optedOut = input.optedOut;
  if (input.attributes !== undefined) fields.attributes = input.attributes;
  return fields;
}

async function assertOwnerExists(store: Store, ownerId: string | null | undefined): Promise<void> {
  if (ownerId === undefined || ownerId === null) return;
  if (!(await store.users.byId(ownerId))) {
    throw HearthError.invalid([{ path: 'ownerId', message: `no user has id ${ownerId}` }]);
  }
}

function assertVisible(actor: Principal, lead: Lead | undefined, id: string): asserts lead is Lead {
  // A lead a rep may not see answers exactly like a missing one: its existence is not theirs to know.
  if (!lead || !canSeeLead(actor, lead)) throw new HearthError('not_found', `No lead has id ${id}`, { id });
}

function assertWritable(actor: Principal, lead: Lead): void {
  if (actor.role === 'rep' && lead.ownerId !== null && lead.ownerId !== actor.userId) {
    throw new HearthError('forbidden', 'This lead belongs to another rep', { id: lead.id });
  }
}

/**
 * Creates a lead or updates an existing one, found by `id` if given, else by normalised email
 * (SPEC §2: creating a lead whose email exists updates it).
 */
export async function upsertLead(ctx: AppContext, actor: Principal, input: LeadInput): Promise<UpsertResult> {
  const fields = toLeadFields(input);
  const createdAt = input.createdAt === undefined ? undefined : new Date(input.createdAt);
  return ctx.store.transaction(async (store) => {
    await assertOwnerExists(store, fields.ownerId);
    const byId = input.id === undefined ? undefined : await store.leads.byId(input.id);
    const byEmail = fields.email ? await store.leads.byEmail(fields.email) : undefined;
    if (byId && byEmail && byId.id !== byEmail.id) {
      throw new HearthError('conflict', `Another lead already has the email ${fields.email}`, {
        field: 'email',
      });
    }
    const existing = byId ?? byEmail;
    if (existing) {
      if (actor.role !== 'ingest') assertWritable(actor, existing);
      const changed = changedLeadFields(existing, fields);
      if (changed.length === 0) return { lead: existing, created: false, changed: false };
      const now = ctx.clock();
      const write = { ...fields, ...matchKeysAfter(existing, fields) };
      const lead = (await store.leads.update(existing.id, write, now)) as Lead;
      await rescoreAfterEdit(store, existing, lead, now);
      await recordOwnerChange(store, actor, existing, lead, now);
      if (changed.includes('status')) await recordStatusChange(store, actor, existing, lead.status, {}, now);
      if (actor.role !== 'ingest') await audit(store, actor, 'lead.update', lead.id, { fields: changed });
      return { lead, created: false, changed: true };
    }
    const now = ctx.clock();
    if (input.id === undefined && fields.email) {
      // The email was free a moment ago; the upsert still settles a race with a concurrent create.
      const write = { ...fields, ...matchKeysAfter(null, fields) };
      const upserted = await store.leads.upsertByEmail(fields.email, write, now, createdAt);
      // The keys above assumed a new lead; after a lost race they follow the merged values.
      if (!upserted.created) await store.leads.update(upserted.lead.id, matchKeys(upserted.lead), now);
      // After a lost race the previous values are unknown: scores follow, with no transition.
      await rescoreAfterEdit(store, upserted.created ? null : upserted.lead, upserted.lead, now);
      if (upserted.created) await store.signals.emit([leadCreated(upserted.lead, now)], now);
      return { ...upserted, changed: true };
    }
    const identity = {
      ...(input.id !== undefined ? { id: input.id } : {}),
      ...(createdAt ? { createdAt } : {}),
    };
    const lead = await store.leads.create({ ...fields, ...matchKeysAfter(null, fields) }, now, identity);
    await rescoreAfterEdit(store, null, lead, now);
    await store.signals.emit([leadCreated(lead, now)], now);
    return { lead, created: true, changed: true };
  });
}

/**
 * The create path of `upsertLead` for many inputs at once, inside the caller's transaction: the
 * inputs that name no id and no owner, and whose email no lead has yet, are created in one
 * statement, scored and announced together. Returns, per input, its result, or undefined for an
 * input left to `upsertLead` (any other kind, or an email another input of the batch also names,
 * so that the batch's own order decides which of them creates the lead).
 */
export async function createNewLeads(
  store: Store,
  inputs: readonly LeadInput[],
  now: Date,
): Promise<(UpsertResult | undefined)[]> {
  const emailCount = new Map<string, number>();
  const candidates: { index: number; email: string; fields: LeadFields; createdAt?: Date }[] = [];
  inputs.forEach((input, index) => {
    let fields: LeadFields;
    try {
      fields = toLeadFields(input);
    } catch {
      return; // upsertLead reports it
    }
    if (fields.email) emailCount.set(fields.email, (emailCount.get(fields.email) ?? 0) + 1);
    if (input.id !== undefined || !fields.email || (fields.ownerId !== undefined && fields.ownerId !== null))
      return;
    candidates.push({
      index,
      email: fields.email,
      fields,
      ...(input.createdAt === undefined ? {} : { createdAt: new Date(input.createdAt) }),
    });
  });
  const alone = candidates.filter((c) => emailCount.get(c.email) === 1);
  const created = await store.leads.createManyByEmail(
    alone.map((c) => ({
      email: c.email,
      fields: { ...c.fields, ...matchKeysAfter(null, c.fields) },
      ...(c.createdAt ? { createdAt: c.createdAt } : {}),
    })),
    now,
  );
  await rescoreCreated(store, created, now);
  await store.signals.emit(
    created.map((lead) => leadCreated(lead, now)),
    now,
  );
  // Scoring changed the stored columns, not the lead's fields: the inserted rows are the leads.
  const byEmail = new Map(created.map((lead) => [lead.email as string, lead]));
  const results: (UpsertResult | undefined)[] = new Array(inputs.length).fill(undefined);
  for (const c of alone) {
    const lead = byEmail.get(c.email);
    if (lead) results[c.index] = { lead, created: true, changed: true };
  }
  return results;
}

export async function getLead(ctx: AppContext, actor: Principal, id: string): Promise<Lead> {
  const lead = await ctx.store.leads.byId(id);
  assertVisible(actor, lead, id);
  return lead;
}

/** Finds a lead by id or by email, whichever the reference looks like (the CLI's `lead ID|EMAIL`). */
export async function findLead(ctx: AppContext, actor: Principal, reference: string): Promise<Lead> {
  const email = reference.includes('@') ? normaliseEmail(reference) : null;
  const lead = email
    ? await ctx.store.leads.byEmail(email)
    : /^[0-9a-f-]{36}$/i.test(reference)
      ? await ctx.store.leads.byId(reference)
      : undefined;
  assertVisible(actor, lead, reference);
  return lead;
}

export async function updateLead(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: LeadPatch,
): Promise<Lead> {
  const fields = toLeadFields(patch);
  return ctx.store.transaction(async (store) => {
    const lead = await store.leads.byId(id);
    assertVisible(actor, lead, id);
    assertWritable(actor, lead);
    await assertOwnerExists(store, fields.ownerId);
    if (fields.email) {
      const holder = await store.leads.byEmail(fields.email);
      if (holder && holder.id !== id) {
        throw new HearthError('conflict', `Another lead already has the email ${fields.email}`, {
          field: 'email',
        });
      }
    }
    return (await applyLeadFields(store, actor, lead, fields, ctx.clock())) ?? lead;
  });
}

/**
 * Writes checked fields to a visible, writable lead inside the caller's transaction: rescores it,
 * records a status change and audits the edit (and an owner change on its own). Undefined when
 * nothing changed. `details` is added to the `lead.update` entry (`{ bulk: true }`).
 */
export async function applyLeadFields(
  store: Store,
  actor: Principal,
  lead: Lead,
  fields: LeadFields,
  now: Date,
  details: Record<string, unknown> = {},
): Promise<Lead | undefined> {
  const changed = changedLeadFields(lead, fields);
  if (changed.length === 0) return undefined;
  const write = { ...fields, ...matchKeysAfter(lead, fields) };
  const updated = (await store.leads.update(lead.id, write, now)) as Lead;
  await rescoreAfterEdit(store, lead, updated, now);
  await recordOwnerChange(store, actor, lead, updated, now);
  if (changed.includes('status')) await recordStatusChange(store, actor, lead, updated.status, {}, now);
  await audit(store, actor, 'lead.update', lead.id, { fields: changed, ...details });
  return updated;
}

/**
 * A position in a sorted list of leads: the sort it belongs to, the sort value and id of the last
 * lead listed, and for the interest ranking the instant it is computed at (every page of one
 * scroll ranks at the first page's instant, so that decay between requests moves no lead across
 * a page boundary).
 */
export interface LeadListCursor {
  readonly sort: LeadListSort;
  readonly value: string | null;
  readonly id: string;
  readonly asOf?: string;
}

export interface LeadListRequest {
  readonly filter: Omit<LeadFilter, 'visibleTo'>;
  readonly sort: LeadListSort;
  readonly limit: number;
  readonly after?: LeadListCursor;
}

export interface ScoredLeadPage {
  readonly leads: ScoredLead[];
  readonly next: LeadListCursor | null;
}

/**
 * One page of the leads the actor may see, filtered and sorted, each with its scores: stored
 * columns through their indexes (store/leads.ts), current interest through the index-ordered
 * ranking (app/scoring/interest-ranking.ts). Scores are read at the request's instant, or for the
 * interest ranking at the ranking's.
 */
export async function listLeads(
  ctx: AppContext,
  actor: Principal,
  request: LeadListRequest,
): Promise<ScoredLeadPage> {
  const { filter, sort, limit, after } = request;
  if (after !== undefined && after.sort !== sort) {
    throw HearthError.invalid([
      { path: 'cursor', message: `belongs to the sort ${after.sort}, not ${sort}` },
    ]);
  }
  if (sort === '-interest') return listByInterest(ctx, actor, filter, limit, after);
  const scope = visibleTo(actor);
  const field = sort.replace(/^-/, '') as LeadSortField;
  const page = await ctx.store.leads.list({
    ...filter,
    ...(scope === undefined ? {} : { visibleTo: scope }),
    sort: field,
    direction: sort.startsWith('-') ? 'desc' : 'asc',
    limit,
    ...(after === undefined ? {} : { after: { value: after.value, id: after.id } }),
  });
  return {
    leads: await withScores(ctx.store, page.leads, ctx.clock()),
    next: page.next && { sort, ...page.next },
  };
}

async function listByInterest(
  ctx: AppContext,
  actor: Principal,
  filter: LeadFilter,
  limit: number,
  after: LeadListCursor | undefined,
): Promise<ScoredLeadPage> {
  const asOf = after?.asOf === undefined ? ctx.clock() : new Date(after.asOf);
  const interest = after === undefined ? undefined : Number(after.value);
  if (
    after !== undefined &&
    (Number.isNaN(asOf.getTime()) || interest === undefined || !Number.isFinite(interest))
  ) {
    throw HearthError.invalid([{ path: 'cursor', message: 'is not a position in the interest ranking' }]);
  }
  const ranking = await rankByInterest(ctx, actor, filter, limit, {
    asOf,
    ...(after !== undefined && interest !== undefined ? { after: { value: interest, id: after.id } } : {}),
  });
  return {
    leads: ranking.leads,
    // The ranking's own value (before rounding and clamping), exact as JSON renders a double.
    next: ranking.next && {
      sort: '-interest',
      value: String(ranking.next.value),
      id: ranking.next.id,
      asOf: asOf.toISOString(),
    },
  };
}

/** Erases a lead and everything about it (SPEC §6); the audit log keeps only its id. */
export async function eraseLead(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const lead = await store.leads.byId(id);
    assertVisible(actor, lead, id);
    await store.leadRecords.eraseTraces(id);
    await store.leads.erase(id);
    await audit(store, actor, 'lead.erase', id, {});
  });
}

// Owner changes get their own entry, with both owners, as the desk's routing writes them; the
// previous owner's open tasks follow the lead.
async function recordOwnerChange(
  store: Store,
  actor: Principal,
  before: Lead,
  after: Lead,
  now: Date,
): Promise<void> {
  if (before.ownerId === after.ownerId) return;
  await handOverOpenTasks(store, after.id, before.ownerId, after.ownerId, now);
  await audit(store, actor, 'lead.assign', after.id, {
    ownerId: after.ownerId,
    previousOwnerId: before.ownerId,
    by: 'user',
  });
}

async function audit(
  store: Store,
  actor: Principal,
  action: string,
  leadId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await store.audit.record({
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    action,
    entity: 'lead',
    entityId: leadId,
    details,
  });
}
