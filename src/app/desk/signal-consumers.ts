import { isHistoricalSignal } from '../../domain/desk/history.js';
import type { Signal } from '../../domain/desk/signal.js';
import type { Store } from '../../store/store.js';
import { runAutomations } from '../automations/run-automations.js';
import { notifyPeople } from '../notifications/signal-notifications.js';
import { fanOutWebhooks } from '../webhooks/webhook-fanout.js';

/**
 * Whatever else reacts to a dispatched batch of signals, inside the dispatcher's transaction
 * (after the playbook ran): webhook fan-out, automations. Each sees every signal once.
 */
export type SignalConsumer = (store: Store, signals: readonly Signal[], now: Date) => Promise<void>;

/**
 * History never creates live work (docs/lead-desk.md): a consumer that acts — runs rules, makes
 * tasks, notifies — hears only the live signals. Webhooks hear all of them, history marked
 * `historical: true`, so that a receiver's copy of the temperature history stays whole.
 */
const liveOnly =
  (consume: SignalConsumer): SignalConsumer =>
  (store, signals, now) =>
    consume(
      store,
      signals.filter((s) => !isHistoricalSignal(s)),
      now,
    );

export const SIGNAL_CONSUMERS: readonly SignalConsumer[] = [
  fanOutWebhooks,
  liveOnly(runAutomations),
  liveOnly(notifyPeople),
];
