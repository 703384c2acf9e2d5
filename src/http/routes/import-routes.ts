import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify';
import type { FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import type { AppContext } from '../../app/context.js';
import {
  createImportJob,
  IMPORT_DEFAULTS,
  type ImportJob,
  type ImportLimits,
  importJob,
  limitedTo,
  rejectedRows,
  runImportJob,
} from '../../app/transfer/import-jobs.js';
import { previewImport } from '../../app/transfer/import-preview.js';
import { type FileFormat, formatFromName } from '../../app/transfer/read-records.js';
import { HearthError } from '../../domain/errors.js';
import { principalOf } from '../auth.js';
import { ErrorBody } from '../error-mapping.js';
import { DateTime, NullableDateTime } from '../schemas.js';

// The file is the body, streamed as it arrives: these types reach the handler as a stream.
const FILE_TYPES: Readonly<Record<string, FileFormat>> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};
const UNTYPED = ['application/octet-stream', 'text/plain'];

const ImportQuery = Type.Object(
  {
    kind: Type.Optional(
      Type.Enum(['leads', 'events'], { default: 'leads', description: 'What the file holds.' }),
    ),
    format: Type.Optional(
      Type.Enum(['csv', 'ndjson'], {
        description:
          'Default: from the Content-Type (`text/csv`, `application/x-ndjson`), else from `fileName`.',
      }),
    ),
    fileName: Type.Optional(
      Type.String({ maxLength: 255, description: 'The uploaded file’s name, kept with the job.' }),
    ),
    map: Type.Optional(
      Type.Array(Type.String({ maxLength: 1000 }), {
        maxItems: 500,
        description:
          'Mapping overrides, one per column, repeated: `map=Mobile=phone&map=Notes=ignore`. A target is a field (`company`, `firstName`, `outcome`, …), `attributes.NAME` (`properties.NAME` for events) or `ignore`; the column name is everything before the last `=`.',
      }),
    ),
    dateOrder: Type.Optional(
      Type.Enum(['mdy', 'dmy'], { description: 'How slashed dates read; default: decided from the file.' }),
    ),
  },
  { additionalProperties: false },
);
type ImportQuery = Static<typeof ImportQuery>;

const ColumnView = Type.Object({
  column: Type.String(),
  target: Type.String({ description: 'A field, `attributes.NAME` / `properties.NAME`, or `ignore`.' }),
  decidedBy: Type.Enum(['mapping', 'known format', 'exact name', 'synonym', 'attribute']),
});
const FormatView = Type.Union([
  Type.Object({ id: Type.String(), label: Type.String(), known: Type.Integer(), total: Type.Integer() }),
  Type.Null(),
]);
const DatesView = Type.Object({
  order: Type.Enum(['mdy', 'dmy']),
  decidedBy: Type.Enum(['given', 'file', 'default']),
  evidence: Type.Object({ mdy: Type.Integer(), dmy: Type.Integer() }),
});
const NoteView = Type.Object({
  column: Type.String(),
  message: Type.String(),
  rows: Type.Integer(),
  first: Type.String(),
});

const PreviewView = Type.Object({
  kind: Type.Enum(['leads', 'events']),
  format: FormatView,
  columns: Type.Array(ColumnView),
  dates: DatesView,
  counts: Type.Object({
    read: Type.Integer(),
    create: Type.Integer(),
    update: Type.Integer(),
    skip: Type.Integer(),
    reject: Type.Integer(),
  }),
  problems: Type.Array(Type.Object({ location: Type.String(), reason: Type.String() }), {
    description: 'The first rejected rows, in file order; `counts.reject` counts them all.',
  }),
  notes: Type.Array(NoteView),
  firstRows: Type.Array(
    Type.Object({ location: Type.String(), cells: Type.Record(Type.String(), Type.String()) }),
    { description: 'The first records as the file holds them.' },
  ),
  choices: Type.Object({
    targets: Type.Array(Type.String()),
    extrasKey: Type.Enum(['attributes', 'properties']),
  }),
});

