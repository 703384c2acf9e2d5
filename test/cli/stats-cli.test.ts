import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

const DAY = 86_400_000;
// Table rows without their borders, for matching cells in order.
const cells = (text: string) => text.replaceAll('│', ' ');

describeCliOnEachDatabase('hearth stats', (cli) => {
  // Three leads created now (the CLI runs on the real clock): one turns hot, one warm.
  beforeAll(async () => {
    const purchase = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    const leads = join(cli.workDir, 'stats-leads.csv');
    writeFileSync(
      leads,
      'email,company,industry,company size,job title,source,purchase_date\n' +
        `hot@acme.com,Acme,Software,200,VP Sales,website,${purchase}\n` +
        'warm@example.com,,,,,ads,\n' +
        'cold@example.com,,,,,ads,\n',
    );
    expect((await cli.run(['import', 'leads', leads])).status).toBe(0);
    const events = join(cli.workDir, 'stats-events.ndjson');
    writeFileSync(
      events,
      [
        { email: 'hot@acme.com', type: 'form_submit', properties: { form: 'contact-sales' } },
        { email: 'warm@example.com', type: 'newsletter_signup' },
      ]
        .map((e) => ({ ...e, occurredAt: new Date(Date.now() - 60_000).toISOString() }))
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect((await cli.run(['import', 'events', events])).status).toBe(0);
  });

  it('prints the funnel as a chart and a table', async () => {
    const run = await cli.run(['stats', 'funnel']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Funnel of the leads created in the window');
    expect(run.stdout).toMatch(/█/); // the bar chart
    expect(cells(run.stdout)).toMatch(/warm\s+2\s+66\.7%\s+66\.7%/);
    expect(cells(run.stdout)).toMatch(/hot\s+1\s+50\.0%\s+33\.3%/);
    expect(run.stdout).not.toContain('\u001b['); // no colour codes outside a terminal
  });

  it('prints temperatures over time with a chart across days', async () => {
    const from = new Date(Date.now() - 3 * DAY).toISOString();
    const to = new Date(Date.now() + DAY).toISOString();
    const run = await cli.run(['stats', 'temperatures', '--from', from, '--to', to, '--interval', 'day']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Leads by temperature at the end of each day (UTC)');
    expect(run.stdout).toMatch(/cold\s+cool\s+warm\s+hot/); // the legend and the table head
    const json = JSON.parse(
      (await cli.run(['stats', 'temperatures', '--from', from, '--to', to, '--json'])).stdout,
    ) as { points: { cold: number; warm: number; hot: number; total: number }[] };
    expect(json.points.at(-1)).toMatchObject({ cold: 1, warm: 1, hot: 1, total: 3 });
  });

  it('prints sources, and every report without a name', async () => {
    const sources = await cli.run(['stats', 'sources']);
    expect(cells(sources.stdout)).toMatch(/ads\s+2\s+0\s+0\s+0\.0%/);
    expect(cells(sources.stdout)).toMatch(/website\s+1\s+1\s+0\s+0\.0%/);
    const all = await cli.run(['stats', '--json']);
    expect(all.status).toBe(0);
    expect(Object.keys(JSON.parse(all.stdout))).toEqual([
      'temperatures',
      'funnel',
      'conversion',
      'speed',
      'sources',
      'owners',
    ]);
    const text = await cli.run(['stats']);
    expect(text.status).toBe(0);
    for (const title of ['Funnel', 'Conversion', 'Speed to lead', 'By source', 'By current owner']) {
      expect(text.stdout).toContain(title);
    }
  });

  it('refuses a bad window with one line naming the flag', async () => {
    const backwards = await cli.run(['stats', 'funnel', '--from', '2026-03-02', '--to', '2026-03-01']);
    expect(backwards.status).not.toBe(0);
    expect(backwards.stderr).toContain('--from');
    expect(backwards.stderr.trim().split('\n')).toHaveLength(1);
    const garbage = await cli.run(['stats', 'speed', '--to', 'soon']);
    expect(garbage.status).not.toBe(0);
    expect(garbage.stderr).toContain('--to');
    const unknown = await cli.run(['stats', 'revenue']);
    expect(unknown.status).not.toBe(0);
  });
});
