import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHearthError } from '../../src/domain/errors.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';
import { socketPathFor, startEmbeddedDatabase } from '../../src/store/embedded/embedded-database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

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
