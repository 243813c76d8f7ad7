import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault matrix and the kill-anywhere runs (__tests__/faults). Each
// test file starts one Azurite and an emulator per scenario; the report (matrix and figures) is
// printed at the end of the run and written to .tmp/faults/ (FAULTS_REPORT_DIR).
export default defineConfig({
  test: {
    include: ['__tests__/faults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    globalSetup: ['__tests__/faults/report.ts'],
  },
});
