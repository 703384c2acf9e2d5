import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import type { MatchKeys } from '../domain/duplicates.js';
import type { Lead, LeadFields, LeadStatus } from '../domain/lead.js';
import type { ScoreState } from '../domain/scoring/index.js';
import { duplicateCandidates, type MovedRows, mergeInto } from './lead-merge.js';
import type { Database, LeadRow, LeadRowUpdate } from './schema.js';

export const LEAD_SORT_FIELDS = [
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'name',
  'email',
  'company',
  'fit',
  'temperature',
  'probability',
] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

export interface LeadQuery {
  readonly status?: LeadStatus;
  /** A user id, or `null` for unassigned leads. */
  readonly ownerId?: string | null;
  readonly source?: string;
  /**
   * The stored temperature column: exact at each write; decay between writes reaches it when the
   * sweeper runs (within 30 s); reads of a lead compute the exact value.
   */
  readonly temperature?: 'cold' | 'cool' | 'warm' | 'hot';
  /** Words matched as prefixes against name, email, company, job title and phone. */
  readonly text?: string;
  /** Only leads whose predictive score is at least this (0–1): a threshold on the probability. */
  readonly minProbability?: number;
  /** Restricts to leads owned by this user or unassigned (a rep's view). */
  readonly visibleTo?: string;
  /** Only the leads an import job wrote or found unchanged (store/imports.ts). */
  readonly importId?: string;
  readonly sort: LeadSortField;
  readonly direction: 'asc' | 'desc';
  readonly limit: number;
  /** The position after which to continue, as returned by the previous page. */
  readonly after?: LeadCursor;
}

export type InterestKeyGroup = 'engagement' | 'intent';
/** Where a scan of one interest key index stopped: the key and id of the last row read. */
export interface InterestKeyPosition {
  readonly key: number;
  readonly id: string;
}
/** The filters of a lead query without its ordering. */
export type LeadFilter = Omit<LeadQuery, 'sort' | 'direction' | 'limit' | 'after'>;

/** A position in a sorted list: the sort value and id of the last lead seen. */
export interface LeadCursor {
  readonly value: string | null;
  readonly id: string;
}

export interface LeadPage {
  readonly leads: Lead[];
  readonly next: LeadCursor | null;
}

/**
 * What a write stores: the fields, and the match keys the domain derived from the lead's values
 * after the write (domain/duplicates.ts `matchKeysAfter`). Keys left out keep their stored value,
 * so a write that touches neither email, company nor phone may omit them.
 */
export type LeadWrite = LeadFields & Partial<MatchKeys>;

