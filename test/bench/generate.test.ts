import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDataset, type Manifest } from '../../bench/generate.js';

// The benchmark's data set (docs/performance.md): what the figures are measured on must be the
// same on every machine, and what the manifest says must be what the files hold.
const root = mkdtempSync(join(tmpdir(), 'hearth-generate-'));
const end = new Date('2026-06-01T00:00:00Z');
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('the benchmark data set', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is the same bytes for the same size, seed and end, and different for another seed', async () => {
    const files = [
      'leads-import.ndjson',
      'events.ndjson',
      'events.csv',
      'leads-bulk.ndjson',
      'events-bulk.ndjson',
    ];
    await generateDataset({ leads: 300, seed: 7, end, dir: join(root, 'a') });
    await generateDataset({ leads: 300, seed: 7, end, dir: join(root, 'b') });
    await generateDataset({ leads: 300, seed: 8, end, dir: join(root, 'c') });
    for (const file of files) {
      expect(readFileSync(join(root, 'b', file), 'utf8')).toBe(readFileSync(join(root, 'a', file), 'utf8'));
    }
    expect(readFileSync(join(root, 'c', 'events-bulk.ndjson'), 'utf8')).not.toBe(
      readFileSync(join(root, 'a', 'events-bulk.ndjson'), 'utf8'),
    );
  });

  it('holds what its manifest counts: unique leads, about 30 events each, all before the end', async () => {
    const manifest: Manifest = await generateDataset({ leads: 1000, seed: 1, end, dir: join(root, 'd') });
    const { leadsImport, leadsBulk, eventsNdjson, eventsCsv, eventsBulk } = manifest.files;
    const leads = [...lines(leadsImport.path), ...lines(leadsBulk.path)].map(
      (l) => JSON.parse(l) as { email: string; createdAt: string; outcome?: string },
    );
    expect(leads).toHaveLength(1000);
    expect(leadsImport.rows).toBe(100);
    expect(new Set(leads.map((l) => l.email)).size).toBe(1000);
    expect(leads.filter((l) => l.outcome !== undefined)).toHaveLength(manifest.decided);

    const csv = parse(readFileSync(eventsCsv.path), { columns: true }) as {
      email: string;
      occurredAt: string;
    }[];
    const json = [...lines(eventsNdjson.path), ...lines(eventsBulk.path)].map(
      (l) => JSON.parse(l) as { id: string; email: string; occurredAt: string },
    );
    expect(csv).toHaveLength(eventsCsv.rows);
    expect(json).toHaveLength(eventsNdjson.rows + eventsBulk.rows);
    const events = [...csv, ...json];
    expect(events.length / 1000).toBeGreaterThan(20);
    expect(events.length / 1000).toBeLessThan(40);

    const createdAt = new Map(leads.map((l) => [l.email, Date.parse(l.createdAt)]));
    const outside = events.filter((e) => {
      const at = Date.parse(e.occurredAt);
      return !(at < end.getTime() && at >= (createdAt.get(e.email) as number));
    });
    expect(outside).toEqual([]);
    // The import files hold the events of the import leads only, the bulk file the rest.
    const imported = new Set(lines(leadsImport.path).map((l) => (JSON.parse(l) as { email: string }).email));
    expect(
      [...csv, ...lines(eventsNdjson.path).map((l) => JSON.parse(l) as { email: string })].every((e) =>
        imported.has(e.email),
      ),
    ).toBe(true);
    expect(
      lines(eventsBulk.path).every((l) => !imported.has((JSON.parse(l) as { email: string }).email)),
    ).toBe(true);
  });
});
