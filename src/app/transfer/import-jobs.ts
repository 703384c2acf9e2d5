import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Principal } from '../../domain/access.js';
import { HearthError, isHearthError } from '../../domain/errors.js';
import type { DetectedFormat, ImportKind, MappingReason } from '../../domain/import/column-plan.js';
import { describeTarget, vocabularyOf } from '../../domain/import/column-plan.js';
import type { DateOrder } from '../../domain/import/import-dates.js';
import type { ImportJob } from '../../store/imports.js';
import type { AppContext } from '../context.js';
import { escapeFormula, unescapeFormula } from './column-mapping.js';
import { type ChunkRow, preparerOf, writeChunk } from './import-file.js';
import { type ImportNote, NoteTally } from './import-notes.js';
import { checkColumnMap, type DateOrderDecision, openImport } from './import-plan.js';
import { type FileFormat, readRecords, type SourceRecord } from './read-records.js';

export type { ImportJob };

/** What a job was asked to do: the file's kind and format and the mapping chosen in the preview. */
export interface ImportJobRequest {
  readonly kind: ImportKind;
  readonly format: FileFormat;
  readonly fileName?: string;
  readonly columnMap: Readonly<Record<string, string>>;
  readonly dateOrder?: DateOrder;
}

/** The mapping a run decided, stored with the job: what the preview showed for the same file. */
export interface ImportJobPlan {
  readonly format: DetectedFormat | null;
  readonly columns: readonly { column: string; target: string; decidedBy: MappingReason }[];
  readonly dates: DateOrderDecision;
}

export interface ImportLimits {
  /** Largest upload accepted (bytes). */
  readonly maxBytes: number;
  /** Records written per transaction, each followed by a progress record. */
  readonly chunkRows: number;
}

// 200 MB: twice the 100 MB file the wizard must take (issue 17), well under PostgreSQL's bytea
// and PGlite's memory. 500 leads per chunk as `hearth import` writes them (import-file.ts).
export const IMPORT_DEFAULTS: ImportLimits = { maxBytes: 200 * 1024 * 1024, chunkRows: 500 };

// The upload is stored in pieces of this size: one insert per piece, one read per piece when run.
const UPLOAD_PIECE_BYTES = 1024 * 1024;
// A run holds its job this long past each committed chunk; a crashed run's job is picked up by
// the next poll after that (docs/import.md). Long enough for one chunk on a loaded machine.
export const IMPORT_LEASE_MS = 60_000;
// An upload still arriving after this long belongs to a request that died with its process.
const STALE_UPLOAD_MS = 6 * 60 * 60 * 1000;
// Records counted between two renewals of the lease while a run counts the file.
const COUNT_RENEW_EVERY = 10_000;

/**
 * Stores an upload as a new import job, streamed piece by piece into the database (any instance
 * can then run it), and queues it. Refuses a bad column map before reading the body, and a body
 * over `maxBytes` with `too_large` (nothing is kept). The caller starts the run (`runImportJob`).
 */
export async function createImportJob(
  ctx: AppContext,
  actor: Principal,
  body: AsyncIterable<Buffer | string>,
  request: ImportJobRequest,
  limits: ImportLimits,
): Promise<ImportJob> {
  checkColumnMap(request.kind, request.columnMap);
  const job = await ctx.store.imports.create({
    id: randomUUID(),
    kind: request.kind,
    format: request.format,
    fileName: request.fileName ?? null,
    columnMap: request.columnMap,
    dateOrder: request.dateOrder ?? null,
    chunkRows: limits.chunkRows,
    actor,
    createdAt: ctx.clock(),
  });
  let size = 0;
  try {
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const store = async () => {
      await ctx.store.imports.appendChunk(job.id, seq, Buffer.concat(pending));
      seq += 1;
      pending = [];
      pendingBytes = 0;
    };
    for await (const piece of limitedTo(body, limits.maxBytes)) {
      size += piece.length;
      pending.push(piece);
      pendingBytes += piece.length;
      if (pendingBytes >= UPLOAD_PIECE_BYTES) await store();
    }
    if (pendingBytes > 0) await store();
    if (size === 0) throw HearthError.invalid([{ path: 'body', message: 'is empty: send the file' }]);
    await ctx.store.imports.finishUpload(job.id, size);
  } catch (error) {
    await ctx.store.imports.remove(job.id);
    throw error;
  }
  return (await ctx.store.imports.get(job.id)) as ImportJob;
}

/** The body's bytes, refused with `too_large` as soon as they pass `maxBytes`. */
export async function* limitedTo(
  body: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > maxBytes) {
      throw new HearthError('too_large', `The file is larger than the import limit of ${maxBytes} bytes`, {
        limit: maxBytes,
      });
    }
    yield bytes;
  }
}