export interface LeadStore {
  /**
   * Creates a lead at `now`; `id` and `createdAt` may be given when restoring from an export.
   * Write methods take the time from the caller's clock, never the database's, so that tests and
   * scoring agree on what "now" is.
   */
  create(fields: LeadWrite, now: Date, identity?: { id?: string; createdAt?: Date }): Promise<Lead>;
  /** Creates the lead, or updates the one with the same (normalised) email; `created` says which. */
  upsertByEmail(
    email: string,
    fields: LeadWrite,
    now: Date,
    createdAt?: Date,
  ): Promise<{ lead: Lead; created: boolean }>;
  /**
   * Creates these leads (each with its email) in one statement, except those whose email a lead
   * already has: those are left alone and missing from the result.
   */
  createManyByEmail(
    leads: readonly { email: string; fields: LeadWrite; createdAt?: Date }[],
    now: Date,
  ): Promise<Lead[]>;
  byId(id: string): Promise<Lead | undefined>;
  byEmail(email: string): Promise<Lead | undefined>;
  /** The leads with these ids that exist, in no particular order. */
  byIds(ids: readonly string[]): Promise<Lead[]>;
  update(id: string, fields: LeadWrite, now: Date): Promise<Lead | undefined>;
  /** Deletes the lead; its events and everything else about it go with it (foreign keys cascade). */
  erase(id: string): Promise<boolean>;
  list(query: LeadQuery): Promise<LeadPage>;
  /** Which of these ids exist. */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Ids for these normalised emails, creating a bare lead for each unknown one in one statement,
   * with its account key from `accountKeys` (by email; see domain/account.ts). Returns every
   * email's id and the set of emails whose lead was created here.
   */
  ensureByEmail(
    emails: readonly string[],
    now: Date,
    accountKeys: ReadonlyMap<string, string | null>,
  ): Promise<{ ids: Map<string, string>; created: Set<string> }>;
  /** Moves each lead's last activity forward to the given time if it is later. */
  recordActivity(activity: readonly { leadId: string; at: Date }[]): Promise<void>;
  /** Leads in id order after `afterId`, for streaming exports. */
  batchAfter(afterId: string | null, limit: number): Promise<Lead[]>;
  /**
   * One page of the leads with points in a positive interest group, by that group's stored sort
   * key, highest first, ties by id (an index scan on `interest_key_<group>`), continuing after
   * `after` (the key and id of the previous page's last row), each with its stored score state.
   * See app/scoring/interest-ranking.
   */
  byInterestKey(
    group: InterestKeyGroup,
    filter: LeadFilter,
    after: InterestKeyPosition | null,
    limit: number,
  ): Promise<{ lead: Lead; key: number; state: ScoreState | null }[]>;
  /**
   * Leads with no points in any positive group (interest 0), in descending id order (the ties of a
   * descending sort), continuing below `beforeId`.
   */
  withoutInterestKeys(filter: LeadFilter, beforeId: string | null, limit: number): Promise<Lead[]>;
  count(): Promise<number>;
  /** The email of each of these leads that has one. */
  emailsOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** Leads sharing the phone key or account key given, except `exceptId` (see lead-merge.ts). */
  duplicateCandidates(exceptId: string, keys: MatchKeys, limit: number): Promise<Lead[]>;
  /**
   * Moves every row of the duplicate (events, history, tasks, timers, signals) onto the survivor
   * and deletes the duplicate; returns the rows moved per table (see lead-merge.ts).
   */
  mergeInto(survivorId: string, duplicateId: string): Promise<MovedRows>;
}

type Db = Kysely<Database> | Transaction<Database>;

export function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    company: row.company,
    jobTitle: row.job_title,
    industry: row.industry,
    companySize: row.company_size,
    country: row.country,
    source: row.source,
    ownerId: row.owner_id,
    status: row.status,
    optedOut: row.opted_out,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastActivityAt: row.last_activity_at,
  };
}

/** Column values for the fields that are present; absent fields are left out entirely. */
function toColumns(fields: LeadWrite): Omit<LeadRowUpdate, 'attributes'> {
  const columns: Omit<LeadRowUpdate, 'attributes'> = {};
  if (fields.accountKey !== undefined) columns.account_key = fields.accountKey;
  if (fields.phoneKey !== undefined) columns.phone_key = fields.phoneKey;
  if (fields.email !== undefined) columns.email = fields.email;
  if (fields.name !== undefined) columns.name = fields.name;
  if (fields.phone !== undefined) columns.phone = fields.phone;
  if (fields.company !== undefined) columns.company = fields.company;
  if (fields.jobTitle !== undefined) columns.job_title = fields.jobTitle;
  if (fields.industry !== undefined) columns.industry = fields.industry;
  if (fields.companySize !== undefined) columns.company_size = fields.companySize;
  if (fields.country !== undefined) columns.country = fields.country;
  if (fields.source !== undefined) columns.source = fields.source;
  if (fields.ownerId !== undefined) columns.owner_id = fields.ownerId;
  if (fields.status !== undefined) columns.status = fields.status;
  if (fields.optedOut !== undefined) columns.opted_out = fields.optedOut;
  return columns;
}

