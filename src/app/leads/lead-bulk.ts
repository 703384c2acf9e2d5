import { stringify } from 'csv-stringify/sync';
import Type, { type Static } from 'typebox';
import { canSeeLead, type Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { LEAD_STATUSES, type Lead, type LeadFields } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { csvCell, LEAD_EXPORT_COLUMNS, leadRow } from '../transfer/export-records.js';
import { applyLeadFields } from './lead-service.js';

/** Leads one bulk request may name: a screenful of selections, one transaction of bounded size. */
export const MAX_BULK_LEADS = 500;

const LeadIds = Type.Array(Type.String({ format: 'uuid' }), {
  minItems: 1,
  maxItems: MAX_BULK_LEADS,
  uniqueItems: true,
  description: `The leads, at most ${MAX_BULK_LEADS}.`,
});

/** `POST /api/v1/leads/bulk`: one change applied to every lead named, all or none. */
export const BulkInput = Type.Object(
  {
    ids: LeadIds,
    action: Type.Union(
      [
        Type.Object(
          {
            type: Type.Literal('assign'),
            ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
              description: 'The new owner; null leaves the leads unassigned.',
            }),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          { type: Type.Literal('status'), status: Type.Enum(LEAD_STATUSES) },
          { additionalProperties: false },
        ),
      ],
      { description: '`assign` to an owner, or change the `status`.' },
    ),
  },
  { additionalProperties: false },
);
export type BulkInput = Static<typeof BulkInput>;

/** `POST /api/v1/leads/export`: the leads to write as CSV. */
export const ExportSelectionInput = Type.Object({ ids: LeadIds }, { additionalProperties: false });
export type ExportSelectionInput = Static<typeof ExportSelectionInput>;

export interface BulkResult {
  /** Leads the change was written to. */
  readonly updated: number;
  /** Leads that already had the value. */
  readonly unchanged: number;
}

/**
 * The leads named, in the order named, each visible to the actor (and writable when `write`);
 * otherwise an `invalid` error naming every id at fault by its index (`ids[3]`), so a selection
 * that went stale is refused whole rather than applied in part.
 */
function selection(leads: readonly Lead[], ids: readonly string[], actor: Principal, write: boolean): Lead[] {
  const byId = new Map(leads.map((l) => [l.id, l]));
  const problems: { path: string; message: string }[] = [];
  const found: Lead[] = [];
  ids.forEach((id, i) => {
    const lead = byId.get(id);
    // A lead a rep may not see answers exactly like a missing one.
    if (!lead || !canSeeLead(actor, lead))
      problems.push({ path: `ids[${i}]`, message: `no lead has id ${id}` });
    else if (write && actor.role === 'rep' && lead.ownerId !== null && lead.ownerId !== actor.userId) {
      problems.push({ path: `ids[${i}]`, message: `lead ${id} belongs to another rep` });
    } else found.push(lead);
  });
  if (problems.length > 0) throw HearthError.invalid(problems);
  return found;
}

/**
 * Assigns or changes the status of up to `MAX_BULK_LEADS` leads in one transaction: every lead is
 * checked first (visible, and for a rep their own or unassigned), then each is written as
 * `PATCH /leads/{id}` would write it — rescored, status history, audit entries marked `bulk` — or
 * none is. The same permission rules as one edit apply.
 *
 * @example await bulkUpdateLeads(ctx, actor, { ids, action: { type: 'assign', ownerId: rep.id } })
 */
export async function bulkUpdateLeads(
  ctx: AppContext,
  actor: Principal,
  input: BulkInput,
): Promise<BulkResult> {
  const { action } = input;
  const fields: LeadFields =
    action.type === 'assign' ? { ownerId: action.ownerId } : { status: action.status };
  return ctx.store.transaction(async (store) => {
    if (fields.ownerId && !(await store.users.byId(fields.ownerId))) {
      throw HearthError.invalid([{ path: 'action.ownerId', message: `no user has id ${fields.ownerId}` }]);
    }
    const leads = selection(await store.leads.byIds(input.ids), input.ids, actor, true);
    const now = ctx.clock();
    let updated = 0;
    for (const lead of leads) {
      if (await applyLeadFields(store, actor, lead, fields, now, { bulk: true })) updated += 1;
    }
    return { updated, unchanged: leads.length - updated };
  });
}

/**
 * The leads named as CSV, in the order named, with the columns and cell escaping of `hearth export
 * leads` (a cell starting with = + - @ gets a leading '); refused whole when the actor may not see
 * one of them. The export is audited (`lead.export`, with the ids), as data leaving the desk.
 */
export async function exportSelectionCsv(
  ctx: AppContext,
  actor: Principal,
  ids: readonly string[],
): Promise<string> {
  const leads = selection(await ctx.store.leads.byIds(ids), ids, actor, false);
  await ctx.store.audit.record({
    actorUserId: actor.userId,
    actorKeyId: actor.keyId,
    action: 'lead.export',
    entity: 'lead',
    details: { ids, format: 'csv' },
  });
  const probabilities = await ctx.store.prediction.probabilitiesOf(leads.map((l) => l.id));
  return stringify(
    leads.map((lead) => {
      const row = leadRow(lead, probabilities.get(lead.id) ?? null);
      return LEAD_EXPORT_COLUMNS.map((c) => csvCell(row[c] ?? null));
    }),
    { header: true, columns: [...LEAD_EXPORT_COLUMNS] },
  );
}
