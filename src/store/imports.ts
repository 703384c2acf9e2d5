import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Principal } from '../domain/access.js';
import type { Database, ImportJobsTable } from './schema.js';

export type ImportJobState = ImportJobsTable['state'];

/** An import job as stored: its file, mapping and progress (docs/import.md). */
export interface ImportJob {
  readonly id: string;
  readonly kind: 'leads' | 'events';
  readonly format: 'csv' | 'ndjson' | 'json';
  readonly fileName: string | null;
  /** Column → target overrides, as `--map` gives them. */
  readonly columnMap: Readonly<Record<string, string>>;
  readonly dateOrder: 'mdy' | 'dmy' | null;
  readonly chunkRows: number;
  readonly state: ImportJobState;
  readonly sizeBytes: number;
  /** Records in the file, once counted (the first thing a run does). */
  readonly totalRows: number | null;
  readonly rowsRead: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly rejected: number;
  /** The mapping and date order the run decided (what the preview shows), once it started. */
  readonly plan: unknown;
  readonly notes: readonly unknown[];
  readonly error: string | null;
  readonly leasedUntil: Date | null;
  /** Who the job writes as: its creator's user, key and role. */
  readonly actor: Principal;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export interface NewImportJob {
  readonly id: string;
  readonly kind: ImportJob['kind'];
  readonly format: ImportJob['format'];
  readonly fileName: string | null;
  readonly columnMap: Readonly<Record<string, string>>;
  readonly dateOrder: ImportJob['dateOrder'];
  readonly chunkRows: number;
  readonly actor: Principal;
  readonly createdAt: Date;
}

/** One committed chunk: what it adds to the job's counts, its rejects and the leads it wrote. */
export interface ImportChunkProgress {
  /** `rows_read` the chunk started from: the write is refused if another run got there first. */
  readonly fromRow: number;
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly rejects: readonly { rowNumber: number; location: string; reason: string; record: unknown }[];
  readonly leadIds: readonly string[];
  readonly notes: readonly unknown[];
  readonly plan: unknown;
  readonly leasedUntil: Date;
}

/**
 * Import jobs, their uploaded file (in pieces), the rows they rejected and the leads they wrote.
 *
 * @example
 * await store.imports.create({ id, kind: 'leads', format: 'csv', … });
 * await store.imports.appendChunk(id, 0, bytes);
 */
export interface ImportStore {
  create(job: NewImportJob): Promise<ImportJob>;
  appendChunk(jobId: string, seq: number, bytes: Uint8Array): Promise<void>;
  /** The upload is complete: `uploading` → `queued`. */
  finishUpload(jobId: string, sizeBytes: number): Promise<void>;
  /** Removes a job and everything it holds (an upload that failed). */
  remove(jobId: string): Promise<void>;
  get(jobId: string): Promise<ImportJob | undefined>;
  /** Newest first. */
  list(limit: number): Promise<ImportJob[]>;
  /** The upload's piece `seq`, or undefined past the last one. */
  chunk(jobId: string, seq: number): Promise<Uint8Array | undefined>;
  /**
   * Takes the job for a run until `until`, when it is queued or running and no other run holds it
   * (its lease ran out before `now`). Marks it running. Undefined when not taken.
   */
  claim(jobId: string, now: Date, until: Date): Promise<ImportJob | undefined>;
  /** Gives the lease back (a run that stopped without finishing). */
  release(jobId: string): Promise<void>;
  /** Keeps the lease of a run still working (counting a large file). */
  extendLease(jobId: string, until: Date): Promise<void>;
  setTotalRows(jobId: string, totalRows: number): Promise<void>;
  /**
   * Adds a committed chunk's counts, rejects and leads, in the caller's transaction. False (and
   * nothing written) when `rows_read` is no longer `fromRow`: another run stored that chunk.
   */
  recordChunk(jobId: string, progress: ImportChunkProgress): Promise<boolean>;
  /** Ends the job (done or failed) and drops its upload. */
  finish(jobId: string, state: 'done' | 'failed', at: Date, error: string | null): Promise<void>;
  /** Jobs a run should pick up: queued or running, lease expired. */
  resumable(now: Date): Promise<string[]>;
  /** Uploads begun before `before` that never completed (the request died with its process). */
  removeStaleUploads(before: Date): Promise<number>;
  /** Rejected rows in file order, `afterRow` exclusive, at most `limit`. */
  rejects(
    jobId: string,
    afterRow: number,
    limit: number,
  ): Promise<{ rowNumber: number; location: string; reason: string; record: unknown }[]>;
}

const toJob = (r: Selectable<ImportJobsTable>): ImportJob => {
  return {
    id: r.id,
    kind: r.kind,
    format: r.format,
    fileName: r.file_name,
    columnMap: r.column_map,
    dateOrder: r.date_order,
    chunkRows: r.chunk_rows,
    state: r.state,
    sizeBytes: Number(r.size_bytes),
    totalRows: r.total_rows,
    rowsRead: r.rows_read,
    created: r.created,
    updated: r.updated,
    skipped: r.skipped,
    rejected: r.rejected,
    plan: r.plan,
    notes: r.notes,
    error: r.error,
    leasedUntil: r.leased_until,
    actor: { role: r.created_by_role, userId: r.created_by, keyId: r.created_by_key },
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
};

// Inserted a few hundred at a time: one statement per chunk of rejects or leads, bounded in size.
const INSERT_BATCH = 500;

export function importStore(db: Kysely<Database> | Transaction<Database>): ImportStore {
  const get = async (jobId: string) => {
    const row = await db.selectFrom('import_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    return row ? toJob(row) : undefined;
  };
  return {
    create: async (job) => {
      const row = await db
        .insertInto('import_jobs')
        .values({
          id: job.id,
          kind: job.kind,
          format: job.format,
          file_name: job.fileName,
          column_map: JSON.stringify(job.columnMap),
          date_order: job.dateOrder,
          chunk_rows: job.chunkRows,
          state: 'uploading',
          created_by: job.actor.userId,
          created_by_key: job.actor.keyId,
          created_by_role: job.actor.role,
          created_at: job.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row);
    },
    appendChunk: async (jobId, seq, bytes) => {
      await db.insertInto('import_job_chunks').values({ job_id: jobId, seq, bytes }).execute();
    },
    finishUpload: async (jobId, sizeBytes) => {
      await db
        .updateTable('import_jobs')
        .set({ state: 'queued', size_bytes: sizeBytes })
        .where('id', '=', jobId)
        .where('state', '=', 'uploading')
        .execute();
    },
    remove: async (jobId) => {
      await db.deleteFrom('import_jobs').where('id', '=', jobId).execute();
    },
    get,
    list: async (limit) => {
      const rows = await db
        .selectFrom('import_jobs')
        .selectAll()
        .where('state', '!=', 'uploading')
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toJob);
    },
    chunk: async (jobId, seq) => {
      const row = await db
        .selectFrom('import_job_chunks')
        .select('bytes')
        .where('job_id', '=', jobId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return row?.bytes;
    },
    claim: async (jobId, now, until) => {
      const row = await db
        .updateTable('import_jobs')
        .set({ state: 'running', leased_until: until })
        .where('id', '=', jobId)
        .where('state', 'in', ['queued', 'running'])
        .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
        .returningAll()
        .executeTakeFirst();
      return row ? toJob(row) : undefined;
    },
    release: async (jobId) => {
      await db.updateTable('import_jobs').set({ leased_until: null }).where('id', '=', jobId).execute();
    },
    extendLease: async (jobId, until) => {
      await db.updateTable('import_jobs').set({ leased_until: until }).where('id', '=', jobId).execute();
    },
    setTotalRows: async (jobId, totalRows) => {
      await db.updateTable('import_jobs').set({ total_rows: totalRows }).where('id', '=', jobId).execute();
    },
    recordChunk: async (jobId, p) => {
      const moved = await db
        .updateTable('import_jobs')
        .set((eb) => ({
          rows_read: eb('rows_read', '+', p.rows),
          created: eb('created', '+', p.created),
          updated: eb('updated', '+', p.updated),
          skipped: eb('skipped', '+', p.skipped),
          rejected: eb('rejected', '+', p.rejects.length),
          notes: JSON.stringify(p.notes),
          plan: JSON.stringify(p.plan),
          leased_until: p.leasedUntil,
        }))
        .where('id', '=', jobId)
        .where('rows_read', '=', p.fromRow)
        .where('state', '=', 'running')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      for (let i = 0; i < p.rejects.length; i += INSERT_BATCH) {
        await db
          .insertInto('import_job_rejects')
          .values(
            p.rejects.slice(i, i + INSERT_BATCH).map((r) => ({
              job_id: jobId,
              row_number: r.rowNumber,
              location: r.location,
              reason: r.reason,
              record: r.record === undefined ? null : JSON.stringify(r.record),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      const leadIds = [...new Set(p.leadIds)];
      for (let i = 0; i < leadIds.length; i += INSERT_BATCH) {
        await db
          .insertInto('import_job_leads')
          .values(leadIds.slice(i, i + INSERT_BATCH).map((leadId) => ({ job_id: jobId, lead_id: leadId })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      return true;
    },
    finish: async (jobId, state, at, error) => {
      await db
        .updateTable('import_jobs')
        .set({ state, finished_at: at, error, leased_until: null })
        .where('id', '=', jobId)
        .execute();
      await db.deleteFrom('import_job_chunks').where('job_id', '=', jobId).execute();
    },
    resumable: async (now) => {
      const rows = await db
        .selectFrom('import_jobs')
        .select('id')
        .where('state', 'in', ['queued', 'running'])
        .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
        .orderBy('created_at')
        .execute();
      return rows.map((r) => r.id);
    },
    removeStaleUploads: async (before) => {
      const result = await db
        .deleteFrom('import_jobs')
        .where('state', '=', 'uploading')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    rejects: async (jobId, afterRow, limit) => {
      const rows = await db
        .selectFrom('import_job_rejects')
        .select(['row_number', 'location', 'reason', 'record'])
        .where('job_id', '=', jobId)
        .where('row_number', '>', afterRow)
        .orderBy('row_number')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        rowNumber: r.row_number,
        location: r.location,
        reason: r.reason,
        record: r.record,
      }));
    },
  };
}
