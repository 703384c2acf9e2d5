import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHearthError } from '../../src/domain/errors.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { socketPathFor, startEmbeddedDatabase } from '../../src/store/embedded/embedded-database.js';
import { templatePath } from '../../src/store/embedded/template.js';
import { migrateToLatest, migrationFingerprint } from '../../src/store/migrate.js';

describe('embedded database in a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-embedded-test-'));
  let owner: DatabaseHandle;

  beforeAll(async () => {
    owner = await openDatabase({ kind: 'embedded', dataDir }, { poolSize: 2 });
    await migrateToLatest(owner.db);
  });
  afterAll(async () => {
    await owner.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets a second opener go through the running owner instead of opening the files twice', async () => {
    expect(owner.ownsEmbeddedFiles).toBe(true);
    const client = await openDatabase({ kind: 'embedded', dataDir }, { poolSize: 1 });
    try {
      expect(client.ownsEmbeddedFiles).toBe(false);
      await client.db
        .insertInto('settings')
        .values({ key: 'via-client', value: JSON.stringify(1) })
        .execute();
      const seen = await owner.db
        .selectFrom('settings')
        .select('key')
        .where('key', '=', 'via-client')
        .execute();
      expect(seen).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('refuses a second exclusive opener (a second server) with a message naming the holder', async () => {
    const attempt = openDatabase({ kind: 'embedded', dataDir }, { poolSize: 1, exclusive: true });
    await expect(attempt).rejects.toSatisfy(
      (error) =>
        isHearthError(error) && error.code === 'unavailable' && error.message.includes(`pid ${process.pid}`),
    );
  });

  it('keeps the event loop turning while a long query runs on the database thread', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 5);
    const query = sql<{ n: number }>`select count(*)::int as n from generate_series(1, 3000000)`.execute(
      owner.db,
    );
    const ticksWhenQueryStarted = ticks;
    const result = await query;
    clearInterval(timer);
    expect(result.rows[0]?.n).toBe(3_000_000);
    expect(ticks).toBeGreaterThan(ticksWhenQueryStarted);
  });
});

describe('a stale lock', () => {
  it('is taken over when the process that held the directory is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-stale-lock-test-'));
    // A pid that surely is not running: one that just exited.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(
      join(dataDir, 'hearth.lock'),
      JSON.stringify({ pid: gone, socketPath: socketPathFor(dataDir), startedAt: new Date().toISOString() }),
    );
    const handle = await openDatabase({ kind: 'embedded', dataDir }, { poolSize: 1, exclusive: true });
    try {
      expect(handle.ownsEmbeddedFiles).toBe(true);
    } finally {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the socket's directory under the temp directory", () => {
  it('is made for an in-memory database and removed when it stops', async () => {
    const socketPath = socketPathFor(null);
    const socketDir = dirname(socketPath);
    expect(socketDir.startsWith(tmpdir())).toBe(true);
    const running = await startEmbeddedDatabase(null, socketPath, 2);
    expect(existsSync(socketPath)).toBe(true);
    await running.stop();
    expect(existsSync(socketDir)).toBe(false);
  });

  it('is removed when the database fails to start', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hearth-failed-start-test-'));
    // Long enough for the socket to go under the temp directory; a file, so PGlite cannot start in it.
    const dataDir = join(parent, 'd'.repeat(100));
    writeFileSync(dataDir, 'not a directory');
    const socketPath = socketPathFor(dataDir);
    expect(dirname(socketPath).startsWith(parent)).toBe(false);
    try {
      await expect(startEmbeddedDatabase(dataDir, socketPath, 2)).rejects.toThrow(/could not start/);
      expect(existsSync(dirname(socketPath))).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('the template of a migrated database', () => {
  const parent = mkdtempSync(join(tmpdir(), 'hearth-template-test-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  async function schemaOf(handle: DatabaseHandle) {
    const columns = await sql`
      select table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema = 'public' order by 1, 2`.execute(handle.db);
    const indexes = await sql`
      select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`.execute(handle.db);
    const constraints = await sql`
      select conname, pg_get_constraintdef(oid) as def from pg_constraint
      where connamespace = 'public'::regnamespace order by 1`.execute(handle.db);
    const migrations = await sql`select name from hearth_migrations order by name`.execute(handle.db);
    return {
      columns: columns.rows,
      indexes: indexes.rows,
      constraints: constraints.rows,
      migrations: migrations.rows,
    };
  }

  it('gives a new data directory every migration and the same schema as initdb and the migrations', async () => {
    const withTemplate = join(parent, 'with-template');
    const without = join(parent, 'without-template');
    // An in-memory database makes the template when this machine has none yet.
    const first = await openDatabase({ kind: 'embedded', dataDir: null }, { poolSize: 1 });
    await first.close();
    expect(existsSync(templatePath(migrationFingerprint()))).toBe(true);

    const loaded = await openDatabase({ kind: 'embedded', dataDir: withTemplate }, { poolSize: 2 });
    const made = await openDatabase({ kind: 'embedded', dataDir: without, template: false }, { poolSize: 2 });
    try {
      // Loaded from the template: the migrator finds nothing left to apply.
      expect(await migrateToLatest(loaded.db)).toEqual([]);
      expect((await migrateToLatest(made.db)).length).toBeGreaterThan(0);
      expect(await schemaOf(loaded)).toEqual(await schemaOf(made));
      await loaded.db
        .insertInto('settings')
        .values({ key: 'k', value: JSON.stringify(1) })
        .execute();
      const rows = await loaded.db.selectFrom('settings').select('key').where('key', '=', 'k').execute();
      expect(rows).toEqual([{ key: 'k' }]);
      const models = await sql<{ n: number }>`select count(*)::int as n from scoring_models`.execute(
        loaded.db,
      );
      expect(models.rows[0]?.n).toBe(1);
    } finally {
      await loaded.close();
      await made.close();
    }
  });

  it('never replaces a data directory that holds a database already', async () => {
    const dataDir = join(parent, 'existing');
    const before = await openDatabase({ kind: 'embedded', dataDir }, { poolSize: 1 });
    await migrateToLatest(before.db);
    await before.db
      .insertInto('settings')
      .values({ key: 'kept', value: JSON.stringify('yes') })
      .execute();
    await before.close();

    const after = await openDatabase({ kind: 'embedded', dataDir }, { poolSize: 1 });
    try {
      expect(await migrateToLatest(after.db)).toEqual([]);
      const rows = await after.db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', '=', 'kept')
        .execute();
      expect(rows).toHaveLength(1);
    } finally {
      await after.close();
    }
  });
});
