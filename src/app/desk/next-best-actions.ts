import type { Principal } from '../../domain/access.js';
import { MONTH_MS, summariseEngagement } from '../../domain/desk/engagement.js';
import { type NextBestAction, nextBestActions } from '../../domain/desk/playbook.js';
import { slaView } from '../../domain/desk/speed-to-lead.js';
import type { Lead } from '../../domain/lead.js';
import { temperatureAt } from '../../domain/scoring/index.js';
import type { AppContext } from '../context.js';
import { getLead } from '../leads/lead-service.js';
import { currentState } from '../scoring/scoring-service.js';
import { deskSettings } from './desk-settings.js';

// Enough for any human's month of activity; a lead past it (a bot, an import loop) is summarised
// from its newest events, so the counts read "at least".
const MAX_EVENTS = 5_000;

/**
 * The playbook's next best actions for a lead the actor may see (SPEC §2 Playbook), with the
 * reason each one fits now.
 */
export async function nextBestActionsFor(
  ctx: AppContext,
  actor: Principal,
  leadId: string,
): Promise<NextBestAction[]> {
  return nextBestActionsOf(ctx, await getLead(ctx, actor, leadId));
}

/** The next best actions of a lead already read (and checked visible) by the caller. */
export async function nextBestActionsOf(ctx: AppContext, lead: Lead): Promise<NextBestAction[]> {
  const { store } = ctx;
  const now = ctx.clock();
  const [settings, model, states, events, everHot, changes, openTasks, timers, transitions] =
    await Promise.all([
      deskSettings(store),
      store.scoring.activeModel(),
      store.scoring.statesOf([lead.id]),
      store.events.forLeadSince(lead.id, new Date(now.getTime() - MONTH_MS), MAX_EVENTS),
      store.desk.wasEverHot(lead.id),
      store.desk.statusChangesOf(lead.id),
      store.tasks.openOf([lead.id]),
      store.desk.latestTimers([lead.id]),
      store.scoring.transitionsOf(lead.id),
    ]);
  const state = await currentState(store, lead, states.get(lead.id) ?? null, model, now);
  const reading = temperatureAt(state, lead, model, now);
  const timer = timers.get(lead.id);
  // The stored history may trail a change that happened by itself since the sweeper last ran;
  // then the start of the current temperature is not known (a cool lead's is its cooledAt).
  const latest = transitions.at(-1);
  const temperatureSince =
    latest?.to === reading.temperature ? latest.at : reading.temperature === 'cool' ? reading.cooledAt : null;
  return nextBestActions(
    {
      lead,
      temperature: reading.temperature,
      temperatureSince,
      cooledAt: reading.cooledAt,
      coolPeriodDays: model.temperature.coolPeriodDays,
      suggestLetGo: reading.suggestLetGo,
      engagement: summariseEngagement(events, now),
      wasEverHot: everHot || reading.temperature === 'hot',
      lastStatusChange: changes.at(-1) ?? null,
      lostFollowUpDays: settings.lostFollowUp.delayDays,
      openTasks: openTasks.filter((t) => t.leadId === lead.id),
      sla: timer ? slaView(timer, now) : null,
    },
    settings.playbook,
    now,
  );
}
