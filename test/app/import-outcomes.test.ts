import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { type ImportReject, importRecords } from '../../src/app/transfer/import-file.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';

describeEachDatabase(
  'import: outcomes, decision and creation times from mapped columns',
  (env) => {
    const ctx = () => env.app.ctx;
    const importCsv = async (csv: string, mappings: string[]) => {
      const rejects: ImportReject[] = [];
      const summary = await importRecords(ctx(), adminActor, Readable.from([csv]), {
        kind: 'leads',
        format: 'csv',
        mappings,
        onReject: (r) => rejects.push(r),
      });
      return { summary, rejects };
    };
    const MAP = ['Converted=outcome', 'Closed On=decidedAt', 'Created=createdAt'];

    it('records each outcome at its decision time, keeps other columns as attributes, and is idempotent', async () => {
      const emails = Array.from({ length: 9 }, () => uniqueEmail('history'));
      const csv = [
        'Email,Converted,Closed On,Created,Region',
        `${emails[0]},Yes,2025-11-03T10:00:00Z,2025-10-01T08:00:00Z,north`,
        `${emails[1]},no,2025-11-04T10:00:00Z,2025-10-01T08:00:00Z,south`,
        `${emails[2]},1,2025-11-05,2025-10-02T08:00:00Z,north`,
        `${emails[3]},FALSE,2025-11-06T10:00:00Z,,east`,
        `${emails[4]},Won,2025-11-07T10:00:00Z,,east`,
        `${emails[5]},customer,2025-11-08T10:00:00Z,,west`,
        `${emails[6]},Disqualified,2025-11-09T10:00:00Z,,west`,
        `${emails[7]},,,,west`,
        `${emails[8]},maybe,2025-11-10T10:00:00Z,,west`,
        `${uniqueEmail('future')},lost,2027-01-01T00:00:00Z,,west`,
        `${uniqueEmail('undecided')},,2025-11-10T10:00:00Z,,west`,
      ].join('\n');
      const first = await importCsv(csv, MAP);
      expect(first.summary).toMatchObject({ read: 11, created: 8, updated: 0, rejected: 3 });
      expect(first.rejects).toEqual([
        { location: 'line 10', reason: expect.stringMatching(/^outcome: "maybe" is not an outcome/) },
        { location: 'line 11', reason: expect.stringMatching(/^decidedAt: .* is in the future/) },
        {
          location: 'line 12',
          reason: expect.stringMatching(/^decidedAt: an open lead has no decision time/),
        },
      ]);

      const expected: [string, string, string][] = [
        ['customer', '2025-11-03T10:00:00.000Z', 'north'],
        ['lost', '2025-11-04T10:00:00.000Z', 'south'],
        ['customer', '2025-11-05T00:00:00.000Z', 'north'],
        ['lost', '2025-11-06T10:00:00.000Z', 'east'],
        ['customer', '2025-11-07T10:00:00.000Z', 'east'],
        ['customer', '2025-11-08T10:00:00.000Z', 'west'],
        ['disqualified', '2025-11-09T10:00:00.000Z', 'west'],
      ];
      for (const [i, [status, at, region]] of expected.entries()) {
        const lead = await ctx().store.leads.byEmail(emails[i] as string);
        expect(lead).toMatchObject({ status, attributes: { region } });
        const changes = await ctx().store.desk.statusChangesOf(lead?.id as string);
        expect(changes.map((c) => [c.from, c.to, c.at.toISOString()])).toEqual([['open', status, at]]);
      }
      const first0 = await ctx().store.leads.byEmail(emails[0] as string);
      expect(first0?.createdAt.toISOString()).toBe('2025-10-01T08:00:00.000Z');
      // An empty outcome leaves the lead open, with no decision.
      const open = await ctx().store.leads.byEmail(emails[7] as string);
      expect(open?.status).toBe('open');
      expect(await ctx().store.desk.statusChangesOf(open?.id as string)).toEqual([]);
      // Nothing leaks into attributes from the mapped columns.
      expect(Object.keys(first0?.attributes ?? {})).toEqual(['region']);

      env.clock.advance(60_000);
      const again = await importCsv(csv, MAP);
      expect(again.summary).toMatchObject({ read: 11, created: 0, updated: 0, skipped: 8, rejected: 3 });
      for (const email of emails.slice(0, 7)) {
        const lead = await ctx().store.leads.byEmail(email as string);
        expect(await ctx().store.desk.statusChangesOf(lead?.id as string)).toHaveLength(1);
      }
    });

    it('leaves a column named Outcome in attributes unless it is mapped', async () => {
      const email = uniqueEmail('unmapped');
      const { summary } = await importCsv(`Email,Outcome\n${email},interested\n`, []);
      expect(summary).toMatchObject({ created: 1, rejected: 0 });
      expect(await ctx().store.leads.byEmail(email)).toMatchObject({
        status: 'open',
        attributes: { outcome: 'interested' },
      });
    });

    it('refuses a row giving both a status and an outcome', async () => {
      const { rejects } = await importCsv(`Email,Status,Converted\n${uniqueEmail('both')},open,yes\n`, [
        'Converted=outcome',
      ]);
      expect(rejects).toEqual([{ location: 'line 2', reason: expect.stringContaining('not both') }]);
    });
  },
  { clock: '2026-03-02T09:00:00.000Z' },
);
