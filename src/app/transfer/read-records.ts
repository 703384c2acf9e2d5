import { isUtf8 } from 'node:buffer';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { HearthError } from '../../domain/errors.js';

export const FILE_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** One record of an import file with where it came from, for error reports. */
export type SourceRecord =
  | { readonly location: string; readonly kind: 'row'; readonly values: Record<string, string> }
  | { readonly location: string; readonly kind: 'object'; readonly value: unknown }
  | { readonly location: string; readonly kind: 'unreadable'; readonly reason: string };

/** The format a file name implies, if any: `.csv`, `.ndjson`/`.jsonl`, `.json`. */
export function formatFromName(name: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

/**
 * Streams the records of a CSV (header row), NDJSON or JSON-array file one at a time, so that a
 * file of any size is never held in memory. A line that cannot be read becomes an `unreadable`
 * record (reported, skipped) rather than stopping the import, except where the format makes the
 * rest of the file unreadable too (a broken JSON array).
 */
export async function* readRecords(file: Readable, format: FileFormat): AsyncGenerator<SourceRecord> {
  const input = Readable.from(utf8Only(file));
  switch (format) {
    case 'csv':
      yield* readCsv(input);
      return;
    case 'ndjson':
      yield* readNdjson(input);
      return;
    case 'json':
      yield* readJsonArray(input);
      return;
  }
}

/**
 * The file's bytes, unchanged, as long as they are UTF-8. A file in another encoding (Latin-1 from
 * a spreadsheet, UTF-16) would otherwise be stored with U+FFFD in place of every accented letter,
 * silently: the import stops at the first line that is not UTF-8.
 */
async function* utf8Only(input: Readable): AsyncGenerator<Buffer> {
  let line = 1;
  let carry = Buffer.alloc(0); // an incomplete last line, checked with the next chunk
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const text = Buffer.concat([carry, bytes]);
    const end = text.lastIndexOf(0x0a) + 1;
    let start = 0;
    while (start < end) {
      const next = text.indexOf(0x0a, start) + 1;
      if (!isUtf8(text.subarray(start, next))) throw notUtf8(line);
      line += 1;
      start = next;
    }
    carry = text.subarray(end);
    yield bytes;
  }
  if (!isUtf8(carry)) throw notUtf8(line);
}

function notUtf8(line: number): HearthError {
  return new HearthError(
    'invalid',
    `line ${line}: not valid UTF-8; save the file as UTF-8 and import it again (what was already imported is skipped)`,
    { line },
  );
}

async function* readCsv(input: Readable): AsyncGenerator<SourceRecord> {
  const parser = parseCsv({
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim()),
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    // A bad row (e.g. an unclosed quote) is reported by line instead of ending the import.
    skip_records_with_error: true,
    raw: true,
  });
  // An error reading the file (not UTF-8) destroys the parser with it: the loop below throws it.
  pipeline(input, parser).catch(() => {});
  const skipped: SourceRecord[] = [];
  const skippedLines = new Set<number>();
  parser.on('skip', (error: Error & { lines?: number }) => {
    // One broken record can raise several errors; it is one rejected record.
    const at = error.lines ?? 0;
    if (skippedLines.has(at)) return;
    skippedLines.add(at);
    skipped.push({ location: `line ${at}`, kind: 'unreadable', reason: error.message });
  });
  type Parsed = { record: Record<string, string>; raw: string; info: { lines: number } };
  for await (const item of parser as AsyncIterable<Parsed>) {
    while (skipped.length > 0) yield skipped.shift() as SourceRecord;
    // `lines` counts to the end of the record; a quoted field may span lines, report where it starts.
    const spans = item.raw.replace(/\r?\n$/, '').split('\n').length - 1;
    yield { location: `line ${item.info.lines - spans}`, kind: 'row', values: item.record };
  }
  yield* skipped;
}

async function* readNdjson(input: Readable): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const rawLine of lines) {
    number += 1;
    const line = number === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (line.trim() === '') continue;
    try {
      yield { location: `line ${number}`, kind: 'object', value: JSON.parse(line) };
    } catch (error) {
      yield {
        location: `line ${number}`,
        kind: 'unreadable',
        reason: `not valid JSON (${(error as Error).message})`,
      };
    }
  }
}

async function* readJsonArray(input: Readable): AsyncGenerator<SourceRecord> {
  const items = streamArray.withParserAsStream();
  pipeline(input, items).catch(() => {}); // a read error ends the loop below with it
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      yield { location: `item ${item.key + 1}`, kind: 'object', value: item.value };
    }
  } catch (error) {
    if (error instanceof HearthError) throw error;
    yield {
      location: 'file',
      kind: 'unreadable',
      reason: `not a valid JSON array (${(error as Error).message})`,
    };
  }
}
