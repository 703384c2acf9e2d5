#!/usr/bin/env node
// Runs the built CLI. `npm install` builds it (the `prepare` script); so does `npm start`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('hearth: the build is missing; run `npm run build` in the Hearth folder first.');
  process.exit(1);
}
await import(entry.href);
