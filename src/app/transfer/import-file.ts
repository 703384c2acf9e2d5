import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Principal } from '../../domain/access.js';
import { isHearthError } from '../../domain/errors.js';
import type { ImportedOutcome } from '../../domain/import/outcome-cells.js';
import { type Lead, normaliseEmail } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { recordOutcome } from '../desk/outcomes.js';
import { ingestEvents } from '../events/ingest.js';
import type { LeadInput } from '../leads/lead-schemas.js';
import { createNewLeads, upsertLead } from '../leads/lead-service.js';
import { type ImportNote, NoteTally } from './import-notes.js';
import { type ImportOptionsBase, openImport } from './import-plan.js';
import {
  describeProblems,
  eventPreparer,
  leadPreparer,
  type PreparedEvent,
  type PreparedLead,
} from './prepare-rows.js';

export type { ImportKind } from '../../domain/import/column-plan.js';

export interface ImportOptions extends ImportOptionsBase {
  /** Called for every rejected record, in file order. */
  readonly onReject?: (reject: ImportReject) => void;
}

export interface ImportReject {
  readonly location: string;
  readonly reason: string;
}

export interface ImportSummary {
  readonly read: number;
  readonly created: number;
  readonly updated: number;
  /** Records already stored as they are (unchanged leads, duplicate events). */
  readonly skipped: number;
  readonly rejected: number;
  /** What was read differently than given without rejecting a row (unknown owners, labels). */
  readonly notes: readonly ImportNote[];
}

const CHUNK_SIZE = 500;
/**
 * API batches per transaction of an events import. Each chunk writes every lead it touches once
 * (its score state), and a file in time order touches about half its leads in every chunk of
 * 1,000: larger chunks write each lead fewer times (5,000 with the default batch limit).
 */
const EVENT_BATCHES_PER_CHUNK = 5;

type LeadRow = { location: string; input: LeadInput; outcome: ImportedOutcome | null };
type EventRow = { location: string; value: Record<string, unknown> };

/**
 * Imports a stream of leads or events in chunks: each chunk is written in one transaction, bad
 * records are reported with their location and skipped, good ones kept. Re-running the same file
 * changes nothing: leads are matched by id or email and left alone when equal, events are
 * matched by their id (or, without one, by a digest of their content). The columns are mapped as
 * the preview (import-preview.ts) shows them: known export formats, synonyms, `--map`.
 */
export async function importRecords(
  ctx: AppContext,
  actor: Principal,
  input: Readable,
  options: ImportOptions,
): Promise<ImportSummary> {
  const opened = await openImport(input, options);
  const counts = { read: 0, created: 0, updated: 0, skipped: 0, rejected: 0 };
  const notes = new NoteTally();
  const reject = (location: string, reason: string) => {
    counts.rejected += 1;
    options.onReject?.({ location, reason });
  };
  const chunkSize = options.kind === 'leads' ? CHUNK_SIZE : EVENT_BATCHES_PER_CHUNK * ctx.limits.maxBatchSize;
  const prepare =
    options.kind === 'leads'
      ? leadPreparer(ctx.store, opened.plan, opened.dates.order, ctx.clock)
      : eventPreparer(ctx.store, opened.plan, opened.dates.order);
  let chunk: (PreparedLead | PreparedEvent)[] = [];
  const flush = async () => {
    const good: (LeadRow | EventRow)[] = [];
    for (const p of chunk) {
      if ('problems' in p) reject(p.location, describeProblems(p.problems));
      else good.push('input' in p ? p : { location: p.location, value: p.value as Record<string, unknown> });
    }
    chunk = [];
    if (options.kind === 'leads') await writeLeads(ctx, actor, good as LeadRow[], counts, reject);
    else await writeEvents(ctx, good as EventRow[], counts, reject);
  };

  for await (const record of opened.records) {
    counts.read += 1;
    const prepared = await prepare(record);
    notes.add(prepared.location, prepared.notes);
    chunk.push(prepared);
    if (chunk.length >= chunkSize) await flush();
  }
  await flush();
  await ctx.store.audit.record({
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    action: `import.${options.kind}`,
    entity: 'import',
    details: { ...counts, ...(opened.plan.format ? { format: opened.plan.format.id } : {}) },
  });
  return { ...counts, notes: notes.list() };
}

