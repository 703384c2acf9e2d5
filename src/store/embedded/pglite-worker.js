// Runs PGlite in its own thread and serves it over the PostgreSQL wire protocol on a Unix socket,
// so that (1) a long query never blocks the HTTP event loop, (2) the app speaks to the embedded
// database through the same `pg` driver it uses for a PostgreSQL server, and (3) a CLI command
// started while the server runs can go through this same socket instead of opening the files twice.
//
// Plain JavaScript (type-checked through JSDoc) so that a worker thread can load it as it is, from
// the sources in tests as well as from the build.
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { isolateExtendedProtocol } from './protocol-isolation.js';

/** @typedef {import('./embedded-database.js').PgliteWorkerData} PgliteWorkerData */
/** @typedef {import('./embedded-database.js').PgliteWorkerMessage} PgliteWorkerMessage */

const port = parentPort;
if (!port) throw new Error('pglite-worker must run as a worker thread');
const { dataDir, socketPath, maxConnections, loadTemplate } = /** @type {PgliteWorkerData} */ (workerData);

/** @param {PgliteWorkerMessage} message */
function send(message) {
  port?.postMessage(message);
}

try {
  // A new database starts from the template when there is one (PGlite itself refuses to load a
  // tarball over a directory that holds a cluster already).
  const db = loadTemplate
    ? await PGlite.create(dataDir, { loadDataDir: new Blob([readFileSync(loadTemplate)]) })
    : await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
  isolateExtendedProtocol(server);
  await server.start();
  port.on('message', (/** @type {{ type: string, path?: string }} */ message) => {
    if (message.type === 'dump' && message.path) {
      void dumpTo(message.path).then(
        () => send({ type: 'dumped' }),
        (error) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
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

  /**
   * Writes the whole cluster as an uncompressed tarball to `path`, through a file of its own that
   * is renamed into place: processes making the same template at once never see half of one.
   * @param {string} path
   */
  async function dumpTo(path) {
    // Everything on disk first, so the tarball needs no recovery from the write-ahead log.
    await db.exec('CHECKPOINT');
    const tarball = await db.dumpDataDir('none');
    const partial = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.partial`;
    try {
      writeFileSync(partial, new Uint8Array(await tarball.arrayBuffer()));
      renameSync(partial, path);
    } finally {
      rmSync(partial, { force: true });
    }
  }
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
