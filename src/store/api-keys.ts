import type { Kysely, Transaction } from 'kysely';
import type { KeyRole, UserRole } from '../domain/access.js';
import type { ApiKeyRow, Database } from './schema.js';

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: KeyRole;
  readonly userId: string | null;
  /** The first characters of the key, enough to recognise it in a list; never the secret. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface NewApiKey {
  readonly name: string;
  readonly role: KeyRole;
  readonly userId: string | null;
  readonly prefix: string;
  readonly keyHash: string;
  readonly expiresAt: Date | null;
}

export interface ApiKeyStore {
  create(key: NewApiKey): Promise<ApiKey>;
  /** The key with this digest, and its user's state and role (if any): one query per request. */
  byHash(
    keyHash: string,
  ): Promise<(ApiKey & { readonly userActive: boolean; readonly userRole: UserRole | null }) | undefined>;
  list(): Promise<ApiKey[]>;
  revoke(id: string, at: Date): Promise<boolean>;
  touch(id: string, at: Date): Promise<void>;
  countActiveAdmins(now: Date): Promise<number>;
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    userId: row.user_id,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export function apiKeyStore(db: Kysely<Database> | Transaction<Database>): ApiKeyStore {
  return {
    create: async (key) =>
      toApiKey(
        await db
          .insertInto('api_keys')
          .values({
            name: key.name,
            role: key.role,
            user_id: key.userId,
            prefix: key.prefix,
            key_hash: key.keyHash,
            expires_at: key.expiresAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),
    byHash: async (keyHash) => {
      const row = await db
        .selectFrom('api_keys')
        .leftJoin('users', 'users.id', 'api_keys.user_id')
        .selectAll('api_keys')
        .select(['users.active as user_active', 'users.role as user_role'])
        .where('api_keys.key_hash', '=', keyHash)
        .executeTakeFirst();
      return (
        row && {
          ...toApiKey(row),
          userActive: row.user_id === null || row.user_active === true,
          userRole: row.user_role,
        }
      );
    },
    list: async () =>
      (await db.selectFrom('api_keys').selectAll().orderBy('created_at').execute()).map(toApiKey),
    revoke: async (id, at) => {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    touch: async (id, at) => {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    countActiveAdmins: async (now) => {
      const row = await db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