// Attributes merge key by key (a JSON null removes a key): a form that sends one attribute must
// not wipe the others.
function mergeAttributes(attributes: Record<string, unknown>): RawBuilder<string> {
  const removed = Object.keys(attributes).filter((k) => attributes[k] === null);
  const kept = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null));
  return sql`(leads.attributes || ${JSON.stringify(kept)}::jsonb) - ${removed}::text[]`;
}

// Sorting on nullable columns goes through coalesce so that keyset pagination has a total order;
// the indexes in the migrations are on these same expressions.
const SORT_EXPRESSIONS: Record<LeadSortField, RawBuilder<unknown>> = {
  createdAt: sql`leads.created_at`,
  updatedAt: sql`leads.updated_at`,
  lastActivityAt: sql`coalesce(leads.last_activity_at, '-infinity'::timestamptz)`,
  name: sql`coalesce(leads.name, '')`,
  email: sql`coalesce(leads.email, '')`,
  company: sql`coalesce(leads.company, '')`,
  // Leads never scored have no fit; they sort below fit 0.
  fit: sql`coalesce(leads.fit, -1)`,
  // The thermometer's order, not the alphabet's. Closed leads sort below cold: the table shows their
  // status instead of a live temperature (a customer is warm only as a returning customer).
  temperature: sql`case when leads.status <> 'open' then 0
    else case leads.temperature when 'cold' then 1 when 'cool' then 2 when 'warm' then 3 when 'hot' then 4 end
  end`,
  // Leads without a probability (none trained yet, or closed) sort below every probability.
  probability: sql`coalesce(leads.probability, -1)`,
};
// How a cursor's value (the expression rendered as text) is read back in the comparison.
const CURSOR_TYPES: Record<LeadSortField, RawBuilder<unknown>> = {
  createdAt: sql`timestamptz`,
  updatedAt: sql`timestamptz`,
  lastActivityAt: sql`timestamptz`,
  name: sql`text`,
  email: sql`text`,
  company: sql`text`,
  fit: sql`numeric`,
  temperature: sql`int4`,
  probability: sql`float8`,
};

/** Turns free text into a prefix query: `ann acm` matches "Ann Lee, Acme". */
function prefixQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}@._+-]+/u)
    .map((w) => w.replace(/[&|!():*'\\]/g, ''))
    .filter((w) => w.length > 0);
  return words.length === 0 ? null : words.map((w) => `'${w}':*`).join(' & ');
}

/** Adds the filters of a lead query to a select over `leads`. */
export function applyFilters(
  query: SelectQueryBuilder<Database, 'leads', LeadRow>,
  filter: LeadFilter,
): SelectQueryBuilder<Database, 'leads', LeadRow> {
  let q = query;
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.ownerId !== undefined) {
    q = filter.ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', filter.ownerId);
  }
  if (filter.source !== undefined) q = q.where('source', '=', filter.source);
  if (filter.temperature !== undefined) q = q.where('temperature', '=', filter.temperature);
  if (filter.minProbability !== undefined) q = q.where('probability', '>=', filter.minProbability);
  if (filter.visibleTo !== undefined) {
    const userId = filter.visibleTo;
    q = q.where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', userId)]));
  }
  if (filter.importId !== undefined) {
    const jobId = filter.importId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('import_job_leads')
          .select('import_job_leads.lead_id')
          .where('import_job_leads.job_id', '=', jobId)
          .whereRef('import_job_leads.lead_id', '=', 'leads.id'),
      ),
    );
  }
  if (filter.text !== undefined) {
    const tsquery = prefixQuery(filter.text);
    if (tsquery !== null) q = q.where(sql<boolean>`leads.search @@ to_tsquery('simple', ${tsquery})`);
  }
  return q;
}

