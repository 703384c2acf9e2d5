import Type, { type Static } from 'typebox';
import { canSeeLead, type Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { MAX_CLOCK_SKEW_MS } from '../../domain/event.js';
import type { Lead } from '../../domain/lead.js';
import { type Explanation, explain, setCriterion, type Transition } from '../../domain/scoring/index.js';
import {
  type InterestSeries,
  interestSeries,
  type SeriesWindow,
} from '../../domain/scoring/interest-series.js';
import type { StoredTransition } from '../../store/scoring.js';
import type { AppContext } from '../context.js';
import { getLead } from '../leads/lead-service.js';
import { catchUp, currentState, scoreUpdate } from './scoring-service.js';

/** `PUT /leads/{id}/qualification`: criteria by name; null hands a criterion back to rules and forms. */
export const QualificationInput = Type.Record(
  Type.String({ minLength: 1, maxLength: 100 }),
  Type.Object(
    {
      value: Type.Union([Type.Enum(['yes', 'no', 'unknown']), Type.Null()], {
        description: "The rep's answer; null clears it.",
      }),
      note: Type.Optional(Type.String({ maxLength: 2000 })),
    },
    { additionalProperties: false },
  ),
  { minProperties: 1, maxProperties: 50, description: 'Criteria of the active model: need, fit, budget, …' },
);
export type QualificationInput = Static<typeof QualificationInput>;

/** The explanation of a lead's scores now (SPEC §2 Explanation). */
export async function explainLead(
  ctx: AppContext,
  actor: Principal,
  id: string,
): Promise<Explanation & { leadId: string }> {
  const lead = await getLead(ctx, actor, id);
  return explainVisible(ctx, lead);
}

async function explainVisible(ctx: AppContext, lead: Lead): Promise<Explanation & { leadId: string }> {
  const now = ctx.clock();
  const { store } = ctx;
  const model = await store.scoring.activeModel();
  const stored = (await store.scoring.statesOf([lead.id])).get(lead.id) ?? null;
  const state = await currentState(store, lead, stored, model, now);
  const events = await store.scoring.eventsInOrder(lead.id);
  return { leadId: lead.id, ...explain(state, lead, model, events, now) };
}

/**
 * A lead's interest over the past `pastDays` and projected `futureDays` ahead under the active
 * model's decay, with the thresholds and when it will cool (domain/scoring/interest-series.ts).
 */
export async function leadInterestSeries(
  ctx: AppContext,
  actor: Principal,
  id: string,
  window: SeriesWindow & { readonly at?: Date },
): Promise<InterestSeries & { leadId: string }> {
  const now = ctx.clock();
  const at = window.at ?? now;
  // An explanation's instant may be a newest event's time a little ahead of the clock (skew).
  if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw HearthError.invalid([{ path: 'at', message: `${at.toISOString()} is in the future` }]);
  }
  const lead = await getLead(ctx, actor, id);
  const model = await ctx.store.scoring.activeModel();
  const events = await ctx.store.scoring.eventsInOrder(lead.id);
  return { leadId: lead.id, ...interestSeries(events, model, at, window) };
}

/** A lead's temperature history, oldest first. */
export async function leadTransitions(
  ctx: AppContext,
  actor: Principal,
  id: string,
): Promise<StoredTransition[]> {
  const lead = await getLead(ctx, actor, id);
  return ctx.store.scoring.transitionsOf(lead.id);
}

/**
 * Sets qualification criteria as the acting user (SPEC §2): each criterion is checked against the
 * active model, recorded with its source, and any change of temperature stored as a transition.
 * Returns the explanation after the change.
 */
export async function setQualification(
  ctx: AppContext,
  actor: Principal,
  id: string,
  input: QualificationInput,
): Promise<Explanation & { leadId: string }> {
  const lead = await ctx.store.transaction(async (store) => {
    const now = ctx.clock();
    const row = (await store.scoring.lockForScoring([id])).get(id);
    // A lead a rep may not see answers exactly like a missing one.
    if (!row || !canSeeLead(actor, row.lead))
      throw new HearthError('not_found', `No lead has id ${id}`, { id });
    const { lead } = row;
    if (actor.role === 'rep' && lead.ownerId !== null && lead.ownerId !== actor.userId) {
      throw new HearthError('forbidden', 'This lead belongs to another rep', { id: lead.id });
    }
    const model = await store.scoring.activeModel();
    const known = new Set(model.qualification.criteria);
    const unknown = Object.keys(input).filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw HearthError.invalid(
        unknown.map((c) => ({
          path: c,
          message: `not a criterion of model version ${model.version}: use ${model.qualification.criteria.join(', ')}`,
        })),
      );
    }
    const userId = actor.userId ?? (actor.keyId === null ? 'system' : `key:${actor.keyId}`);
    let state = await currentState(store, lead, row.state, model, now);
    const transitions: { leadId: string; transition: Transition }[] = catchUp(
      row,
      state,
      lead,
      model,
      now,
    ).map((transition) => ({ leadId: lead.id, transition }));
    let reading = null;
    for (const criterion of Object.keys(input).sort()) {
      const change = input[criterion] as QualificationInput[string];
      const result = setCriterion(
        state,
        {
          criterion,
          value: change.value,
          userId,
          at: now,
          ...(change.note !== undefined ? { note: change.note } : {}),
        },
        lead,
        model,
        now,
      );
      state = result.state;
      reading = result.reading;
      if (result.transition) transitions.push({ leadId: lead.id, transition: result.transition });
    }
    if (reading) {
      const changedAt = transitions.at(-1)?.transition.at;
      await store.scoring.save([
        scoreUpdate(
          lead,
          state,
          reading,
          model,
          now,
          { temperature: row.temperature, since: row.temperatureSince },
          changedAt ? { changedAt } : {},
        ),
      ]);
    }
    await store.scoring.addTransitions(transitions, now);
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'lead.qualify',
      entity: 'lead',
      entityId: lead.id,
      details: { criteria: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v.value])) },
    });
    return lead;
  });
  return explainVisible(ctx, lead);
}
