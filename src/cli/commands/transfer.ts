import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { stringify } from 'csv-stringify';
import {
  csvCell,
  EVENT_EXPORT_COLUMNS,
  type ExportRow,
  exportEvents,
  exportLeads,
  LEAD_EXPORT_COLUMNS,
} from '../../app/transfer/export-records.js';
import { type ImportKind, type ImportReject, importRecords } from '../../app/transfer/import-file.js';
import type { ImportNote } from '../../app/transfer/import-notes.js';
import type { DateOrderDecision } from '../../app/transfer/import-plan.js';
import { type ImportPreview, previewImport } from '../../app/transfer/import-preview.js';
import { type FileFormat, formatFromName } from '../../app/transfer/read-records.js';
import { HearthError } from '../../domain/errors.js';
import type { DateOrder } from '../../domain/import/import-dates.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

export interface ImportCommandOptions {
  readonly format?: FileFormat;
  readonly map?: string[];
  readonly report?: string;
  readonly dryRun?: boolean;
  readonly dateOrder?: DateOrder;
}

/** `hearth import leads|events FILE`: streams the file with a progress bar, reports rejects by line. */
export async function importCommand(
  io: Io,
  kind: ImportKind,
  file: string,
  options: ImportCommandOptions,
): Promise<void> {
  const format = options.format ?? formatFromName(file);
  if (!format) {
    throw HearthError.invalid([
      { path: '--format', message: `cannot tell the format of ${file}; pass --format csv|ndjson|json` },
    ]);
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new HearthError('not_found', `Cannot read ${file}: no such file`);
  }
  const reportPath = options.report ?? `${file}.rejected.csv`;
  const rejects: ImportReject[] = [];
  const bar = io.err.isTTY
    ? new SingleBar({
        format: '{bar} {percentage}% | {value}/{total} bytes | {eta_formatted} left',
        stream: io.err,
      })
    : undefined;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      bar?.update(bytes);
      done(null, chunk);
    },
  });
  bar?.start(size, 0);
  const base = {
    kind,
    format,
    mappings: options.map ?? [],
    ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
  };
  if (options.dryRun) {
    const preview = await withApp(io, (app) =>
      previewImport(app.ctx, createReadStream(file).pipe(counter), base),
    ).finally(() => bar?.stop());
    printPreview(io, preview);
    return;
  }
  const summary = await withApp(io, async (app) => {
    const input = createReadStream(file).pipe(counter);
    return importRecords(app.ctx, OPERATOR, input, { ...base, onReject: (reject) => rejects.push(reject) });
  }).finally(() => bar?.stop());

  line(
    io.out,
    `${kind}: read ${summary.read}, created ${summary.created}, updated ${summary.updated}, skipped ${summary.skipped}, rejected ${summary.rejected}`,
  );
  printNotes(io, summary.notes);
  if (rejects.length > 0) {
    await pipeline(
      rejects.sort(byLocation).map((r) => ({ location: r.location, reason: r.reason })),
      stringify({ header: true, columns: ['location', 'reason'] }),
      createWriteStream(reportPath),
    );
    line(io.out, `rejected records and their reasons: ${reportPath}`);
  }
}

/** The dry run's report: the mapping and how each column's was decided, the dates, the counts. */
function printPreview(io: Io, preview: ImportPreview): void {
  const { format, counts } = preview;
  line(
    io.out,
    format
      ? `format: ${format.id} (${format.known} of ${format.total} columns known)`
      : 'format: not a known export (columns matched by name)',
  );
  line(io.out, 'columns:');
  const width = Math.max(...preview.columns.map((c) => c.column.length), 0);
  for (const c of preview.columns) line(io.out, `  ${c.column.padEnd(width)} → ${c.target} (${c.decidedBy})`);
  line(io.out, `dates: ${describeDates(preview.dates)}`);
  line(
    io.out,
    `${preview.kind} (dry run, nothing written): read ${counts.read}, would create ${counts.create}, update ${counts.update}, skip ${counts.skip}, reject ${counts.reject}`,
  );
  for (const p of preview.problems) line(io.out, `  ${p.location}: ${p.reason}`);
  if (counts.reject > preview.problems.length) {
    line(io.out, `  … and ${counts.reject - preview.problems.length} more rejected`);
  }
  printNotes(io, preview.notes);
}

function describeDates(dates: DateOrderDecision): string {
  const order = dates.order === 'mdy' ? 'MM/DD/YYYY (month first)' : 'DD/MM/YYYY (day first)';
  const why =
    dates.decidedBy === 'given'
      ? 'as given by --date-order'
      : dates.decidedBy === 'file'
        ? `decided from the file: ${dates.evidence.mdy} dates only month-first, ${dates.evidence.dmy} only day-first`
        : 'no date in the file tells; the default (pass --date-order dmy to change it)';
  return `slashed dates read as ${order}, ${why}`;
}

function printNotes(io: Io, notes: readonly ImportNote[]): void {
  for (const n of notes) {
    line(
      io.out,
      `note: ${n.column ? `${n.column}: ` : ''}${n.message} (${n.rows} rows${n.first ? `, first at ${n.first}` : ''})`,
    );
  }
}

// "line 12" after "line 9": rejects are found chunk by chunk, the report reads in file order.
function byLocation(a: ImportReject, b: ImportReject): number {
  const number = (r: ImportReject) => Number(/\d+/.exec(r.location)?.[0] ?? Number.MAX_SAFE_INTEGER);
  return number(a) - number(b);
}

export interface ExportCommandOptions {
  readonly format: 'csv' | 'ndjson';
  readonly out?: string;
}

/** `hearth export leads|events`: everything, streamed page by page to a file or stdout. */
export async function exportCommand(io: Io, kind: ImportKind, options: ExportCommandOptions): Promise<void> {
  await withApp(io, async (app) => {
    const rows = kind === 'leads' ? exportLeads(app.ctx) : exportEvents(app.ctx);
    const columns: readonly string[] = kind === 'leads' ? LEAD_EXPORT_COLUMNS : EVENT_EXPORT_COLUMNS;
    const target = options.out ? createWriteStream(options.out) : io.out;
    // stdout must stay open for whatever the shell prints next.
    const end = options.out !== undefined;
    if (options.format === 'csv') {
      const cells = async function* (source: AsyncIterable<ExportRow>) {
        for await (const row of source) yield columns.map((c) => csvCell(row[c] ?? null));
      };
      await pipeline(rows, cells, stringify({ header: true, columns: [...columns] }), target, { end });
    } else {
      const lines = async function* (source: AsyncIterable<ExportRow>) {
        for await (const row of source) yield `${JSON.stringify(row)}\n`;
      };
      await pipeline(rows, lines, target, { end });
    }
  });
}
