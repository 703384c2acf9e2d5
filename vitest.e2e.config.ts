import { defineConfig } from 'vitest/config';

// The browser tests (test/e2e/*.e2e.ts): one real `hearth serve`, Debian's Chromium, run by
// `npm run test:e2e` after the web app is built. `npm test` does not match these files.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
