import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { upsertLead } from '../../src/app/leads/lead-service.js';
import { type ImportReject, importRecords } from '../../src/app/transfer/import-file.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';
import { uniqueEmail } from '../support/http.js';

/**
 * A chunk of a lead import creates its new leads together (createNewLeads); everything else goes
 * one row at a time. Both must leave what `upsertLead` one row after another leaves.
 */
describeEachDatabase(
  'import: new leads of a chunk written together',
  (env) => {
    const ctx = () => env.app.ctx;
    const stored = async (email: string) => {
      const row = await env.app.database.db
        .selectFrom('leads')
        .selectAll()
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      const transitions = await ctx().store.scoring.transitionsOf(row.id);
      const signals = await ctx().store.signals.forLead(row.id);
      return {
        name: row.name,
        status: row.status,
        fit: Number(row.fit),
        temperature: row.temperature,
        modelVersion: row.model_version,
        state: row.score_state,
        accountKey: row.account_key,
        createdAt: row.created_at.toISOString(),
        transitions: transitions.map((t) => [t.from, t.to, t.cause.kind]),
        signals: signals.map((s) => s.type),
      };
    };
    // Fields the b2b model gives a high fit, and fields it gives a low one.
    const strong = { jobTitle: 'VP of Sales', industry: 'Software', companySize: 400, country: 'Germany' };
    const weak = { jobTitle: 'Student', companySize: 1 };

    it('stores what upsertLead row by row stores, and leaves shared emails and ids to the row path', async () => {
      const existing = uniqueEmail('existing');
      await upsertLead(ctx(), adminActor, { email: existing, name: 'Old' });
      const [a, b, shared] = [uniqueEmail('a'), uniqueEmail('b'), uniqueEmail('shared')];
      const id = '0b5c8f57-55a8-4c1e-9a56-2f8de1e1c0a1';
      const rows = [
        { email: a, name: 'Ann', company: 'Acme', ...strong, createdAt: '2026-02-01T10:00:00Z' },
        { email: b, name: 'Bob', ...weak },
        { email: shared, name: 'First' },
        { email: existing, name: 'New' },
        { email: shared, name: 'Second' },
        { id, email: uniqueEmail('with-id'), name: 'Ida' },
        {
          email: uniqueEmail('won'),
          name: 'Wendy',
          ...strong,
          outcome: 'won',
          decidedAt: '2026-02-20T10:00:00Z',
        },
        { email: 'not an email', name: 'Bad' },
      ];
      const rejects: ImportReject[] = [];
      const summary = await importRecords(
        ctx(),
        adminActor,
        Readable.from([rows.map((r) => JSON.stringify(r)).join('\n')]),
        {
          kind: 'leads',
          format: 'ndjson',
          mappings: ['outcome=outcome', 'decidedAt=decidedAt'],
          onReject: (r) => rejects.push(r),
        },
      );
      expect(summary).toMatchObject({ read: 8, created: 5, updated: 2, rejected: 1 });
      expect(rejects).toEqual([{ location: 'line 8', reason: expect.stringMatching(/^email: /) }]);
      expect((await stored(shared)).name).toBe('Second');
      expect((await stored(shared)).signals.filter((s) => s === 'lead.created')).toHaveLength(1);
      expect((await stored(existing)).name).toBe('New');
      expect((await ctx().store.leads.byId(id))?.name).toBe('Ida');
      expect((await stored(rows[6]?.email as string)).status).toBe('customer');

      // The same rows through upsertLead one at a time, under other emails of the same domains.
      for (const row of [rows[0], rows[1]]) {
        const { email, ...fields } = row as { email: string };
        const twin = email.replace('@', '-twin@');
        await upsertLead(ctx(), adminActor, { ...fields, email: twin });
        const [imported, single] = [await stored(email), await stored(twin)];
        expect(imported.modelVersion).not.toBeNull();
        expect(imported).toEqual({ ...single, accountKey: imported.accountKey });
      }
      // The comparison above is between leads that score differently.
      expect((await stored(a)).fit).toBeGreaterThan((await stored(b)).fit);
    });
  },
  { clock: '2026-03-02T09:00:00.000Z' },
);
