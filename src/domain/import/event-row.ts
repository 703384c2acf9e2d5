import type { FieldProblem } from '../errors.js';
import { cellValue, parseDurationSeconds } from './cells.js';
import type { ColumnPlan } from './column-plan.js';
import { snakeCase } from './column-plan.js';
import { type DateOrder, parseImportDate } from './import-dates.js';
import type { RawRecord, RowNote } from './lead-row.js';
import {
  BOUNCE_TYPE_TABLE,
  CALL_STATUS_TABLE,
  DIRECTION_TABLE,
  EVENT_TYPE_TABLE,
  tableKey,
} from './value-tables.js';

/** An event row mapped onto Hearth's event fields, before validation and lead lookup. */
export interface MappedEvent {
  /** EventInput-shaped, not validated yet. */
  readonly value: Record<string, unknown>;
  /** The outside party's phone, for the caller to find the lead by when the row has no email. */
  readonly phone?: string;
  readonly problems: readonly FieldProblem[];
  readonly notes: readonly RowNote[];
}

/**
 * Maps one event row through a column plan: activity names into event types (the original kept
 * in properties), durations into `durationSeconds`, call directions and statuses as the call
 * hooks write them, dates in the file's day/month order into instants.
 *
 * @example mapEventRow({ cells: 'text', entries: [['Action', 'open'], ['Email', 'a@b.co']] }, plan, 'mdy')
 * // { value: { type: 'email_open', email: 'a@b.co', properties: { activity: 'open' } }, … }
 */
export function mapEventRow(record: RawRecord, plan: ColumnPlan, order: DateOrder): MappedEvent {
  const value: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  const notes: RowNote[] = [];
  const text = record.cells === 'text';
  const numbers: { from?: string; to?: string; phone?: string } = {};
  for (const [column, raw] of record.entries) {
    if (raw === '' || raw === undefined || raw === null) continue;
    const planned = plan.targetOf(column);
    const { target } = planned;
    if (target.kind === 'ignore') continue;
    if (target.kind === 'extra') {
      properties[text ? target.key : planned.decidedBy === 'attribute' ? column : target.key] = text
        ? cellValue(raw as string)
        : raw;
      continue;
    }
    const cell = typeof raw === 'string' ? raw.trim() : String(raw);
    switch (target.field) {
      case 'properties': {
        const parsed = typeof raw === 'string' ? parseJsonObject(raw) : isObject(raw) ? raw : undefined;
        if (parsed === undefined) problems.push({ path: column, message: 'must be a JSON object' });
        else Object.assign(properties, parsed);
        break;
      }
      case 'activity': {
        const key = tableKey(cell);
        const type = EVENT_TYPE_TABLE[key];
        value.type ??= type ?? snakeCase(cell);
        properties.activity = cell;
        const bounce = BOUNCE_TYPE_TABLE[key];
        if (bounce) properties.bounce_type = bounce;
        if (type === undefined)
          notes.push({
            column,
            message: `"${cell}" is not a known activity: stored as type ${snakeCase(cell)}`,
          });
        break;
      }
      case 'occurredAt': {
        const at = parseImportDate(cell, order);
        if (at === undefined) {
          problems.push({
            path: 'occurredAt',
            message: `"${cell}" (${column}) is not a date this file's dates are read as (ISO 8601, ${order === 'mdy' ? 'MM/DD/YYYY' : 'DD/MM/YYYY'}, …)`,
          });
        } else value.occurredAt ??= at.toISOString();
        break;
      }
      case 'duration': {
        const seconds = typeof raw === 'number' ? Math.round(raw) : parseDurationSeconds(cell);
        if (seconds === undefined) {
          problems.push({ path: 'duration', message: `"${cell}" (${column}) is not seconds or h:mm:ss` });
        } else properties.durationSeconds = seconds;
        break;
      }
      case 'direction': {
        const direction = DIRECTION_TABLE[tableKey(cell)];
        if (direction === undefined)
          notes.push({ column, message: `"${cell}" is not inbound or outbound: kept as given` });
        properties.direction = direction ?? cell;
        break;
      }
      case 'callStatus': {
        const status = CALL_STATUS_TABLE[tableKey(cell)];
        properties.call_status = cell;
        if (status) {
          properties.answered = status.answered;
          if (status.outcome) properties.outcome = status.outcome;
        }
        break;
      }
      case 'phone':
        numbers.phone ??= cell;
        break;
      case 'from':
        numbers.from ??= cell;
        properties.from = cell;
        break;
      case 'to':
        numbers.to ??= cell;
        properties.to = cell;
        break;
      case 'id':
        value.id ??= plan.format?.idPrefix ? `${plan.format.idPrefix}${cell}` : raw;
        break;
      default:
        value[target.field] ??= raw;
    }
  }
  if (value.type === undefined && plan.format?.defaultType) value.type = plan.format.defaultType;
  // The outside party of a call: the caller of an inbound call, the callee of an outbound one.
  const phone =
    numbers.phone ?? (properties.direction === 'outbound' ? numbers.to : (numbers.from ?? numbers.to));
  if (phone !== undefined) properties.phone = phone;
  if (Object.keys(properties).length > 0) value.properties = properties;
  return { value, ...(phone !== undefined ? { phone } : {}), problems, notes };
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
