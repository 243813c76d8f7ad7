import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // The fault matrix and kill-anywhere runs take minutes: `npm run test:faults` (vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, '__tests__/faults/**'],
    // Emulator-backed tests start processes (Azurite, jobs, actions): keep two workers on two cores.
    // Three were faster (about 11 min for .ci/run instead of 14) but starved the rollout tests' probe
    // traffic often enough to fail a timing-sensitive rollback assertion.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
