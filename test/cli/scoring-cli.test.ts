import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth lead / leads --temperature', (cli) => {
  it('prints the explanation of a lead and filters the list by temperature', async () => {
    // The CLI runs on the real clock.
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const file = join(cli.workDir, 'scoring-events.ndjson');
    writeFileSync(
      file,
      `${[
        { email: 'newsletter@acme.com', type: 'newsletter_signup', occurredAt },
        { email: 'newsletter@acme.com', type: 'page_view', occurredAt, properties: { url: '/blog' } },
        { email: 'quiet@acme.com', type: 'email_open', occurredAt },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const imported = await cli.run(['import', 'events', file]);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);

    const shown = await cli.run(['lead', 'newsletter@acme.com']);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/Temperature: warm — interest at or above warm\. Model version 1/);
    expect(shown.stdout).toMatch(/Fit: \d+/);
    expect(shown.stdout).toMatch(/Interest: 51 \(sum 51/);
    expect(shown.stdout).toMatch(/50\.00 {2}newsletter_signup \(engagement, \+50/);
    expect(shown.stdout).toMatch(/\[x\] Interest \d+ is at least the warm threshold 30\./);
    expect(shown.stdout).toMatch(/\[ \] Interest \d+ is below the hot threshold 70\./);

    const warm = await cli.run(['leads', '--temperature', 'warm']);
    expect(warm.stdout).toContain('newsletter@acme.com');
    expect(warm.stdout).not.toContain('quiet@acme.com');
    const cold = await cli.run(['leads', '--temperature', 'cold', '--json']);
    const leads = JSON.parse(cold.stdout) as { email: string; temperature: string; interest: number }[];
    expect(leads.map((l) => l.email)).toEqual(['quiet@acme.com']);
    expect(leads[0]).toMatchObject({ temperature: 'cold', interest: 1 });
    expect((await cli.run(['leads', '--temperature', 'boiling'])).status).not.toBe(0);
  });
});
