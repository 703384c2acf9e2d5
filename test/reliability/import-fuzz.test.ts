import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { exportSelectionCsv } from '../../src/app/leads/lead-bulk.js';
import { cellValue, escapeFormula, unescapeFormula } from '../../src/app/transfer/column-mapping.js';
import { csvCell, exportLeads, LEAD_EXPORT_COLUMNS } from '../../src/app/transfer/export-records.js';
import { type ImportReject, type ImportSummary, importRecords } from '../../src/app/transfer/import-file.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';

// Property-based fuzzing of CSV and NDJSON import and of the CSV exporters (issue 7/7 item 3):
// files with BOMs, quotes and newlines in fields, wrong types, invalid UTF-8, formula cells,
// huge and deep values. An import never throws, accounts for every record (stored, skipped or
// rejected with its line), stores nothing from a rejected record, and what it stored comes back
// unchanged through `hearth export` / `POST /leads/export` and a second import.

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const FILE_RUNS = Number(process.env.FUZZ_IMPORT_FILES ?? 120);
const CELL_RUNS = Number(process.env.FUZZ_CELLS ?? 2_000);

const FORMULA = /^[=+\-@\t\r]/;

/** Text a person might type into a spreadsheet cell, formulas, quotes and line breaks included. */
const cellText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '=HYPERLINK("http://evil.example","click")',
    '=1+1',
    '+49 30 1234',
    '-5',
    '@SUM(A1:A9)',
    '\t=cmd',
    "'=already quoted",
    "''=twice",
    'line one\nline two',
    'crlf\r\nline',
    'say "hi", then leave',
    '"',
    ',',
    '\ufeffbom inside',
    'zero\u0000byte',
    ' padded ',
    '0123',
    'true',
    '1e5',
  ),
  fc
    .tuple(fc.constantFrom('=', '+', '-', '@', "'="), fc.string({ maxLength: 20 }))
    .map(([a, b]) => `${a}${b}`),
);

interface GeneratedLead {
  readonly email: string;
  readonly name: string;
  readonly company: string;
  readonly companySize: string;
  readonly notes: string;
}

const leadRecord = (n: number): fc.Arbitrary<GeneratedLead> =>
  fc.record({
    // Unique, valid addresses: each record is then either found by its email or rejected (bad
    // addresses are in the broken files below).
    email: fc.constant(`fuzz-${n}-${Math.random().toString(36).slice(2, 10)}@example.com`),
    name: cellText,
    company: cellText,
    companySize: fc.oneof(
      fc.constant(''),
      fc.nat(100_000).map(String),
      fc.constantFrom('many', '-1', '2.5', '1e99', '=1+1'),
    ),
    notes: cellText,
  });

type FileCase =
  | {
      readonly format: 'csv' | 'ndjson';
      readonly leads: GeneratedLead[];
      readonly bom: boolean;
      readonly crlf: boolean;
    }
  | { readonly format: 'csv' | 'ndjson'; readonly raw: Buffer; readonly what: string };

