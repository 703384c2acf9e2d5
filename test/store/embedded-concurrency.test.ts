import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.js';

// Many connections share one PGlite session through the socket: each connection's parameterised
// queries (Parse/Bind/Execute/Sync) and transactions must stay whole (protocol-isolation.js).
describe('the embedded database under concurrent connections', () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openDatabase({ kind: 'embedded', dataDir: null }, { poolSize: 8 });
    await sql`create table counters (id int primary key, n int not null)`.execute(handle.db);
    await sql`insert into counters values (1, 0)`.execute(handle.db);
  });
  afterAll(async () => {
    await handle.close();
  });

  it('answers 400 concurrent parameterised queries from 8 connections, each with its own result', async () => {
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        sql<{ v: number; label: string }>`select ${i}::int as v, ${`q${i}`}::text as label`.execute(
          handle.db,
        ),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.rows).toEqual([{ v: i, label: `q${i}` }]);
    });
  });

  it('keeps concurrent transactions whole: 100 increments beside 200 reads lose nothing', async () => {
    const increments = Array.from({ length: 100 }, () =>
      handle.db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ n: number }>`select n from counters where id = ${1} for update`.execute(
          tx,
        );
        await sql`update counters set n = ${(rows[0]?.n ?? 0) + 1} where id = ${1}`.execute(tx);
      }),
    );
    const reads = Array.from({ length: 200 }, (_, i) => sql`select ${i}::int as v`.execute(handle.db));
    await Promise.all([...increments, ...reads]);
    const { rows } = await sql<{ n: number }>`select n from counters where id = ${1}`.execute(handle.db);
    expect(rows[0]?.n).toBe(100);
  });

  it('a failing query does not stop the others', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        i % 5 === 0
          ? sql`select * from no_such_table where id = ${i}`.execute(handle.db)
          : sql<{ v: number }>`select ${i}::int as v`.execute(handle.db),
      ),
    );
    results.forEach((result, i) => {
      expect(result.status).toBe(i % 5 === 0 ? 'rejected' : 'fulfilled');
    });
    const after = await sql<{ v: number }>`select ${7}::int as v`.execute(handle.db);
    expect(after.rows).toEqual([{ v: 7 }]);
  });
});
