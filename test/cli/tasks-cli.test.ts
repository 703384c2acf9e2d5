import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

interface TaskJson {
  id: string;
  ownerId: string | null;
  dueAt: string | null;
  closedReason: string | null;
  outcome: string | null;
}

// Each run opens the database afresh (seconds on the embedded one): one story, few runs.
describeCliOnEachDatabase('hearth tasks list / add / done / snooze / assign', (cli) => {
  it('adds a task, snoozes and unassigns it, completes it with an outcome that logs the call', {
    timeout: 300_000,
  }, async () => {
    const lead = 'cli.tasks@example.com';
    const file = join(mkdtempSync(join(cli.workDir, 'leads-')), 'lead.csv');
    writeFileSync(file, `email,name\n${lead},Cleo Tasks\n`);
    expect((await cli.run(['import', 'leads', file])).status).toBe(0);

    const added = await cli.run([
      'tasks',
      'add',
      lead,
      '--kind',
      'call',
      '--title',
      'Call about pricing',
      '--due',
      '1h',
    ]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(
      /^Added call: Call about pricing \(due .*\) \[[0-9a-f-]{36}\] on cli\.tasks@example\.com\.$/m,
    );
    const id = /\[([0-9a-f-]{36})\]/.exec(added.stdout)?.[1] as string;

    const badTime = await cli.run(['tasks', 'snooze', id, '--until', 'soonish']);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toContain('--until');
    const snoozed = await cli.run(['tasks', 'snooze', id, '--until', '2030-01-02T09:00:00Z']);
    expect(snoozed.stdout).toContain('to 2030-01-02T09:00:00.000Z');
    expect((await cli.run(['tasks', 'assign', id, 'none'])).stdout).toContain('to nobody');

    const done = await cli.run(['tasks', 'done', id, '--outcome', 'no_answer', '--tz', 'UTC']);
    expect(done.stderr).toBe('');
    expect(done.stdout).toMatch(/Completed call: Call about pricing \(call: no_answer\); logged event \d+\./);
    expect(done.stdout).toMatch(
      /Next step\? hearth tasks add \S+ --kind call --title "Call again" --due \S+T09:00:00\.000Z/,
    );

    // `hearth tasks` alone is `hearth tasks list`.
    const [task] = JSON.parse(
      (await cli.run(['tasks', '--lead', lead, '--state', 'done', '--json'])).stdout,
    ) as TaskJson[];
    expect(task).toMatchObject({
      id,
      ownerId: null,
      closedReason: 'completed',
      outcome: 'call: no_answer',
      dueAt: '2030-01-02T09:00:00.000Z',
    });

    const twice = await cli.run(['tasks', 'done', id, '--outcome', 'no_answer']);
    expect(twice.status).toBe(4);
    expect(twice.stderr).toContain('already closed');
  });
});
