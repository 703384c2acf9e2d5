import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createImportJob, IMPORT_LEASE_MS, runImportJob } from '../../src/app/transfer/import-jobs.js';
import type { Principal } from '../../src/domain/access.js';
import type { Database } from '../../src/store/schema.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer } from '../support/http.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/import');
const CHUNK_ROWS = 4;

interface Job {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  totalRows: number | null;
  rowsRead: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  error: string | null;
  leadsQuery: string;
  plan: { columns: { column: string; target: string; decidedBy: string }[] } | null;
}

interface Preview {
  format: { id: string } | null;
  columns: { column: string; target: string; decidedBy: string }[];
  counts: { read: number; create: number; update: number; skip: number; reject: number };
  problems: { location: string; reason: string }[];
  firstRows: { location: string; cells: Record<string, string> }[];
  choices: { targets: string[]; extrasKey: string };
}

/** Rows in every table, by table: what a preview must leave as it was. */
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

/** A Salesforce-style leads export: `good` leads, then `bad` rows whose email is not one. */
function salesforceFile(label: string, good: number, bad: number): string {
  const lines = ['First Name,Last Name,Company,Email,Work Phone,No. of Employees,Lead Source,Created Date'];
  for (let i = 1; i <= good; i += 1) {
    lines.push(
      `Ann${i},Lee,Acme ${label},ann${i}.${label}@acme.example.com,+1 415 555 ${1000 + i},51-200,Web,03/14/2024`,
    );
  }
  for (let i = 1; i <= bad; i += 1) lines.push(`Bad${i},Row,Nowhere,not-an-email-${i},,,Web,03/14/2024`);
  return `${lines.join('\n')}\n`;
}

