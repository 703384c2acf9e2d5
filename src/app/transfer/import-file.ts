import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Principal } from '../../domain/access.js';
import { isHearthError } from '../../domain/errors.js';
import type { ImportKind } from '../../domain/import/column-plan.js';
import type { ImportedOutcome } from '../../domain/import/outcome-cells.js';
import { type Lead, normaliseEmail } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { recordOutcome } from '../desk/outcomes.js';
import { ingestEvents } from '../events/ingest.js';
import type { LeadInput } from '../leads/lead-schemas.js';
import { createNewLeads, upsertLead } from '../leads/lead-service.js';
import { type ImportNote, NoteTally } from './import-notes.js';
import { type ImportOptionsBase, type OpenedImport, openImport } from './import-plan.js';
import {
  describeProblems,
  eventPreparer,
  leadPreparer,
  type PreparedEvent,
  type PreparedLead,
} from './prepare-rows.js';
import type { SourceRecord } from './read-records.js';

export type { ImportKind };

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

type LeadRow = { rowNumber: number; location: string; input: LeadInput; outcome: ImportedOutcome | null };
type EventRow = { rowNumber: number; location: string; value: Record<string, unknown> };

/** One prepared record of a chunk and its place in the file (1 for the first record). */
export interface ChunkRow {
  readonly rowNumber: number;
  readonly prepared: PreparedLead | PreparedEvent;
}

/** What writing one chunk did: counts, the rows refused and the leads written (or left as they were). */
export interface ChunkResult {
  created: number;
  updated: number;
  skipped: number;
  readonly rejects: { rowNumber: number; location: string; reason: string }[];
  readonly leadIds: string[];
}

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
  const chunkSize = defaultChunkRows(ctx, options.kind);
  const prepare = preparerOf(ctx, options.kind, opened);
  let chunk: ChunkRow[] = [];
  const flush = async () => {
    const result = await writeChunk(ctx, actor, options.kind, chunk);
    chunk = [];
    counts.created += result.created;
    counts.updated += result.updated;
    counts.skipped += result.skipped;
    counts.rejected += result.rejects.length;
    for (const r of result.rejects) options.onReject?.({ location: r.location, reason: r.reason });
  };

  for await (const record of opened.records) {
    counts.read += 1;
    const prepared = await prepare(record);
    notes.add(prepared.location, prepared.notes);
    chunk.push({ rowNumber: counts.read, prepared });
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

/** Records per chunk when the caller does not choose: see CHUNK_SIZE and EVENT_BATCHES_PER_CHUNK. */
export function defaultChunkRows(ctx: AppContext, kind: ImportKind): number {
  return kind === 'leads' ? CHUNK_SIZE : EVENT_BATCHES_PER_CHUNK * ctx.limits.maxBatchSize;
}

/** The preparer of an opened file's records (mapping, owner lookups, validation). */
export function preparerOf(
  ctx: AppContext,
  kind: ImportKind,
  opened: OpenedImport,
): (record: SourceRecord) => Promise<PreparedLead | PreparedEvent> {
  return kind === 'leads'
    ? leadPreparer(ctx.store, opened.plan, opened.dates.order, ctx.clock)
    : eventPreparer(ctx.store, opened.plan, opened.dates.order);
}

/**
 * Writes one chunk of prepared records: the good ones in one transaction (or the caller's), the
 * refused ones reported. Inside a transaction, a row the store refuses is undone alone (savepoints),
 * so that the caller can commit the chunk with its progress in one piece.
 */
export async function writeChunk(
  ctx: AppContext,
  actor: Principal,
  kind: ImportKind,
  rows: readonly ChunkRow[],
): Promise<ChunkResult> {
  const result: ChunkResult = { created: 0, updated: 0, skipped: 0, rejects: [], leadIds: [] };
  const reject = (rowNumber: number, location: string, reason: string) => {
    result.rejects.push({ rowNumber, location, reason });
  };
  const good: (LeadRow | EventRow)[] = [];
  for (const { rowNumber, prepared: p } of rows) {
    if ('problems' in p) reject(rowNumber, p.location, describeProblems(p.problems));
    else
      good.push(
        'input' in p
          ? { rowNumber, ...p }
          : { rowNumber, location: p.location, value: p.value as Record<string, unknown> },
      );
  }
  if (kind === 'leads') await writeLeads(ctx, actor, good as LeadRow[], result, reject);
  else await writeEvents(ctx, good as EventRow[], result, reject);
  result.rejects.sort((a, b) => a.rowNumber - b.rowNumber);
  return result;
}

async function writeLeads(
  ctx: AppContext,
  actor: Principal,
  rows: readonly LeadRow[],
  result: ChunkResult,
  reject: (rowNumber: number, location: string, reason: string) => void,
): Promise<void> {
  const tally = (written: { leadId: string; created: boolean; changed: boolean }) => {
    if (written.created) result.created += 1;
    else if (written.changed) result.updated += 1;
    else result.skipped += 1;
    result.leadIds.push(written.leadId);
  };
  try {
    // The common case: the whole chunk in one transaction.
    const results = await ctx.store.attempt(async (store) => {
      const inTx = { ...ctx, store };
      // New leads (most of a first import) in a few statements for the chunk; the rest one by one.
      const created = await createNewLeads(
        store,
        rows.map((r) => r.input),
        ctx.clock(),
      );
      const done = [];
      for (const [i, row] of rows.entries()) {
        const written = created[i];
        done.push(
          written
            ? await recordImportedOutcome(inTx, actor, row, written)
            : await writeLead(inTx, actor, row),
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
        tally(await ctx.store.attempt((store) => writeLead({ ...ctx, store }, actor, row)));
      } catch (rowError) {
        if (!isHearthError(rowError)) throw rowError;
        reject(row.rowNumber, row.location, rowError.message);
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
): Promise<{ leadId: string; created: boolean; changed: boolean }> {
  return recordImportedOutcome(ctx, actor, row, await upsertLead(ctx, actor, row.input));
}

async function recordImportedOutcome(
  ctx: AppContext,
  actor: Principal,
  row: { outcome: ImportedOutcome | null },
  result: { lead: Lead; created: boolean; changed: boolean },
): Promise<{ leadId: string; created: boolean; changed: boolean }> {
  const { outcome } = row;
  const leadId = result.lead.id;
  if (outcome === null || result.lead.status === outcome.status)
    return { leadId, created: result.created, changed: result.changed };
  await recordOutcome(ctx, actor, leadId, {
    status: outcome.status,
    ...(outcome.at === undefined ? {} : { at: outcome.at.toISOString() }),
  });
  return { leadId, created: result.created, changed: true };
}

async function writeEvents(
  ctx: AppContext,
  prepared: readonly EventRow[],
  result: ChunkResult,
  reject: (rowNumber: number, location: string, reason: string) => void,
): Promise<void> {
  if (prepared.length === 0) return;
  const batch = prepared.map((p) => ({
    rowNumber: p.rowNumber,
    location: p.location,
    value: { ...p.value, id: p.value.id ?? contentKey(p.value) },
  }));
  const summary = await ingestEvents(
    ctx,
    batch.map((b) => b.value),
    { pathOf: () => '', maxBatchSize: Math.max(batch.length, ctx.limits.maxBatchSize) },
  );
  result.created += summary.stored;
  result.skipped += summary.duplicates;
  for (const r of summary.results) {
    const row = batch[r.index];
    if (r.status === 'rejected')
      reject(row?.rowNumber ?? 0, row?.location ?? '', describeProblems(r.problems ?? []));
    else if (r.leadId) result.leadIds.push(r.leadId);
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
