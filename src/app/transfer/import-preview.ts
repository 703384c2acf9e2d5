import type { Readable } from 'node:stream';
import { isHearthError } from '../../domain/errors.js';
import type { DetectedFormat, MappingReason } from '../../domain/import/column-plan.js';
import { describeTarget, vocabularyOf } from '../../domain/import/column-plan.js';
import { changedLeadFields, normaliseEmail } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { toLeadFields } from '../leads/lead-service.js';
import { type ImportNote, NoteTally } from './import-notes.js';
import { type DateOrderDecision, type ImportOptionsBase, openImport } from './import-plan.js';
import { describeProblems, eventPreparer, leadPreparer, type PreparedLead } from './prepare-rows.js';
import type { SourceRecord } from './read-records.js';

/** What an import would do, found by reading the whole file and writing nothing. */
export interface ImportPreview {
  readonly kind: ImportOptionsBase['kind'];
  readonly format: DetectedFormat | null;
  readonly columns: readonly { column: string; target: string; decidedBy: MappingReason }[];
  readonly dates: DateOrderDecision;
  readonly counts: {
    readonly read: number;
    readonly create: number;
    readonly update: number;
    readonly skip: number;
    readonly reject: number;
  };
  /** The first rejected rows, in file order. */
  readonly problems: readonly { location: string; reason: string }[];
  readonly notes: readonly ImportNote[];
  /** The file's first records as read, each cell as text (JSON for a value that is not a string). */
  readonly firstRows: readonly { location: string; cells: Record<string, string> }[];
  /** What a column may be mapped to: these targets, `<extrasKey>.NAME` or `ignore`. */
  readonly choices: { readonly targets: readonly string[]; readonly extrasKey: string };
}

/** Rejected rows listed in a preview; the counts cover them all. */
export const PREVIEW_PROBLEMS = 20;
/** Records shown as they are in the file. */
export const PREVIEW_ROWS = 5;

/**
 * Reads an import file as the import would — the same mapping, conversions, owner lookups and
 * validation — and tells what it would create, update, skip and reject. Streams the file (rows
 * are counted, not kept) and writes nothing. Events are counted as created: an event already
 * stored under the same id is found only when written, and then skipped.
 */
export async function previewImport(
  ctx: AppContext,
  input: Readable,
  options: ImportOptionsBase,
): Promise<ImportPreview> {
  const opened = await openImport(input, options);
  const vocabulary = vocabularyOf(options.kind);
  const counts = { read: 0, create: 0, update: 0, skip: 0, reject: 0 };
  const problems: { location: string; reason: string }[] = [];
  const notes = new NoteTally();
  const leads = leadPreparer(ctx.store, opened.plan, opened.dates.order, ctx.clock);
  const events = eventPreparer(ctx.store, opened.plan, opened.dates.order);
  // Emails met earlier in the file: a second row for one is an update of the lead the first made.
  const seen = new Set<string>();
  const firstRows: { location: string; cells: Record<string, string> }[] = [];
  for await (const record of opened.records) {
    counts.read += 1;
    if (firstRows.length < PREVIEW_ROWS)
      firstRows.push({ location: record.location, cells: cellsOf(record) });
    const prepared = options.kind === 'leads' ? await leads(record) : await events(record);
    notes.add(prepared.location, prepared.notes);
    if ('problems' in prepared) {
      counts.reject += 1;
      if (problems.length < PREVIEW_PROBLEMS) {
        problems.push({ location: prepared.location, reason: describeProblems(prepared.problems) });
      }
    } else if ('input' in prepared) {
      const effect = await leadEffect(ctx, prepared, seen);
      if (typeof effect === 'string') counts[effect] += 1;
      else {
        counts.reject += 1;
        if (problems.length < PREVIEW_PROBLEMS)
          problems.push({ location: prepared.location, reason: effect.reason });
      }
    } else {
      counts.create += 1;
    }
  }
  return {
    kind: options.kind,
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
    counts,
    problems,
    notes: notes.list(),
    firstRows,
    choices: { targets: vocabulary.targets, extrasKey: vocabulary.extrasKey },
  };
}

/** A record's cells as text, for showing: what the file holds, before any mapping. */
export function cellsOf(record: SourceRecord): Record<string, string> {
  if (record.kind === 'row') return record.values;
  if (record.kind === 'unreadable') return {};
  if (typeof record.value !== 'object' || record.value === null || Array.isArray(record.value)) {
    return { '': JSON.stringify(record.value) };
  }
  return Object.fromEntries(
    Object.entries(record.value as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
    ]),
  );
}

async function leadEffect(
  ctx: AppContext,
  prepared: Extract<PreparedLead, { input: unknown }>,
  seen: Set<string>,
): Promise<'create' | 'update' | 'skip' | { reason: string }> {
  const { input, outcome } = prepared;
  let fields: ReturnType<typeof toLeadFields>;
  try {
    fields = toLeadFields(input);
  } catch (error) {
    // What the write would refuse the row for (an email that is not one).
    if (isHearthError(error)) return { reason: error.message };
    throw error;
  }
  const email = input.email ? normaliseEmail(input.email) : null;
  const existing =
    (input.id ? (await ctx.store.leads.byIds([input.id]))[0] : undefined) ??
    (email ? await ctx.store.leads.byEmail(email) : undefined);
  const repeated = email !== null && seen.has(email);
  if (email !== null) seen.add(email);
  if (!existing) return repeated ? 'update' : 'create';
  const changed = changedLeadFields(existing, fields).length > 0;
  return changed || (outcome !== null && existing.status !== outcome.status) ? 'update' : 'skip';
}
