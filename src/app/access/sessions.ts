import { randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { normaliseEmail } from '../../domain/lead.js';
import type { User } from '../../store/users.js';
import type { AppContext } from '../context.js';
import { hashApiKey, hashPassword, verifyPassword } from './secrets.js';

// A working day of inactivity ends a session; none lives longer than a week (OWASP session
// management: idle and absolute timeouts, both enforced on the server).
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
// Moving the idle deadline costs a write: at most once a minute per session.
const TOUCH_EVERY_MS = 60_000;

export interface SignedIn {
  /** The cookie value: shown to the browser only, stored as a digest. */
  readonly token: string;
  readonly csrfToken: string;
  readonly user: User;
  readonly expiresAt: Date;
}

// Compared against when the email is unknown, so that a wrong email takes as long as a wrong
// password and response times do not tell which accounts exist.
let decoyHash: Promise<string> | null = null;

/** Checks a user's password and opens a session (SPEC §6). One message for every failure. */
export async function signIn(ctx: AppContext, email: string, password: string): Promise<SignedIn> {
  const normalised = normaliseEmail(email) ?? '';
  const found = await ctx.store.users.passwordHashFor(normalised);
  decoyHash ??= hashPassword('decoy password for timing');
  const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash));
  if (!found || !ok || !found.user.active) {
    throw new HearthError('unauthenticated', 'The email or password is wrong, or the account is inactive');
  }
  return openSession(ctx, found.user);
}

/** A new session for a user whose credentials were just checked (sign-in, the owner's setup). */
export async function openSession(ctx: AppContext, user: User): Promise<SignedIn> {
  const now = ctx.clock();
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, now.getTime() + SESSION_MAX_MS));
  await ctx.store.transaction(async (store) => {
    await store.sessions.create(hashApiKey(token), {
      userId: user.id,
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    await store.audit.record({
      actorUserId: user.id,
      action: 'session.create',
      entity: 'user',
      entityId: user.id,
    });
  });
  return { token, csrfToken, user, expiresAt };
}

export interface SessionPrincipal {
  readonly principal: Principal;
  readonly csrfToken: string;
  readonly user: User;
  readonly expiresAt: Date;
}

/** The user behind a session cookie; `unauthenticated` when it is unknown, expired or inactive. */
export async function authenticateSession(ctx: AppContext, token: string): Promise<SessionPrincipal> {
  const now = ctx.clock();
  const hash = hashApiKey(token);
  const session = await ctx.store.sessions.byTokenHash(hash);
  if (!session || session.expiresAt.getTime() <= now.getTime()) {
    throw new HearthError('unauthenticated', 'Your session has ended: sign in again');
  }
  const user = await ctx.store.users.byId(session.userId);
  if (!user?.active) throw new HearthError('unauthenticated', 'Your session has ended: sign in again');
  let expiresAt = session.expiresAt;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    const absolute = session.createdAt.getTime() + SESSION_MAX_MS;
    expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, absolute));
    await ctx.store.sessions.touch(hash, now, expiresAt);
  }
  return {
    principal: { role: user.role, userId: user.id, keyId: null },
    csrfToken: session.csrfToken,
    user,
    expiresAt,
  };
}

export async function signOut(ctx: AppContext, token: string): Promise<void> {
  await ctx.store.sessions.delete(hashApiKey(token));
}
