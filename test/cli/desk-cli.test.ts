import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth queue / tasks / outcome', (cli) => {
  it('a lead that turns hot shows in the queue; an outcome takes it out and is refused twice', async () => {
    const purchase = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const leads = join(cli.workDir, 'desk-leads.csv');
    writeFileSync(
      leads,
      `email,company,industry,company size,job title,purchase_date\nhot@acme.com,Acme,Software,200,VP Sales,${purchase}\n`,
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
    const badZone = await cli.run(['queue', '--tz', 'Mars/Olympus']);
    expect(badZone.status).toBe(2);
    expect(badZone.stderr).toContain('--tz');

    const tasks = await cli.run(['tasks', '--lead', 'hot@acme.com', '--json']);
    expect(tasks.status).toBe(0);
    expect(JSON.parse(tasks.stdout)).toEqual([]);

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
