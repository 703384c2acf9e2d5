import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const entry = new URL('../../src/cli/entry.ts', import.meta.url).pathname;

/** A real `hearth serve` on a free port and a fresh data directory, with its first admin key. */
export interface RunningServer {
  readonly url: string;
  readonly adminKey: string;
  /** The one-time "create the owner account" link the banner printed (empty after the demo's users). */
  readonly setupUrl: string;
  /** Calls the API with the admin key; throws on an error answer. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** `hearth …` run to its end before the server starts; its standard output. */
function hearth(args: string[], env: NodeJS.ProcessEnv): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`hearth ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/**
 * `demoLeads` loads `hearth demo --leads N` into the data directory first (the demo refuses a
 * running server) and makes the admin key with `hearth keys create`: with users in it, the server
 * prints no first key. `env` adds settings (`HEARTH_IMPORT_CHUNK_ROWS`).
 */
export async function startServer(
  options: { demoLeads?: number; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-'));
  let demoKey: string | undefined;
  if (options.demoLeads !== undefined) {
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', HEARTH_DATA_DIR: dataDir };
    hearth(['demo', '--leads', String(options.demoLeads)], env);
    demoKey = hearth(['keys', 'create', '--role', 'admin', '--name', 'e2e'], env).trim();
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      // Many requests from one address and one key, faster than any person: no rate limits.
      HEARTH_RATE_LIMIT: '0',
      HEARTH_INGEST_RATE_LIMIT: '0',
      HEARTH_SIGNIN_RATE_LIMIT: '0',
      // Trainings of the predictive score only when a test asks: no scheduled one races it.
      HEARTH_PREDICT_RETRAIN_HOURS: '0',
      LOG_LEVEL: 'warn',
      HEARTH_DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let banner = '';
  // Everything the server prints, for a failed run to read.
  const logFile = join(tmpdir(), 'hearth-e2e-server.log');
  writeFileSync(logFile, '');
  child.stdout?.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk));
  child.stderr?.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk));
  child.on('exit', (code, signal) => appendFileSync(logFile, `\n[hearth serve exited: ${code ?? signal}]\n`));
  const { url, adminKey, setupUrl } = await new Promise<{ url: string; adminKey: string; setupUrl: string }>(
    (resolve, reject) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        const match = /running on (http:\/\/localhost:\d+)/.exec(banner);
        const key = demoKey ?? /\n\s+(hth_[A-Za-z0-9_-]+)\n/.exec(banner)?.[1];
        const setup = /\n\s+(http:\/\/\S+\/setup\?token=\S+)\n/.exec(banner)?.[1];
        // The docs line is the banner's last: by then the key and setup blocks have been printed.
        // With the demo's users there is no setup link.
        if (match?.[1] && key && (setup || demoKey) && /API docs: .*\n/.test(banner)) {
          resolve({ url: match[1], adminKey: key, setupUrl: setup ?? '' });
        }
      });
      child.on('exit', (code) => reject(new Error(`hearth serve exited with ${code}: ${banner}`)));
    },
  );

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text} (server log: ${logFile})`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    url,
    adminKey,
    setupUrl,
    api,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
