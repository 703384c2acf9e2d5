import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth queue / tasks / outcome', (cli) => {
  it('a lead that turns hot shows in the queue, its owner by name; an outcome takes it out and is refused twice', async () => {
    const rep = await cli.run(
      ['users', 'add', '--email', 'rita.rep@acme.com', '--name', 'Rita Rep', '--role', 'rep'],
      'a long enough password\n',
    );
    expect(rep.stderr).toBe('');
    const repId = /\(([0-9a-f-]{36})\)/.exec(rep.stdout)?.[1] as string;
    const purchase = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const leads = join(cli.workDir, 'desk-leads.csv');
    writeFileSync(
      leads,
      `email,company,industry,company size,job title,purchase_date,owner\nhot@acme.com,Acme,Software,200,VP Sales,${purchase},rita.rep@acme.com\n`,
    );
    expect((await cli.run(['import', 'leads', leads])).status).toBe(0);
    const events = join(cli.workDir, 'desk-events.ndjson');
    writeFileSync(
      events,
      `${JSON.stringify({
        email: 'hot@acme.com',
        type: 'form_submit',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        properties: { form: 'contact-sales' },
      })}\n`,
    );
    const imported = await cli.run(['import', 'events', events]);
    expect(imported.status).toBe(0);

    // No server runs here: the queue lists the hot lead under later, without a clock until the desk runs.
    const queue = await cli.run(['queue', '--tz', 'Europe/Berlin']);
    expect(queue.status).toBe(0);
    expect(queue.stdout).toContain('Later (1)');
    expect(queue.stdout).toContain('hot@acme.com');
    // People by name in the tables; ids stay in --json, for scripts.
    expect(queue.stdout).toContain('Rita Rep');
    expect(queue.stdout).not.toContain(repId);
    const queueJson = JSON.parse((await cli.run(['queue', '--json'])).stdout);
    expect(queueJson.cards[0].lead.ownerId).toBe(repId);
    const badZone = await cli.run(['queue', '--tz', 'Mars/Olympus']);
    expect(badZone.status).toBe(2);
    expect(badZone.stderr).toContain('--tz');

    const tasks = await cli.run(['tasks', '--lead', 'hot@acme.com', '--json']);
    expect(tasks.status).toBe(0);
    expect(JSON.parse(tasks.stdout)).toEqual([]);
    expect(
      (await cli.run(['tasks', 'add', 'hot@acme.com', '--kind', 'call', '--title', 'Call Rita’s lead']))
        .status,
    ).toBe(0);
    const listed = await cli.run(['tasks', '--lead', 'hot@acme.com']);
    expect(listed.stdout).toMatch(/Call Rita’s lead .* Rita Rep /);
    expect(listed.stdout).not.toContain(repId);

    const won = await cli.run([
      'outcome',
      'hot@acme.com',
      'customer',
      '--value',
      '9000',
      '--currency',
      'eur',
    ]);
    expect(won.stderr).toBe('');
    expect(won.stdout).toMatch(/hot@acme\.com: open → customer at /);
    expect((await cli.run(['queue'])).stdout).not.toContain('hot@acme.com');

    const again = await cli.run(['outcome', 'hot@acme.com', 'customer']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('already customer');
    const bad = await cli.run(['outcome', 'hot@acme.com', 'won']);
    expect(bad.status).not.toBe(0);
  });
});
