import { existsSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { HearthError } from '../domain/errors.js';
import { lockDataDir } from './embedded/data-dir-lock.js';
import {
  type RunningEmbeddedDatabase,
  socketAddress,
  socketPathFor,
  startEmbeddedDatabase,
} from './embedded/embedded-database.js';
import { isNewPgdata, pgdataDir, removeOtherTemplates, templatePath } from './embedded/template.js';
import { migrateToLatest, migrationFingerprint } from './migrate.js';
import type { Database } from './schema.js';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  /**
   * `dataDir: null` is a throwaway in-memory database (tests). `template` (default true): a new
   * database is loaded from the cached template of a migrated one instead of made by initdb.
   */
  | { readonly kind: 'embedded'; readonly dataDir: string | null; readonly template?: boolean };

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'embedded';
  /** True when this process opened the embedded files itself; false when it goes through another's socket. */
  readonly ownsEmbeddedFiles: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly poolSize: number;
  /** Refuse to go through another process's embedded database (a second `serve`). */
  readonly exclusive?: boolean;
}

// Connections the embedded server accepts beyond this process's own pool: `hearth` commands run
// while `serve` holds the directory connect through its socket, each with a pool of its own.
// PGlite runs one query at a time whatever the count; a refused connection is an error for the
// command, a queued one only a wait.
const GUEST_CONNECTIONS = 30;

// pg returns int8 and numeric as strings to be safe with values past 2^53; Hearth's int8 columns
// are identities and counts well below that.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

/**
 * Opens the one database Hearth uses: a PostgreSQL server, or PGlite embedded in this process
 * (served on a worker thread) — or, when another Hearth process already holds the data directory,
 * a connection through that process's socket.
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize, types });
    return handle(pool, 'postgres', false, async () => {});
  }
  const socketPath = socketPathFor(target.dataDir);
  const useTemplate = target.template ?? true;
  if (target.dataDir === null) {
    const embedded = await startEmbedded(null, socketPath, options.poolSize + GUEST_CONNECTIONS, useTemplate);
    return handle(embeddedPool(embedded.address, options.poolSize), 'embedded', true, embedded.stop);
  }
  const lock = lockDataDir(target.dataDir, socketPath);
  if (!lock.acquired) {
    if (options.exclusive) {
      throw new HearthError(
        'unavailable',
        `Another Hearth process (pid ${lock.owner.pid}) is using the data directory ${target.dataDir}; stop it first, or set HEARTH_DATA_DIR to another directory.`,
      );
    }
    const pool = embeddedPool(socketAddress(lock.owner.socketPath), options.poolSize);
    await assertReachable(pool, target.dataDir, lock.owner.pid);
    return handle(pool, 'embedded', false, async () => {});
  }
  try {
    const embedded = await startEmbedded(
      target.dataDir,
      socketPath,
      options.poolSize + GUEST_CONNECTIONS,
      useTemplate,
    );
    return handle(embeddedPool(embedded.address, options.poolSize), 'embedded', true, async () => {
      await embedded.stop();
      lock.release();
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Starts the embedded database; a new one (in memory, or a data directory without a cluster yet —
 * checked under the directory's lock) from the template when there is one. Only an in-memory
 * database makes a missing template, from itself, before anyone else can connect: it then holds
 * nothing but the migrations. A data directory never waits for one to be made (its first start
 * would be slower than initdb alone) and never becomes one. The caller still runs the migrator, so
 * an out-of-date template can never skip a migration.
 */
async function startEmbedded(
  dataDir: string | null,
  socketPath: string,
  maxConnections: number,
  useTemplate: boolean,
): Promise<RunningEmbeddedDatabase> {
  const plain = () => startEmbeddedDatabase(dataDir, socketPath, maxConnections);
  if (!useTemplate || (dataDir !== null && !isNewPgdata(pgdataDir(dataDir)))) return plain();
  let template: string;
  try {
    template = templatePath(migrationFingerprint());
  } catch (error) {
    warnNoTemplate(error);
    return plain();
  }
  if (existsSync(template)) return startEmbeddedDatabase(dataDir, socketPath, maxConnections, template);
  if (dataDir !== null) return plain();
  const embedded = await plain();
  try {
    await saveTemplate(embedded, template);
  } catch (error) {
    // The migrations may have failed: openApp runs them again and reports it.
    warnNoTemplate(error);
  }
  return embedded;
}

async function saveTemplate(embedded: RunningEmbeddedDatabase, path: string): Promise<void> {
  const migrating = handle(embeddedPool(embedded.address, 1), 'embedded', true, async () => {});
  try {
    await migrateToLatest(migrating.db);
  } finally {
    await migrating.close();
  }
  await embedded.dumpDataDir(path);
  removeOtherTemplates(path);
}

function warnNoTemplate(error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `the embedded database's template could not be used or made (${reason}); starting without it`,
  );
}

function embeddedPool(address: { host: string; port: number }, max: number): pg.Pool {
  return new pg.Pool({
    host: address.host,
    port: address.port,
    user: 'postgres',
    database: 'postgres',
    max,
    types,
  });
}

async function assertReachable(pool: pg.Pool, dataDir: string, pid: number): Promise<void> {
  try {
    await pool.query('select 1');
  } catch {
    await pool.end();
    throw new HearthError(
      'unavailable',
      `The data directory ${dataDir} is held by process ${pid}, which does not answer; wait for it or stop it.`,
    );
  }
}

function handle(
  pool: pg.Pool,
  kind: DatabaseHandle['kind'],
  ownsEmbeddedFiles: boolean,
  afterPoolEnd: () => Promise<void>,
): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    ownsEmbeddedFiles,
    close: () => {
      closing ??= (async () => {
        await db.destroy();
        await afterPoolEnd();
      })();
      return closing;
    },
  };
}
