import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth lead export', (cli) => {
  it('prints everything stored about one lead as JSON, by email or id, and writes it to a private file', async () => {
    const leads = join(cli.workDir, 'leads.csv');
    writeFileSync(leads, 'email,name,company\numa@umbra.example,Uma Umbra,Umbra\n');
    expect((await cli.run(['import', 'leads', leads])).status).toBe(0);
    const events = join(cli.workDir, 'events.ndjson');
    writeFileSync(
      events,
      '{"email":"uma@umbra.example","type":"page_view","id":"pv-1","occurredAt":"2026-03-01T09:00:00Z","properties":{"url":"/pricing"}}\n',
    );
    expect((await cli.run(['import', 'events', events])).status).toBe(0);

    const byEmail = await cli.run(['lead', 'export', 'UMA@umbra.example']);
    expect(byEmail.stderr).toBe('');
    expect(byEmail.status).toBe(0);
    const exported = JSON.parse(byEmail.stdout) as {
      lead: { id: string; email: string; name: string };
      events: { type: string; properties: unknown }[];
      eventIds: { external_id: string }[];
      audit: { action: string }[];
    };
    expect(exported.lead).toMatchObject({ email: 'uma@umbra.example', name: 'Uma Umbra' });
    expect(exported.events).toEqual([
      expect.objectContaining({ type: 'page_view', properties: { url: '/pricing' } }),
    ]);
    expect(exported.eventIds.map((k) => k.external_id)).toEqual(['pv-1']);
    // The export is itself audited; a second one finds the first in the lead's audit entries.
    const out = join(cli.workDir, 'uma.json');
    const byId = await cli.run(['lead', 'export', exported.lead.id, '--out', out]);
    expect(byId.status).toBe(0);
    expect(byId.stdout).toBe('');
    expect(byId.stderr).toContain(`Wrote everything about lead ${exported.lead.id} to ${out}`);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { audit: { action: string }[] };
    expect(written.audit.map((a) => a.action)).toContain('lead.export');
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const missing = await cli.run(['lead', 'export', 'nobody@nowhere.example']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('nobody@nowhere.example');
  });
});
