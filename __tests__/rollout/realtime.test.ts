/**
 * The machine on the real clock: a 3-stage rollout with 1 s bakes against in-memory providers
 * that answer at once. The overhead itself is measured by `npm run bench` (bench/rollout.bench.ts),
 * not asserted here: a loaded machine must not fail the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/rollout/providers.js';
import { fileStatusStore, runRollout } from '../../src/rollout/run.js';
import { createRolloutPlan } from '../../src/rollout/strategy.js';
import { FakeEndpoint, type FakeClock } from './fakes.js';

describe('on the real clock', () => {
  it('3 stages × 1 s bakes on a real clock: each stage baked, status saved to a file each tick', async () => {
    const clock: FakeClock = { t: 0, now: () => Date.now(), sleep: systemClock.sleep, advance: () => {} };
    const ep = new FakeEndpoint(clock, { traffic: { blue: 100 }, rps: 50 });
    const dir = mkdtempSync(join(tmpdir(), 'rollout-'));
    try {
      const store = fileStatusStore(join(dir, 'status.json'));
      const plan = createRolloutPlan({ stages: '10,50,100', bakeTime: '1s', health: { minRequests: 1 } });
      expect(plan.checkIntervalInMs).toBe(1000);
      const result = await runRollout(plan, ep.providers(), { deployment: 'green', store });
      expect(result.outcome).toBe('promoted');
      const t = result.timeline;
      expect(t.stages.map((s) => s.checks.length)).toEqual([1, 1, 1]);
      expect(t.bakeMs).toBeGreaterThanOrEqual(3000);
      expect((await store.load())?.phase).toBe('Succeeded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
