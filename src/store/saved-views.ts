import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/** A named view of the leads table, one user's own (app/leads/saved-views.ts says what `view` holds). */
export interface SavedView {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly view: Record<string, unknown>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SavedViewChanges {
  readonly name?: string;
  readonly view?: Record<string, unknown>;
}

/** Why a change was not made: no view of this user has the id, or the user has a view of that name. */
export type SavedViewRefusal = 'missing' | 'name_taken';

export interface SavedViewStore {
  /** The user's views, by name. */
  list(userId: string): Promise<SavedView[]>;
  /** Undefined when the user has a view of that name already. */
  create(
    userId: string,
    name: string,
    view: Record<string, unknown>,
    now: Date,
  ): Promise<SavedView | undefined>;
  /** Only the user's own view: another user's id is `missing`, as a missing one. */
  update(
    id: string,
    userId: string,
    changes: SavedViewChanges,
    now: Date,
  ): Promise<SavedView | SavedViewRefusal>;
  /** False when no view of this user has the id. */
  delete(id: string, userId: string): Promise<boolean>;
}

function toSavedView(row: {
  id: string;
  user_id: string;
  name: string;
  view: unknown;
  created_at: Date;
  updated_at: Date;
}): SavedView {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    view: row.view as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** PostgreSQL's unique_violation (23505), as node-postgres and PGlite both report it. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export function savedViewStore(db: Kysely<Database> | Transaction<Database>): SavedViewStore {
  return {
    list: async (userId) =>
      (
        await db
          .selectFrom('saved_views')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy(sql`lower(name)`)
          .orderBy('id')
          .execute()
      ).map(toSavedView),
    create: async (userId, name, view, now) => {
      // ON CONFLICT also covers a name a concurrent transaction writes: the insert waits for it and
      // then does nothing, so no unique violation reaches the caller.
      const row = await db
        .insertInto('saved_views')
        .values({ user_id: userId, name, view: JSON.stringify(view), created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row && toSavedView(row);
    },
    update: async (id, userId, changes, now) => {
      // The NOT EXISTS sees only names committed when the statement began: a concurrent rename or
      // create to the same name that commits while this one waits on it breaks the unique index.
      const row = await db
        .updateTable('saved_views')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.view !== undefined ? { view: JSON.stringify(changes.view) } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .$if(changes.name !== undefined, (q) =>
          q.where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('saved_views as other')
                  .select('other.id')
                  .where('other.user_id', '=', userId)
                  .where('other.name', '=', changes.name as string)
                  .where('other.id', '<>', id),
              ),
            ),
          ),
        )
        .returningAll()
        .executeTakeFirst()
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) return 'name_taken' as const;
          throw error;
        });
      if (row === 'name_taken') return row;
      if (row) return toSavedView(row);
      const exists = await db
        .selectFrom('saved_views')
        .select('id')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return exists ? 'name_taken' : 'missing';
    },
    delete: async (id, userId) => {
      const result = await db
        .deleteFrom('saved_views')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
