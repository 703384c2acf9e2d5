// Hearth as a separate process, the way it runs in production: `node bin/hearth.js …` (the build
// of `npm run build:server`). The server gets the first core this process may use and the
// benchmark (the load generator) the second, where `taskset` and two cores are there, so that
// client and server do not share a core.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const HEARTH = new URL('../../bin/hearth.js', import.meta.url).pathname;

// The cores this process may run on (a container may allow fewer than the machine has).
function allowedCores(): number[] {
  try {
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    return list.split(',').flatMap((part) => {
      const [from, to] = part.split('-').map(Number);
      if (from === undefined || Number.isNaN(from)) return [];
      return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return cpus().map((_, i) => i);
  }
}

const cores = allowedCores();
const allCores = cores.join(',');
/** The server's core and the load generator's, when there are two to give and taskset to give them. */
export const pinning: { server: number; client: number } | null =
  cores.length >= 2 && existsSync('/usr/bin/taskset')
    ? { server: cores[0] as number, client: cores[1] as number }
    : null;

/** The environment for a Hearth process: ours without any Hearth or database setting, plus `env`. */
function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('HEARTH_') && !['DATABASE_URL', 'PORT', 'HOST', 'LOG_LEVEL'].includes(key),
    ),
  );
  return { ...base, ...env };
}

function command(args: string[], pinned: boolean): [string, string[]] {
  return pinning && pinned
    ? ['taskset', ['-c', String(pinning.server), process.execPath, HEARTH, ...args]]
    : [process.execPath, [HEARTH, ...args]];
}

/** Moves this process (all its threads) to the load generator's core, or back to all (`false`). */
export function pinSelf(toClientCore: boolean): void {
  if (!pinning) return;
  const list = toClientCore ? String(pinning.client) : allCores;
  execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
}

export interface RunningServer {
  readonly url: string;
  /** The admin key a first start prints, if this start was the first. */
  readonly firstKey: string | null;
  /** Milliseconds from spawning the process to its "running" line. */
  readonly readyMs: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `hearth serve` and waits for its "Hearth is running" line. */
export async function startServer(
  env: Readonly<Record<string, string>>,
  port: number,
): Promise<RunningServer> {
  const started = performance.now();
  const [file, args] = command(['serve'], true);
  const child = spawn(file, args, {
    env: childEnv({ ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...unlimited() }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-20_000);
  });
  const ready = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Hearth is running on')) resolve(performance.now() - started);
    });
    child.once('exit', (code) =>
      reject(new Error(`hearth serve exited (${code}) before it was ready:\n${stderr}${stdout}`)),
    );
  });
  const key = /^ {4}(\S{20,})\s*$/m.exec(stderr)?.[1] ?? null;
  return {
    url: `http://127.0.0.1:${port}`,
    firstKey: key,
    readyMs: ready,
    pid: child.pid as number,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

// Rate limits protect a real installation from abuse; a load test measures what is behind them.
// (0 turns a limit off.) Only the settings this version of Hearth declares are passed (it refuses
// unknown HEARTH_ ones).
function unlimited(): Record<string, string> {
  const declared = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');
  const wanted: Record<string, string> = {
    HEARTH_RATE_LIMIT: '0',
    HEARTH_INGEST_RATE_LIMIT: '0',
    HEARTH_TRACKER_VISITOR_RATE_LIMIT: '0',
    HEARTH_TRACKER_SITE_RATE_LIMIT: '0',
  };
  return Object.fromEntries(Object.entries(wanted).filter(([key]) => declared.includes(`'${key}'`)));
}

export interface CommandRun {
  readonly ms: number;
  readonly stdout: string;
  /** Peak resident set of the process (VmHWM), sampled until it exits; null where /proc is absent. */
  readonly peakRssBytes: number | null;
}

/** Runs a `hearth` command to its end (on all cores), measuring its time and peak memory. */
export async function runHearth(env: Readonly<Record<string, string>>, args: string[]): Promise<CommandRun> {
  const started = performance.now();
  const [file, argv] = command(args, false);
  const child = spawn(file, argv, {
    env: childEnv({ ...env, LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  let peak: number | null = null;
  const statusFile = `/proc/${child.pid}/status`;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(statusFile, 'utf8'))?.[1];
      if (hwm !== undefined) peak = Math.max(peak ?? 0, Number(hwm) * 1024);
    } catch {
      // The process has just exited between two samples: the last sample stands.
    }
  };
  const timer = setInterval(sample, 50);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`hearth ${args.join(' ')} exited with ${code}:\n${stderr}`);
  return { ms, stdout, peakRssBytes: peak };
}
