import Type, { type Static } from 'typebox';
import { canSeeLead, type Principal } from '../../domain/access.js';
import { type StatusChange, statusChangeProblem } from '../../domain/desk/status.js';
import { HearthError } from '../../domain/errors.js';
import { LEAD_STATUSES, type Lead } from '../../domain/lead.js';
import type { AppContext } from '../context.js';
import { rescoreAfterEdit } from '../scoring/scoring-service.js';
import { deskSettings } from './desk-settings.js';
import { recordStatusChange } from './lead-changes.js';

export const OutcomeInput = Type.Object(
  {
    status: Type.Enum(LEAD_STATUSES, {
      description:
        '`customer` (won), `lost` (pursued and dropped off), `disqualified` (not a fit), or `open` to re-open (a customer for a new purchase).',
    }),
    at: Type.Optional(
      Type.String({ format: 'date-time', description: 'When it happened; default now. Not in the future.' }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    value: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1e12, description: 'Deal value, for `customer`.' }),
    ),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR.' })),
  },
  { additionalProperties: false },
);
export type OutcomeInput = Static<typeof OutcomeInput>;

/**
 * Records an outcome (SPEC §2 Outcome): the lead's status changes, the change is kept in the
 * status history with its time, reason and value, a running speed-to-lead clock stops, and
 * `lead.status_changed` lets the playbook schedule the follow-up of a lead lost after being hot.
 */
export async function recordOutcome(
  ctx: AppContext,
  actor: Principal,
  leadId: string,
  input: OutcomeInput,
): Promise<{ lead: Lead; change: StatusChange }> {
  const now = ctx.clock();
  const at = input.at === undefined ? now : new Date(input.at);
  const problems = [
    ...(at.getTime() > now.getTime() ? [{ path: 'at', message: `${input.at} is in the future` }] : []),
    ...(input.value !== undefined && input.status !== 'customer'
      ? [{ path: 'value', message: 'a value belongs to a won deal: status customer' }]
      : []),
    ...(input.currency !== undefined && input.value === undefined
      ? [{ path: 'currency', message: 'give the value the currency is for' }]
      : []),
    ...(input.status === 'lost' &&
    input.reason === undefined &&
    (await deskSettings(ctx.store)).outcomes.requireLostReason
      ? [{ path: 'reason', message: 'say why the lead was lost: the desk settings require a reason' }]
      : []),
  ];
  if (problems.length > 0) throw HearthError.invalid(problems);
  return ctx.store.transaction(async (store) => {
    const lead = (await store.scoring.lockForScoring([leadId])).get(leadId)?.lead;
    if (!lead || !canSeeLead(actor, lead)) throw new HearthError('not_found', `No lead has id ${leadId}`);
    if (actor.role === 'rep' && lead.ownerId !== null && lead.ownerId !== actor.userId) {
      throw new HearthError('forbidden', 'This lead belongs to another rep', { id: leadId });
    }
    const problem = statusChangeProblem(lead.status, input.status);
    if (problem) throw new HearthError('conflict', problem, { field: 'status' });
    const updated = (await store.leads.update(leadId, { status: input.status }, now)) as Lead;
    await rescoreAfterEdit(store, lead, updated, now);
    const change = await recordStatusChange(
      store,
      actor,
      lead,
      input.status,
      { at, reason: input.reason ?? null, value: input.value ?? null, currency: input.currency ?? null },
      now,
    );
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'lead.outcome',
      entity: 'lead',
      entityId: leadId,
      details: {
        from: lead.status,
        to: input.status,
        at: at.toISOString(),
        reason: input.reason ?? null,
        value: input.value ?? null,
      },
    });
    return { lead: updated, change };
  });
}

/** A lead's status history, oldest first. */
export async function statusHistory(
  ctx: AppContext,
  actor: Principal,
  leadId: string,
): Promise<StatusChange[]> {
  const lead = await ctx.store.leads.byId(leadId);
  if (!lead || !canSeeLead(actor, lead)) throw new HearthError('not_found', `No lead has id ${leadId}`);
  return ctx.store.desk.statusChangesOf(leadId);
}
