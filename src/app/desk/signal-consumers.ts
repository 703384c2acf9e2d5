import type { Signal } from '../../domain/desk/signal.js';
import type { Store } from '../../store/store.js';
import { runAutomations } from '../automations/run-automations.js';
import { fanOutWebhooks } from '../webhooks/webhook-fanout.js';

/**
 * Whatever else reacts to a dispatched batch of signals, inside the dispatcher's transaction
 * (after the playbook ran): webhook fan-out, automations. Each sees every signal once.
 */
export type SignalConsumer = (store: Store, signals: readonly Signal[], now: Date) => Promise<void>;

export const SIGNAL_CONSUMERS: readonly SignalConsumer[] = [fanOutWebhooks, runAutomations];
