import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth audit', (cli) => {
  it('prints who changed what, filters it, and refuses bad options', async () => {
    const file = join(cli.workDir, 'audited-leads.ndjson');
    writeFileSync(file, `${JSON.stringify({ email: 'audited@acme.com', name: 'Ann' })}\n`);
    expect((await cli.run(['import', 'leads', file])).status).toBe(0);

    const listed = await cli.run(['audit']);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(/import\.leads\W+import\b/);
    const entries = JSON.parse((await cli.run(['audit', '--action', 'import.leads', '--json'])).stdout) as {
      action: string;
      details: Record<string, unknown>;
    }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toMatchObject({ created: 1 });
    expect((await cli.run(['audit', '--entity', 'lead', '--id', 'nothing-here'])).stdout).toContain(
      'No audit entries match.',
    );

    const bad = await cli.run(['audit', '--id', 'x', '--limit', 'many']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--limit: must be a whole number.*--id: needs --entity/);
  });
});
