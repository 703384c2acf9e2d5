import { canSeeLead, type Principal } from '../../domain/access.js';
import {
  type DuplicateReason,
  duplicateReasons,
  matchKeys,
  matchKeysAfter,
  mergedFields,
} from '../../domain/duplicates.js';
import { HearthError } from '../../domain/errors.js';
import type { Lead, LeadFields } from '../../domain/lead.js';
import { recompute, temperatureAt, type UserCriterion } from '../../domain/scoring/index.js';
import { transitionBetween } from '../../domain/scoring/temperature.js';
import type { MovedRows } from '../../store/lead-merge.js';
import type { AppContext } from '../context.js';
import { currentState, type ScoredLead, scoreUpdate, withScores } from '../scoring/scoring-service.js';
import { getLead } from './lead-service.js';

// Candidates read per lead: the leads sharing its phone or account. An account larger than this
// is searched among its first leads only (docs/accounts.md).
const MAX_CANDIDATES = 1000;

export interface Duplicate {
  readonly lead: ScoredLead;
  readonly reasons: DuplicateReason[];
}

export interface MergeResult {
  readonly lead: Lead;
  readonly duplicateId: string;
  readonly moved: MovedRows;
  /** The survivor's fields filled from the duplicate (`attributes` when keys were added). */
  readonly filled: (keyof LeadFields)[];
}

/** Leads that look like the same person as this one (SPEC §2 Duplicates), with why. */
export async function findDuplicates(ctx: AppContext, actor: Principal, id: string): Promise<Duplicate[]> {
  const lead = await getLead(ctx, actor, id);
  const candidates = await ctx.store.leads.duplicateCandidates(id, matchKeys(lead), MAX_CANDIDATES);
  const found = candidates
    .filter((candidate) => canSeeLead(actor, candidate))
    .map((candidate) => ({ candidate, reasons: duplicateReasons(lead, candidate) }))
    .filter((f) => f.reasons.length > 0);
  const scored = await withScores(
    ctx.store,
    found.map((f) => f.candidate),
    ctx.clock(),
  );
  return scored.map((lead, i) => ({ lead, reasons: (found[i] as { reasons: DuplicateReason[] }).reasons }));
}

const notFound = (id: string, field: string) =>
  new HearthError('not_found', `No lead has id ${id}`, { id, field });

/**
 * Merges `duplicateId` into `survivorId` in one transaction: every event and all history move to
 * the survivor, its blank fields are filled from the duplicate, the duplicate is deleted, and the
 * survivor is rescored from its whole history (a temperature change is a transition). The audit
 * entry names both ids.
 */
export async function mergeLeads(
  ctx: AppContext,
  actor: Principal,
  survivorId: string,
  duplicateId: string,
): Promise<MergeResult> {
  if (survivorId === duplicateId) {
    throw HearthError.invalid([
      { path: 'duplicateId', message: 'is the lead itself; a lead cannot be merged into itself' },
    ]);
  }
  return ctx.store.transaction(async (store) => {
    const now = ctx.clock();
    // Both rows locked (in id order) before anything moves: a concurrent event or merge waits.
    const rows = await store.scoring.lockForScoring([survivorId, duplicateId]);
    const survivorRow = rows.get(survivorId);
    const duplicateRow = rows.get(duplicateId);
    if (!survivorRow || !canSeeLead(actor, survivorRow.lead)) throw notFound(survivorId, 'id');
    if (!duplicateRow || !canSeeLead(actor, duplicateRow.lead)) throw notFound(duplicateId, 'duplicateId');
    const survivor = survivorRow.lead;
    const duplicate = duplicateRow.lead;
    const model = await store.scoring.activeModel();
    const before = temperatureAt(
      await currentState(store, survivor, survivorRow.state, model, now),
      survivor,
      model,
      now,
    );

    // The duplicate is merged away: its running clock and open tasks close (`merged`) and move
    // with its history; what the person needs now follows from the survivor's own temperature
    // (docs/accounts.md, "What a merge does to work").
    await store.desk.closeRunning(duplicateId, now, 'merged');
    await store.tasks.closeOpenOfLead(duplicateId, 'merged', now, now);
    const moved = await store.leads.mergeInto(survivorId, duplicateId);
    // After the delete, so that the duplicate's email is free to fill a survivor without one.
    const fill = mergedFields(survivor, duplicate);
    const merged = (await store.leads.update(
      survivorId,
      { ...fill, ...matchKeysAfter(survivor, fill) },
      now,
    )) as Lead;
    if (duplicate.lastActivityAt) {
      await store.leads.recordActivity([{ leadId: survivorId, at: duplicate.lastActivityAt }]);
    }

    // A rep's qualification on the survivor stands; the duplicate's fills the criteria it lacks.
    const own = survivorRow.state?.criteria ?? [];
    const criteria: UserCriterion[] = [
      ...own,
      ...(duplicateRow.state?.criteria ?? []).filter((c) => !own.some((o) => o.criterion === c.criterion)),
    ];
    const rebuilt = recompute(merged, await store.scoring.eventsInOrder(survivorId), criteria, model, now);
    await store.scoring.save([
      scoreUpdate(merged, rebuilt.state, rebuilt.reading, model, now, {
        temperature: survivorRow.temperature,
        since: survivorRow.temperatureSince,
      }),
    ]);
    const transition = transitionBetween(before, rebuilt.reading, now, { kind: 'lead_update' });
    if (transition) await store.scoring.addTransitions([{ leadId: survivorId, transition }], now);

    const filled = Object.keys(fill) as (keyof LeadFields)[];
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'lead.merge',
      entity: 'lead',
      entityId: survivorId,
      details: { survivorId, duplicateId, moved, filled },
    });
    return { lead: (await store.leads.byId(survivorId)) as Lead, duplicateId, moved, filled };
  });
}
