import { type FirstTouchTimer, isTouch } from '../../domain/desk/speed-to-lead.js';
import type { ActivityEvent } from '../../domain/event.js';
import type { Store } from '../../store/store.js';
import { deskSettings } from './desk-settings.js';

/**
 * Stops speed-to-lead clocks with the first touch among newly stored events (a logged call,
 * meeting, sent email or reply: the `touchEvents` setting; a missed inbound call is none), inside the ingest transaction, so
 * the queue shows the clock stopped as soon as the call is logged.
 */
export async function recordFirstTouches(
  store: Store,
  events: readonly Pick<ActivityEvent, 'leadId' | 'type' | 'occurredAt' | 'properties'>[],
): Promise<void> {
  if (events.length === 0) return;
  const touchTypes = new Set((await deskSettings(store)).speedToLead.touchEvents);
  const touches = events
    .filter((e) => isTouch(e, touchTypes))
    .map((e) => ({ leadId: e.leadId, at: e.occurredAt, touch: e.type }));
  await completeTouchedTasks(store, await store.desk.recordTouches(touches));
}

/**
 * The "contact now" task of a clock a touch stopped is done by that touch: the rep who logged the
 * call should not have to tick it off as well.
 */
export async function completeTouchedTasks(store: Store, stopped: readonly FirstTouchTimer[]): Promise<void> {
  for (const timer of stopped) {
    if (timer.taskId === null || timer.touchedAt === null) continue;
    const task = await store.tasks.byId(timer.taskId);
    if (task && task.doneAt === null) {
      await store.tasks.update(
        task.id,
        { doneAt: timer.touchedAt, closedReason: 'completed' },
        timer.touchedAt,
      );
    }
  }
}
