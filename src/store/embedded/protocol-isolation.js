// pglite-socket 0.2.x serves every connection from one PGlite session and queues their protocol
// messages one by one, keeping a connection's messages together only inside an SQL transaction.
// The extended query protocol (Parse, Bind, Describe, Execute … Sync) keeps state — the unnamed
// prepared statement — from Parse until Sync, outside transactions too, so two connections'
// queries interleave and fail with "unnamed prepared statement does not exist" (or bind to the
// other's statement). And a message that throws leaves the queue stuck for ever. Both are open
// upstream (electric-sql/pglite#1046, #977). Until a release fixes them, this replaces the queue's
// scheduler on our server instance: a connection keeps the session from its first extended-protocol
// message to its Sync, as in a transaction, and a failure is answered without stopping the queue.
//
// Plain JavaScript with JSDoc types, like the worker that loads it.

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q': a simple query stands alone
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H

/**
 * @typedef {{ handlerId: number, message: Uint8Array, resolve: (bytes: number) => void,
 *   reject: (error: unknown) => void, onData: (data: Uint8Array) => void }} QueuedMessage
 * @typedef {{ queue: QueuedMessage[], processing: boolean, lastHandlerId: number | null,
 *   db: import('@electric-sql/pglite').PGlite, processQueue: () => Promise<void>,
 *   clearTransactionIfNeeded: (handlerId: number) => Promise<void> }} QueryQueue
 */

/**
 * Installs the batch-aware scheduler on a started PGLiteSocketServer.
 * @param {unknown} server
 */
export function isolateExtendedProtocol(server) {
  const queue = /** @type {{ queryQueue?: QueryQueue }} */ (server).queryQueue;
  if (!queue || typeof queue.processQueue !== 'function' || !Array.isArray(queue.queue)) {
    throw new Error(
      'pglite-socket changed its internals: review src/store/embedded/protocol-isolation.js against the new version',
    );
  }
  // The connection in the middle of an extended-protocol batch, if any.
  /** @type {number | null} */
  let inBatch = null;

  queue.processQueue = async () => {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const owner = inBatch ?? (queue.db.isInTransaction() ? queue.lastHandlerId : null);
        /** @type {QueuedMessage | undefined} */
        let item;
        if (owner !== null) {
          const at = queue.queue.findIndex((q) => q.handlerId === owner);
          // The owner's next message is not here yet: it is enqueued when its last one is
          // answered, and enqueueing runs this again.
          if (at === -1) break;
          item = queue.queue.splice(at, 1)[0];
        } else {
          item = queue.queue.shift();
        }
        if (!item) break;
        const current = item;
        let bytes = 0;
        try {
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          if (inBatch === current.handlerId) inBatch = null;
          current.reject(error);
          continue;
        }
        queue.lastHandlerId = current.handlerId;
        const type = current.message[0] ?? 0;
        if (EXTENDED.has(type)) inBatch = current.handlerId;
        else if (type === SYNC || type === QUERY || inBatch === current.handlerId) inBatch = null;
        current.resolve(bytes);
      }
    } finally {
      queue.processing = false;
    }
  };

  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId) => {
    // A connection that left mid-batch must not keep the session from the others.
    if (inBatch === handlerId) inBatch = null;
    await clearTransaction(handlerId);
    await queue.processQueue();
  };
}
