// Runs PGlite in its own thread and serves it over the PostgreSQL wire protocol on a Unix socket,
// so that (1) a long query never blocks the HTTP event loop, (2) the app speaks to the embedded
// database through the same `pg` driver it uses for a PostgreSQL server, and (3) a CLI command
// started while the server runs can go through this same socket instead of opening the files twice.
//
// Plain JavaScript (type-checked through JSDoc) so that a worker thread can load it as it is, from
// the sources in tests as well as from the build.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { isolateExtendedProtocol } from './protocol-isolation.js';

/** @typedef {import('./embedded-database.js').PgliteWorkerData} PgliteWorkerData */
/** @typedef {import('./embedded-database.js').PgliteWorkerMessage} PgliteWorkerMessage */

const port = parentPort;
if (!port) throw new Error('pglite-worker must run as a worker thread');
const { dataDir, socketPath, maxConnections } = /** @type {PgliteWorkerData} */ (workerData);

/** @param {PgliteWorkerMessage} message */
function send(message) {
  port?.postMessage(message);
}

try {
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
  isolateExtendedProtocol(server);
  await server.start();
  port.on('message', (/** @type {{ type: string }} */ message) => {
    if (message.type !== 'stop') return;
    void (async () => {
      await server.stop();
      // A checkpoint on close keeps the write-ahead log from growing across restarts.
      await db.exec('CHECKPOINT');
      await db.close();
      send({ type: 'stopped' });
    })();
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
