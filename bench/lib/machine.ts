import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly os: string;
  readonly node: string;
  /** The 1-minute load average when the run started: other work sharing the machine. */
  readonly loadAverage: number;
  readonly commit: string | null;
  /** True when the working tree had changes not in that commit (the figures are of those too). */
  readonly uncommittedChanges: boolean | null;
}

export function machine(): Machine {
  let commit: string | null = null;
  let uncommittedChanges: boolean | null = null;
  const git = (...args: string[]) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    commit = git('rev-parse', '--short', 'HEAD');
    uncommittedChanges =
      git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'bench', 'bin') !== '';
  } catch {
    // Not a git checkout (a tarball): the results carry no commit.
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    commit,
    uncommittedChanges,
  };
}
