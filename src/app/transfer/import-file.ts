import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Principal } from '../../domain/access.js';
import { type FieldProblem, isHearthError } from '../../domain/errors.js';
import { LEAD_FIELD_NAMES, type Lead, normaliseEmail } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { recordOutcome } from '../desk/outcomes.js';
import { ingestEvents } from '../events/ingest.js';
import { LeadInput } from '../leads/lead-schemas.js';
import { createNewLeads, upsertLead } from '../leads/lead-service.js';
import { validator } from '../validation.js';
import {
  type ColumnTarget,
  cellValue,
  columnTarget,
  parseMappings,
  unescapeFormula,
} from './column-mapping.js';
import { type ImportedOutcome, OUTCOME_TARGETS, readOutcome } from './outcome-columns.js';
import { type FileFormat, readRecords, type SourceRecord } from './read-records.js';

export type ImportKind = 'leads' | 'events';

export interface ImportOptions {
  readonly kind: ImportKind;
  readonly format: FileFormat;
  /** `--map` options, e.g. `["Company Name=company"]`. */
  readonly mappings?: readonly string[];
  /** Called for every rejected record, in file order. */
  readonly onReject?: (reject: ImportReject) => void;
}

export interface ImportReject {
  readonly location: string;
  readonly reason: string;
}

export interface ImportSummary {
  readonly read: number;
  readonly created: number;
  readonly updated: number;
  /** Records already stored as they are (unchanged leads, duplicate events). */
  readonly skipped: number;
  readonly rejected: number;
}

const LEAD_IMPORT_FIELDS = ['id', 'createdAt', ...LEAD_FIELD_NAMES, 'attributes'] as const;
const LEAD_ALIASES: Record<string, string> = {
  owner: 'ownerId',
  title: 'jobTitle',
  employees: 'companySize',
  // Derived by Hearth (from edits and events), present in its own exports: not taken from a file.
  updatedat: 'ignore',
  lastactivityat: 'ignore',
  probability: 'ignore',
};
const EVENT_IMPORT_FIELDS = ['id', 'leadId', 'email', 'type', 'occurredAt', 'properties'] as const;
// Columns of Hearth's own event export that describe the stored copy, not the event.
const EVENT_ALIASES: Record<string, string> = { eventid: 'ignore', receivedat: 'ignore', externalid: 'id' };

const CHUNK_SIZE = 500;
/**
 * API batches per transaction of an events import. Each chunk writes every lead it touches once
 * (its score state), and a file in time order touches about half its leads in every chunk of
 * 1,000: larger chunks write each lead fewer times (5,000 with the default batch limit).
 */
const EVENT_BATCHES_PER_CHUNK = 5;
const leadInput = validator(LeadInput);

/** A record turned into the object the services take, or the reason it cannot be. */
type Prepared =
  | { location: string; value: Record<string, unknown> }
  | { location: string; problems: FieldProblem[] };

/**
 * Imports a stream of leads or events in chunks: each chunk is written in one transaction, bad
 * records are reported with their location and skipped, good ones kept. Re-running the same file
 * changes nothing: leads are matched by id or email and left alone when equal, events are
 * matched by their id (or, without one, by a digest of their content).
 */
export async function importRecords(
  ctx: AppContext,
  actor: Principal,
  input: Readable,
  options: ImportOptions,
): Promise<ImportSummary> {
  const fields: readonly string[] = options.kind === 'leads' ? LEAD_IMPORT_FIELDS : EVENT_IMPORT_FIELDS;
  const mappable = options.kind === 'leads' ? [...fields, ...OUTCOME_TARGETS] : fields;
  const mappings = parseMappings(options.mappings ?? [], [...mappable, 'ignore']);
  const aliases = options.kind === 'leads' ? LEAD_ALIASES : EVENT_ALIASES;
  const counts = { read: 0, created: 0, updated: 0, skipped: 0, rejected: 0 };
  const reject = (location: string, reason: string) => {
    counts.rejected += 1;
    options.onReject?.({ location, reason });
  };
  const chunkSize = options.kind === 'leads' ? CHUNK_SIZE : EVENT_BATCHES_PER_CHUNK * ctx.limits.maxBatchSize;
  let chunk: Prepared[] = [];
  const flush = async () => {
    const good = chunk.flatMap((p) => ('value' in p ? [p] : []));
    for (const p of chunk) if ('problems' in p) reject(p.location, describe(p.problems));
    chunk = [];
    if (options.kind === 'leads') await writeLeads(ctx, actor, good, counts, reject);
    else await writeEvents(ctx, good, counts, reject);
  };

  for await (const record of readRecords(input, options.format)) {
    counts.read += 1;
    chunk.push(prepare(record, options.kind, (column) => columnTarget(column, mappings, fields, aliases)));
    if (chunk.length >= chunkSize) await flush();
  }
  await flush();
  await ctx.store.audit.record({
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    action: `import.${options.kind}`,
    entity: 'import',
    details: { ...counts },
  });
  return counts;
}