async function writeLeads(
  ctx: AppContext,
  actor: Principal,
  rows: readonly LeadRow[],
  counts: { created: number; updated: number; skipped: number },
  reject: (location: string, reason: string) => void,
): Promise<void> {
  const tally = (result: { created: boolean; changed: boolean }) => {
    if (result.created) counts.created += 1;
    else if (result.changed) counts.updated += 1;
    else counts.skipped += 1;
  };
  try {
    // The common case: the whole chunk in one transaction.
    const results = await ctx.store.transaction(async (store) => {
      const inTx = { ...ctx, store };
      // New leads (most of a first import) in a few statements for the chunk; the rest one by one.
      const created = await createNewLeads(
        store,
        rows.map((r) => r.input),
        ctx.clock(),
      );
      const done = [];
      for (const [i, row] of rows.entries()) {
        const result = created[i];
        done.push(
          result ? await recordImportedOutcome(inTx, actor, row, result) : await writeLead(inTx, actor, row),
        );
      }
      return done;
    });
    results.forEach(tally);
  } catch (error) {
    if (!isHearthError(error)) throw error;
    // One row refused (e.g. an email held by another lead): redo the chunk row by row to keep
    // every good row and report exactly the bad ones.
    for (const row of rows) {
      try {
        tally(await ctx.store.transaction((store) => writeLead({ ...ctx, store }, actor, row)));
      } catch (rowError) {
        if (!isHearthError(rowError)) throw rowError;
        reject(row.location, rowError.message);
      }
    }
  }
}

/**
 * Upserts one lead and records its outcome, if the row has one the lead does not have yet, through
 * the same path as `POST /leads/{id}/outcome`: at the decision time, into the status history. A
 * lead already in that status is left alone, so importing the file again changes nothing.
 */
async function writeLead(
  ctx: AppContext,
  actor: Principal,
  row: { input: LeadInput; outcome: ImportedOutcome | null },
): Promise<{ created: boolean; changed: boolean }> {
  return recordImportedOutcome(ctx, actor, row, await upsertLead(ctx, actor, row.input));
}

async function recordImportedOutcome(
  ctx: AppContext,
  actor: Principal,
  row: { outcome: ImportedOutcome | null },
  result: { lead: Lead; created: boolean; changed: boolean },
): Promise<{ created: boolean; changed: boolean }> {
  const { outcome } = row;
  if (outcome === null || result.lead.status === outcome.status) return result;
  await recordOutcome(ctx, actor, result.lead.id, {
    status: outcome.status,
    ...(outcome.at === undefined ? {} : { at: outcome.at.toISOString() }),
  });
  return { created: result.created, changed: true };
}

async function writeEvents(
  ctx: AppContext,
  prepared: readonly EventRow[],
  counts: { created: number; skipped: number },
  reject: (location: string, reason: string) => void,
): Promise<void> {
  const batch = prepared.map((p) => ({
    location: p.location,
    value: { ...p.value, id: p.value.id ?? contentKey(p.value) },
  }));
  const summary = await ingestEvents(
    ctx,
    batch.map((b) => b.value),
    { pathOf: () => '', maxBatchSize: EVENT_BATCHES_PER_CHUNK * ctx.limits.maxBatchSize },
  );
  counts.created += summary.stored;
  counts.skipped += summary.duplicates;
  for (const result of summary.results) {
    if (result.status === 'rejected')
      reject(batch[result.index]?.location ?? '', describeProblems(result.problems ?? []));
  }
}

/** A stable id for an imported event that has none, so that importing it twice stores it once. */
function contentKey(value: Record<string, unknown>): string {
  const lead =
    typeof value.email === 'string' ? (normaliseEmail(value.email) ?? '') : String(value.leadId ?? '');
  const at =
    typeof value.occurredAt === 'string' && !Number.isNaN(Date.parse(value.occurredAt))
      ? new Date(value.occurredAt).toISOString()
      : String(value.occurredAt);
  const digest = createHash('sha256')
    .update(JSON.stringify([lead, value.type, at, canonical(value.properties ?? {})]))
    .digest('base64url');
  return `import:${digest}`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
