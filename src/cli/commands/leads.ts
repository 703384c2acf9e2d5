import Table from 'cli-table3';
import { findLead, listLeads } from '../../app/leads/lead-service.js';
import { HearthError } from '../../domain/errors.js';
import { LEAD_STATUSES, type Lead, type LeadStatus } from '../../domain/lead.js';
import { LEAD_SORT_FIELDS, type LeadSortField } from '../../store/leads.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

// No colour codes: the output is as often piped to grep or a file as read on a terminal.
const PLAIN = { head: [], border: [] };

export interface LeadsOptions {
  readonly status?: string;
  readonly owner?: string;
  readonly source?: string;
  readonly search?: string;
  readonly sort: string;
  readonly limit: string;
  readonly json?: boolean;
}

function parseListOptions(options: LeadsOptions) {
  const problems = [];
  if (options.status !== undefined && !(LEAD_STATUSES as readonly string[]).includes(options.status)) {
    problems.push({ path: '--status', message: `must be one of ${LEAD_STATUSES.join(', ')}` });
  }
  const sort = options.sort.replace(/^-/, '');
  if (!(LEAD_SORT_FIELDS as readonly string[]).includes(sort)) {
    problems.push({
      path: '--sort',
      message: `must be one of ${LEAD_SORT_FIELDS.join(', ')} (prefix - for descending)`,
    });
  }
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    problems.push({ path: '--limit', message: 'must be a whole number from 1 to 10000' });
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return {
    sort: sort as LeadSortField,
    direction: options.sort.startsWith('-') ? ('desc' as const) : ('asc' as const),
    limit,
  };
}

/** `hearth leads`: a table (or JSON) of leads with filters. */
export async function leadsCommand(io: Io, options: LeadsOptions): Promise<void> {
  const { sort, direction, limit } = parseListOptions(options);
  await withApp(io, async (app) => {
    const page = await listLeads(app.ctx, OPERATOR, {
      ...(options.status !== undefined ? { status: options.status as LeadStatus } : {}),
      ...(options.owner !== undefined ? { ownerId: options.owner === 'none' ? null : options.owner } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      ...(options.search !== undefined ? { text: options.search } : {}),
      sort,
      direction,
      limit,
    });
    if (options.json) {
      line(io.out, JSON.stringify(page.leads, null, 2));
      return;
    }
    if (page.leads.length === 0) {
      line(
        io.out,
        'No leads match. Import some with `hearth import leads FILE` or send events to POST /api/v1/events.',
      );
      return;
    }
    const table = new Table({
      style: PLAIN,
      head: ['id', 'email', 'name', 'company', 'status', 'source', 'last activity'],
    });
    for (const lead of page.leads) {
      table.push([
        lead.id,
        lead.email ?? '',
        lead.name ?? '',
        lead.company ?? '',
        lead.status,
        lead.source ?? '',
        lead.lastActivityAt?.toISOString() ?? '',
      ]);
    }
    line(io.out, table.toString());
    if (page.next) line(io.out, `(first ${limit}; use --limit to see more)`);
  });
}

function describeLead(lead: Lead): string {
  const table = new Table({ style: PLAIN });
  const rows: [string, string][] = [
    ['id', lead.id],
    ['email', lead.email ?? ''],
    ['name', lead.name ?? ''],
    ['phone', lead.phone ?? ''],
    ['company', lead.company ?? ''],
    ['job title', lead.jobTitle ?? ''],
    ['industry', lead.industry ?? ''],
    ['company size', lead.companySize?.toString() ?? ''],
    ['country', lead.country ?? ''],
    ['source', lead.source ?? ''],
    ['owner', lead.ownerId ?? ''],
    ['status', lead.status],
    ['opted out', lead.optedOut ? 'yes' : 'no'],
    ['attributes', JSON.stringify(lead.attributes)],
    ['created', lead.createdAt.toISOString()],
    ['updated', lead.updatedAt.toISOString()],
    ['last activity', lead.lastActivityAt?.toISOString() ?? ''],
  ];
  for (const [key, value] of rows) table.push({ [key]: value });
  return table.toString();
}

/** `hearth lead ID|EMAIL`: one lead with its latest events. */
export async function leadCommand(io: Io, reference: string, options: { json?: boolean }): Promise<void> {
  await withApp(io, async (app) => {
    const lead = await findLead(app.ctx, OPERATOR, reference);
    const events = await app.ctx.store.events.forLead(lead.id, { limit: 20 });
    if (options.json) {
      line(io.out, JSON.stringify({ lead, events }, null, 2));
      return;
    }
    line(io.out, describeLead(lead));
    line(io.out, events.length === 0 ? 'No events yet.' : `Latest ${events.length} events:`);
    for (const event of events) {
      line(io.out, `  ${event.occurredAt.toISOString()}  ${event.type}  ${JSON.stringify(event.properties)}`);
    }
  });
}
