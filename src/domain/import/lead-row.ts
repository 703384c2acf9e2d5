import type { FieldProblem } from '../errors.js';
import type { LeadStatus } from '../lead.js';
import { booleanWord, cellValue } from './cells.js';
import type { ColumnPlan, PlannedColumn } from './column-plan.js';
import { snakeCase } from './column-plan.js';
import { parseCompanySize } from './company-size.js';
import { type DateOrder, parseImportDate } from './import-dates.js';
import { type ImportedOutcome, readOutcome } from './outcome-cells.js';
import { SOURCE_TABLE, STATUS_TABLE, tableKey } from './value-tables.js';

/** One record of a file: CSV cells (text) or a JSON object's values. */
export interface RawRecord {
  readonly cells: 'text' | 'json';
  readonly entries: readonly (readonly [string, unknown])[];
}

/** Something worth telling about a row that does not reject it. */
export interface RowNote {
  readonly column: string;
  readonly message: string;
}

/** A lead row mapped onto Hearth's fields, before validation and owner lookup. */
export interface MappedLead {
  /** LeadInput-shaped, not validated yet. */
  readonly value: Record<string, unknown>;
  readonly outcome: ImportedOutcome | null;
  /** An owner named by email or name (an `owner` column), for the caller to find among the users. */
  readonly owner?: { readonly column: string; readonly text: string };
  readonly problems: readonly FieldProblem[];
  readonly notes: readonly RowNote[];
}

/** Closed statuses beat open ones; among several status columns the strongest decision wins. */
const STATUS_RANK: Readonly<Record<LeadStatus, number>> = { open: 0, disqualified: 1, lost: 2, customer: 3 };

/**
 * Maps one lead row through a column plan: first + last name into the name, sizes and ranges into
 * a company size, source and status values through their tables (the original kept in
 * attributes), dates in the file's day/month order into instants.
 *
 * @example mapLeadRow({ cells: 'text', entries: [['First Name', 'Ann'], ['Last Name', 'Lee']] }, plan, 'mdy', now)
 * // { value: { name: 'Ann Lee' }, outcome: null, problems: [], notes: [] }
 */
export function mapLeadRow(record: RawRecord, plan: ColumnPlan, order: DateOrder, now: Date): MappedLead {
  const value: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  const notes: RowNote[] = [];
  const names: { first?: string; last?: string } = {};
  let owner: { column: string; text: string } | undefined;
  let label: { status: LeadStatus; column: string } | undefined;
  let explicitOutcome: { column: string; raw: unknown } | undefined;
  let decided: { planned: PlannedColumn; raw: string } | undefined;
  const text = record.cells === 'text';
  const keepExtra = (column: string, raw: unknown) => {
    extras[text ? snakeCase(column) : column] = text ? cellValue(raw as string) : raw;
  };
  const setField = (planned: PlannedColumn, field: string, converted: unknown, raw: unknown) => {
    // Several columns for one field (Phone and Mobile): the first filled one wins, the others stay.
    if (field in value) keepExtra(planned.column, raw);
    else value[field] = converted;
  };

  for (const [column, raw] of record.entries) {
    if (raw === '' || raw === undefined || raw === null) continue;
    const planned = plan.targetOf(column);
    const { target } = planned;
    if (target.kind === 'ignore') continue;
    if (target.kind === 'extra') {
      extras[text ? target.key : planned.decidedBy === 'attribute' ? column : target.key] = text
        ? cellValue(raw as string)
        : raw;
      continue;
    }
    const cell = typeof raw === 'string' ? raw.trim() : raw;
    switch (target.field) {
      case 'ignore':
        break;
      case 'attributes': {
        const parsed = typeof raw === 'string' ? parseJsonObject(raw) : isObject(raw) ? raw : undefined;
        if (parsed === undefined) problems.push({ path: column, message: 'must be a JSON object' });
        else Object.assign(extras, parsed);
        break;
      }
      case 'firstName':
        names.first ??= String(cell);
        break;
      case 'lastName':
        names.last ??= String(cell);
        break;
      case 'companySize': {
        const size = typeof cell === 'number' ? cell : parseCompanySize(String(cell));
        if (size === undefined) {
          problems.push({
            path: 'companySize',
            message: `"${String(raw)}" (${column}) is not a number of employees or a range such as 51-200`,
          });
        } else setField(planned, 'companySize', size, raw);
        break;
      }
      case 'source': {
        const given = String(cell);
        const mapped = SOURCE_TABLE[tableKey(given)] ?? given;
        setField(planned, 'source', mapped, raw);
        if (mapped !== given) keepExtra(column, raw);
        break;
      }
      case 'statusLabel': {
        keepExtra(column, raw);
        const status = STATUS_TABLE[tableKey(String(cell))];
        if (status === undefined) {
          notes.push({
            column,
            message: `"${String(cell)}" is not in the status table: the lead stays open`,
          });
        } else if (label === undefined || STATUS_RANK[status] > STATUS_RANK[label.status]) {
          label = { status, column };
        }
        break;
      }
      case 'createdAt': {
        const at = readDate(cell, order);
        if (at === undefined) problems.push({ path: 'createdAt', message: notADate(raw, column, order) });
        else if (at.getTime() > now.getTime())
          problems.push({ path: 'createdAt', message: `${at.toISOString()} (${column}) is in the future` });
        else setField(planned, 'createdAt', at.toISOString(), raw);
        break;
      }
      case 'decidedAt':
        decided ??= { planned, raw: String(cell) };
        break;
      case 'outcome':
        explicitOutcome ??= { column, raw };
        break;
      case 'owner':
        if (owner === undefined) owner = { column, text: String(cell) };
        break;
      case 'optedOut': {
        const flag = typeof cell === 'boolean' ? cell : text ? booleanWord(String(cell)) : undefined;
        setField(planned, 'optedOut', flag ?? raw, raw);
        break;
      }
      default:
        setField(planned, target.field, raw, raw);
    }
  }

  if (!('name' in value) && (names.first !== undefined || names.last !== undefined)) {
    value.name = [names.first, names.last].filter((n) => n !== undefined).join(' ');
  }
  const outcome = decide();
  if (Object.keys(extras).length > 0) value.attributes = extras;
  return { value, outcome, ...(owner ? { owner } : {}), problems, notes };

  function decide(): ImportedOutcome | null {
    let decidedIso: string | undefined;
    if (decided !== undefined) {
      const at = readDate(decided.raw, order);
      if (at === undefined) {
        problems.push({ path: 'decidedAt', message: notADate(decided.raw, decided.planned.column, order) });
        return null;
      }
      decidedIso = at.toISOString();
    }
    const word = explicitOutcome?.raw ?? (label && label.status !== 'open' ? label.status : undefined);
    // A decision date beside an open status (a converted date left on a reopened lead) is kept as
    // it was given; only a date mapped by hand must come with its outcome.
    if (word === undefined && decided !== undefined && decided.planned.decidedBy !== 'mapping') {
      keepExtra(decided.planned.column, decided.raw);
      return null;
    }
    const read = readOutcome(word, decidedIso, now);
    if ('problems' in read) {
      problems.push(...read.problems);
      return null;
    }
    return read.outcome;
  }
}

function readDate(cell: unknown, order: DateOrder): Date | undefined {
  return typeof cell === 'string' ? parseImportDate(cell, order) : undefined;
}

function notADate(raw: unknown, column: string, order: DateOrder): string {
  const written = order === 'mdy' ? 'MM/DD/YYYY' : 'DD/MM/YYYY';
  return `"${String(raw)}" (${column}) is not a date this file's dates are read as (ISO 8601, ${written}, …)`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
