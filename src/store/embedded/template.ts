// The template: a tarball of an empty PGlite cluster with every Hearth migration applied, so that
// a new embedded database loads it (about 3 s) instead of running initdb in WebAssembly and then
// the migrations (about 11 s and close to 1 GB of memory). See docs/storage.md.
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where PostgreSQL's own files go inside a Hearth data directory. */
export function pgdataDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/** True when PostgreSQL has nothing in the directory yet, so loading the template replaces nothing. */
export function isNewPgdata(pgdata: string): boolean {
  if (!existsSync(pgdata)) return true;
  return readdirSync(pgdata).length === 0;
}

/**
 * The template's file for this PGlite version and these migrations: another PGlite (another
 * on-disk format, perhaps) or any edited, added or removed migration gives another name, so a
 * template is never used with the code of another version.
 */
export function templatePath(migrationFingerprint: string): string {
  const key = createHash('sha256')
    .update(`pglite ${pgliteVersion()}\n`)
    .update(migrationFingerprint)
    .digest('hex')
    .slice(0, 24);
  return join(cacheDir(), `embedded-template-${key}.tar`);
}

function pgliteVersion(): string {
  // The package's exports do not include package.json: find it beside the resolved entry point.
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('could not find the version of @electric-sql/pglite');
    dir = parent;
  }
}

let cachedDir: string | undefined;

/**
 * `node_modules/.cache/hearth` of Hearth's own package (from the sources and from the build alike),
 * or, when that cannot be written (a read-only install), a directory of this user's under the
 * temp directory.
 */
function cacheDir(): string {
  if (cachedDir) return cachedDir;
  const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const preferred = join(packageRoot, 'node_modules', '.cache', 'hearth');
  try {
    mkdirSync(preferred, { recursive: true });
    accessSync(preferred, constants.W_OK);
    cachedDir = preferred;
  } catch {
    const uid = process.getuid?.() ?? 'user';
    const fallback = join(tmpdir(), `hearth-cache-${uid}`);
    mkdirSync(fallback, { recursive: true, mode: 0o700 });
    // A shared temp directory: use only a directory this user owns, so nobody else can plant a template.
    const owner = statSync(fallback).uid;
    if (process.getuid && owner !== process.getuid()) {
      throw new Error(`the template cache ${fallback} belongs to another user`);
    }
    cachedDir = fallback;
  }
  return cachedDir;
}

/**
 * Removes the templates of other keys beside `current`: made for migrations or a PGlite this
 * checkout no longer has (42 MB each), they would never be read again.
 */
export function removeOtherTemplates(current: string): void {
  const dir = dirname(current);
  for (const name of readdirSync(dir)) {
    if (/^embedded-template-[0-9a-f]+\.tar$/.test(name) && join(dir, name) !== current) {
      rmSync(join(dir, name), { force: true });
    }
  }
}