/** A stored upload, read back one piece at a time. */
function storedUpload(ctx: AppContext, jobId: string): Readable {
  return Readable.from(
    (async function* () {
      for (let seq = 0; ; seq += 1) {
        const bytes = await ctx.store.imports.chunk(jobId, seq);
        if (!bytes) return;
        yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
    })(),
    { objectMode: false },
  );
}

export async function importJob(ctx: AppContext, id: string): Promise<ImportJob> {
  const job = await ctx.store.imports.get(id);
  if (!job || job.state === 'uploading') throw new HearthError('not_found', `No import has id ${id}`, { id });
  return job;
}

export interface ImportRunOptions {
  /** Stop after this many chunks, as a crash between two chunks would (tests of resuming). */
  readonly stopAfter?: number;
  /** Stops the run after the chunk it is on (the process is stopping); the job resumes later. */
  readonly signal?: AbortSignal;
}

/**
 * Works on an import job until its file is read to the end, chunk by chunk: each chunk's leads or
 * events, its rejected rows, the leads it wrote and the job's counts commit in one transaction.
 * A run starts by counting the file's records (the progress bar's total), then reads the file
 * again from its start and skips the records earlier runs committed: a run stopped anywhere
 * (crash, restart) resumes from the last committed chunk, without writing anything twice. One
 * run at a time holds the job (a lease renewed with every chunk); should two run anyway, a chunk
 * commits only if the job's progress is still where the run started it. A file that cannot be
 * read (not UTF-8) fails the job with the reason; what came before stays imported.
 */
export async function runImportJob(
  ctx: AppContext,
  id: string,
  options: ImportRunOptions = {},
): Promise<ImportJob> {
  const leaseEnd = () => new Date(ctx.clock().getTime() + IMPORT_LEASE_MS);
  const job = await ctx.store.imports.claim(id, ctx.clock(), leaseEnd());
  if (!job) return importJob(ctx, id);
  let finished = false;
  try {
    if (job.totalRows === null) await countRows(ctx, job, leaseEnd, options.signal);
    if (options.signal?.aborted) return importJob(ctx, id);
    const stopped = await importChunks(ctx, job, leaseEnd, options);
    if (!stopped) {
      const done = await ctx.store.transaction(async (store) => {
        await store.imports.finish(id, 'done', ctx.clock(), null);
        const ended = (await store.imports.get(id)) as ImportJob;
        await store.audit.record({
          actorUserId: job.actor.userId,
          actorKeyId: job.actor.keyId,
          action: `import.${job.kind}`,
          entity: 'import',
          entityId: id,
          details: {
            read: ended.rowsRead,
            created: ended.created,
            updated: ended.updated,
            skipped: ended.skipped,
            rejected: ended.rejected,
          },
        });
        return ended;
      });
      finished = true;
      return done;
    }
    return importJob(ctx, id);
  } catch (error) {
    if (!isHearthError(error)) throw error;
    // The file itself is at fault (not UTF-8, unreadable): running it again would fail again.
    await ctx.store.imports.finish(id, 'failed', ctx.clock(), error.message);
    finished = true;
    return importJob(ctx, id);
  } finally {
    // A run that stopped early (or on a database error) lets the next poll take the job at once.
    if (!finished && options.stopAfter === undefined) await ctx.store.imports.release(id).catch(() => {});
  }
}

async function countRows(
  ctx: AppContext,
  job: ImportJob,
  leaseEnd: () => Date,
  signal: AbortSignal | undefined,
): Promise<void> {
  let rows = 0;
  for await (const _ of readRecords(storedUpload(ctx, job.id), job.format)) {
    rows += 1;
    if (rows % COUNT_RENEW_EVERY === 0) {
      if (signal?.aborted) return;
      await ctx.store.imports.extendLease(job.id, leaseEnd());
    }
  }
  await ctx.store.imports.setTotalRows(job.id, rows);
}

/** Imports the records after those committed; true when stopped before the end. */
async function importChunks(
  ctx: AppContext,
  job: ImportJob,
  leaseEnd: () => Date,
  options: ImportRunOptions,
): Promise<boolean> {
  const opened = await openImport(storedUpload(ctx, job.id), {
    kind: job.kind,
    format: job.format,
    columnMap: job.columnMap,
    ...(job.dateOrder === null ? {} : { dateOrder: job.dateOrder }),
  });
  const vocabulary = vocabularyOf(job.kind);
  const plan: ImportJobPlan = {
    format: opened.plan.format
      ? {
          id: opened.plan.format.id,
          label: opened.plan.format.label,
          known: opened.plan.format.known,
          total: opened.plan.format.total,
        }
      : null,
    columns: opened.plan.columns.map((c) => ({
      column: c.column,
      target: describeTarget(c.target, vocabulary),
      decidedBy: c.decidedBy,
    })),
    dates: opened.dates,
  };
  const notes = NoteTally.from(job.notes as ImportNote[]);
  const prepare = preparerOf(ctx, job.kind, opened);
  let rowNumber = 0;
  let committedRows = job.rowsRead;
  let chunks = 0;
  let chunk: (ChunkRow & { record: SourceRecord })[] = [];
  const commit = async () => {
    const rows = chunk;
    chunk = [];
    const stored = await ctx.store.transaction(async (store) => {
      const written = await writeChunk({ ...ctx, store }, job.actor, job.kind, rows);
      const byRow = new Map(rows.map((r) => [r.rowNumber, r.record]));
      return store.imports.recordChunk(job.id, {
        fromRow: committedRows,
        rows: rows.length,
        created: written.created,
        updated: written.updated,
        skipped: written.skipped,
        rejects: written.rejects.map((r) => {
          const record = byRow.get(r.rowNumber);
          return { ...r, record: record ? rawCells(record) : undefined };
        }),
        leadIds: written.leadIds,
        notes: notes.list(),
        plan,
        leasedUntil: leaseEnd(),
      });
    });
    // Another run committed this chunk: it holds the job now.
    if (!stored) return false;
    committedRows += rows.length;
    chunks += 1;
    // Lets requests and timers run between chunks.
    await new Promise((resolve) => setImmediate(resolve));
    return true;
  };
  for await (const record of opened.records) {
    rowNumber += 1;
    if (rowNumber <= job.rowsRead) continue;
    if (options.stopAfter !== undefined && chunks >= options.stopAfter) return true;
    if (options.signal?.aborted) return true;
    const prepared = await prepare(record);
    notes.add(prepared.location, prepared.notes);
    chunk.push({ rowNumber, prepared, record });
    if (chunk.length >= job.chunkRows && !(await commit())) return true;
  }
  if (chunk.length > 0 || committedRows === job.rowsRead) {
    if (options.stopAfter !== undefined && chunks >= options.stopAfter) return true;
    // The last chunk (or, for a file without records, the plan and notes).
    if (!(await commit())) return true;
  }
  return false;
}

/** A record as the file held it, kept with a rejected row: CSV cells as text, a JSON item as is. */
function rawCells(record: SourceRecord): unknown {
  if (record.kind === 'row') return record.values;
  if (record.kind === 'object') return record.value;
  return undefined;
}

/** Runs every import job that no run holds (queued, or left by a stopped process). */
export async function resumeImportJobs(ctx: AppContext, signal?: AbortSignal): Promise<ImportJob[]> {
  await ctx.store.imports.removeStaleUploads(new Date(ctx.clock().getTime() - STALE_UPLOAD_MS));
  const ran: ImportJob[] = [];
  for (const id of await ctx.store.imports.resumable(ctx.clock())) {
    if (signal?.aborted) break;
    ran.push(await runImportJob(ctx, id, signal ? { signal } : {}));
  }
  return ran;
}

/** Columns of rejected.csv before the file's own. */
export const REJECT_COLUMNS = ['line', 'reason'] as const;
const REJECT_PAGE = 1000;

/**
 * The rejected rows of a job as CSV records, in file order: where (line number, or the location
 * as given for a JSON item), why, then the row as it was in the file (CSV: its columns; NDJSON:
 * the object as JSON in a `record` column), so that the fixed file can be imported again.
 */
export async function* rejectedRows(ctx: AppContext, id: string): AsyncGenerator<string[]> {
  const job = await importJob(ctx, id);
  const plan = job.plan as ImportJobPlan | null;
  const columns = job.format === 'csv' ? (plan?.columns.map((c) => c.column) ?? []) : ['record'];
  yield [...REJECT_COLUMNS, ...columns];
  for (let after = 0; ; ) {
    const page = await ctx.store.imports.rejects(id, after, REJECT_PAGE);
    for (const reject of page) {
      const cells = (reject.record ?? {}) as Record<string, string>;
      const line = /^line (\d+)$/.exec(reject.location)?.[1] ?? reject.location;
      // Cells as the import will read them back: a formula-like value stays escaped (CSV injection).
      yield [
        line,
        escapeFormula(reject.reason),
        ...(job.format === 'csv'
          ? columns.map((c) => escapeFormula(unescapeFormula(cells[c] ?? '')))
          : [reject.record === null ? '' : JSON.stringify(reject.record)]),
      ];
    }
    if (page.length < REJECT_PAGE) return;
    after = page.at(-1)?.rowNumber ?? after;
  }
}
