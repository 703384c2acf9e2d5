/**
 * Tells background work in this process that there may be something to do now (a signal was
 * written), so that reactions and webhooks follow a change within milliseconds instead of at
 * the next poll. Other instances find the same work by polling the database.
 */
export class Wakeup {
  readonly #listeners = new Set<() => void>();

  /** Calls `listener` on every `notify`; returns a function that removes it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
