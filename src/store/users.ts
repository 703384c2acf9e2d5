import type { Kysely, Transaction } from 'kysely';
import type { UserRole } from '../domain/access.js';
import type { Database, UserRow } from './schema.js';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly active: boolean;
  /** An IANA time zone (`Europe/Berlin`): their digest's morning, quiet hours, times in messages. */
  readonly timeZone: string;
  readonly createdAt: Date;
}

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly passwordHash: string;
}

export interface UserStore {
  /** Undefined when the email is taken. */
  create(user: NewUser): Promise<User | undefined>;
  byId(id: string): Promise<User | undefined>;
  byEmail(email: string): Promise<User | undefined>;
  passwordHashFor(email: string): Promise<{ user: User; passwordHash: string } | undefined>;
  list(): Promise<User[]>;
  /** Changes the given fields; undefined when no user has the id. */
  update(id: string, changes: UserChanges, now: Date): Promise<User | undefined>;
  /** False when no user has the id. */
  setPasswordHash(id: string, passwordHash: string, now: Date): Promise<boolean>;
  /**
   * The ids of the active admins, locked until the transaction ends: a change that could leave
   * no active admin reads this first, so two such changes at once cannot both see "one more left".
   */
  lockActiveAdmins(): Promise<string[]>;
  count(): Promise<number>;
}

export interface UserChanges {
  readonly name?: string | undefined;
  readonly role?: UserRole | undefined;
  readonly active?: boolean | undefined;
  readonly timeZone?: string | undefined;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    timeZone: row.time_zone,
    createdAt: row.created_at,
  };
}

export function userStore(db: Kysely<Database> | Transaction<Database>): UserStore {
  return {
    create: async (user) => {
      const row = await db
        .insertInto('users')
        .values({ email: user.email, name: user.name, role: user.role, password_hash: user.passwordHash })
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll()
        .executeTakeFirst();
      return row && toUser(row);
    },
    byId: async (id) => {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    byEmail: async (email) => {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return row && toUser(row);
    },
    passwordHashFor: async (email) => {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },
    list: async () => (await db.selectFrom('users').selectAll().orderBy('created_at').execute()).map(toUser),
    update: async (id, changes, now) => {
      const row = await db
        .updateTable('users')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.active !== undefined ? { active: changes.active } : {}),
          ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toUser(row);
    },
    setPasswordHash: async (id, passwordHash, now) => {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    lockActiveAdmins: async () =>
      (
        await db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('active', '=', true)
          .orderBy('id')
          .forUpdate()
          .execute()
      ).map((row) => row.id),
    count: async () => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
