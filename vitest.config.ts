import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The lifetime tests call gc() to check the FinalizationRegistry safety net.
    // Node 20 runs the relaxed-SIMD build only with this flag (Node 22+ without), so both builds are tested.
    execArgv: ['--expose-gc', '--experimental-wasm-relaxed-simd'],
  },
});
