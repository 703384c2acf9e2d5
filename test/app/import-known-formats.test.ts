import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { createUser } from '../../src/app/access/access-service.js';
import { withScores } from '../../src/app/scoring/scoring-service.js';
import { type ImportReject, importRecords } from '../../src/app/transfer/import-file.js';
import { previewImport } from '../../src/app/transfer/import-preview.js';
import type { Database } from '../../src/store/schema.js';
import { adminActor, describeEachDatabase } from '../support/databases.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/import');
const fixture = (name: string) => createReadStream(join(FIXTURES, name));

/** Rows in every table of the schema, by table. */
async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    counts[table] = rows[0]?.n ?? 0;
  }
  return counts;
}

// The b2b preset's size rule (presets.ts company_size_50_1000): +10 for 50–1,000 employees.
const SIZE_POINTS = 10;

describeEachDatabase(
  'import: CRM export formats',
  (env) => {
    const ctx = () => env.app.ctx;
    let repId = '';
    beforeAll(async () => {
      const rep = await createUser(ctx(), null, {
        email: 'rep.one@hearth.example.org',
        name: 'Rep One',
        role: 'rep',
        password: 'a long enough password 1',
      });
      repId = rep.id;
    });

    const lead = async (email: string) => {
      const found = await ctx().store.leads.byEmail(email);
      expect(found, email).toBeDefined();
      const [scored] = await withScores(ctx().store, [found as NonNullable<typeof found>], ctx().clock());
      return scored as NonNullable<typeof scored>;
    };
    const load = async (file: string, kind: 'leads' | 'events' = 'leads') => {
      const rejects: ImportReject[] = [];
      const summary = await importRecords(ctx(), adminActor, fixture(file), {
        kind,
        format: 'csv',
        onReject: (r) => rejects.push(r),
      });
      return { summary, rejects };
    };

    it('a dry run of every fixture writes nothing and tells the format and the counts', async () => {
      const before = await rowCounts(env.app.database.db);
      const preview = await previewImport(ctx(), fixture('salesforce-leads.csv'), {
        kind: 'leads',
        format: 'csv',
      });
      expect(preview.format).toEqual({
        id: 'salesforce-leads',
        label: 'Salesforce leads',
        known: 14,
        total: 14,
      });
      expect(preview.counts).toEqual({ read: 2, create: 2, update: 0, skip: 0, reject: 0 });
      expect(preview.columns).toContainEqual({
        column: 'No. of Employees',
        target: 'companySize',
        decidedBy: 'known format',
      });
      expect(preview.notes).toEqual([
        expect.objectContaining({
          column: 'Lead Owner',
          rows: 1,
          first: 'line 3',
          message: expect.stringContaining('Nobody Known'),
        }),
      ]);
      for (const [file, kind] of [
        ['hubspot-contacts.csv', 'leads'],
        ['pipedrive-people.csv', 'leads'],
        ['zoho-leads.csv', 'leads'],
        ['mautic-contacts.csv', 'leads'],
        ['mailchimp-member-activity.csv', 'events'],
        ['twilio-calls.csv', 'events'],
      ] as const) {
        const seen = await previewImport(ctx(), fixture(file), { kind, format: 'csv' });
        expect(seen.format?.id, file).toBe(file.replace('.csv', ''));
        expect(seen.format?.known, file).toBe(seen.format?.total);
      }
      expect(await rowCounts(env.app.database.db)).toEqual(before);
    });

    it('Salesforce: name, company, phone, size from a range, source, status, owner, creation date, fit', async () => {
      const { summary, rejects } = await load('salesforce-leads.csv');
      expect(rejects).toEqual([]);
      expect(summary).toMatchObject({ read: 2, created: 2, rejected: 0 });
      const avery = await lead('avery.stone@northwind.example.com');
      expect(avery).toMatchObject({
        name: 'Avery Stone',
        company: 'Northwind Traders',
        jobTitle: 'VP Engineering',
        phone: '+1 415 555 0101',
        companySize: 125,
        source: 'website',
        country: 'United States',
        ownerId: repId,
        status: 'open',
        attributes: { lead_source: 'Web', lead_status: 'Open - Not Contacted', annual_revenue: 12000000 },
      });
      expect(avery.createdAt.toISOString()).toBe('2024-03-14T00:00:00.000Z');
      const blake = await lead('blake@tinyshop.example.com');
      expect(blake).toMatchObject({
        name: 'Blake Moreno',
        companySize: 5,
        source: 'import',
        status: 'customer',
        ownerId: null,
      });
      expect(blake.attributes).toMatchObject({ owner: 'Nobody Known', lead_status: 'Closed - Converted' });
      expect(blake.createdAt.toISOString()).toBe('2024-01-05T09:30:00.000Z');
      expect(summary.notes).toEqual([expect.objectContaining({ column: 'Lead Owner', rows: 1 })]);
    });

    it('HubSpot: lifecycle stage customer wins the lead, sizes count in the fit', async () => {
      const { rejects } = await load('hubspot-contacts.csv');
      expect(rejects).toEqual([]);
      const casey = await lead('casey@contoso.example.com');
      expect(casey).toMatchObject({
        name: 'Casey Nguyen',
        company: 'Contoso',
        phone: '+44 20 7946 0101',
        companySize: 350,
        source: 'website',
        country: 'United Kingdom',
        status: 'customer',
        attributes: { hubspot_id: 1001, lifecycle_stage: 'Customer', original_source: 'Organic Search' },
      });
      expect(casey.createdAt.toISOString()).toBe('2024-02-20T14:05:00.000Z');
      const drew = await lead('drew@fabrikam.example.com');
      expect(drew).toMatchObject({ companySize: 5000, source: 'ads', status: 'open' });
      const changes = await ctx().store.desk.statusChangesOf(casey.id);
      expect(changes.map((c) => c.to)).toEqual(['customer']);
    });

    it('fit counts the size: the same lead in range scores the size rule, out of range does not', async () => {
      const csv = (size: string, email: string) =>
        `First Name,Last Name,Company,Email,No. of Employees,Lead Source,Lead Status,Created Date,Country,Title,Phone,Industry,Lead Owner,Annual Revenue\nA,B,Acme,${email},${size},Web,Open,01/02/2024,US,Clerk,1,Retail,,1\n`;
      for (const [size, email] of [
        ['201-500', 'in.range@fit.example.com'],
        ['1001-5000', 'out.of.range@fit.example.com'],
      ] as const) {
        await importRecords(ctx(), adminActor, Readable.from([csv(size, email)]), {
          kind: 'leads',
          format: 'csv',
        });
      }
      const inRange = await lead('in.range@fit.example.com');
      const outOfRange = await lead('out.of.range@fit.example.com');
      expect(inRange.companySize).toBe(350);
      expect(outOfRange.companySize).toBe(3000);
      expect(inRange.fit - outOfRange.fit).toBe(SIZE_POINTS);
    });

    it('Pipedrive: full name, organization, label Customer, owner by name', async () => {
      const { rejects } = await load('pipedrive-people.csv');
      expect(rejects).toEqual([]);
      expect(await lead('emery@tailspin.example.com')).toMatchObject({
        name: 'Emery Brooks',
        company: 'Tailspin Toys',
        phone: '+49 30 555 0101',
        jobTitle: 'CTO',
        source: 'website',
        ownerId: repId,
        status: 'open',
      });
      const finley = await lead('finley@wwi.example.com');
      expect(finley).toMatchObject({ status: 'customer', source: 'import' });
      expect(finley.createdAt.toISOString()).toBe('2024-04-03T11:00:00.000Z');
    });

    it('Zoho: day-first dates decided from the file, mobile when no phone, junk lead disqualified', async () => {
      const preview = await previewImport(ctx(), fixture('zoho-leads.csv'), { kind: 'leads', format: 'csv' });
      expect(preview.dates).toEqual({ order: 'dmy', decidedBy: 'file', evidence: { mdy: 0, dmy: 1 } });
      const { rejects } = await load('zoho-leads.csv');
      expect(rejects).toEqual([]);
      const gray = await lead('gray@litware.example.com');
      expect(gray).toMatchObject({
        name: 'Gray Keller',
        company: 'Litware',
        phone: '+33 1 55 55 01 01',
        companySize: 120,
        source: 'cold_outreach',
        country: 'France',
        ownerId: repId,
        status: 'open',
        attributes: { mobile: '+33 6 55 55 01 01', zoho_id: 'zcrm_5001' },
      });
      expect(gray.createdAt.toISOString()).toBe('2024-03-25T16:45:00.000Z');
      const harper = await lead('harper@adatum.example.com');
      expect(harper).toMatchObject({ phone: '+33 6 55 55 01 02', status: 'disqualified', source: 'event' });
      expect(harper.createdAt.toISOString()).toBe('2024-04-02T09:00:00.000Z');
    });

    it('Mautic: position is the job title, title the salutation, company employees the size', async () => {
      const { rejects } = await load('mautic-contacts.csv');
      expect(rejects).toEqual([]);
      const indigo = await lead('indigo@proseware.example.com');
      expect(indigo).toMatchObject({
        name: 'Indigo Reyes',
        company: 'Proseware',
        jobTitle: 'Founder',
        phone: '+34 91 555 0101',
        companySize: 75,
        country: 'Spain',
        attributes: { salutation: 'Ms', mautic_points: 40 },
      });
      expect(indigo.createdAt.toISOString()).toBe('2024-05-06T12:00:00.000Z');
      expect(await lead('jules@coho.example.com')).toMatchObject({
        phone: '+34 600 555 0102',
        companySize: 2500,
      });
    });

    it('events: Mailchimp activity becomes typed email events; Twilio calls find their lead by phone', async () => {
      const mail = await load('mailchimp-member-activity.csv', 'events');
      expect(mail.rejects).toEqual([]);
      expect(mail.summary).toMatchObject({ read: 3, created: 3 });
      const avery = await lead('avery.stone@northwind.example.com');
      const events = await ctx().store.scoring.eventsInOrder(avery.id);
      expect(events.map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([
        ['email_open', '2024-06-01T09:00:00.000Z'],
        ['email_click', '2024-06-01T09:01:30.000Z'],
      ]);
      expect(events[1]?.properties).toMatchObject({
        url: 'https://hearth.example.org/pricing',
        activity: 'click',
      });

      const calls = await load('twilio-calls.csv', 'events');
      expect(calls.rejects).toEqual([]);
      const after = await ctx().store.scoring.eventsInOrder(avery.id);
      const logged = after.filter((e) => e.type === 'call');
      expect(logged.map((e) => e.properties)).toEqual([
        expect.objectContaining({
          direction: 'inbound',
          durationSeconds: 185,
          answered: true,
          phone: '+14155550101',
        }),
        expect.objectContaining({
          direction: 'outbound',
          durationSeconds: 0,
          outcome: 'no_answer',
          phone: '+14155550101',
        }),
      ]);
      const again = await load('twilio-calls.csv', 'events');
      expect(again.summary).toMatchObject({ created: 0, skipped: 2 });
    });

    it('a mapping override changes a column and the real import follows it', async () => {
      const csv = 'Email,Org,Employees\nover.ride@map.example.com,Initech,"1,200"\n';
      const preview = await previewImport(ctx(), Readable.from([csv]), {
        kind: 'leads',
        format: 'csv',
        mappings: ['Org=company'],
      });
      expect(preview.columns).toEqual([
        { column: 'Email', target: 'email', decidedBy: 'exact name' },
        { column: 'Org', target: 'company', decidedBy: 'mapping' },
        { column: 'Employees', target: 'companySize', decidedBy: 'synonym' },
      ]);
      await importRecords(ctx(), adminActor, Readable.from([csv]), {
        kind: 'leads',
        format: 'csv',
        mappings: ['Org=company'],
      });
      expect(await lead('over.ride@map.example.com')).toMatchObject({
        company: 'Initech',
        companySize: 1200,
      });
    });
  },
  { clock: '2026-03-02T09:00:00.000Z' },
);
