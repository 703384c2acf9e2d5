// Memory of a large import: the real command (`hearth import events FILE`, a child process) into a
// fresh, empty PGlite data directory of its own (not the run's base-loaded one), with the first N
// events of events-bulk.ndjson (N = 1,000,000 or as many as the data set has). Its peak RSS
// (VmHWM) is the figure; rows/s comes along. The data directory is a copy of the run's own right
// after its first start (empty and migrated, before the base load) or, without one, is made and
// migrated first by a command of its own (`hearth queue`): PGlite's initdb and the migrations count
// in neither the import's time nor its memory. The events name their leads by email and none of those leads
// exists yet: the import creates them (checked by counting them afterwards).
import { cpSync, createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Manifest } from '../generate.js';
import { describeDatabase, embeddedDatabase } from './database.js';
import { runHearth } from './processes.js';
import { round } from './stats.js';
import { close, write } from './streams.js';

export const MEMORY_EVENTS = 1_000_000;

export interface MemoryFigures {
  /** Events in the file imported. */
  readonly events: number;
  /** Leads the import created for them (none existed before). */
  readonly leads: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number | null;
  /** The command's summary line. */
  readonly summary: string;
  /**
   * The command before it that made and migrated the empty database (not part of the figure);
   * null when the data directory was copied from an empty, migrated one.
   */
  readonly prepare: { readonly seconds: number; readonly peakRssMb: number | null } | null;
}

const mb = (bytes: number | null) => (bytes === null ? null : round(bytes / 1024 / 1024, 0));

/** Copies the first `count` lines of `from` to `to`, line by line; returns how many it copied. */
async function firstLines(from: string, to: string, count: number): Promise<number> {
  const input = createReadStream(from);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const out = createWriteStream(to);
  let copied = 0;
  try {
    for await (const line of lines) {
      if (copied >= count) break;
      if (line.length === 0) continue;
      await write(out, `${line}\n`);
      copied += 1;
    }
  } finally {
    lines.close();
    input.destroy();
    await close(out);
  }
  return copied;
}

/**
 * `emptyDataDir`: a data directory (HEARTH_DATA_DIR) no Hearth process holds, migrated and without
 * leads or events, to copy; without it the step makes its own.
 */
export async function memoryBenchmark(
  manifest: Manifest,
  wanted: number,
  emptyDataDir?: string,
): Promise<{ figures: MemoryFigures; version: string }> {
  const source = manifest.files.eventsBulk;
  const count = Math.min(wanted, source.rows);
  const folder = mkdtempSync(join(tmpdir(), 'hearth-bench-memory-'));
  const file = join(folder, 'events.ndjson');
  const database = embeddedDatabase();
  try {
    const events = await firstLines(source.path, file, count);
    let prepare: MemoryFigures['prepare'] = null;
    if (emptyDataDir === undefined) {
      const made = await runHearth(database.env, ['queue']);
      prepare = { seconds: round(made.ms / 1000), peakRssMb: mb(made.peakRssBytes) };
    } else {
      cpSync(emptyDataDir, database.env.HEARTH_DATA_DIR as string, { recursive: true });
    }
    const run = await runHearth(database.env, ['import', 'events', file]);
    const summary = run.stdout.trim().split('\n')[0] ?? '';
    if (!/rejected 0\b/.test(summary) || !new RegExp(`created ${events}\\b`).test(summary))
      throw new Error(`hearth import events (${events} events, empty database): ${summary}`);
    const session = await database.session();
    try {
      const [row] = await session.query<{ leads: number; events: number }>(
        'select (select count(*) from leads)::int as leads, (select count(*) from events)::int as events',
      );
      if (row?.events !== events)
        throw new Error(`hearth import events stored ${row?.events} events, not ${events}`);
      return {
        figures: {
          events,
          leads: row.leads,
          seconds: round(run.ms / 1000),
          rowsPerSecond: round(events / (run.ms / 1000), 0),
          peakRssMb: mb(run.peakRssBytes),
          summary,
          prepare,
        },
        version: await describeDatabase(session, 'pglite'),
      };
    } finally {
      await session.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  }
}
