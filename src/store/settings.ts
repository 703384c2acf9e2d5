import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface SettingsStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key` unless the key exists; true when this call stored it. */
  putIfAbsent(key: string, value: unknown): Promise<boolean>;
  put(key: string, value: unknown): Promise<void>;
  /**
   * Deletes every setting whose key starts with `prefix` and returns them: inside a transaction
   * the rows stay locked until it ends, so of two transactions taking the same rows one gets them.
   */
  takeByPrefix(prefix: string): Promise<{ key: string; value: unknown }[]>;
}

export function settingsStore(db: Kysely<Database> | Transaction<Database>): SettingsStore {
  return {
    get: async <T>(key: string) => {
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value as T | undefined;
    },
    putIfAbsent: async (key, value) => {
      const inserted = await db
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    put: async (key, value) => {
      await db
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value) })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }),
        )
        .execute();
    },
    takeByPrefix: async (prefix) =>
      db
        .deleteFrom('settings')
        .where(sql<boolean>`starts_with(key, ${prefix})`)
        .returning(['key', 'value'])
        .execute(),
  };
}
