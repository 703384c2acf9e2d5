import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Each test file starts its own embedded database; two workers match the two cores here.
    maxWorkers: 2,
    // Generous: on a loaded 2-core machine a CLI test that starts processes can take a minute;
    // no test asserts on time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
