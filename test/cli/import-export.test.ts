import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { type CliRunner, describeCliOnEachDatabase } from '../support/cli.js';

const LEADS_CSV = [
  'Email,Full Name,Company Name,Job_Title,company size,Opted Out,Budget,Zip,Notes',
  'ann@acme.com,Ann Lee,Acme,CTO,120,no,5000,01234,"likes ""quotes"", commas"',
  'not-an-email,Bad Row,Nowhere,,12,no,,,',
  'bob@bobco.io,Bob Stone,Bobco,VP Sales,many,no,,,',
  'cara@cara.dev,Cara,"Cara, Inc.",Founder,5,yes,,,"line one',
  'line two"',
  'dan@dan.org,"=HYPERLINK(""http://x"")",Dan Co,,,,,,',
].join('\n');

describeCliOnEachDatabase('hearth import/export', (cli) => {
  it('keeps the good rows of a CSV, reports each bad row by line, and a second import changes nothing', async () => {
    const file = join(cli.workDir, 'leads.csv');
    writeFileSync(file, LEADS_CSV);
    const first = await cli.run(['import', 'leads', file, '--map', 'Full Name=name', 'Company Name=company']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('leads: read 5, created 3, updated 0, skipped 0, rejected 2');
    const report = parse(readFileSync(`${file}.rejected.csv`), { columns: true }) as {
      location: string;
      reason: string;
    }[];
    expect(report).toEqual([
      { location: 'line 3', reason: expect.stringContaining('email') },
      { location: 'line 4', reason: expect.stringContaining('companySize') },
    ]);

    const again = await cli.run(['import', 'leads', file, '--map', 'Full Name=name,Company Name=company']);
    expect(again.stdout).toContain('leads: read 5, created 0, updated 0, skipped 3, rejected 2');

    const shown = await cli.run(['lead', 'ANN@acme.com', '--json']);
    const { lead } = JSON.parse(shown.stdout) as { lead: Record<string, unknown> };
    expect(lead).toMatchObject({
      email: 'ann@acme.com',
      name: 'Ann Lee',
      company: 'Acme',
      jobTitle: 'CTO',
      companySize: 120,
      optedOut: false,
      attributes: { budget: 5000, zip: '01234', notes: 'likes "quotes", commas' },
    });
  });

  it('round-trips every field of leads and events through export and import into a new database', async () => {
    const events = [
      {
        id: 'evt-1',
        type: 'page_view',
        email: 'ann@acme.com',
        occurredAt: '2026-02-01T10:00:00Z',
        properties: { url: '/pricing' },
      },
      {
        type: 'email_click',
        email: 'dan@dan.org',
        occurredAt: '2026-02-02T11:30:00.250Z',
        properties: { campaign: 'spring', n: 2 },
      },
      {
        type: 'call',
        email: 'cara@cara.dev',
        occurredAt: '2026-02-03T09:00:00Z',
        properties: { outcome: 'interested', note: '=1+1' },
      },
    ];
    const eventsFile = join(cli.workDir, 'events.ndjson');
    writeFileSync(eventsFile, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const imported = await cli.run(['import', 'events', eventsFile]);
    expect(imported.stdout).toContain('events: read 3, created 3, updated 0, skipped 0, rejected 0');
    const reimported = await cli.run(['import', 'events', eventsFile]);
    expect(reimported.stdout).toContain('events: read 3, created 0, updated 0, skipped 3, rejected 0');

    const original = await snapshot(cli.run);
    expect(original.leads).toHaveLength(3);
    for (const format of ['csv', 'ndjson'] as const) {
      const leadsOut = join(cli.workDir, `leads-export.${format}`);
      const eventsOut = join(cli.workDir, `events-export.${format}`);
      expect((await cli.run(['export', 'leads', '--format', format, '--out', leadsOut])).status).toBe(0);
      expect((await cli.run(['export', 'events', '--format', format, '--out', eventsOut])).status).toBe(0);
      if (format === 'csv') expect(readFileSync(leadsOut, 'utf8')).toContain(`'=HYPERLINK`);

      const elsewhere = await cli.another();
      expect((await elsewhere(['import', 'leads', leadsOut])).stdout).toMatch(
        /created 3, updated 0, skipped 0, rejected 0/,
      );
      expect((await elsewhere(['import', 'events', eventsOut])).stdout).toMatch(
        /created 3, updated 0, skipped 0, rejected 0/,
      );
      const copy = await snapshot(elsewhere);
      // Every field the same, except the new copies' own receipt times and database ids.
      const withoutReceipt = (s: Snapshot) => ({
        leads: s.leads.map(({ updatedAt: _u, ...rest }) => rest),
        events: s.events.map(({ receivedAt: _r, eventId: _e, id, ...rest }) => ({
          ...rest,
          keyed: id !== null,
        })),
      });
      expect(withoutReceipt(copy)).toEqual(withoutReceipt(original));
      // And the same files again into the copy change nothing.
      expect((await elsewhere(['import', 'leads', leadsOut])).stdout).toMatch(
        /created 0, updated 0, skipped 3, rejected 0/,
      );
      expect((await elsewhere(['import', 'events', eventsOut])).stdout).toMatch(
        /created 0, updated 0, skipped 3, rejected 0/,
      );
    }
  }, 180_000);

  it('exits non-zero with one line for a missing file, an unknown format and a bad mapping', async () => {
    const missing = await cli.run(['import', 'leads', join(cli.workDir, 'nope.csv')]);
    expect(missing.status).toBe(3);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const file = join(cli.workDir, 'leads.txt');
    writeFileSync(file, 'email\nx@y.z\n');
    const format = await cli.run(['import', 'leads', file]);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/--format/);
    const mapping = await cli.run(['import', 'leads', file, '--format', 'csv', '--map', 'email=colour']);
    expect(mapping.status).toBe(2);
    expect(mapping.stderr).toMatch(/"colour" is not a field/);
    expect(mapping.stderr).not.toMatch(/at .*\.ts/);
  });
});

type Snapshot = { leads: Record<string, unknown>[]; events: Record<string, unknown>[] };

async function snapshot(run: CliRunner): Promise<Snapshot> {
  const rows = async (kind: string) =>
    (await run(['export', kind, '--format', 'ndjson'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .sort((a, b) => String(a.id ?? a.occurredAt).localeCompare(String(b.id ?? b.occurredAt)));
  return { leads: await rows('leads'), events: await rows('events') };
}
