import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // The fault matrix and kill-anywhere runs take minutes: `npm run test:faults` (vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, '__tests__/faults/**'],
    // Emulator-backed tests start processes (Azurite, jobs, actions) and spend much of their time
    // waiting on them (LROs, bakes, polls): three workers on two cores keep both busy.
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
