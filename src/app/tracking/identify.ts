import { HearthError } from '../../domain/errors.js';
import { isVisitorId, type VisitorEvent } from '../../domain/tracking/site-key.js';
import type { AppContext } from '../context.js';
import { ingestEvents } from '../events/ingest.js';

/** What attaching a visitor to a lead did. */
export interface VisitorAttachment {
  /** False when the visitor id is not one the tracker reported (garbage, unknown, never consented). */
  readonly attached: boolean;
  /** Events of the anonymous history now stored as the lead's. */
  readonly replayed: number;
  /** Events of that history the lead already had (a retried beacon, a form sent twice). */
  readonly duplicates: number;
}

const NOTHING: VisitorAttachment = { attached: false, replayed: 0, duplicates: 0 };

/**
 * The external id of a tracker event once it is a lead's event: the same whether the event came
 * while the visitor was anonymous (replayed later) or after, so a retried beacon is a duplicate.
 */
export const trackerEventId = (visitorId: string, eventId: string) => `tracker:${visitorId}:${eventId}`;

/**
 * Attaches the tracker's visitor `visitorId` (the `hearth_vid` a page sends, the id the tracker
 * keeps in the browser) to the lead `leadId`, and turns the visitor's anonymous history into the
 * lead's events **at their original times**, through the normal ingest path (`ingestEvents`): they
 * are scored exactly as if they had come with the lead's email, and old ones make no live work by
 * the usual history rule. From then on the tracker's events of that visitor go straight to the
 * lead.
 *
 * Contract, for callers outside the tracker (hosted forms):
 * - Call it after the lead exists, inside the same transaction as the write that identified the
 *   person (pass `{ ...ctx, store: tx }`), so that both stand or fall together; it also works on
 *   its own and then opens its own transaction. Time is `ctx.clock()`.
 * - It takes the visitor's lock (then the lead's, to score): one attachment per visitor at a time.
 * - A `visitorId` that is not a tracker id, or that the tracker never reported (for instance
 *   consent was not given, so nothing was stored), is a no-op answering `attached: false`; it is
 *   never created here. No site key is needed: visitor ids are unique across keys.
 * - A visitor already attached to another lead moves to this one (the person who identified last
 *   is the browser's); the history the other lead already has stays with it.
 * - Idempotent: attaching again replays nothing new (`replayed: 0`).
 * - Throws `not_found` when no lead has id `leadId`.
 *
 * @example
 * await ctx.store.transaction(async (tx) => {
 *   const { lead } = await upsertLead({ ...ctx, store: tx }, actor, input);
 *   await attachVisitorToLead({ ...ctx, store: tx }, { visitorId: form.hearth_vid, leadId: lead.id });
 * });
 */
export async function attachVisitorToLead(
  ctx: AppContext,
  input: { readonly visitorId: unknown; readonly leadId: string },
): Promise<VisitorAttachment> {
  const { visitorId, leadId } = input;
  if (!isVisitorId(visitorId)) return NOTHING;
  return ctx.store.transaction(async (store) => {
    await store.tracking.lockVisitor(visitorId);
    const visitor = await store.tracking.visitor(visitorId);
    if (!visitor) return NOTHING;
    if (!(await store.leads.byId(leadId))) {
      throw new HearthError('not_found', `No lead has id ${leadId}`, { leadId });
    }
    const now = ctx.clock();
    if (visitor.leadId !== leadId) await store.tracking.identifyVisitor(visitorId, leadId, now);
    const history = await store.tracking.visitorEvents(visitorId);
    if (history.length === 0) return { attached: true, replayed: 0, duplicates: 0 };
    const summary = await ingestEvents(
      { ...ctx, store },
      history.map((event) => asLeadEvent(visitorId, leadId, event)),
      { maxBatchSize: history.length },
    );
    // The collect endpoint keeps only events that ingest accepts (its checks are stricter), so a
    // rejection here is a bug: the history stays kept rather than half-moved.
    if (summary.rejected > 0) {
      const problems = summary.results.flatMap((r) => r.problems ?? []);
      throw new Error(`replaying visitor ${visitorId}: ${JSON.stringify(problems).slice(0, 500)}`);
    }
    await store.tracking.clearVisitorEvents(visitorId);
    return { attached: true, replayed: summary.stored, duplicates: summary.duplicates };
  });
}

/** A tracker event as `ingestEvents` takes it, for the lead. */
export function asLeadEvent(visitorId: string, leadId: string, event: VisitorEvent) {
  return {
    type: event.type,
    leadId,
    id: trackerEventId(visitorId, event.eventId),
    occurredAt: event.occurredAt.toISOString(),
    properties: event.properties,
  };
}
