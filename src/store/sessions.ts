import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface Session {
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

export interface SessionStore {
  create(tokenHash: string, session: Session): Promise<void>;
  byTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** Moves the idle deadline forward. */
  touch(tokenHash: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a user (deactivation). */
  deleteForUser(userId: string): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

export function sessionStore(db: Kysely<Database> | Transaction<Database>): SessionStore {
  return {
    create: async (tokenHash, s) => {
      await db
        .insertInto('sessions')
        .values({
          token_hash: tokenHash,
          user_id: s.userId,
          csrf_token: s.csrfToken,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          expires_at: s.expiresAt,
        })
        .execute();
    },
    byTokenHash: async (tokenHash) => {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return (
        row && {
          userId: row.user_id,
          csrfToken: row.csrf_token,
          createdAt: row.created_at,
          lastSeenAt: row.last_seen_at,
          expiresAt: row.expires_at,
        }
      );
    },
    touch: async (tokenHash, lastSeenAt, expiresAt) => {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
        .where('token_hash', '=', tokenHash)
        .execute();
    },
    delete: async (tokenHash) => {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },
    deleteForUser: async (userId) => {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },
    deleteExpired: async (now) =>
      Number(
        (await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows,
      ),
  };
}
