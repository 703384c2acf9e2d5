import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { openApp } from '../../src/main.js';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth demo', (cli) => {
  it('rejects a bad flag with one line and exit status 2', async () => {
    const run = await cli.run(['demo', '--leads', 'many']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--leads/);
    expect((await cli.run(['demo', '--leads', '5'])).status).toBe(2);
    expect((await cli.run(['demo', '--seed', '-1'])).status).toBe(2);
  });

  it('loads a small demo, prints the users with the demo password and the counts, then says it is loaded', async () => {
    const first = await cli.run(['demo', '--leads', '12', '--seed', '3']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/Loaded the demo data set: seed 3/);
    expect(first.stdout).toMatch(/hearth-demo/);
    expect(first.stdout).toMatch(/morgan\.reyes@demo\.hearth\.example {2}manager/);
    expect(first.stdout).toMatch(
      /Leads 12, events \d+, hot now \d+, customers \d+, lost \d+, open tasks \d+/,
    );
    const second = await cli.run(['demo']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/already loaded \(seed 3, 12 leads\); nothing changed/);
    const events = (s: string) => /events (\d+)/.exec(s)?.[1];
    expect(events(second.stdout)).toBe(events(first.stdout));
  }, 120_000);
});

// Embedded only: about the data directory a running server holds.
describe('hearth demo while hearth serve holds the embedded data directory', () => {
  it('is refused with the reason, before anything is written', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-demo-serve-'));
    const env = { HEARTH_DATA_DIR: dataDir };
    const server = await openApp(loadConfig(env), { exclusive: true });
    try {
      const run = await runnerWith(env)(['demo', '--leads', '10']);
      expect(run.status).toBe(4);
      expect(run.stderr).toMatch(/hearth serve. is running on this data directory; stop it/);
      expect(await server.ctx.store.users.count()).toBe(0);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function runnerWith(env: Record<string, string>) {
  return async (args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    err.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const status = await runCli(args, { out, err, stdin: Readable.from(['']), env });
    return { status, stdout, stderr };
  };
}
