import type { Kysely, Transaction } from 'kysely';
import type { UserRole } from '../domain/access.js';
import type { Database, UserRow } from './schema.js';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly active: boolean;
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
  /** Undefined when no user has the id. */
  setActive(id: string, active: boolean, now: Date): Promise<User | undefined>;
  count(): Promise<number>;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
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
    setActive: async (id, active, now) => {
      const row = await db
        .updateTable('users')
        .set({ active, updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toUser(row);
    },
    count: async () => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
