import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/store.js';

/** What every application service needs; built once by the composition root. */
export interface AppContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: { readonly maxBatchSize: number };
}
