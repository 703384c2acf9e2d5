import type { Principal } from '../../domain/access.js';
import type { ActivityEvent } from '../../domain/event.js';
import type { EventPosition } from '../../store/events.js';
import type { AppContext } from '../context.js';
import { getLead } from '../leads/lead-service.js';

/** A page of a lead's events, newest first, for callers allowed to see the lead. */
export async function listLeadEvents(
  ctx: AppContext,
  actor: Principal,
  leadId: string,
  page: { limit: number; before?: EventPosition | undefined },
): Promise<{ events: ActivityEvent[]; next: EventPosition | null }> {
  const lead = await getLead(ctx, actor, leadId);
  const events = await ctx.store.events.forLead(lead.id, {
    limit: page.limit + 1,
    ...(page.before ? { before: page.before } : {}),
  });
  const shown = events.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    events: shown,
    next: events.length > page.limit && last ? { occurredAt: last.occurredAt, id: last.id } : null,
  };
}
