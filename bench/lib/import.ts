// Bulk import through the real command (`hearth import`, a child process), and the limit it is
// compared with: a raw COPY of the very rows the import stored, in their table form, into a table
// shaped like `events` (LIKE … INCLUDING ALL: the same columns, identity, defaults and indexes;
// no foreign key), in the same database
// and the same run.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../generate.js';
import type { BenchDatabase } from './database.js';
import { runHearth } from './processes.js';
import { round } from './stats.js';

export interface ImportRun {
  readonly file: string;
  readonly rows: number;
  readonly summary: string;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number | null;
}

export interface EventImportRun extends ImportRun {
  readonly copy: { readonly rows: number; readonly seconds: number; readonly rowsPerSecond: number };
  /** Import rows/s over raw COPY rows/s (target ≥ 0.5). */
  readonly ratioToCopy: number;
}

export interface ImportFigures {
  readonly leads: ImportRun;
  readonly ndjson: EventImportRun;
  readonly csv: EventImportRun;
}

const STORED = ['lead_id', 'type', 'occurred_at', 'external_id', 'properties', 'received_at'];

async function importFile(
  database: BenchDatabase,
  kind: 'leads' | 'events',
  file: string,
  rows: number,
  extra: string[] = [],
) {
  const run = await runHearth(database.env, ['import', kind, file, ...extra]);
  const summary = run.stdout.trim().split('\n')[0] ?? '';
  if (!/rejected 0\b/.test(summary))
    throw new Error(`hearth import ${kind} ${file} rejected rows: ${summary}`);
  return {
    file,
    rows,
    summary,
    seconds: round(run.ms / 1000),
    rowsPerSecond: round(rows / (run.ms / 1000), 0),
    peakRssMb: run.peakRssBytes === null ? null : round(run.peakRssBytes / 1024 / 1024, 0),
  } satisfies ImportRun;
}

async function maxEventId(database: BenchDatabase): Promise<number> {
  const session = await database.session();
  try {
    const [row] = await session.query<{ id: number }>('select coalesce(max(id), 0)::int as id from events');
    return row?.id ?? 0;
  } finally {
    await session.close();
  }
}

/** COPY the events stored with ids in (after, upTo] into a fresh copy of the events table. */
async function rawCopy(database: BenchDatabase, after: number, upTo: number) {
  const file = join(tmpdir(), `hearth-bench-copy-${process.pid}.csv`);
  const session = await database.session();
  try {
    await session.copyOut(
      `select ${STORED.join(', ')} from events where id > ${after} and id <= ${upTo} order by id`,
      file,
    );
    await session.query('drop table if exists bench_copy');
    await session.query('create table bench_copy (like events including all)');
    const copied = await session.copyIn(`bench_copy (${STORED.join(', ')})`, file, 'format csv');
    await session.query('drop table bench_copy');
    return {
      rows: copied.rows,
      seconds: round(copied.ms / 1000, 3),
      rowsPerSecond: round(copied.rows / (copied.ms / 1000), 0),
    };
  } finally {
    await session.close();
    rmSync(file, { force: true });
  }
}

async function eventImport(database: BenchDatabase, file: string, rows: number): Promise<EventImportRun> {
  const before = await maxEventId(database);
  const imported = await importFile(database, 'events', file, rows);
  const after = await maxEventId(database);
  const copy = await rawCopy(database, before, after);
  return { ...imported, copy, ratioToCopy: round(imported.rowsPerSecond / copy.rowsPerSecond, 3) };
}

export async function importBenchmark(database: BenchDatabase, manifest: Manifest): Promise<ImportFigures> {
  const { leadsImport, eventsNdjson, eventsCsv } = manifest.files;
  return {
    leads: await importFile(database, 'leads', leadsImport.path, leadsImport.rows, [
      '--map',
      'outcome=outcome',
      '--map',
      'decidedAt=decidedAt',
    ]),
    ndjson: await eventImport(database, eventsNdjson.path, eventsNdjson.rows),
    csv: await eventImport(database, eventsCsv.path, eventsCsv.rows),
  };
}
