import type { ActivityEvent } from '../../domain/event.js';
import type { Store } from '../../store/store.js';
import { deskSettings } from './desk-settings.js';

/**
 * Stops speed-to-lead clocks with the first touch among newly stored events (a logged call,
 * meeting, sent email or reply: the `touchEvents` setting), inside the ingest transaction, so
 * the queue shows the clock stopped as soon as the call is logged.
 */
export async function recordFirstTouches(
  store: Store,
  events: readonly Pick<ActivityEvent, 'leadId' | 'type' | 'occurredAt'>[],
): Promise<void> {
  if (events.length === 0) return;
  const touchTypes = new Set((await deskSettings(store)).speedToLead.touchEvents);
  const touches = events
    .filter((e) => touchTypes.has(e.type))
    .map((e) => ({ leadId: e.leadId, at: e.occurredAt, touch: e.type }));
  await store.desk.recordTouches(touches);
}
