import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Principal } from '../../src/domain/access.js';
import type { Clock } from '../../src/domain/clock.js';
import { type OpenApp, openApp } from '../../src/main.js';
import type { DatabaseTarget } from '../../src/store/database.js';

/** PostgreSQL tests run when the environment names a server, as CI does. */
export const postgresUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

export interface TestDatabase {
  readonly name: 'pglite' | 'postgres';
  /** A fresh, empty database for one test file. */
  create(): Promise<{ target: DatabaseTarget; drop(): Promise<void> }>;
}

const pglite: TestDatabase = {
  name: 'pglite',
  create: async () => ({ target: { kind: 'embedded', dataDir: null }, drop: async () => {} }),
};

const postgres: TestDatabase = {
  name: 'postgres',
  create: async () => {
    const url = new URL(postgresUrl as string);
    const name = `hearth_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const testUrl = new URL(url);
    testUrl.pathname = `/${name}`;
    return {
      target: { kind: 'postgres', url: testUrl.toString() },
      drop: async () => {
        const client = new pg.Client({ connectionString: url.toString() });
        await client.connect();
        // A closed pool's connections say goodbye asynchronously; forcing them off the database
        // before they have gone would raise "terminating connection" in a client already ended.
        for (let wait = 0; wait < 50; wait++) {
          const { rows } = await client.query(
            'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
            [name],
          );
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  },
};

export const testDatabases: readonly TestDatabase[] = postgresUrl ? [pglite, postgres] : [pglite];

if (!postgresUrl) {
  console.info('PostgreSQL tests skipped: set DATABASE_URL or TEST_DATABASE_URL to run them too.');
}

/** A settable clock for tests: time moves only when the test says so. */
export function testClock(
  start = '2026-03-02T09:00:00.000Z',
): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as Clock & { set(iso: string): void; advance(ms: number): void };
  clock.set = (iso) => {
    now = new Date(iso).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export const adminActor: Principal = { role: 'admin', userId: null, keyId: null };

/**
 * Runs `body` once per available database, each with a fresh database and an open app.
 *
 * @example
 * describeEachDatabase('leads', (env) => { it('…', async () => { await env.app.ctx.store… }) });
 */
export function describeEachDatabase(
  title: string,
  body: (env: {
    readonly app: OpenApp;
    readonly clock: ReturnType<typeof testClock>;
    readonly database: TestDatabase['name'];
  }) => void,
  options: { clock?: string } = {},
): void {
  for (const database of testDatabases) {
    describe(`${title} [${database.name}]`, () => {
      const env = { clock: testClock(options.clock), database: database.name } as {
        app: OpenApp;
        clock: ReturnType<typeof testClock>;
        database: TestDatabase['name'];
      };
      let drop: () => Promise<void> = async () => {};
      beforeAll(async () => {
        const created = await database.create();
        drop = created.drop;
        env.app = await openApp(loadConfig({ HEARTH_DB_POOL_SIZE: '4' }), {
          clock: env.clock,
          target: created.target,
        });
      });
      afterAll(async () => {
        await env.app?.close();
        await drop();
      });
      body(env);
    });
  }
}