export function leadStore(db: Db): LeadStore {
  const byId = async (id: string) => {
    const row = await db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toLead(row);
  };
  return {
    create: async (fields, now, identity = {}) => {
      const row = await db
        .insertInto('leads')
        .values({
          ...toColumns(fields),
          attributes: JSON.stringify(fields.attributes ?? {}),
          ...(identity.id !== undefined ? { id: identity.id } : {}),
          created_at: identity.createdAt ?? now,
          updated_at: identity.createdAt ?? now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toLead(row);
    },
    upsertByEmail: async (email, fields, now, createdAt) => {
      const columns = toColumns({ ...fields, email });
      const attributes = fields.attributes ?? {};
      const row = await db
        .insertInto('leads')
        .values({
          ...columns,
          attributes: JSON.stringify(attributes),
          created_at: createdAt ?? now,
          updated_at: createdAt ?? now,
        })
        .onConflict((oc) =>
          oc.column('email').doUpdateSet({
            ...columns,
            attributes: mergeAttributes(attributes),
            updated_at: now,
          }),
        )
        // xmax is 0 only for a freshly inserted row: the standard way to tell insert from update.
        .returningAll()
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .executeTakeFirstOrThrow();
      const { inserted, ...leadRow } = row;
      return { lead: toLead(leadRow as LeadRow), created: inserted };
    },
    createManyByEmail: async (leads, now) => {
      if (leads.length === 0) return [];
      // Rows with different fields fill the columns they lack with their defaults.
      const rows = await db
        .insertInto('leads')
        .values(
          leads.map((l) => ({
            ...toColumns({ ...l.fields, email: l.email }),
            attributes: JSON.stringify(l.fields.attributes ?? {}),
            created_at: l.createdAt ?? now,
            updated_at: l.createdAt ?? now,
          })),
        )
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll()
        .execute();
      return rows.map(toLead);
    },
    byId,
    byEmail: async (email) => {
      const row = await db.selectFrom('leads').selectAll().where('email', '=', email).executeTakeFirst();
      return row && toLead(row);
    },
    update: async (id, fields, now) => {
      const columns = toColumns(fields);
      const row = await db
        .updateTable('leads')
        .set({
          ...columns,
          ...(fields.attributes !== undefined ? { attributes: mergeAttributes(fields.attributes) } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toLead(row);
    },
    byIds: async (ids) =>
      ids.length === 0
        ? []
        : (
            await db
              .selectFrom('leads')
              .selectAll()
              .where('id', 'in', [...new Set(ids)])
              .execute()
          ).map(toLead),
    erase: async (id) => {
      const result = await db.deleteFrom('leads').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    list: async (filter) => {
      const sortExpression = SORT_EXPRESSIONS[filter.sort];
      const comparator = filter.direction === 'asc' ? sql`>` : sql`<`;
      let q = applyFilters(db.selectFrom('leads').selectAll(), filter);
      if (filter.after) {
        // PostgreSQL renders a float8 exactly (shortest round-trip text): the cursor loses nothing.
        const value = sql`cast(${filter.after.value} as ${CURSOR_TYPES[filter.sort]})`;
        q = q.where(
          sql<boolean>`(${sortExpression}, leads.id) ${comparator} (${value}, ${filter.after.id}::uuid)`,
        );
      }
      const direction = filter.direction === 'asc' ? sql`asc` : sql`desc`;
      // The cursor carries the sort value as the database renders it: a timestamp keeps its
      // microseconds (a JavaScript Date would cut them to milliseconds and repeat or skip rows).
      const rows = await q
        .select(sql<string>`(${sortExpression})::text`.as('sort_value'))
        .orderBy(sql`${sortExpression} ${direction}`)
        .orderBy(sql`leads.id ${direction}`)
        .limit(filter.limit + 1)
        .execute();
      const shown = rows.slice(0, filter.limit);
      const last = shown.at(-1);
      const next = rows.length > filter.limit && last ? { value: last.sort_value, id: last.id } : null;
      const leads = shown.map(toLead);
      return { leads, next };
    },
    existingIds: async (ids) => {
      if (ids.length === 0) return new Set();
      const rows = await db
        .selectFrom('leads')
        .select('id')
        .where('id', 'in', [...ids])
        .execute();
      return new Set(rows.map((r) => r.id));
    },
    ensureByEmail: async (emails, now, accountKeys) => {
      if (emails.length === 0) return { ids: new Map(), created: new Set() };
      const unique = [...new Set(emails)];
      // One statement for both kinds: the leads it creates, and the ones that exist, read as of
      // the statement's start. An email whose lead a concurrent transaction created while the
      // insert waited for it is in neither; those few are read after.
      const { rows } = await sql<{ id: string; email: string; created: boolean }>`
        with input as (
          select * from unnest(${unique}::text[], ${unique.map((e) => accountKeys.get(e) ?? null)}::text[]) as u(email, account_key)
        ),
        inserted as (
          insert into leads (email, account_key, created_at, updated_at)
          select email, account_key, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
          from input
          on conflict (email) do nothing
          returning id, email
        )
        select id, email, true as created from inserted
        union all
        select l.id, l.email, false from leads l join input using (email)`.execute(db);
      const created = new Set<string>();
      const ids = new Map<string, string>();
      for (const r of rows) {
        if (r.created) created.add(r.email);
        ids.set(r.email, r.id);
      }
      const missing = unique.filter((e) => !ids.has(e));
      if (missing.length > 0) {
        const existing = await db
          .selectFrom('leads')
          .select(['id', 'email'])
          .where('email', 'in', missing)
          .execute();
        for (const r of existing) if (r.email) ids.set(r.email, r.id);
      }
      return { ids, created };
    },
    recordActivity: async (activity) => {
      if (activity.length === 0) return;
      await sql`
        update leads set
          last_activity_at = greatest(leads.last_activity_at, v.at)
        from (
          select id, max(at) as at
          from unnest(${activity.map((a) => a.leadId)}::uuid[], ${activity.map((a) => a.at.toISOString())}::timestamptz[]) as u(id, at)
          group by id
        ) as v
        where leads.id = v.id`.execute(db);
    },
    byInterestKey: async (group, filter, after, limit) => {
      const column = group === 'engagement' ? 'interest_key_engagement' : 'interest_key_intent';
      let q = applyFilters(db.selectFrom('leads').selectAll(), filter).where(column, 'is not', null);
      // `key <= k` bounds the index range; the rest only sorts out the rows tied at k.
      if (after)
        q = q
          .where(column, '<=', after.key)
          .where((eb) => eb.or([eb(column, '<', after.key), eb('id', '>', after.id)]));
      // `nulls last` as in the index: a bare `desc` means nulls first, an order the index lacks.
      const rows = await q
        .orderBy(sql`${sql.ref(column)} desc nulls last`)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        lead: toLead(row),
        key: row[column] as number,
        state: (row.score_state as ScoreState | null) ?? null,
      }));
    },
    withoutInterestKeys: async (filter, beforeId, limit) => {
      let q = applyFilters(db.selectFrom('leads').selectAll(), filter)
        .where('interest_key_engagement', 'is', null)
        .where('interest_key_intent', 'is', null);
      if (beforeId !== null) q = q.where('id', '<', beforeId);
      return (await q.orderBy('id', 'desc').limit(limit).execute()).map(toLead);
    },
    batchAfter: async (afterId, limit) => {
      let q = db.selectFrom('leads').selectAll().orderBy('id').limit(limit);
      if (afterId !== null) q = q.where('id', '>', afterId);
      return (await q.execute()).map(toLead);
    },
    emailsOf: async (ids) => {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('leads')
        .select(['id', 'email'])
        .where('id', 'in', [...ids])
        .execute();
      return new Map(rows.flatMap((r) => (r.email ? [[r.id, r.email] as const] : [])));
    },
    duplicateCandidates: (exceptId, keys, limit) => duplicateCandidates(db, exceptId, keys, limit),
    mergeInto: (survivorId, duplicateId) => mergeInto(db, survivorId, duplicateId),
    count: async () => {
      const row = await db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