/** Bytes no file should contain, and structure no parser should choke on. */
const brokenFile: fc.Arbitrary<FileCase> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
    format: 'csv' as const,
    raw: Buffer.concat([Buffer.from('email,name\n'), Buffer.from(bytes)]),
    what: 'random bytes after a CSV header',
  })),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
    format: 'ndjson' as const,
    raw: Buffer.from(bytes),
    what: 'random bytes as NDJSON',
  })),
  fc.constantFrom(
    {
      format: 'csv' as const,
      raw: Buffer.from('email,name\n"unclosed@example.com,Ann\n'),
      what: 'an unclosed quote',
    },
    {
      format: 'csv' as const,
      raw: Buffer.from('email,name\na@example.com,Ann,extra,cells\n'),
      what: 'extra cells',
    },
    {
      format: 'csv' as const,
      raw: Buffer.from('email,email\na@example.com,b@example.com\n'),
      what: 'a repeated header',
    },
    { format: 'csv' as const, raw: Buffer.from(''), what: 'an empty file' },
    { format: 'csv' as const, raw: Buffer.from('\ufeff'), what: 'a BOM alone' },
    {
      format: 'csv' as const,
      raw: Buffer.concat([
        Buffer.from('email,name\nbad-utf8@example.com,'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('\n'),
      ]),
      what: 'invalid UTF-8 in a cell',
    },
    {
      format: 'ndjson' as const,
      raw: Buffer.concat([
        Buffer.from('{"email":"nd-utf8@example.com","name":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}\n'),
      ]),
      what: 'invalid UTF-8 in a JSON line',
    },
    {
      format: 'ndjson' as const,
      raw: Buffer.from('[1,2]\n"text"\nnull\n{"email": 5}\n'),
      what: 'lines that are no objects',
    },
    {
      format: 'ndjson' as const,
      raw: Buffer.from(
        `{"email":"deep@example.com","attributes":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}\n`,
      ),
      what: 'deep JSON',
    },
    {
      format: 'ndjson' as const,
      raw: Buffer.from(`{"email":"huge@example.com","name":"${'x'.repeat(300_000)}"}\n`),
      what: 'a huge string',
    },
    {
      format: 'ndjson' as const,
      raw: Buffer.from(
        '{"email":"nul@example.com","name":"a\\u0000b","attributes":{"k\\u0000":"\\u0000"}}\n',
      ),
      what: 'NUL characters',
    },
    {
      format: 'ndjson' as const,
      raw: Buffer.from(
        '{"email":"proto@example.com","__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}\n',
      ),
      what: 'prototype keys',
    },
  ),
);

let fileCounter = 0;
const goodFile: fc.Arbitrary<FileCase> = fc
  .tuple(
    fc.constantFrom('csv' as const, 'ndjson' as const),
    fc.integer({ min: 1, max: 6 }),
    fc.boolean(),
    fc.boolean(),
  )
  .chain(([format, n, bom, crlf]) => {
    fileCounter += 1;
    const base = fileCounter * 10;
    return fc
      .tuple(...Array.from({ length: n }, (_, i) => leadRecord(base + i)))
      .map((leads) => ({ format, leads, bom, crlf }));
  });

function render(file: FileCase): Buffer {
  if ('raw' in file) return file.raw;
  const eol = file.crlf ? '\r\n' : '\n';
  let text: string;
  if (file.format === 'csv') {
    const rows = file.leads.map((l) => [l.email, l.name, l.company, l.companySize, l.notes]);
    text = stringify([['Email', 'Name', 'Company', 'Company Size', 'Notes'], ...rows], {
      record_delimiter: eol,
    });
  } else {
    text = file.leads
      .map((l) =>
        JSON.stringify({
          email: l.email,
          name: l.name,
          company: l.company,
          companySize: /^\d+$/.test(l.companySize) ? Number(l.companySize) : l.companySize,
          attributes: { notes: l.notes },
        }),
      )
      .join(eol);
  }
  return Buffer.concat([file.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]);
}