describeEachDatabase('imports through the API: preview, jobs, resume, rejected rows', (env) => {
  let server: FastifyInstance;
  let manager: { authorization: string };
  let managerActor: Principal;

  beforeAll(async () => {
    server = await testServer(env.app, {
      HEARTH_IMPORT_CHUNK_ROWS: String(CHUNK_ROWS),
      HEARTH_IMPORT_MAX_BYTES: '20000',
    });
    const key = await keyFor(env.app, 'manager');
    manager = { authorization: `Bearer ${key.key}` };
    managerActor = { role: 'manager', userId: key.userId, keyId: null };
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (url: string, body: string, type = 'text/csv', headers = manager) =>
    server.inject({ method: 'POST', url, headers: { ...headers, 'content-type': type }, payload: body });
  const get = (url: string) => server.inject({ method: 'GET', url, headers: manager });
  const waitForJob = async (id: string): Promise<Job> => {
    for (let i = 0; i < 600; i += 1) {
      const job = json<Job>(await get(`/api/v1/imports/${id}`));
      if (job.state === 'done' || job.state === 'failed') return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`import ${id} did not finish`);
  };
  const ok = (response: LightMyRequestResponse, status = 200) => {
    expect(response.statusCode, response.body).toBe(status);
    return response;
  };

  it('previews a Salesforce export as the dry run does, and writes nothing', async () => {
    const file = readFileSync(join(FIXTURES, 'salesforce-leads.csv'), 'utf8');
    const before = await rowCounts(env.app.database.db);
    const preview = json<Preview>(ok(await post('/api/v1/imports/preview', file)));
    expect(preview.format?.id).toBe('salesforce-leads');
    expect(preview.columns.find((c) => c.column === 'No. of Employees')).toEqual({
      column: 'No. of Employees',
      target: 'companySize',
      decidedBy: 'known format',
    });
    expect(preview.counts).toMatchObject({ read: 2, create: 2, reject: 0 });
    expect(preview.firstRows[0]?.cells['First Name']).toBe('Avery');
    expect(preview.choices.targets).toContain('companySize');
    expect(await rowCounts(env.app.database.db)).toEqual(before);
  });

  it('previews with a mapping override and names a bad target, a JSON body and a file too large', async () => {
    const file = salesforceFile('pv', 2, 1);
    const plain = json<Preview>(ok(await post('/api/v1/imports/preview', file)));
    expect(plain.columns.find((c) => c.column === 'Work Phone')?.target).toBe('attributes.work_phone');
    expect(plain.counts).toMatchObject({ read: 3, create: 2, reject: 1 });
    expect(plain.problems[0]?.location).toBe('line 4');
    const mapped = json<Preview>(
      ok(await post(`/api/v1/imports/preview?map=${encodeURIComponent('Work Phone=phone')}`, file)),
    );
    expect(mapped.columns.find((c) => c.column === 'Work Phone')).toMatchObject({
      target: 'phone',
      decidedBy: 'mapping',
    });

    const bad = await post(`/api/v1/imports/preview?map=${encodeURIComponent('Work Phone=fone')}`, file);
    expect(bad.statusCode).toBe(400);
    expect(
      json<{ error: { details: { problems: { path: string }[] } } }>(bad).error.details.problems[0]?.path,
    ).toBe('map.Work Phone');
    const asJson = await post('/api/v1/imports/preview', '{}', 'application/json');
    expect(asJson.statusCode).toBe(400);
    expect(asJson.body).toContain('text/csv');
    const tooLarge = await post('/api/v1/imports/preview', salesforceFile('big', 300, 0));
    expect(tooLarge.statusCode).toBe(413);
    expect(json<{ error: { code: string } }>(tooLarge).error.code).toBe('too_large');
  });

  it('refuses reps: imports are for managers and admins', async () => {
    const rep = await bearer(env.app, 'rep');
    const response = await post('/api/v1/imports/preview', salesforceFile('rep', 1, 0), 'text/csv', rep);
    expect(response.statusCode).toBe(403);
  });

  it('imports as a job with counts, links the leads and lists the rejected rows as CSV', async () => {
    const file = salesforceFile('job', 9, 2);
    const created = ok(
      await post(`/api/v1/imports?fileName=leads.csv&map=${encodeURIComponent('Work Phone=phone')}`, file),
      202,
    );
    const job = await waitForJob(json<Job>(created).id);
    expect(job).toMatchObject({
      state: 'done',
      totalRows: 11,
      rowsRead: 11,
      created: 9,
      updated: 0,
      skipped: 0,
      rejected: 2,
      error: null,
    });
    expect(job.plan?.columns.find((c) => c.column === 'Work Phone')?.target).toBe('phone');

    const listed = json<{ data: { email: string; phone: string; companySize: number }[] }>(
      ok(await get(`/api/v1/leads?${job.leadsQuery}&limit=100`)),
    );
    expect(listed.data.map((l) => l.email).sort()).toEqual(
      Array.from({ length: 9 }, (_, i) => `ann${i + 1}.job@acme.example.com`).sort(),
    );
    // 51-200 employees: the range's middle (docs/import.md).
    expect(listed.data[0]).toMatchObject({ companySize: 125 });
    expect(listed.data.every((l) => l.phone.startsWith('+1 415'))).toBe(true);

    const rejected = ok(await get(`/api/v1/imports/${job.id}/rejected.csv`));
    expect(rejected.headers['content-type']).toContain('text/csv');
    const lines = rejected.body.trim().split('\n');
    expect(lines[0]).toBe(
      'line,reason,First Name,Last Name,Company,Email,Work Phone,No. of Employees,Lead Source,Created Date',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^11,[^,]*email[^,]*,Bad1,Row,Nowhere,not-an-email-1,/);
    expect(lines[2]).toMatch(/^12,/);

    // The same file again: every lead is there as given.
    const again = await waitForJob(
      json<Job>(ok(await post('/api/v1/imports?map=Work%20Phone%3Dphone', file), 202)).id,
    );
    expect(again).toMatchObject({ state: 'done', created: 0, updated: 0, skipped: 9, rejected: 2 });
  });

  it('answers 404 for an unknown import and its rejected rows', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await get(`/api/v1/imports/${id}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/imports/${id}/rejected.csv`)).statusCode).toBe(404);
  });

  it('resumes a job stopped between two chunks from its last chunk, without duplicates', async () => {
    const ctx = env.app.ctx;
    const file = salesforceFile('crash', 10, 1);
    const job = await createImportJob(
      ctx,
      managerActor,
      Readable.from([Buffer.from(file)]),
      { kind: 'leads', format: 'csv', columnMap: {} },
      { maxBytes: 100_000, chunkRows: CHUNK_ROWS },
    );
    // A run that dies after its first chunk: the job keeps its lease, as a crashed process's would.
    const stopped = await runImportJob(ctx, job.id, { stopAfter: 1 });
    expect(stopped).toMatchObject({
      state: 'running',
      rowsRead: CHUNK_ROWS,
      created: CHUNK_ROWS,
      totalRows: 11,
    });
    // Nobody else takes it while the lease holds…
    expect(await runImportJob(ctx, job.id)).toMatchObject({ state: 'running', rowsRead: CHUNK_ROWS });
    // …then the next run carries on from the fifth row.
    env.clock.advance(IMPORT_LEASE_MS + 1);
    const done = await runImportJob(ctx, job.id);
    expect(done).toMatchObject({
      state: 'done',
      rowsRead: 11,
      created: 10,
      updated: 0,
      skipped: 0,
      rejected: 1,
    });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from leads where email like ${'%.crash@acme.example.com'}`.execute(
      env.app.database.db,
    );
    expect(rows[0]?.n).toBe(10);
    const linked = json<{ data: unknown[] }>(ok(await get(`/api/v1/leads?import=${job.id}&limit=100`)));
    expect(linked.data).toHaveLength(10);
    // The upload is gone once the job is done.
    const { rows: pieces } = await sql<{ n: number }>`
      select count(*)::int as n from import_job_chunks where job_id = ${job.id}`.execute(env.app.database.db);
    expect(pieces[0]?.n).toBe(0);
  });

  it('imports an NDJSON events file and fails a file that is not UTF-8, naming the line', async () => {
    const email = 'ann1.job@acme.example.com';
    const events = [
      { email, type: 'page_view', occurredAt: '2026-03-01T10:00:00Z', properties: { url: '/pricing' } },
      { email, type: 'email_open', occurredAt: '2026-03-01T11:00:00Z' },
      { email, type: 'page_view' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const job = await waitForJob(
      json<Job>(ok(await post('/api/v1/imports?kind=events', events, 'application/x-ndjson'), 202)).id,
    );
    expect(job).toMatchObject({ state: 'done', created: 2, rejected: 1 });
    const rejected = ok(await get(`/api/v1/imports/${job.id}/rejected.csv`))
      .body.trim()
      .split('\n');
    expect(rejected[0]).toBe('line,reason,record');
    expect(rejected[1]).toMatch(/^3,.*occurredAt/);

    const latin1 = Buffer.concat([
      Buffer.from('Email,Company\nzoe@acme.example.com,Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const failed = await waitForJob(
      json<Job>(
        ok(
          await server.inject({
            method: 'POST',
            url: '/api/v1/imports',
            headers: { ...manager, 'content-type': 'text/csv' },
            payload: latin1,
          }),
          202,
        ),
      ).id,
    );
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/line 2: not valid UTF-8/);
  });
});
