import type { Readable } from 'node:stream';
import type { DetectedFormat, MappingReason } from '../../domain/import/column-plan.js';
import { describeTarget, vocabularyOf } from '../../domain/import/column-plan.js';
import { changedLeadFields, normaliseEmail } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { toLeadFields } from '../leads/lead-service.js';
import { type ImportNote, NoteTally } from './import-notes.js';
import { type DateOrderDecision, type ImportOptionsBase, openImport } from './import-plan.js';
import { describeProblems, eventPreparer, leadPreparer, type PreparedLead } from './prepare-rows.js';

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
}

/** Rejected rows listed in a preview; the counts cover them all. */
export const PREVIEW_PROBLEMS = 20;

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
  for await (const record of opened.records) {
    counts.read += 1;
    const prepared = options.kind === 'leads' ? await leads(record) : await events(record);
    notes.add(prepared.location, prepared.notes);
    if ('problems' in prepared) {
      counts.reject += 1;
      if (problems.length < PREVIEW_PROBLEMS) {
        problems.push({ location: prepared.location, reason: describeProblems(prepared.problems) });
      }
    } else if ('input' in prepared) {
      counts[await leadEffect(ctx, prepared, seen)] += 1;
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
  };
}

async function leadEffect(
  ctx: AppContext,
  prepared: Extract<PreparedLead, { input: unknown }>,
  seen: Set<string>,
): Promise<'create' | 'update' | 'skip'> {
  const { input, outcome } = prepared;
  const email = input.email ? normaliseEmail(input.email) : null;
  const existing =
    (input.id ? (await ctx.store.leads.byIds([input.id]))[0] : undefined) ??
    (email ? await ctx.store.leads.byEmail(email) : undefined);
  const repeated = email !== null && seen.has(email);
  if (email !== null) seen.add(email);
  if (!existing) return repeated ? 'update' : 'create';
  let changed: boolean;
  try {
    changed = changedLeadFields(existing, toLeadFields(input)).length > 0;
  } catch {
    changed = true; // the write reports what is wrong with it
  }
  return changed || (outcome !== null && existing.status !== outcome.status) ? 'update' : 'skip';
}
