import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/store.js';
import type { NotificationSetup } from './notifications/setup.js';
import type { Wakeup } from './wakeup.js';

/** What every application service needs; built once by the composition root. */
export interface AppContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: { readonly maxBatchSize: number };
  /** Nudges this process's background work after a change that wrote signals. */
  readonly wakeup: Wakeup;
  /** How notifications reach people (SMTP, links); absent: email off, links to localhost. */
  readonly notifications?: NotificationSetup;
}
