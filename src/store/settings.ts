import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface SettingsStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key` unless the key exists; true when this call stored it. */
  putIfAbsent(key: string, value: unknown): Promise<boolean>;
  put(key: string, value: unknown): Promise<void>;
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
  };
}
