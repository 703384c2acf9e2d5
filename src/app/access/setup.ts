import { randomBytes, randomUUID } from 'node:crypto';
import { HearthError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { createUser } from './access-service.js';
import { digestMatches, hashApiKey } from './secrets.js';
import { openSession, type SignedIn } from './sessions.js';

// One settings row per issued token, so that instances starting at once each add theirs without
// overwriting another's; all of them go when the owner account is made.
const TOKEN_KEY_PREFIX = 'setup.token.';

interface StoredToken {
  readonly hash: string;
  readonly issuedAt: string;
}

/** True while the installation has no user at all: the owner account is still to be made. */
export async function setupNeeded(ctx: AppContext): Promise<boolean> {
  return (await ctx.store.users.count()) === 0;
}

/**
 * At a start with no user, a new one-time setup token for the "create the owner account" page,
 * to print on the console; null once any user exists (leftover tokens are then deleted). Tokens
 * are stored as SHA-256 digests in the settings table, so a link printed by an earlier start or by
 * another instance keeps working until the owner account exists.
 */
export async function issueSetupToken(ctx: AppContext): Promise<string | null> {
  return ctx.store.transaction(async (store) => {
    if ((await store.users.count()) > 0) {
      await store.settings.takeByPrefix(TOKEN_KEY_PREFIX);
      return null;
    }
    const token = randomBytes(32).toString('base64url');
    const stored: StoredToken = { hash: hashApiKey(token), issuedAt: ctx.clock().toISOString() };
    await store.settings.put(`${TOKEN_KEY_PREFIX}${randomUUID()}`, stored);
    return token;
  });
}

export interface OwnerInput {
  readonly token: string;
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

/**
 * Makes the first user, an admin, with a setup token from the console, and signs them in. Works
 * once: the transaction takes (deletes) every setup token, so of two attempts at once one gets
 * them and the other finds a user. Refused with `conflict` once any user exists, `forbidden` for
 * a wrong token; on any refusal the tokens stay as they were.
 */
export async function createOwner(ctx: AppContext, input: OwnerInput): Promise<SignedIn> {
  return ctx.store.transaction(async (store) => {
    const tokens = await store.settings.takeByPrefix(TOKEN_KEY_PREFIX);
    if ((await store.users.count()) > 0) {
      throw new HearthError('conflict', 'This installation has its owner account already: sign in instead');
    }
    // Every stored token is compared, matched or not, so the time taken says nothing about which.
    let matched = false;
    for (const { value } of tokens) {
      const hash = (value as Partial<StoredToken> | null)?.hash;
      if (typeof hash === 'string' && digestMatches(input.token, hash)) matched = true;
    }
    if (!matched) {
      throw new HearthError(
        'forbidden',
        "The setup token is wrong: open the setup link printed on the server's console at its latest start",
        { field: 'token' },
      );
    }
    const txCtx = { ...ctx, store };
    const owner = await createUser(txCtx, null, {
      email: input.email,
      name: input.name,
      role: 'admin',
      password: input.password,
    });
    await store.audit.record({ action: 'setup.owner_created', entity: 'user', entityId: owner.id });
    return openSession(txCtx, owner);
  });
}
