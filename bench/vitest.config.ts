import { defineConfig } from 'vitest/config';

// `npm run bench`: measurements, not tests. Each file prints its table and adds its rows to
// bench/results.json. BENCH_QUICK=1 (CI) runs every measurement small so it cannot rot.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
  },
});
