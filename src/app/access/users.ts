import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import type { User, UserChanges } from '../../store/users.js';
import type { AppContext } from '../context.js';
import { hashPassword, passwordProblems } from './secrets.js';

/**
 * Changes a user's name, role or active state (admins, Settings → Users). Refused with
 * `conflict` when it would leave no active admin, or when admins deactivate themselves: either
 * would lock the installation or the admin out. Deactivation ends the user's sessions; their
 * keys are refused while they are inactive, and act with no more than the user's current role.
 * Each change is audited with its before and after.
 */
export async function updateUser(
  ctx: AppContext,
  actor: Principal,
  id: string,
  changes: UserChanges,
): Promise<User> {
  const name = changes.name?.trim();
  if (name === '') throw HearthError.invalid([{ path: 'name', message: 'must not be blank' }]);
  return ctx.store.transaction(async (store) => {
    const before = await store.users.byId(id);
    if (!before) throw new HearthError('not_found', `No user has id ${id}`, { id });
    if (changes.active === false && actor.userId === id) {
      throw new HearthError(
        'conflict',
        'You cannot deactivate your own account: another admin can, once you have handed over',
        { field: 'active' },
      );
    }
    const stopsBeingAdmin =
      before.role === 'admin' &&
      before.active &&
      ((changes.role !== undefined && changes.role !== 'admin') || changes.active === false);
    if (stopsBeingAdmin) {
      const otherAdmins = (await store.users.lockActiveAdmins()).filter((adminId) => adminId !== id);
      if (otherAdmins.length === 0) {
        throw new HearthError(
          'conflict',
          `${before.name} is the last active admin: make another user an admin first, or nobody could manage users and settings`,
          { field: changes.role !== undefined && changes.role !== 'admin' ? 'role' : 'active' },
        );
      }
    }
    const user = await store.users.update(id, { ...changes, name }, ctx.clock());
    if (!user) throw new HearthError('not_found', `No user has id ${id}`, { id });
    if (changes.active === false) await store.sessions.deleteForUser(id);
    const audit = (action: string, details?: Record<string, unknown>) =>
      store.audit.record({
        actorUserId: actor.userId,
        actorKeyId: actor.keyId,
        action,
        entity: 'user',
        entityId: id,
        ...(details ? { details } : {}),
      });
    if (user.name !== before.name) await audit('user.rename', { from: before.name, to: user.name });
    if (user.role !== before.role) await audit('user.role_change', { from: before.role, to: user.role });
    // Written even when unchanged, as before: a deactivation someone asked for is on record.
    if (changes.active !== undefined) await audit(changes.active ? 'user.activate' : 'user.deactivate');
    return user;
  });
}

/**
 * An admin sets a new password for a user (there is no email to send a reset link with). Ends
 * every session of the user, so whoever was signed in with the old password is signed out; their
 * API keys are separate credentials and keep working.
 */
export async function resetPassword(
  ctx: AppContext,
  actor: Principal,
  id: string,
  password: string,
): Promise<void> {
  const problems = passwordProblems(password);
  if (problems.length > 0) throw HearthError.invalid(problems);
  const passwordHash = await hashPassword(password);
  await ctx.store.transaction(async (store) => {
    if (!(await store.users.setPasswordHash(id, passwordHash, ctx.clock()))) {
      throw new HearthError('not_found', `No user has id ${id}`, { id });
    }
    await store.sessions.deleteForUser(id);
    await store.audit.record({
      actorUserId: actor.userId,
      actorKeyId: actor.keyId,
      action: 'user.password_reset',
      entity: 'user',
      entityId: id,
    });
  });
}
