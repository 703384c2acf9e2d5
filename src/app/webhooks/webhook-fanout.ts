import { subscribesTo, webhookBody } from '../../domain/desk/webhook.js';
import { giveUpAt } from '../../domain/desk/webhook-retry.js';
import type { NewDelivery } from '../../store/webhooks.js';
import type { SignalConsumer } from '../desk/signal-consumers.js';

/**
 * Queues one delivery per signal and subscription to its type, in the dispatcher's transaction:
 * a signal is marked dispatched exactly when its deliveries exist. The lead in the body is read
 * now, as it is when the signal is dispatched. Deliveries are numbered in signal order, which is
 * the order a lead's deliveries are sent in.
 */
export const fanOutWebhooks: SignalConsumer = async (store, signals, now) => {
  if (signals.length === 0) return;
  const subscriptions = await store.webhooks.list();
  const wanted = signals.filter((s) => subscriptions.some((w) => subscribesTo(w, s)));
  if (wanted.length === 0) return;
  const leads = await store.webhooks.leadSnapshots(
    wanted.flatMap((s) => (s.leadId === null ? [] : [s.leadId])),
  );
  const deadline = giveUpAt(now);
  const deliveries: NewDelivery[] = wanted.flatMap((signal) => {
    // An erased lead is gone from the body too.
    const lead = signal.leadId === null ? null : (leads.get(signal.leadId) ?? null);
    const body = webhookBody(signal, lead);
    return subscriptions
      .filter((w) => subscribesTo(w, signal))
      .map((w) => ({
        webhookId: w.id,
        signalId: signal.id,
        leadId: lead?.id ?? null,
        event: signal.type,
        body,
        giveUpAt: deadline,
      }));
  });
  await store.webhooks.enqueue(deliveries, now);
};
