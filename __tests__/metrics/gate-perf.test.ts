/**
 * Runs the metric-gate benchmark (__tests__/perf/gate-perf.ts): small by default so the suite
 * stays quick; `AZUREML_ACTIONS_BENCH=full` runs 100 metrics × 10,000 steps.
 */
import { describe, expect, it } from 'vitest';
import { benchGate } from '../perf/gate-perf.js';

const full = process.env.AZUREML_ACTIONS_BENCH === 'full';

describe('metric-gate benchmark', () => {
  it(
    full ? '100 metrics × 10,000 steps, paged reads, gated' : '20 metrics × 1,000 steps, paged reads, gated',
    async () => {
      const metrics = full ? 100 : 20;
      const steps = full ? 10_000 : 1000;
      const pageSize = full ? 1000 : 250;
      const r = await benchGate({ metrics, steps, pageSize });
      // every history read page by page: ceil(steps / pageSize) pages each, plus runs/get
      expect(r.inProcess.requests).toBe(metrics * Math.ceil(steps / pageSize) + 1);
      expect(r.inProcess.points).toBe(metrics * steps);
      expect(r.inProcess.passed).toBe(true);
      if (r.bundle) {
        expect(r.bundle.exitCode).toBe(0);
        expect(r.bundle.passed).toBe('true');
        expect(r.bundle.requests).toBe(metrics + 1);
      }
    },
    full ? 600_000 : 120_000,
  );
});
