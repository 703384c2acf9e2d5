import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

const HOUR = 3_600_000;

describeCliOnEachDatabase('hearth lead: next best actions', (cli) => {
  it('prints the next best actions with their reasons, and includes them in --json', async () => {
    // The CLI runs on the real clock.
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();
    const email = 'pricing@acme.com';
    const file = join(cli.workDir, 'next-actions-events.ndjson');
    writeFileSync(
      file,
      `${[
        { email, type: 'newsletter_signup', occurredAt: at(30) },
        { email, type: 'page_view', occurredAt: at(3), properties: { url: '/pricing' } },
        { email, type: 'page_view', occurredAt: at(2), properties: { url: '/pricing' } },
        { email, type: 'page_view', occurredAt: at(1), properties: { url: '/pricing' } },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const imported = await cli.run(['import', 'events', file]);
    expect(imported.status).toBe(0);

    const shown = await cli.run(['lead', email]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('Next best actions:');
    expect(shown.stdout).toMatch(
      /1\. Send content matched to their interests \[personalise\]\n\s+why: viewed the pricing page 3× this week/,
    );
    expect(shown.stdout).toMatch(/2\. Make a targeted offer \[offer\]/);

    const asJson = await cli.run(['lead', email, '--json']);
    const body = JSON.parse(asJson.stdout) as { nextBestActions: { id: string; reason: string }[] };
    expect(body.nextBestActions.map((a) => a.id)).toEqual(['warm.personalise', 'warm.offer']);
    expect(body.nextBestActions[1]?.reason).toBe('viewed the pricing page 3× this week');
  });
});
