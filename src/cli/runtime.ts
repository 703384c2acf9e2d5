import { type Config, loadConfig } from '../config.js';
import type { Principal } from '../domain/access.js';
import { type OpenApp, openApp } from '../main.js';

/** The operator at the shell has the machine, and so the admin's rights over this installation. */
export const OPERATOR: Principal = { role: 'admin', userId: null, keyId: null };

export interface Io {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function configOf(io: Io): Config {
  return loadConfig(io.env);
}

/**
 * Runs a command against the database. While `hearth serve` holds the embedded data directory,
 * this goes through that server's socket instead of opening the files a second time.
 */
export async function withApp<T>(io: Io, work: (app: OpenApp, config: Config) => Promise<T>): Promise<T> {
  const config = configOf(io);
  const app = await openApp(config);
  try {
    return await work(app, config);
  } finally {
    await app.close();
  }
}

export function line(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
