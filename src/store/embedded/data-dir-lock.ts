import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the process holding a data directory writes into its lock file. */
export interface LockOwner {
  readonly pid: number;
  readonly socketPath: string;
  readonly startedAt: string;
}

export type LockAttempt = { acquired: true; release: () => void } | { acquired: false; owner: LockOwner };

const LOCK_FILE = 'hearth.lock';

/**
 * Takes the data directory for this process, or reports who holds it. PGlite opens its files
 * without any locking of its own, so two processes writing one directory would corrupt it; the
 * lock file (created with O_EXCL) decides which process owns the files. A lock whose process is
 * gone (killed with -9, host crash) is stale and taken over.
 */
export function lockDataDir(dataDir: string, socketPath: string): LockAttempt {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = { pid: process.pid, socketPath, startedAt: new Date().toISOString() };
    try {
      writeFileSync(path, JSON.stringify(owner), { flag: 'wx' });
      return {
        acquired: true,
        release: () => {
          if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readOwner(path);
    // Our own pid counts as alive: a second open in this process goes through the first one's socket.
    if (current && isAlive(current.pid)) return { acquired: false, owner: current };
    rmSync(path, { force: true });
  }
  throw new Error(`could not take the lock file ${path}`);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    // A lock file cut short by a crash between create and write is as good as none.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
