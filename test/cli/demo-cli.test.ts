import { expect, it } from 'vitest';
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
