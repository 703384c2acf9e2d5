import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const entry = new URL('../../src/cli/entry.ts', import.meta.url).pathname;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly banner: string;
}

/** Starts `hearth serve` as a real process on a free port and waits for its banner. */
function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let banner = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const match = /running on (http:\/\/localhost:\d+)/.exec(banner);
      // The docs line is the banner's last: by then the key block, if any, has been printed.
      if (match && /API docs: .*\n/.test(banner)) {
        resolve({ child, url: match[1] as string, banner });
      }
    });
    child.on('exit', (code) => reject(new Error(`hearth serve exited with ${code}: ${banner}`)));
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.on('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

// Embedded only: this is about the data directory the server holds (the PostgreSQL path is the
// same program with DATABASE_URL, covered by every other suite).
describe('hearth serve on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-serve-test-'));
  const env = { HEARTH_DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the first admin key once and a setup link until the owner exists, serves the API, lets the CLI through, and stops cleanly', async () => {
    const first = await startServer(env);
    const key = /\n\s+(hth_[A-Za-z0-9_-]+)\n/.exec(first.banner)?.[1];
    expect(key).toBeDefined();
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/api/docs/`)).status).toBe(200);
    const created = await fetch(`${first.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'newsletter_signup', email: 'first@example.com' }),
    });
    expect(created.status).toBe(200);

    // While the server holds the directory, the CLI goes through it and sees its data.
    const shown = await runCli(['lead', 'first@example.com', '--json'], env);
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout).events[0].type).toBe('newsletter_signup');
    // A second server on the same directory is refused with a reason.
    const second = await runCli(['serve'], { ...env, PORT: '0' });
    expect(second.status).toBe(7);
    expect(second.stderr).toMatch(/Another Hearth process \(pid \d+\) is using the data directory/);

    const setupLink = /\n\s+(http:\/\/localhost:\d+\/setup\?token=[A-Za-z0-9_-]+)\n/.exec(first.banner)?.[1];
    expect(setupLink).toBeDefined();
    expect(first.banner).toMatch(/hearth users add --email \S+ --name "[^"]+" --role admin/);

    expect(await stop(first)).toBe(0);
    const again = await startServer(env);
    expect(again.banner).not.toContain('First start');
    // Still no user: a new link, and the first start's link works across the restart.
    expect(again.banner).toMatch(/\/setup\?token=/);
    const token = new URL(setupLink as string).searchParams.get('token');
    const owner = await fetch(`${again.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        email: 'owner@example.com',
        name: 'Olive Owner',
        password: 'owner password',
      }),
    });
    expect(owner.status).toBe(201);
    const stillThere = await fetch(`${again.url}/api/v1/leads?q=first`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const afterRestart = (await stillThere.json()) as { data: unknown[] };
    expect(afterRestart, `GET /leads after a restart answered ${stillThere.status}`).toHaveProperty('data');
    expect(afterRestart.data).toHaveLength(1);
    expect(await stop(again)).toBe(0);
    const third = await startServer(env);
    expect(third.banner).not.toMatch(/setup|No user/);
    expect(await stop(third)).toBe(0);
  }, 120_000);
});
