import type { Readable } from 'node:stream';
import { HearthError, isHearthError } from '../../domain/errors.js';
import {
  type ColumnPlan,
  type ColumnTarget,
  type ImportKind,
  parseMappings,
  parseTarget,
  planColumns,
  vocabularyOf,
} from '../../domain/import/column-plan.js';
import { type DateOrder, dateOrderEvidence } from '../../domain/import/import-dates.js';
import { type FileFormat, readRecords, type SourceRecord } from './read-records.js';

/** How the file's slashed dates (`03/04/2025`) are read, and why. */
export interface DateOrderDecision {
  readonly order: DateOrder;
  /** `given`: by the caller; `file`: the file's own dates show it; `default`: nothing showed it. */
  readonly decidedBy: 'given' | 'file' | 'default';
  /** How many sampled dates could only be month-first or only day-first. */
  readonly evidence: { readonly mdy: number; readonly dmy: number };
}

/** What an import or preview reads before its first row: the mapping and the date order. */
export interface ImportOptionsBase {
  readonly kind: ImportKind;
  readonly format: FileFormat;
  /** `--map` options, e.g. `["Company Name=company"]`. */
  readonly mappings?: readonly string[];
  /** Column → target, as the API and the wizard give them (a column name may hold commas). */
  readonly columnMap?: Readonly<Record<string, string>>;
  /** Forces the day/month order of slashed dates instead of deciding it from the file. */
  readonly dateOrder?: DateOrder;
}

export interface OpenedImport {
  readonly plan: ColumnPlan;
  readonly dates: DateOrderDecision;
  /** Every record of the file, the sampled ones first, streamed. */
  readonly records: AsyncIterable<SourceRecord>;
}

/**
 * Rows read ahead to decide the mapping and the date order. Only these are held in memory; the
 * rest of the file streams. Month-first is the default because Salesforce, HubSpot and Zoho write
 * US dates unless the exporting user's locale says otherwise.
 */
export const SAMPLE_ROWS = 1000;
const DATE_TARGETS = new Set(['createdAt', 'decidedAt', 'occurredAt']);

/** Reads the header and a sample of the file and decides how every row will be read. */
export async function openImport(input: Readable, options: ImportOptionsBase): Promise<OpenedImport> {
  const vocabulary = vocabularyOf(options.kind);
  const overrides: Map<string, ColumnTarget> = parseMappings(options.mappings ?? [], vocabulary);
  for (const [column, target] of checkColumnMap(options.kind, options.columnMap ?? {}))
    overrides.set(column, target);
  const iterator = readRecords(input, options.format)[Symbol.asyncIterator]();
  const sample: SourceRecord[] = [];
  while (sample.length < SAMPLE_ROWS) {
    const next = await iterator.next();
    if (next.done) break;
    sample.push(next.value);
  }
  const columns = columnsOf(sample);
  const plan = planColumns(columns, vocabulary, overrides);
  const dates = decideDateOrder(sample, plan, options.dateOrder);
  async function* records(): AsyncGenerator<SourceRecord> {
    yield* sample.splice(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { plan, dates, records: records() };
}

/**
 * Reads a column map (`{"Mobile": "phone", "Notes": "ignore"}`); throws `invalid` naming each
 * column whose target is not one of the kind's (`map.Mobile: "fone" is not a field; …`).
 */
export function checkColumnMap(
  kind: ImportKind,
  columnMap: Readonly<Record<string, string>>,
): Map<string, ColumnTarget> {
  const vocabulary = vocabularyOf(kind);
  const targets = new Map<string, ColumnTarget>();
  const problems: { path: string; message: string }[] = [];
  for (const [column, target] of Object.entries(columnMap)) {
    try {
      targets.set(column, parseTarget(target, vocabulary, `map.${column}`));
    } catch (error) {
      if (!isHearthError(error)) throw error;
      problems.push(...(error.details.problems ?? []));
    }
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return targets;
}

function columnsOf(sample: readonly SourceRecord[]): string[] {
  const seen = new Set<string>();
  for (const record of sample) {
    if (record.kind === 'row') {
      for (const key of Object.keys(record.values)) seen.add(key);
      break; // every CSV row has the header's columns
    }
    if (record.kind === 'object' && typeof record.value === 'object' && record.value !== null) {
      for (const key of Object.keys(record.value)) seen.add(key);
    }
  }
  return [...seen];
}

function decideDateOrder(
  sample: readonly SourceRecord[],
  plan: ColumnPlan,
  given: DateOrder | undefined,
): DateOrderDecision {
  const evidence = { mdy: 0, dmy: 0 };
  const dateColumns = plan.columns
    .filter((c) => c.target.kind === 'field' && DATE_TARGETS.has(c.target.field))
    .map((c) => c.column);
  for (const record of sample) {
    const cells =
      record.kind === 'row'
        ? record.values
        : record.kind === 'object'
          ? (record.value as Record<string, unknown>)
          : {};
    for (const column of dateColumns) {
      const cell = cells?.[column];
      const hint = typeof cell === 'string' ? dateOrderEvidence(cell) : undefined;
      if (hint) evidence[hint] += 1;
    }
  }
  if (given) return { order: given, decidedBy: 'given', evidence };
  if (evidence.mdy === 0 && evidence.dmy === 0) return { order: 'mdy', decidedBy: 'default', evidence };
  return { order: evidence.dmy > evidence.mdy ? 'dmy' : 'mdy', decidedBy: 'file', evidence };
}
