import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isHearthError } from '../../src/domain/errors.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';

// The race: batch B's statement waits on an event id that a concurrent batch A claimed; A commits,
// so B's claim does nothing, but B's statement reads event_keys as of its start and does not see
// A's row. Before B's next statement reads it, A's lead is erased (its event_keys go with it).
//
// Two triggers replay that interleaving in one session, on PGlite as on PostgreSQL:
// - before B's claim is inserted, a nested insert claims the id for lead A. It is a later command of
//   the same statement, so B's conflict check sees it while B's statement snapshot does not — what
//   a claim committed while the statement waited looks like;
// - when B's statement has finished, A's lead is deleted, before B's next statement.
// Only ids starting `raced-` are touched; every other insert into event_keys goes on as usual.
describeEachDatabase('an event id claimed by another batch, then erased with its lead', (env) => {
  let server: FastifyInstance;
  let auth: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    auth = await bearer(env.app, 'ingest');
    const { db } = env.app.database;
    await sql`create table raced_claims (lead_id uuid not null)`.execute(db);
    await sql`
      create function raced_claim() returns trigger language plpgsql as $$
      begin
        if pg_trigger_depth() = 1 and new.external_id like 'raced-%' then
          insert into event_keys (external_id, event_id, lead_id)
          select new.external_id, -1, lead_id from raced_claims;
        end if;
        return new;
      end $$`.execute(db);
    await sql`
      create function raced_erase() returns trigger language plpgsql as $$
      begin
        if pg_trigger_depth() = 1 then
          delete from leads where id in (select lead_id from raced_claims);
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger raced_claim before insert on event_keys for each row execute function raced_claim()`.execute(
      db,
    );
    await sql`create trigger raced_erase after insert on event_keys for each statement execute function raced_erase()`.execute(
      db,
    );
  });
  afterAll(async () => {
    const { db } = env.app.database;
    await sql`drop trigger raced_claim on event_keys`.execute(db);
    await sql`drop trigger raced_erase on event_keys`.execute(db);
    await sql`drop function raced_claim(); drop function raced_erase(); drop table raced_claims`.execute(db);
  });

  /** A lead that "batch A" claims the next raced id for, erased during the append. */
  async function otherBatchLead(): Promise<string> {
    const { db } = env.app.database;
    const { rows } = await sql<{ id: string }>`
      insert into leads (email) values (${uniqueEmail('other-batch')}) returning id`.execute(db);
    const id = rows[0]?.id as string;
    await sql`delete from raced_claims`.execute(db);
    await sql`insert into raced_claims values (${id})`.execute(db);
    return id;
  }

  it('refuses the batch with a conflict the client can act on, and the batch sent again is stored', async () => {
    const { db } = env.app.database;
    const { rows } = await sql<{ id: string }>`
      insert into leads (email) values (${uniqueEmail('this-batch')}) returning id`.execute(db);
    const leadId = rows[0]?.id as string;
    const erased = await otherBatchLead();
    const event = {
      leadId,
      type: 'page_view',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      externalId: 'raced-store',
      properties: {},
    };

    const attempt = env.app.ctx.store.events.append([event], new Date('2026-03-01T10:00:01Z'));
    await expect(attempt).rejects.toSatisfy(
      (error) =>
        isHearthError(error) &&
        error.code === 'conflict' &&
        error.details.externalId === 'raced-store' &&
        error.message.includes('send the batch again'),
    );
    // The race happened as staged: the other lead and its claim are gone.
    const left = await sql<{ n: number }>`
      select (select count(*) from leads where id = ${erased})::int
        + (select count(*) from event_keys where external_id = 'raced-store')::int as n`.execute(db);
    expect(left.rows[0]?.n).toBe(0);

    // Sent again (no concurrent batch this time), the event is stored.
    await sql`delete from raced_claims`.execute(db);
    const again = await env.app.ctx.store.events.append([event], new Date('2026-03-01T10:00:02Z'));
    expect(again).toHaveLength(1);
    expect(again[0]).toHaveProperty('id');
  });

  it('POST /api/v1/events answers 409 conflict, not 500', async () => {
    await otherBatchLead();
    const email = uniqueEmail('raced-http');
    const batch = [
      { id: 'raced-http', type: 'page_view', email, occurredAt: '2026-03-01T11:00:00Z', properties: {} },
    ];
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth,
      payload: batch,
    });
    expect(response.statusCode).toBe(409);
    const body = json<{ error: { code: string; message: string; details: Record<string, unknown> } }>(
      response,
    );
    expect(body.error.code).toBe('conflict');
    expect(body.error.details).toEqual({ externalId: 'raced-http' });
    // The batch was one transaction: nothing of it was kept, not even the lead it would have created.
    const kept = await sql<{
      n: number;
    }>`select count(*)::int as n from leads where email = ${email}`.execute(env.app.database.db);
    expect(kept.rows[0]?.n).toBe(0);
  });
});
