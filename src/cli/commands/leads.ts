import { writeFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { nextBestActionsOf } from '../../app/desk/next-best-actions.js';
import { exportLeadData } from '../../app/leads/lead-export.js';
import { LEAD_LIST_SORTS, type LeadListSort } from '../../app/leads/lead-schemas.js';
import { findLead, listLeads } from '../../app/leads/lead-service.js';
import { leadPrediction } from '../../app/prediction/prediction-service.js';
import { explainLead } from '../../app/scoring/lead-scoring.js';
import type { NextBestAction } from '../../domain/desk/playbook.js';
import { HearthError } from '../../domain/errors.js';
import { LEAD_STATUSES, type Lead, type LeadStatus } from '../../domain/lead.js';
import type { Explanation, Temperature } from '../../domain/scoring/index.js';
import { LEAD_SORT_FIELDS } from '../../store/leads.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';
import { describePrediction } from './predict.js';

// No colour codes: the output is as often piped to grep or a file as read on a terminal.
const PLAIN = { head: [], border: [] };

export interface LeadsOptions {
  readonly status?: string;
  readonly owner?: string;
  readonly source?: string;
  readonly temperature?: Temperature;
  readonly search?: string;
  readonly minProbability?: string;
  readonly sort: string;
  readonly limit: string;
  readonly json?: boolean;
}

function parseListOptions(options: LeadsOptions) {
  const problems = [];
  if (options.status !== undefined && !(LEAD_STATUSES as readonly string[]).includes(options.status)) {
    problems.push({ path: '--status', message: `must be one of ${LEAD_STATUSES.join(', ')}` });
  }
  if (!(LEAD_LIST_SORTS as readonly string[]).includes(options.sort)) {
    problems.push({
      path: '--sort',
      message: `must be one of ${LEAD_SORT_FIELDS.join(', ')} (prefix - for descending) or -interest`,
    });
  }
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    problems.push({ path: '--limit', message: 'must be a whole number from 1 to 10000' });
  }
  const minProbability = options.minProbability === undefined ? undefined : Number(options.minProbability);
  if (minProbability !== undefined && !(minProbability >= 0 && minProbability <= 1)) {
    problems.push({ path: '--min-probability', message: 'must be a number from 0 to 1' });
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return {
    ...(minProbability !== undefined ? { minProbability } : {}),
    sort: options.sort as LeadListSort,
    limit,
  };
}

/** `hearth leads`: a table (or JSON) of leads with filters. */
export async function leadsCommand(io: Io, options: LeadsOptions): Promise<void> {
  const { sort, limit, ...thresholds } = parseListOptions(options);
  await withApp(io, async (app) => {
    const page = await listLeads(app.ctx, OPERATOR, {
      filter: {
        ...(options.status !== undefined ? { status: options.status as LeadStatus } : {}),
        ...(options.owner !== undefined ? { ownerId: options.owner === 'none' ? null : options.owner } : {}),
        ...(options.source !== undefined ? { source: options.source } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.search !== undefined ? { text: options.search } : {}),
        ...thresholds,
      },
      sort,
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
      head: [
        'id',
        'email',
        'name',
        'company',
        'status',
        'temperature',
        'fit',
        'interest',
        'probability',
        'last activity',
      ],
    });
    for (const lead of page.leads) {
      table.push([
        lead.id,
        lead.email ?? '',
        lead.name ?? '',
        lead.company ?? '',
        lead.status,
        lead.temperature,
        lead.fit,
        lead.interest,
        lead.probability === null ? '' : `${(lead.probability * 100).toFixed(1)}%`,
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

const signed = (n: number) => (n >= 0 ? `+${n}` : `${n}`);

/** The explanation as text: contributions, totals, temperature and why. */
export function describeExplanation(e: Explanation): string {
  const lines: string[] = [];
  const t = e.temperature;
  const why =
    t.hotBecause?.kind === 'high_intent'
      ? `high-intent ${t.hotBecause.ruleId} (event ${t.hotBecause.eventId}) until ${t.hotBecause.until.toISOString()}`
      : t.hotBecause
        ? 'interest at or above hot and qualified'
        : t.warmBecause === 'returning_customer'
          ? 'returning customer'
          : t.warmBecause === 'interest'
            ? 'interest at or above warm'
            : t.cooledAt
              ? `cooling since ${t.cooledAt.toISOString()}`
              : 'no engagement';
  lines.push(
    `Temperature: ${t.temperature}${t.suggestLetGo ? ' (suggest letting go)' : ''} — ${why}. Model version ${e.modelVersion}, at ${e.at.toISOString()}.`,
  );
  lines.push(
    `Fit: ${e.fit.score} (sum ${e.fit.raw}${e.fit.clamp === 'none' ? '' : `, clamped at the ${e.fit.clamp}`})`,
  );
  for (const c of e.fit.contributions) lines.push(`  ${signed(c.points).padStart(5)}  ${c.ruleId}`);
  lines.push(
    `Interest: ${e.interest.score} (sum ${e.interest.sum}${e.interest.clamp === 'none' ? '' : `, clamped at the ${e.interest.clamp}`}; engagement ${e.interest.byGroup.engagement}, intent ${e.interest.byGroup.intent}, negative ${e.interest.byGroup.negative})`,
  );
  for (const c of e.interest.contributions) {
    lines.push(
      `  ${c.decayed.toFixed(2).padStart(7)}  ${c.ruleId} (${c.group}, ${signed(c.points)} on ${c.occurredAt.toISOString()}, event ${c.eventId})`,
    );
  }
  lines.push(`Qualification: ${e.qualification.yes} of ${e.qualification.required} required yes`);
  for (const c of e.qualification.criteria) {
    const source = c.decidedBy?.source;
    const by =
      source === undefined
        ? ''
        : source.kind === 'user'
          ? ` (set by ${source.userId}${source.note ? `: ${source.note}` : ''})`
          : ` (${source.kind} ${source.ruleId})`;
    lines.push(`  ${c.criterion}: ${c.value}${by}`);
  }
  lines.push('Checks:');
  for (const c of e.checks) lines.push(`  [${c.passed ? 'x' : ' '}] ${c.sentence}`);
  return lines.join('\n');
}

/** The playbook's next best actions as text: one numbered line each, the reason below it. */
export function describeNextBestActions(actions: readonly NextBestAction[]): string {
  if (actions.length === 0) return 'Next best actions: none.';
  const lines = ['Next best actions:'];
  actions.forEach((a, i) => {
    lines.push(`  ${i + 1}. ${a.title} [${a.kind}]`);
    lines.push(`     why: ${a.reason}`);
  });
  return lines.join('\n');
}

/** `hearth lead ID|EMAIL`: one lead with its latest events. */
export async function leadCommand(io: Io, reference: string, options: { json?: boolean }): Promise<void> {
  await withApp(io, async (app) => {
    const lead = await findLead(app.ctx, OPERATOR, reference);
    const events = await app.ctx.store.events.forLead(lead.id, { limit: 20 });
    const explanation = await explainLead(app.ctx, OPERATOR, lead.id);
    const nextBestActions = await nextBestActionsOf(app.ctx, lead);
    const prediction = await leadPrediction(app.ctx, lead);
    if (options.json) {
      line(io.out, JSON.stringify({ lead, explanation, prediction, nextBestActions, events }, null, 2));
      return;
    }
    line(io.out, describeLead(lead));
    line(io.out, describeExplanation(explanation));
    line(io.out, describePrediction(prediction));
    line(io.out, describeNextBestActions(nextBestActions));
    line(io.out, events.length === 0 ? 'No events yet.' : `Latest ${events.length} events:`);
    for (const event of events) {
      line(io.out, `  ${event.occurredAt.toISOString()}  ${event.type}  ${JSON.stringify(event.properties)}`);
    }
  });
}

/**
 * `hearth lead export ID|EMAIL`: everything stored about the lead as one JSON document (the same
 * as GET /api/v1/leads/{id}/export), to standard output or `--out`.
 */
export async function leadExportCommand(io: Io, reference: string, options: { out?: string }): Promise<void> {
  await withApp(io, async (app) => {
    const exported = await exportLeadData(app.ctx, OPERATOR, reference);
    const text = `${JSON.stringify(exported, null, 2)}\n`;
    if (options.out) {
      await writeFile(options.out, text, { mode: 0o600 });
      line(io.err, `Wrote everything about lead ${exported.lead.id as string} to ${options.out}`);
    } else {
      io.out.write(text);
    }
  });
}
