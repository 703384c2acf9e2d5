import { readFileSync } from 'node:fs';

/** Hearth's version, from package.json (the same path from `src` under tsx and from `dist`). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
