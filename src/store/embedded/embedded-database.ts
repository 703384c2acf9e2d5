import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pgdataDir } from './template.js';

export interface PgliteWorkerData {
  /** A directory, or `memory://` for a throwaway database. */
  readonly dataDir: string;
  readonly socketPath: string;
  readonly maxConnections: number;
  /** A template tarball to load into the (new, empty) data directory instead of running initdb. */
  readonly loadTemplate: string | null;
}

export type PgliteWorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'dumped' }
  | { type: 'stopped' };

// libpq and `pg` find a Unix socket as `<dir>/.s.PGSQL.<port>`; the port is only part of the name.
const SOCKET_PORT = 5432;
const SOCKET_NAME = `.s.PGSQL.${SOCKET_PORT}`;
// sockaddr_un holds 108 bytes on Linux; longer paths fail to bind.
const MAX_SOCKET_PATH = 100;

export interface SocketAddress {
  /** The directory holding the socket, which is what `pg` takes as its `host`. */
  readonly host: string;
  readonly port: number;
}

export interface RunningEmbeddedDatabase {
  readonly address: SocketAddress;
  /** Writes the whole cluster as a tarball to `path` (atomically: a temporary file, then a rename). */
  dumpDataDir(path: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where the socket for a data directory lives: inside it when the path is short enough. */
export function socketPathFor(dataDir: string | null): string {
  if (dataDir === null) return join(tmpdir(), `hearth-${randomUUID().slice(0, 8)}`, SOCKET_NAME);
  const inside = join(resolve(dataDir), SOCKET_NAME);
  if (inside.length <= MAX_SOCKET_PATH) return inside;
  const digest = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `hearth-${digest}`, SOCKET_NAME);
}

export function socketAddress(socketPath: string): SocketAddress {
  return { host: dirname(socketPath), port: SOCKET_PORT };
}

/**
 * Starts PGlite on a worker thread for `dataDir` (null: in memory) and waits until it accepts
 * connections on `socketPath`. With `loadTemplate`, a new database is loaded from that tarball
 * (see template.ts) instead of made by initdb; the caller decides that the directory is new.
 */
export async function startEmbeddedDatabase(
  dataDir: string | null,
  socketPath: string,
  maxConnections: number,
  loadTemplate: string | null = null,
): Promise<RunningEmbeddedDatabase> {
  const socketDir = dirname(socketPath);
  // The socket's directory is removed again on stop when this call made it (an in-memory
  // database's, or a long data directory's under the temp directory) — never the data directory.
  const made = mkdirSync(socketDir, { recursive: true });
  const madeSocketDir = made === socketDir && (dataDir === null || resolve(dataDir) !== socketDir);
  const removeSocket = () => {
    rmSync(socketPath, { force: true });
    if (madeSocketDir) removeIfEmpty(socketDir);
  };
  rmSync(socketPath, { force: true });
  // PostgreSQL's own files go one level down, leaving the lock file and socket beside them.
  const data: PgliteWorkerData = {
    dataDir: dataDir ? pgdataDir(dataDir) : 'memory://',
    socketPath,
    maxConnections,
    loadTemplate,
  };
  const worker = spawnWorker(data);
  let first: PgliteWorkerMessage;
  try {
    first = await nextMessage(worker);
  } catch (error) {
    await worker.terminate();
    removeSocket();
    throw error;
  }
  if (first.type !== 'ready') {
    await worker.terminate();
    removeSocket();
    const reason = first.type === 'failed' ? first.message : 'it stopped before starting';
    throw new Error(`the embedded database in ${dataDir ?? 'memory'} could not start: ${reason}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    address: socketAddress(socketPath),
    dumpDataDir: async (path) => {
      const reply = nextMessage(worker);
      worker.postMessage({ type: 'dump', path });
      const message = await reply;
      if (message.type !== 'dumped') {
        const reason = message.type === 'failed' ? message.message : 'it stopped';
        throw new Error(`the embedded database could not be written to ${path}: ${reason}`);
      }
    },
    stop: () => {
      stopping ??= (async () => {
        // Even a stop that fails (the worker errs while closing) ends the worker and removes the
        // socket: a socket file left in the data directory outlives the process that served it.
        try {
          const stopped = nextMessage(worker);
          worker.postMessage({ type: 'stop' });
          await stopped;
        } finally {
          await worker.terminate();
          removeSocket();
        }
      })();
      return stopping;
    },
  };
}

// rmdir removes only an empty directory: anything someone else put beside the socket stays.
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Gone already, or not empty: either way nothing of ours is left to remove.
  }
}

function spawnWorker(workerData: PgliteWorkerData): Worker {
  return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData });
}

function nextMessage(worker: Worker): Promise<PgliteWorkerMessage> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (message: PgliteWorkerMessage) => {
      cleanup();
      resolvePromise(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = () => {
      cleanup();
      resolvePromise({ type: 'stopped' });
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
