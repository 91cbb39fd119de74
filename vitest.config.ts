import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The lifetime tests call gc() to check the FinalizationRegistry safety net.
    execArgv: ['--expose-gc'],
  },
});