function describe(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)).join('; ');
}

function prepare(
  record: SourceRecord,
  kind: ImportKind,
  targetOf: (column: string) => ColumnTarget,
): Prepared {
  const { location } = record;
  if (record.kind === 'unreadable') return { location, problems: [{ path: '', message: record.reason }] };
  if (
    record.kind === 'object' &&
    (typeof record.value !== 'object' || record.value === null || Array.isArray(record.value))
  ) {
    return { location, problems: [{ path: '', message: 'must be a JSON object' }] };
  }
  const extrasKey = kind === 'leads' ? 'attributes' : 'properties';
  const value: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  const entries: [string, unknown][] =
    record.kind === 'row'
      ? Object.entries(record.values).map(([k, v]) => [k, unescapeFormula(v)])
      : Object.entries(record.value as Record<string, unknown>);
  for (const [column, raw] of entries) {
    if (raw === '' || raw === undefined) continue;
    const target = targetOf(column);
    if (target.kind === 'ignore' || (target.kind === 'field' && target.field === 'ignore')) continue;
    if (target.kind === 'extra') {
      // JSON keys are kept as written; CSV headers were normalised to snake_case by columnTarget.
      extras[record.kind === 'row' ? target.key : column] =
        record.kind === 'row' ? cellValue(raw as string) : raw;
      continue;
    }
    if (target.field === extrasKey) {
      const parsed = typeof raw === 'string' ? parseJsonObject(raw) : raw;
      if (parsed === undefined)
        return { location, problems: [{ path: column, message: 'must be a JSON object' }] };
      Object.assign(extras, parsed);
      continue;
    }
    value[target.field] = record.kind === 'row' ? typedCell(target.field, raw as string) : raw;
  }
  if (Object.keys(extras).length > 0) value[extrasKey] = extras;
  return { location, value };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** CSV cells are text; the few non-text standard fields are converted (or left for validation to reject). */
function typedCell(field: string, cell: string): unknown {
  const text = cell.trim();
  if (field === 'companySize') return /^\d+$/.test(text) ? Number(text) : cell;
  if (field === 'optedOut') {
    const word = text.toLowerCase();
    return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : cell;
  }
  return cell;
}

async function writeLeads(
  ctx: AppContext,
  actor: Principal,
  prepared: readonly { location: string; value: Record<string, unknown> }[],
  counts: { created: number; updated: number; skipped: number },
  reject: (location: string, reason: string) => void,
): Promise<void> {
  const rows: { location: string; input: LeadInput; outcome: ImportedOutcome | null }[] = [];
  for (const p of prepared) {
    const { outcome: outcomeCell, decidedAt, ...fields } = p.value;
    p.value = fields;
    const decision = readOutcome(outcomeCell, decidedAt, ctx.clock());
    if ('problems' in decision) {
      reject(p.location, describe(decision.problems));
      continue;
    }
    if (decision.outcome !== null && fields.status !== undefined) {
      reject(p.location, 'status: give either the status or the outcome, not both');
      continue;
    }
    const owner = p.value.ownerId;
    if (typeof owner === 'string' && owner.includes('@')) {
      const user = await ctx.store.users.byEmail(normaliseEmail(owner) ?? '');
      if (!user) {
        reject(p.location, `ownerId: no user has the email ${owner}`);
        continue;
      }
      p.value.ownerId = user.id;
    }
    const checked = leadInput.check(p.value);
    if (checked.ok) rows.push({ location: p.location, input: checked.value, outcome: decision.outcome });
    else reject(p.location, describe(checked.problems));
  }
  const tally = (result: { created: boolean; changed: boolean }) => {
    if (result.created) counts.created += 1;
    else if (result.changed) counts.updated += 1;
    else counts.skipped += 1;
  };
  try {
    // The common case: the whole chunk in one transaction.
    const results = await ctx.store.transaction(async (store) => {
      const inTx = { ...ctx, store };
      // New leads (most of a first import) in a few statements for the chunk; the rest one by one.
      const created = await createNewLeads(
        store,
        rows.map((r) => r.input),
        ctx.clock(),
      );
      const done = [];
      for (const [i, row] of rows.entries()) {
        const result = created[i];
        done.push(
          result ? await recordImportedOutcome(inTx, actor, row, result) : await writeLead(inTx, actor, row),
        );
      }
      return done;
    });
    results.forEach(tally);
  } catch (error) {
    if (!isHearthError(error)) throw error;
    // One row refused (e.g. an email held by another lead): redo the chunk row by row to keep
    // every good row and report exactly the bad ones.
    for (const row of rows) {
      try {
        tally(await ctx.store.transaction((store) => writeLead({ ...ctx, store }, actor, row)));
      } catch (rowError) {
        if (!isHearthError(rowError)) throw rowError;
        reject(row.location, rowError.message);
      }
    }
  }
}

/**
 * Upserts one lead and records its outcome, if the row has one the lead does not have yet, through
 * the same path as `POST /leads/{id}/outcome`: at the decision time, into the status history. A
 * lead already in that status is left alone, so importing the file again changes nothing.
 */
async function writeLead(
  ctx: AppContext,
  actor: Principal,
  row: { input: LeadInput; outcome: ImportedOutcome | null },
): Promise<{ created: boolean; changed: boolean }> {
  return recordImportedOutcome(ctx, actor, row, await upsertLead(ctx, actor, row.input));
}

async function recordImportedOutcome(
  ctx: AppContext,
  actor: Principal,
  row: { outcome: ImportedOutcome | null },
  result: { lead: Lead; created: boolean; changed: boolean },
): Promise<{ created: boolean; changed: boolean }> {
  const { outcome } = row;
  if (outcome === null || result.lead.status === outcome.status) return result;
  await recordOutcome(ctx, actor, result.lead.id, {
    status: outcome.status,
    ...(outcome.at === undefined ? {} : { at: outcome.at.toISOString() }),
  });
  return { created: result.created, changed: true };
}

async function writeEvents(
  ctx: AppContext,
  prepared: readonly { location: string; value: Record<string, unknown> }[],
  counts: { created: number; skipped: number },
  reject: (location: string, reason: string) => void,
): Promise<void> {
  const batch: { location: string; value: Record<string, unknown> }[] = [];
  for (const p of prepared) {
    if (p.value.occurredAt === undefined) {
      reject(p.location, 'occurredAt: is required when importing events (it keeps re-imports idempotent)');
      continue;
    }
    batch.push({ location: p.location, value: { ...p.value, id: p.value.id ?? contentKey(p.value) } });
  }
  const summary = await ingestEvents(
    ctx,
    batch.map((b) => b.value),
    { pathOf: () => '', maxBatchSize: EVENT_BATCHES_PER_CHUNK * ctx.limits.maxBatchSize },
  );
  counts.created += summary.stored;
  counts.skipped += summary.duplicates;
  for (const result of summary.results) {
    if (result.status === 'rejected')
      reject(batch[result.index]?.location ?? '', describe(result.problems ?? []));
  }
}

/** A stable id for an imported event that has none, so that importing it twice stores it once. */
function contentKey(value: Record<string, unknown>): string {
  const lead =
    typeof value.email === 'string' ? (normaliseEmail(value.email) ?? '') : String(value.leadId ?? '');
  const at =
    typeof value.occurredAt === 'string' && !Number.isNaN(Date.parse(value.occurredAt))
      ? new Date(value.occurredAt).toISOString()
      : String(value.occurredAt);
  const digest = createHash('sha256')
    .update(JSON.stringify([lead, value.type, at, canonical(value.properties ?? {})]))
    .digest('base64url');
  return `import:${digest}`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
