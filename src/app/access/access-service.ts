import { KEY_ROLES, type KeyRole, type Principal, USER_ROLES, type UserRole } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import { isPlausibleEmail, normaliseEmail } from '../../domain/lead.js';
import type { ApiKey } from '../../store/api-keys.js';
import type { User } from '../../store/users.js';
import type { AppContext } from '../context.js';
import { hashApiKey, hashPassword, newApiKey, passwordProblems } from './secrets.js';
import { updateUser } from './users.js';

export interface NewUserInput {
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly password: string;
}

export async function createUser(
  ctx: AppContext,
  actor: Principal | null,
  input: NewUserInput,
): Promise<User> {
  const problems = [];
  const email = normaliseEmail(input.email);
  if (email === null || !isPlausibleEmail(email))
    problems.push({ path: 'email', message: 'must be a valid email address' });
  if (input.name.trim() === '') problems.push({ path: 'name', message: 'must not be blank' });
  if (!(USER_ROLES as readonly string[]).includes(input.role)) {
    problems.push({ path: 'role', message: `must be one of ${USER_ROLES.join(', ')}` });
  }
  problems.push(...passwordProblems(input.password));
  if (problems.length > 0) throw HearthError.invalid(problems);
  const passwordHash = await hashPassword(input.password);
  return ctx.store.transaction(async (store) => {
    const user = await store.users.create({
      email: email as string,
      name: input.name.trim(),
      role: input.role as UserRole,
      passwordHash,
    });
    if (!user)
      throw new HearthError('conflict', `A user with the email ${email} exists already`, { field: 'email' });
    await store.audit.record({
      actorUserId: actor?.userId ?? null,
      actorKeyId: actor?.keyId ?? null,
      action: 'user.create',
      entity: 'user',
      entityId: user.id,
      details: { role: user.role },
    });
    return user;
  });
}

export interface NewKeyInput {
  readonly name: string;
  readonly role: string;
  /** The user the key acts for, by email; required for rep keys. */
  readonly userEmail?: string | undefined;
  readonly expiresAt?: Date | undefined;
}

/** Creates an API key. The returned `secret` is the only time the key is ever shown. */
export async function createApiKey(
  ctx: AppContext,
  actor: Principal | null,
  input: NewKeyInput,
): Promise<{ apiKey: ApiKey; secret: string }> {
  const problems = [];
  if (input.name.trim() === '' || input.name.length > 100) {
    problems.push({ path: 'name', message: 'must have 1 to 100 characters' });
  }
  if (!(KEY_ROLES as readonly string[]).includes(input.role)) {
    problems.push({ path: 'role', message: `must be one of ${KEY_ROLES.join(', ')}` });
  }
  if (input.role === 'rep' && !input.userEmail) {
    problems.push({ path: 'userEmail', message: 'a rep key acts for a rep: give the user it belongs to' });
  }
  if (input.expiresAt && input.expiresAt.getTime() <= ctx.clock().getTime()) {
    problems.push({ path: 'expiresAt', message: 'must be in the future' });
  }
  if (problems.length > 0) throw HearthError.invalid(problems);
  return ctx.store.transaction(async (store) => {
    let userId: string | null = null;
    if (input.userEmail) {
      const user = await store.users.byEmail(normaliseEmail(input.userEmail) ?? '');
      if (!user)
        throw HearthError.invalid([
          { path: 'userEmail', message: `no user has the email ${input.userEmail}` },
        ]);
      userId = user.id;
    }
    const { key, prefix, hash } = newApiKey();
    const apiKey = await store.apiKeys.create({
      name: input.name.trim(),
      role: input.role as KeyRole,
      userId,
      prefix,
      keyHash: hash,
      expiresAt: input.expiresAt ?? null,
    });
    await store.audit.record({
      actorUserId: actor?.userId ?? null,
      actorKeyId: actor?.keyId ?? null,
      action: 'key.create',
      entity: 'api_key',
      entityId: apiKey.id,
      details: { role: apiKey.role, name: apiKey.name },
    });
    return { apiKey, secret: key };
  });
}

// Higher ranks may do everything lower ones may (POLICY above never grants a rep what it denies a manager).
const RANK: Record<UserRole, number> = { rep: 0, manager: 1, admin: 2 };

/**
 * The role a key acts with: its own, but never more than its user's current role, so that a
 * demoted user's keys are demoted with them (and promoted back with them). Ingest keys stay ingest.
 *
 * @example keyActsAs('admin', 'rep') // 'rep'
 */
function keyActsAs(keyRole: KeyRole, userRole: UserRole | null): KeyRole {
  if (keyRole === 'ingest' || userRole === null) return keyRole;
  return RANK[userRole] < RANK[keyRole] ? userRole : keyRole;
}

/** The principal a presented API key stands for; `unauthenticated` for an unknown, revoked or expired key. */
export async function authenticateApiKey(ctx: AppContext, presented: string): Promise<Principal> {
  const apiKey = await ctx.store.apiKeys.byHash(hashApiKey(presented));
  const now = ctx.clock();
  if (!apiKey) throw new HearthError('unauthenticated', 'The API key is not valid');
  if (apiKey.revokedAt) throw new HearthError('unauthenticated', 'The API key has been revoked');
  if (apiKey.expiresAt && apiKey.expiresAt.getTime() <= now.getTime()) {
    throw new HearthError('unauthenticated', 'The API key has expired');
  }
  if (!apiKey.userActive) {
    throw new HearthError('unauthenticated', 'The user of this API key has been deactivated');
  }
  // Coarse on purpose: one write per key per minute is enough to answer "is this key in use?".
  if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > 60_000) {
    await ctx.store.apiKeys.touch(apiKey.id, now);
  }
  return { role: keyActsAs(apiKey.role, apiKey.userRole), userId: apiKey.userId, keyId: apiKey.id };
}

/**
 * On an empty installation (no users, no admin key) creates the first admin key, exactly once
 * even when several instances start together. Returns its secret for the operator, or null.
 */
export async function bootstrapFirstAdminKey(ctx: AppContext): Promise<string | null> {
  return ctx.store.transaction(async (store) => {
    if ((await store.users.count()) > 0 || (await store.apiKeys.countActiveAdmins(ctx.clock())) > 0)
      return null;
    if (!(await store.settings.putIfAbsent('bootstrap.first_admin_key', { at: ctx.clock().toISOString() })))
      return null;
    const { secret } = await createApiKey({ ...ctx, store }, null, {
      name: 'first admin key',
      role: 'admin',
    });
    return secret;
  });
}

/**
 * Deactivates or re-activates a user: an inactive user's keys and sessions stop working and
 * routing skips them (SPEC §2 Playbook: round-robin over active reps). Their leads and tasks stay
 * theirs. The same as `updateUser` with `{ active }`.
 */
export async function setUserActive(
  ctx: AppContext,
  actor: Principal,
  id: string,
  active: boolean,
): Promise<User> {
  return updateUser(ctx, actor, id, { active });
}

export async function revokeApiKey(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (store) => {
    if (!(await store.apiKeys.revoke(id, ctx.clock()))) {
      throw new HearthError('not_found', `No active API key has id ${id}`, { id });
    }
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'key.revoke',
      entity: 'api_key',
      entityId: id,
    });
  });
}
