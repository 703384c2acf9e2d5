import type { ActivityEvent } from '../../domain/event.js';
import { LEAD_FIELD_NAMES, type Lead } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { escapeFormula } from './column-mapping.js';

const PAGE = 1000;

export const LEAD_EXPORT_COLUMNS = [
  'id',
  ...LEAD_FIELD_NAMES,
  'attributes',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'probability',
] as const;
export const EVENT_EXPORT_COLUMNS = [
  'eventId',
  'id',
  'leadId',
  'email',
  'type',
  'occurredAt',
  'receivedAt',
  'properties',
] as const;

export type ExportRow = Record<string, string | number | boolean | null | Record<string, unknown>>;

/**
 * One CSV cell of an export row: empty for null, JSON for objects, and a text that a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`) prefixed with `'` (import removes it again).
 */
export function csvCell(value: ExportRow[string]): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return escapeFormula(String(value));
}

/**
 * A lead as an export row: the columns of `LEAD_EXPORT_COLUMNS`; `probability` is its predictive
 * score (docs/prediction.md), empty before a model is trained and for closed leads.
 */
export function leadRow(lead: Lead, probability: number | null): ExportRow {
  return {
    id: lead.id,
    email: lead.email,
    name: lead.name,
    phone: lead.phone,
    company: lead.company,
    jobTitle: lead.jobTitle,
    industry: lead.industry,
    companySize: lead.companySize,
    country: lead.country,
    source: lead.source,
    ownerId: lead.ownerId,
    status: lead.status,
    optedOut: lead.optedOut,
    attributes: lead.attributes,
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
    lastActivityAt: lead.lastActivityAt?.toISOString() ?? null,
    probability,
  };
}

function eventRow(event: ActivityEvent, email: string | null): ExportRow {
  return {
    eventId: event.id,
    id: event.externalId,
    leadId: event.leadId,
    email,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    receivedAt: event.receivedAt.toISOString(),
    properties: event.properties,
  };
}

/** Every lead, page by page in id order, as export rows: memory stays flat whatever the size. */
export async function* exportLeads(ctx: AppContext): AsyncGenerator<ExportRow> {
  let after: string | null = null;
  for (;;) {
    const leads = await ctx.store.leads.batchAfter(after, PAGE);
    const probabilities = await ctx.store.prediction.probabilitiesOf(leads.map((l) => l.id));
    for (const lead of leads) yield leadRow(lead, probabilities.get(lead.id) ?? null);
    if (leads.length < PAGE) return;
    after = (leads.at(-1) as Lead).id;
  }
}

/** Every event in id order, with its lead's email so the file reads on its own. */
export async function* exportEvents(ctx: AppContext): AsyncGenerator<ExportRow> {
  let after = 0;
  for (;;) {
    const events = await ctx.store.events.batchAfter(after, PAGE);
    const leadIds = [...new Set(events.map((e) => e.leadId))];
    const emails = await ctx.store.leads.emailsOf(leadIds);
    for (const event of events) yield eventRow(event, emails.get(event.leadId) ?? null);
    if (events.length < PAGE) return;
    after = (events.at(-1) as ActivityEvent).id;
  }
}
