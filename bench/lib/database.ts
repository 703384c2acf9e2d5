// The database a benchmark run works on: a fresh embedded data directory, or a fresh database on
// the PostgreSQL server of DATABASE_URL (made for the run, dropped afterwards). Hearth itself is
// always run as a child process against it (`hearth serve`, `hearth import`); the benchmark's own
// SQL (bulk base load, the raw COPY it compares with) goes through a session of its own.
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const run = promisify(execFile);

export type Engine = 'pglite' | 'postgresql';

export interface SqlSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * `COPY table (columns) FROM` a file; `options` as in COPY's WITH (…). Returns the rows copied
   * and the milliseconds the COPY took (as the database client reports it).
   */
  copyIn(target: string, file: string, options: string): Promise<{ rows: number; ms: number }>;
  /** `COPY (query) TO` a file as CSV. */
  copyOut(query: string, file: string): Promise<void>;
  close(): Promise<void>;
}

export interface BenchDatabase {
  readonly engine: Engine;
  /** What Hearth's processes need to find it. */
  readonly env: Readonly<Record<string, string>>;
  /** PGlite: only while no Hearth process holds the data directory. */
  session(): Promise<SqlSession>;
  drop(): Promise<void>;
}

export function embeddedDatabase(): BenchDatabase {
  const root = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const dataDir = join(root, 'data');
  return {
    engine: 'pglite',
    env: { HEARTH_DATA_DIR: dataDir },
    // The path Hearth's worker opens (src/store/embedded/pglite-worker.js).
    session: async () => pgliteSession(await PGlite.create(join(dataDir, 'pgdata'))),
    drop: async () => rmSync(root, { recursive: true, force: true }),
  };
}

export async function postgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `hearth_bench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    engine: 'postgresql',
    env: { DATABASE_URL: url.toString() },
    session: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      // When a step fails, the run drops its database with force, ending this session's
      // connection: that must not crash the process before the step's own error is printed.
      client.on('error', () => {});
      await client.connect();
      return postgresSession(client, url.toString());
    },
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

function pgliteSession(db: PGlite): SqlSession {
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    copyIn: async (target, file, options) => {
      // PGlite copies from an in-memory blob: send the file in slices of whole lines.
      let rows = 0;
      let ms = 0;
      for await (const slice of lineSlices(file, 32 * 1024 * 1024)) {
        const blob = new Blob([slice]);
        const started = performance.now();
        const result = await db.query(`copy ${target} from '/dev/blob' with (${options})`, [], { blob });
        ms += performance.now() - started;
        rows += result.affectedRows ?? 0;
      }
      return { rows, ms };
    },
    copyOut: async (query, file) => {
      const result = await db.query(`copy (${query}) to '/dev/blob' with (format csv)`);
      writeFileSync(file, Buffer.from(await (result.blob as Blob).arrayBuffer()));
    },
    close: () => db.close(),
  };
}

function postgresSession(client: pg.Client, url: string): SqlSession {
  // pg has no COPY FROM STDIN of its own; psql's \copy is the server's client-side COPY.
  const psql = async (command: string) => {
    const { stdout } = await run(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-At', '-c', '\\timing on', '-c', command],
      {
        maxBuffer: 1024 * 1024,
      },
    );
    return stdout;
  };
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
    copyIn: async (target, file, options) => {
      // psql's own timing: the COPY, without starting psql and connecting.
      const out = await psql(`\\copy ${target} from '${file}' with (${options})`);
      return {
        rows: Number(/COPY (\d+)/.exec(out)?.[1] ?? 0),
        ms: Number(/Time: ([\d.]+) ms/.exec(out)?.[1] ?? Number.NaN),
      };
    },
    copyOut: async (query, file) => {
      await psql(`\\copy (${query}) to '${file}' with (format csv)`);
    },
    close: () => client.end(),
  };
}

async function* lineSlices(file: string, bytes: number): AsyncGenerator<string> {
  let slice: string[] = [];
  let size = 0;
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    slice.push(line);
    size += line.length + 1;
    if (size >= bytes) {
      yield `${slice.join('\n')}\n`;
      slice = [];
      size = 0;
    }
  }
  if (slice.length > 0) yield `${slice.join('\n')}\n`;
}

/** "PostgreSQL 15.4 …" or "PGlite 0.5.14 (PostgreSQL 17.5 …)" */
export async function describeDatabase(session: SqlSession, engine: Engine): Promise<string> {
  const [row] = await session.query<{ version: string }>('select version() as version');
  const version = row?.version.split(' on ')[0] ?? 'unknown';
  if (engine === 'postgresql') return version;
  const info = JSON.parse(
    readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return `PGlite ${info.version} (${version})`;
}
