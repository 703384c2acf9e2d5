import Table from 'cli-table3';
import { createApiKey, createUser, revokeApiKey } from '../../app/access/access-service.js';
import { HearthError } from '../../domain/errors.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

// No colour codes: the output is as often piped to grep or a file as read on a terminal.
const PLAIN = { head: [], border: [] };

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** `hearth users add`: the password comes from standard input, never from the command line (shell history). */
export async function addUser(io: Io, options: { email: string; name: string; role: string }): Promise<void> {
  if (io.stdin.isTTY) line(io.err, 'Password (then Enter, Ctrl-D):');
  const password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  if (password === '') {
    throw HearthError.invalid([
      { path: 'password', message: 'give it on standard input, e.g. `echo "$PW" | hearth users add …`' },
    ]);
  }
  await withApp(io, async (app) => {
    const user = await createUser(app.ctx, OPERATOR, { ...options, password });
    line(io.out, `Added ${user.role} ${user.email} (${user.id}).`);
  });
}

export async function createKey(
  io: Io,
  options: { role: string; name: string; user?: string; expires?: string },
): Promise<void> {
  let expiresAt: Date | undefined;
  if (options.expires !== undefined) {
    expiresAt = new Date(options.expires);
    if (Number.isNaN(expiresAt.getTime())) {
      throw HearthError.invalid([
        { path: '--expires', message: 'must be a date such as 2027-01-31 or 2027-01-31T12:00:00Z' },
      ]);
    }
  }
  await withApp(io, async (app) => {
    const { apiKey, secret } = await createApiKey(app.ctx, OPERATOR, {
      name: options.name,
      role: options.role,
      userEmail: options.user,
      expiresAt,
    });
    line(io.err, `Created ${apiKey.role} key "${apiKey.name}" (${apiKey.id}). It is shown this once:`);
    line(io.out, secret);
  });
}

export async function listKeys(io: Io): Promise<void> {
  await withApp(io, async (app) => {
    const table = new Table({
      style: PLAIN,
      head: ['id', 'name', 'role', 'prefix', 'created', 'last used', 'state'],
    });
    for (const key of await app.ctx.store.apiKeys.list()) {
      const state = key.revokedAt
        ? 'revoked'
        : key.expiresAt && key.expiresAt <= app.ctx.clock()
          ? 'expired'
          : 'active';
      table.push([
        key.id,
        key.name,
        key.role,
        `${key.prefix}…`,
        key.createdAt.toISOString(),
        key.lastUsedAt?.toISOString() ?? '',
        state,
      ]);
    }
    line(io.out, table.toString());
  });
}

export async function revokeKey(io: Io, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id))
    throw HearthError.invalid([{ path: 'ID', message: 'must be a key id from `hearth keys list`' }]);
  await withApp(io, async (app) => {
    await revokeApiKey(app.ctx, OPERATOR, id);
    line(io.out, `Revoked key ${id}.`);
  });
}