const JobView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.Enum(['leads', 'events']),
  format: Type.Enum(['csv', 'ndjson', 'json']),
  fileName: Type.Union([Type.String(), Type.Null()]),
  state: Type.Enum(['queued', 'running', 'done', 'failed']),
  sizeBytes: Type.Integer(),
  totalRows: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Records in the file, once the run has counted them.',
  }),
  rowsRead: Type.Integer({ description: 'Records written or refused so far (committed chunks).' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer({ description: 'Records already stored as given.' }),
  rejected: Type.Integer({ description: 'Rows refused; GET …/rejected.csv lists them.' }),
  columnMap: Type.Record(Type.String(), Type.String(), { description: 'The mapping overrides given.' }),
  plan: Type.Union(
    [Type.Object({ format: FormatView, columns: Type.Array(ColumnView), dates: DatesView }), Type.Null()],
    { description: 'The mapping the run applies, once started.' },
  ),
  notes: Type.Array(NoteView),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed job stopped.' }),
  leadsQuery: Type.String({
    description: 'The leads list filter of the leads this import named: `import=ID`.',
  }),
  createdAt: DateTime(),
  finishedAt: NullableDateTime(),
});

const jobView = (job: ImportJob) => ({
  id: job.id,
  kind: job.kind,
  format: job.format,
  fileName: job.fileName,
  state: job.state === 'uploading' ? ('queued' as const) : job.state,
  sizeBytes: job.sizeBytes,
  totalRows: job.totalRows,
  rowsRead: job.rowsRead,
  created: job.created,
  updated: job.updated,
  skipped: job.skipped,
  rejected: job.rejected,
  columnMap: job.columnMap,
  plan: job.plan as Static<typeof JobView>['plan'],
  notes: job.notes as Static<typeof NoteView>[],
  error: job.error,
  leadsQuery: `import=${job.id}`,
  createdAt: job.createdAt,
  finishedAt: job.finishedAt,
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody };

/** `map=COLUMN=TARGET` pairs as a column map; the column is all before the last `=`. */
function columnMapOf(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || pair.slice(at + 1).trim() === '') {
      throw HearthError.invalid([{ path: 'query.map', message: `"${pair}" is not COLUMN=TARGET` }]);
    }
    map[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return map;
}

/** The request's file: its bytes (as they arrive), its format and the options of the query. */
function uploadOf(
  request: Pick<FastifyRequest, 'body' | 'headers'> & { query: ImportQuery },
  limits: ImportLimits,
) {
  const body = request.body;
  if (!(body instanceof Readable)) {
    throw HearthError.invalid([
      { path: 'body', message: 'send the file itself as the body, as text/csv or application/x-ndjson' },
    ]);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    throw new HearthError(
      'too_large',
      `The file is larger than the import limit of ${limits.maxBytes} bytes (HEARTH_IMPORT_MAX_BYTES)`,
      { limit: limits.maxBytes },
    );
  }
  const query = request.query;
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format =
    query.format ?? FILE_TYPES[contentType] ?? (query.fileName ? formatFromName(query.fileName) : undefined);
  if (format === undefined || format === 'json') {
    throw HearthError.invalid([
      {
        path: 'query.format',
        message: 'cannot tell the file’s format: send text/csv or application/x-ndjson, or give format',
      },
    ]);
  }
  return {
    bytes: limitedTo(body, limits.maxBytes),
    request: {
      kind: query.kind ?? 'leads',
      format,
      ...(query.fileName ? { fileName: query.fileName } : {}),
      columnMap: columnMapOf(query.map ?? []),
      ...(query.dateOrder ? { dateOrder: query.dateOrder } : {}),
    },
  };
}

/**
 * Imports through the API (docs/import.md): a preview that writes nothing, and jobs that store the
 * upload and write it chunk by chunk, resumable by any instance (jobs/import-jobs.ts).
 */
export function importRoutes(
  ctx: AppContext,
  limits: ImportLimits = IMPORT_DEFAULTS,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Runs started by this server; closing stops each after its chunk (the rest resumes later).
    const running = new Set<Promise<unknown>>();
    const closing = new AbortController();
    app.addHook('onClose', async () => {
      closing.abort();
      await Promise.allSettled([...running]);
    });
    app.addContentTypeParser([...Object.keys(FILE_TYPES), ...UNTYPED], (_request, payload, done) =>
      done(null, payload),
    );

    app.post(
      '/imports/preview',
      {
        config: { permission: 'leads:import' },
        schema: {
          tags: ['imports'],
          summary: 'What importing this file would do, writing nothing',
          description:
            'The body is the file (CSV or NDJSON, streamed; at most HEARTH_IMPORT_MAX_BYTES). Answers what `hearth import … --dry-run` prints: the detected export format, each column’s target and how it was decided, the date order, the counts that would be created, updated, skipped and rejected, the first problems with their lines, and the first rows.',
          querystring: ImportQuery,
          response: { 200: PreviewView, ...errors },
        },
      },
      async (request) => {
        const upload = uploadOf(request, limits);
        // Readonly in the service, as sent here.
        return (await previewImport(ctx, Readable.from(upload.bytes), upload.request)) as Static<
          typeof PreviewView
        >;
      },
    );

    app.post(
      '/imports',
      {
        config: { permission: 'leads:import' },
        schema: {
          tags: ['imports'],
          summary: 'Upload a file and import it as a background job',
          description:
            'The body is the file, with the mapping the preview showed (and any `map` overrides). The upload is stored in the database, then written in chunks of HEARTH_IMPORT_CHUNK_ROWS rows; answers 202 with the job at once. Follow it at GET /api/v1/imports/{id}; a job interrupted by a restart resumes from its last chunk, in any instance.',
          querystring: ImportQuery,
          response: { 202: JobView, ...errors },
        },
      },
      async (request, reply) => {
        const upload = uploadOf(request, limits);
        const job = await createImportJob(ctx, principalOf(request), upload.bytes, upload.request, limits);
        const work = runImportJob(ctx, job.id, { signal: closing.signal })
          .catch((error: unknown) => request.log.error({ err: error, importId: job.id }, 'import failed'))
          .finally(() => running.delete(work));
        running.add(work);
        return reply.status(202).send(jobView(job));
      },
    );

    app.get(
      '/imports/:id',
      {
        config: { permission: 'leads:import' },
        schema: {
          tags: ['imports'],
          summary: 'An import job: its progress, then its summary',
          params: IdParams,
          response: { 200: JobView, ...errors },
        },
      },
      async (request) => jobView(await importJob(ctx, request.params.id)),
    );

    app.get(
      '/imports/:id/rejected.csv',
      {
        config: { permission: 'leads:import' },
        schema: {
          tags: ['imports'],
          summary: 'The rows an import refused, as CSV',
          description:
            "Columns `line` and `reason`, then the row as the file had it (CSV: its columns; NDJSON: a `record` column of JSON): fix the rows and import this file again. Cells a spreadsheet would run as a formula are prefixed with `'`.",
          params: IdParams,
          produces: ['text/csv'],
          response: { 200: Type.String({ description: 'text/csv with a header row.' }), ...errors },
        },
      },
      async (request, reply) => {
        const rows = rejectedRows(ctx, request.params.id);
        // The job is looked up before the first byte: an unknown id is a 404, not an empty file.
        const header = await rows.next();
        const csv = Readable.from(
          (async function* () {
            if (!header.done) yield header.value;
            yield* rows;
          })(),
        ).pipe(stringify());
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="import-${request.params.id}-rejected.csv"`)
            // A stream is sent as it is read; the schema's string documents what arrives.
            .send(csv as unknown as string)
        );
      },
    );
  };
}