describeEachDatabase('import and export fuzzing', (env) => {
  const importBuffer = async (bytes: Buffer, format: 'csv' | 'ndjson') => {
    const rejects: ImportReject[] = [];
    const summary: ImportSummary = await importRecords(env.app.ctx, adminActor, Readable.from([bytes]), {
      kind: 'leads',
      format,
      mappings: ['Notes=attributes.notes', 'Company Size=companySize'],
      onReject: (r) => rejects.push(r),
    });
    return { summary, rejects };
  };

  it('escapes every formula cell on export and gives the text back on import', () => {
    fc.assert(
      fc.property(fc.oneof(cellText, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        const cell = csvCell(text);
        expect(FORMULA.test(cell), `exported ${JSON.stringify(cell)} would run as a formula`).toBe(false);
        expect(unescapeFormula(escapeFormula(text))).toBe(text);
      }),
      { numRuns: CELL_RUNS, seed: SEED },
    );
  });

  it('imports generated files without throwing, accounts for every record, stores nothing it rejected, and round-trips what it stored', async () => {
    const { store } = env.app.ctx;
    const started = performance.now();
    let files = 0;
    let records = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: goodFile, weight: 3 }, { arbitrary: brokenFile, weight: 1 }),
        async (file) => {
          files += 1;
          const what = 'raw' in file ? file.what : `${file.format} of ${file.leads.length} leads`;
          const leadsBefore = await store.leads.count();
          const bytes = render(file);
          if (!isUtf8(bytes)) {
            // A file in another encoding stops at its first bad line, named; a small file is one
            // chunk, so nothing of it was stored.
            await expect(importBuffer(bytes, file.format), what).rejects.toThrow(
              /^line \d+: not valid UTF-8/,
            );
            expect(await store.leads.count(), `${what}: leads stored`).toBe(leadsBefore);
            return;
          }
          const { summary, rejects } = await importBuffer(bytes, file.format);
          records += summary.read;
          // Every record is accounted for once.
          expect(summary.created + summary.updated + summary.skipped + summary.rejected, what).toBe(
            summary.read,
          );
          expect(rejects.length, what).toBe(summary.rejected);
          for (const reject of rejects) {
            expect(reject.location, what).toMatch(/^line \d+/);
            expect(reject.reason.length, what).toBeGreaterThan(0);
          }
          expect(await store.leads.count(), `${what}: leads stored`).toBe(leadsBefore + summary.created);
          if ('raw' in file) return;

          // Each record was stored whole, as written, or rejected with nothing of it stored.
          const stored = [];
          for (const lead of file.leads) {
            const found = await store.leads.byEmail(lead.email);
            if (found) stored.push({ lead, found });
          }
          expect(stored.length + summary.rejected, `${what}: ${JSON.stringify(summary)}`).toBe(
            file.leads.length,
          );
          expect(summary.created, what).toBe(stored.length);
          for (const { lead, found } of stored) {
            const csv = file.format === 'csv';
            const name = (csv ? unescapeFormula(lead.name) : lead.name).trim();
            expect(found.name, what).toBe(name === '' ? null : name);
            const notes = csv
              ? lead.notes === ''
                ? undefined
                : cellValue(unescapeFormula(lead.notes))
              : lead.notes;
            expect(found.attributes.notes, what).toEqual(notes);
          }
          if (stored.length === 0) return;

          // Export the stored leads as `POST /leads/export` does: no cell can run as a formula, and
          // importing the export changes nothing (every value came back as it was).
          const ids = stored.map((s) => s.found.id);
          const csv = await exportSelectionCsv(env.app.ctx, adminActor, ids);
          const rows = parse(csv, { columns: true }) as Record<string, string>[];
          expect(rows.map((r) => r.id)).toEqual(ids);
          for (const row of rows) {
            for (const [column, cell] of Object.entries(row)) {
              expect(FORMULA.test(cell), `${what}: ${column} exported as ${JSON.stringify(cell)}`).toBe(
                false,
              );
            }
          }
          const again = await importBuffer(Buffer.from(csv), 'csv');
          expect(again.rejects, `${what}: re-importing the export`).toEqual([]);
          expect(again.summary, `${what}: re-importing the export changed something`).toMatchObject({
            read: ids.length,
            skipped: ids.length,
            created: 0,
            updated: 0,
          });
        },
      ),
      { numRuns: FILE_RUNS, seed: SEED, endOnFailure: true },
    );

    // `hearth export leads` writes the same cells for every lead.
    let exported = 0;
    for await (const row of exportLeads(env.app.ctx)) {
      exported += 1;
      for (const column of LEAD_EXPORT_COLUMNS) {
        expect(FORMULA.test(csvCell(row[column] ?? null)), `${column} of ${String(row.id)}`).toBe(false);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `fuzz [${env.database}]: ${(files + CELL_RUNS).toLocaleString('en')} import cases (${files} files with ${records} records, ${CELL_RUNS} export cells; ${exported} leads exported) in ${seconds} s (seed ${SEED})`,
    );
  }, 300_000);
});
