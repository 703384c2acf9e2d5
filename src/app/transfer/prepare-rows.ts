import { personNameKey, phoneKey } from '../../domain/duplicates.js';
import type { FieldProblem } from '../../domain/errors.js';
import type { ColumnPlan } from '../../domain/import/column-plan.js';
import { mapEventRow } from '../../domain/import/event-row.js';
import type { DateOrder } from '../../domain/import/import-dates.js';
import { mapLeadRow, type RawRecord, type RowNote } from '../../domain/import/lead-row.js';
import type { ImportedOutcome } from '../../domain/import/outcome-cells.js';
import { normaliseEmail } from '../../domain/lead.js';
import type { Store } from '../../store/store.js';
import { EventInput } from '../events/event-schemas.js';
import { LeadInput } from '../leads/lead-schemas.js';
import { validator } from '../validation.js';
import { unescapeFormula } from './column-mapping.js';
import type { SourceRecord } from './read-records.js';

/** A record turned into what the services take, or the reasons it cannot be. */
export type PreparedLead =
  | { location: string; input: LeadInput; outcome: ImportedOutcome | null; notes: RowNote[] }
  | { location: string; problems: readonly FieldProblem[]; notes: RowNote[] };

export type PreparedEvent =
  | { location: string; value: EventInput; notes: RowNote[] }
  | { location: string; problems: readonly FieldProblem[]; notes: RowNote[] };

const leadInput = validator(LeadInput);
const eventInput = validator(EventInput);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Leads sharing a phone's last nine digits are few; past this many, the oldest ones are looked at.
const PHONE_CANDIDATES = 50;

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)).join('; ');
}

/** The cells of a record, or why it has none. */
function rawRecord(record: SourceRecord): RawRecord | FieldProblem[] {
  if (record.kind === 'unreadable') return [{ path: '', message: record.reason }];
  if (record.kind === 'row') {
    return { cells: 'text', entries: Object.entries(record.values).map(([k, v]) => [k, unescapeFormula(v)]) };
  }
  if (typeof record.value !== 'object' || record.value === null || Array.isArray(record.value)) {
    return [{ path: '', message: 'must be a JSON object' }];
  }
  return { cells: 'json', entries: Object.entries(record.value as Record<string, unknown>) };
}

/**
 * Prepares lead rows: maps them (domain/import), finds owners among the users by id, email or
 * name, and validates them as `POST /leads` does. Reads users once; writes nothing.
 */
export function leadPreparer(
  store: Store,
  plan: ColumnPlan,
  order: DateOrder,
  now: () => Date,
): (record: SourceRecord) => Promise<PreparedLead> {
  let users:
    | Promise<{ byEmail: Map<string, string>; byName: Map<string, string[]>; ids: Set<string> }>
    | undefined;
  const loadUsers = () => {
    users ??= store.users.list().then((list) => {
      const byName = new Map<string, string[]>();
      for (const user of list) {
        const key = personNameKey(user.name ?? null);
        if (key) byName.set(key, [...(byName.get(key) ?? []), user.id]);
      }
      return {
        byEmail: new Map(list.map((u) => [normaliseEmail(u.email) ?? '', u.id])),
        byName,
        ids: new Set(list.map((u) => u.id)),
      };
    });
    return users;
  };
  return async (record) => {
    const { location } = record;
    const raw = rawRecord(record);
    if (Array.isArray(raw)) return { location, problems: raw, notes: [] };
    const mapped = mapLeadRow(raw, plan, order, now());
    const notes = [...mapped.notes];
    if (mapped.problems.length > 0) return { location, problems: mapped.problems, notes };
    const value = { ...mapped.value };
    if (mapped.outcome !== null && value.status !== undefined) {
      return {
        location,
        problems: [{ path: 'status', message: 'give either the status or the outcome, not both' }],
        notes,
      };
    }
    const ownerId = value.ownerId;
    if (typeof ownerId === 'string' && ownerId.includes('@')) {
      const id = (await loadUsers()).byEmail.get(normaliseEmail(ownerId) ?? '');
      if (!id)
        return {
          location,
          problems: [{ path: 'ownerId', message: `no user has the email ${ownerId}` }],
          notes,
        };
      value.ownerId = id;
    }
    if (mapped.owner && value.ownerId === undefined) {
      const { byEmail, byName, ids } = await loadUsers();
      const text = mapped.owner.text;
      const byNameIds = byName.get(personNameKey(text) ?? '') ?? [];
      const id =
        UUID.test(text) && ids.has(text)
          ? text
          : (byEmail.get(normaliseEmail(text) ?? '') ?? (byNameIds.length === 1 ? byNameIds[0] : undefined));
      if (id) value.ownerId = id;
      else {
        const attributes = { ...((value.attributes as Record<string, unknown>) ?? {}), owner: text };
        value.attributes = attributes;
        notes.push({
          column: mapped.owner.column,
          message:
            byNameIds.length > 1
              ? `"${text}" names several users: left unassigned`
              : `"${text}" matches no user by email or name: left unassigned`,
        });
      }
    }
    const checked = leadInput.check(value);
    if (!checked.ok) return { location, problems: checked.problems, notes };
    return { location, input: checked.value, outcome: mapped.outcome, notes };
  };
}

/**
 * Prepares event rows: maps them (domain/import), finds the lead of a row that has no email or
 * lead id by its phone (a call log), and validates them as `POST /events` does. Writes nothing.
 */
export function eventPreparer(
  store: Store,
  plan: ColumnPlan,
  order: DateOrder,
): (record: SourceRecord) => Promise<PreparedEvent> {
  return async (record) => {
    const { location } = record;
    const raw = rawRecord(record);
    if (Array.isArray(raw)) return { location, problems: raw, notes: [] };
    const mapped = mapEventRow(raw, plan, order);
    const notes = [...mapped.notes];
    if (mapped.problems.length > 0) return { location, problems: mapped.problems, notes };
    const value = { ...mapped.value };
    if (value.email === undefined && value.leadId === undefined && mapped.phone !== undefined) {
      const key = phoneKey(mapped.phone);
      // The key is the last nine digits; the whole number decides between leads sharing them.
      const digits = mapped.phone.replace(/\D/g, '');
      const candidates = (
        key === null ? [] : await store.inboundHooks.leadsByPhoneKey(key, PHONE_CANDIDATES)
      ).filter((lead) => (lead.phone ?? '').replace(/\D/g, '') === digits);
      if (candidates.length !== 1) {
        const why = candidates.length === 0 ? 'no lead has' : `${candidates.length} leads share`;
        return {
          location,
          problems: [{ path: 'phone', message: `${why} the phone ${mapped.phone}; add an email column` }],
          notes,
        };
      }
      value.leadId = (candidates[0] as { id: string }).id;
    }
    if (value.occurredAt === undefined) {
      return {
        location,
        problems: [
          {
            path: 'occurredAt',
            message: 'is required when importing events (it keeps re-imports idempotent)',
          },
        ],
        notes,
      };
    }
    const checked = eventInput.check(value);
    if (!checked.ok) return { location, problems: checked.problems, notes };
    return { location, value: checked.value, notes };
  };
}
