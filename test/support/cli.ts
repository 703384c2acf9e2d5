import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { testDatabases } from './databases.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

export type CliRunner = (args: string[], stdin?: string) => Promise<CliRun>;

export interface CliHandle {
  /** `hearth` on this file's database. */
  readonly run: CliRunner;
  /** `hearth` on another, new and empty database of the same kind. */
  another(): Promise<CliRunner>;
  readonly workDir: string;
}

function runnerFor(env: () => Record<string, string>): CliRunner {
  return async (args, stdin = '') => {
    const out = new PassThrough();
    const err = new PassThrough();
    const stdout = collect(out);
    const stderr = collect(err);
    const status = await runCli(args, { out, err, stdin: Readable.from([stdin]), env: env() });
    return { status, stdout: stdout(), stderr: stderr() };
  };
}

/**
 * Runs each body once per database with a `hearth` bound to a fresh database: an embedded data
 * directory in a temporary folder, or a fresh PostgreSQL database.
 */
export function describeCliOnEachDatabase(title: string, body: (cli: CliHandle) => void): void {
  for (const database of testDatabases) {
    describe(`${title} [${database.name}]`, () => {
      const workDir = mkdtempSync(join(tmpdir(), 'hearth-cli-test-'));
      const drops: (() => Promise<void>)[] = [];
      const fresh = async (): Promise<Record<string, string>> => {
        const created = await database.create();
        drops.push(created.drop);
        return created.target.kind === 'postgres'
          ? { DATABASE_URL: created.target.url }
          : { HEARTH_DATA_DIR: join(workDir, `data-${drops.length}`) };
      };
      let env: Record<string, string> = {};
      beforeAll(async () => {
        env = await fresh();
      });
      afterAll(async () => {
        for (const drop of drops) await drop();
        rmSync(workDir, { recursive: true, force: true });
      });
      body({
        workDir,
        run: runnerFor(() => env),
        another: async () => {
          const otherEnv = await fresh();
          return runnerFor(() => otherEnv);
        },
      });
    });
  }
}
