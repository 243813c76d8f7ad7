import { describe, expect, it } from 'vitest';
import { createRollout, memoryStatusStore, rollbackOnCancel, type Rollout } from '../../src/rollout/run.js';
import { cancelRollout, decide, isRolloutStatus, type Phase, type RolloutStatus } from '../../src/rollout/machine.js';
import { createRolloutPlan, type RolloutPlanSpec } from '../../src/rollout/strategy.js';
import { buildTimeline, formatTimeline } from '../../src/rollout/timeline.js';
import { formatTrafficState, type TrafficMap, type TrafficState } from '../../src/rollout/traffic.js';
import { FakeEndpoint, fakeClock, healthyBehaviour, T0, type FakeEndpointOptions } from './fakes.js';

interface SetupOptions {
  traffic: TrafficMap;
  mirror?: TrafficMap;
  plan?: RolloutPlanSpec;
  endpoint?: Partial<FakeEndpointOptions>;
  deployment?: string;
  kubernetes?: boolean;
}

function setup(o: SetupOptions) {
  const clock = fakeClock();
  const ep = new FakeEndpoint(clock, { traffic: o.traffic, mirror: o.mirror, ...o.endpoint });
  const timing = o.plan?.bakeTime === undefined ? { bakeTime: '60s', checkInterval: '20s' } : {};
  const plan = createRolloutPlan({ ...timing, ...o.plan });
  const store = memoryStatusStore();
  const deployment = o.deployment ?? 'green';
  const start = (extra: { abortSignal?: AbortSignal; providers?: ReturnType<FakeEndpoint['providers']> } = {}) =>
    createRollout(plan, extra.providers ?? ep.providers(), { deployment, clock, store, kubernetes: o.kubernetes, abortSignal: extra.abortSignal });
  return { clock, ep, plan, store, deployment, start };
}

/** Ticks to the end, recording phase and endpoint traffic after each tick (consecutive repeats dropped). */
async function trace(rollout: Rollout, ep: FakeEndpoint): Promise<string[]> {
  const seen: string[] = [];
  while (!rollout.done) {
    await rollout.tick();
    const line = `${rollout.status.phase} ${formatTrafficState(ep.state)}`;
    if (seen.at(-1) !== line) seen.push(line);
  }
  return seen;
}

async function tickUntil(rollout: Rollout, pred: (s: RolloutStatus) => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !rollout.done && !pred(rollout.status); i++) await rollout.tick();
  expect(pred(rollout.status)).toBe(true);
}

const inStage =
  (index: number, checks = 0) =>
  (s: RolloutStatus) =>
    s.phase === 'Progressing' &&
    s.stageIndex === index &&
    (s.records.at(-1)?.trafficSetAt ?? undefined) !== undefined &&
    (s.records.at(-1)?.checks.length ?? 0) >= checks;

const failing = (from: number) => (t: number) => (t >= from ? { ...healthyBehaviour, errorRate: 0.25 } : healthyBehaviour);

describe('happy paths', () => {
  it('canary: 10 then 100, bakes with checks, confirms, deletes the old deployment', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 } });
    const rollout = await start();
    expect(await trace(rollout, ep)).toEqual([
      'Initializing blue=100',
      'Provisioning blue=100',
      'SmokeTesting blue=100',
      'Progressing blue=90 green=10',
      'Progressing blue=0 green=100',
      'Promoting blue=0 green=100',
      'Promoting green=100', // blue deleted
      'Succeeded green=100',
    ]);
    const result = rollout.result();
    expect(result).toMatchObject({ outcome: 'promoted', phase: 'Succeeded', deployment: 'green', prior: { traffic: { blue: 100 }, mirror: {} } });
    expect(ep.deleted).toEqual(['blue']);
    expect(ep.writes.map((w) => formatTrafficState(w))).toEqual(['blue=90 green=10', 'blue=0 green=100']);
    // 60 s bakes checked every 20 s: three checks per stage, the last on the end of the bake.
    const stages = result.status.records;
    expect(stages.map((s) => s.checks.length)).toEqual([3, 3]);
    expect(stages.map((s) => s.result)).toEqual(['passed', 'passed']);
    expect(stages[0].checks.map((c) => (c.windowEnd - (stages[0].trafficSetAt as number)) / 1000)).toEqual([20, 40, 60]);
    expect(stages[0].checks[0]).toMatchObject({ verdict: 'healthy', signals: { requests: 20 } });
    expect(stages[1].checks[0].signals?.requests).toBe(200);

    const t = result.timeline;
    expect(t.totalMs).toBe(t.bakeMs + t.overheadMs);
    expect(t.bakeMs).toBeGreaterThanOrEqual(120_000);
    expect(t.bakeMs).toBeLessThan(121_000);
    // Overhead: provisioning 30 s, smoke 0.5 s, two 2 s writes, one delete (1 s), the metric queries.
    expect(t.overheadMs).toBeGreaterThan(35_000);
    expect(t.overheadMs).toBeLessThan(37_000);
    expect(t.stages.map((s) => [s.name, s.weight, s.result])).toEqual([
      ['stage 1/2', 10, 'passed'],
      ['stage 2/2', 100, 'passed'],
    ]);
    expect(formatTimeline(t)).toEqual([
      expect.stringMatching(/^stage 1\/2: blue=90 green=10 — passed, baked 1m, 3\/3 checks healthy; last requests=20 error_rate=0.1% /),
      expect.stringMatching(/^stage 2\/2: blue=0 green=100 — passed, baked 1m, 3\/3 checks healthy; last requests=200 /),
      'total 2m36s: bakes 2m, overhead 35.5s (22.8%)',
    ]);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it('linear over two old deployments keeps their proportions', async () => {
    const { ep, start } = setup({ traffic: { blue: 70, red: 30 }, plan: { strategy: 'linear', stepPercent: 25, bakeTime: '20s', checkInterval: '10s' } });
    const result = await (await start()).run();
    expect(result.outcome).toBe('promoted');
    expect(ep.writes.map((w) => formatTrafficState(w))).toEqual([
      'blue=53 green=25 red=22', // 75 shared 70:30 → 52.5, 22.5: equal remainders, the larger prior share first
      'blue=35 green=50 red=15',
      'blue=18 green=75 red=7',
      'blue=0 green=100 red=0',
    ]);
    expect(ep.deleted.sort()).toEqual(['blue', 'red']);
  });

  it('blue-green with a mirror stage first', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { strategy: 'blue-green', mirrorPercent: 20 } });
    const rollout = await start();
    expect(await trace(rollout, ep)).toEqual([
      'Initializing blue=100',
      'Provisioning blue=100',
      'SmokeTesting blue=100',
      'Mirroring blue=100, mirror green=20',
      'Progressing blue=0 green=100',
      'Promoting blue=0 green=100',
      'Promoting green=100',
      'Succeeded green=100',
    ]);
    const records = rollout.status.records;
    expect(records.map((r) => [r.kind, r.weight, r.mirrorPercent, r.result])).toEqual([
      ['mirror', 0, 20, 'passed'],
      ['traffic', 100, 0, 'passed'],
    ]);
    // Mirrored copies are what the mirror stage judges: 20 % of 10 rps over 20 s.
    expect(records[0].checks[0].signals?.requests).toBe(40);
    expect(rollout.result().timeline.stages[0].name).toBe('mirror 20%');
  });

  it('explicit stages with largest-remainder rounding', async () => {
    const { ep, start } = setup({ traffic: { a: 33, b: 33, c: 34 }, plan: { stages: '10,50,100', bakeTime: '10s', checkInterval: '10s' } });
    const result = await (await start()).run();
    expect(result.outcome).toBe('promoted');
    expect(ep.writes.map((w) => w.traffic)).toEqual([
      { a: 30, b: 30, c: 30, green: 10 },
      { a: 17, b: 16, c: 17, green: 50 },
      { a: 0, b: 0, c: 0, green: 100 },
    ]);
  });

  it('first deployment on an empty endpoint goes straight to 100 after the smoke test', async () => {
    for (const traffic of [{}, { old: 0 }] as TrafficMap[]) {
      const { ep, start } = setup({ traffic, plan: { stages: '10,50,100', mirrorPercent: 10 } });
      const rollout = await start();
      const lines = await trace(rollout, ep);
      expect(lines.slice(0, 3)).toEqual([
        'Initializing ' + formatTrafficState({ traffic, mirror: {} }),
        'Provisioning ' + formatTrafficState({ traffic, mirror: {} }),
        'SmokeTesting ' + formatTrafficState({ traffic, mirror: {} }),
      ]);
      expect(ep.writes.map((w) => w.traffic)).toEqual([{ ...traffic, green: 100 }]);
      expect(rollout.result()).toMatchObject({ outcome: 'promoted', status: { firstDeployment: true, stages: [100], mirrorStage: false } });
      expect(ep.deleted).toEqual([]); // 'old' had no traffic: not an old deployment
    }
  });

  it('old-deployments keep and scale-to', async () => {
    const kept = setup({ traffic: { blue: 100 }, plan: { oldDeployments: 'keep', bakeTime: '10s' } });
    await (await kept.start()).run();
    expect(kept.ep.deleted).toEqual([]);
    expect(kept.ep.instances.get('blue')).toBe(1);
    const scaled = setup({ traffic: { blue: 100 }, plan: { oldDeployments: 'scale-to: 0', bakeTime: '10s' } });
    const r = await (await scaled.start()).run();
    expect(scaled.ep.scaled).toEqual([['blue', 0]]);
    expect(r.status.timeline.some((e) => e.message === "scaled old deployment 'blue' to 0")).toBe(true);
  });
});

describe('health gate and rollback', () => {
  it('health failure after failure-threshold checks restores the exact prior traffic and mirror', async () => {
    const { ep, clock, start } = setup({ traffic: { blue: 100 }, mirror: { shadow: 10 }, endpoint: { deployments: ['shadow'] } });
    ep.behaviour.set('green', failing(T0 + 60_000)); // starts failing during the first bake
    const rollout = await start();
    const lines = await trace(rollout, ep);
    expect(lines).toEqual([
      'Initializing blue=100, mirror shadow=10',
      'Provisioning blue=100, mirror shadow=10',
      'SmokeTesting blue=100, mirror shadow=10',
      'Progressing blue=90 green=10, mirror shadow=10',
      'RollingBack blue=100, mirror shadow=10', // restored and read back; then green is deleted
      'RolledBack blue=100, mirror shadow=10',
    ]);
    expect(ep.holds({ traffic: { blue: 100 }, mirror: { shadow: 10 } })).toBe(true);
    const result = rollout.result();
    expect(result).toMatchObject({ outcome: 'rolled-back', phase: 'RolledBack' });
    expect(result.reason).toMatch(/^health: 2 failed health check\(s\) \(failure-threshold 2\); last: failed: error_rate < 1% with 0.25 vs 0.01$/);
    expect(result.status.failedChecks).toBe(2);
    expect(result.status.records[0].checks.map((c) => c.verdict)).toEqual(['healthy', 'unhealthy', 'unhealthy']);
    expect(result.status.records[0].result).toBe('failed');
    expect(ep.deleted).toEqual(['green']);
    expect(ep.instances.has('blue')).toBe(true);
    // From the failing check to traffic restored: one write.
    expect(result.timeline.rollback?.restoreMs).toBe(2000);
    expect(clock.t).toBeGreaterThan(T0);
  });

  it('a model that gets slow is rolled back on latency; keep-failed keeps it', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { health: { rules: 'latency_p99 < 500' }, keepFailed: true } });
    ep.behaviour.set('green', () => ({ ...healthyBehaviour, latencyP99: 2500 }));
    const result = await (await start()).run();
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/latency_p99 < 500 with 2500 vs 500/);
    expect(ep.holds({ traffic: { blue: 100 }, mirror: {} })).toBe(true);
    expect(ep.deleted).toEqual([]);
    expect(ep.instances.has('green')).toBe(true);
  });

  it('baseline rules compare with the old deployment over the same window', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { health: { rules: 'latency_p99 <= baseline.latency_p99 * 1.5' } } });
    ep.behaviour.set('blue', () => ({ ...healthyBehaviour, latencyP99: 200 }));
    ep.behaviour.set('green', () => ({ ...healthyBehaviour, latencyP99: 350 }));
    const result = await (await start()).run();
    expect(result.outcome).toBe('rolled-back');
    expect(result.status.records[0].checks[0]).toMatchObject({ baseline: { latency_p99: 200 }, signals: { latency_p99: 350 } });
  });

  it('no data is not healthy; allow-no-traffic or probe traffic makes it pass', async () => {
    const quiet = setup({ traffic: { blue: 100 }, endpoint: { rps: 0 } });
    const r1 = await (await quiet.start()).run();
    expect(r1.outcome).toBe('rolled-back');
    expect(r1.status.records[0].checks.map((c) => c.verdict)).toEqual(['no-data', 'no-data']);
    expect(r1.reason).toMatch(/fewer than min-requests 5/);

    const allowed = setup({ traffic: { blue: 100 }, endpoint: { rps: 0 }, plan: { health: { allowNoTraffic: true } } });
    const r2 = await (await allowed.start()).run();
    expect(r2.outcome).toBe('promoted');
    expect(r2.status.records[0].checks[0].verdict).toBe('no-traffic-allowed');

    const probed = setup({ traffic: { blue: 100 }, endpoint: { rps: 0 }, plan: { probeRps: 5 } });
    const rollout = await probed.start();
    await tickUntil(rollout, inStage(0, 1));
    expect(probed.ep.probeRps).toBe(5);
    const r3 = await rollout.run();
    expect(r3.outcome).toBe('promoted');
    expect(r3.status.records[0].checks[0].signals?.requests).toBe(10); // 5 rps × 10 % × 20 s
    expect(probed.ep.probeRps).toBe(0); // stopped at promotion
    expect(r3.status.probing).toBe(false);
  });

  it('metrics query errors count separately, up to consecutive-error-limit', async () => {
    const broken = setup({ traffic: { blue: 100 } });
    broken.ep.failQueries = 100;
    const r1 = await (await broken.start()).run();
    expect(r1.outcome).toBe('rolled-back');
    expect(r1.reason).toBe('health: 4 metrics queries in a row failed (consecutive-error-limit 4); last: Azure Monitor: 503 ServiceUnavailable');
    expect(r1.status.failedChecks).toBe(0);
    expect(r1.status.records[0].checks.map((c) => c.verdict)).toEqual(['query-error', 'query-error', 'query-error', 'query-error']);

    const flaky = setup({ traffic: { blue: 100 } });
    flaky.ep.failQueries = 3;
    const r2 = await (await flaky.start()).run();
    expect(r2.outcome).toBe('promoted');
    const first = r2.status.records[0].checks;
    // Errors at 20 s, 40 s and 60 s (the end of the bake); the bake is extended and the check at
    // 80 s passes the stage.
    expect(first.map((c) => c.verdict)).toEqual(['query-error', 'query-error', 'query-error', 'healthy']);
    // The first good window covers the time the failed queries missed.
    expect(first[3].windowStart).toBe(r2.status.records[0].trafficSetAt);
  });

  it('a failed last check extends the bake instead of passing the stage', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { health: { failureThreshold: 3 } } });
    // Unhealthy exactly around the end of the first bake only.
    const bakeStart = T0 + 30_000 + 500 + 2000;
    ep.behaviour.set('green', (t) => (t >= bakeStart + 55_000 && t < bakeStart + 65_000 ? { ...healthyBehaviour, errorRate: 0.5 } : healthyBehaviour));
    const result = await (await start()).run();
    expect(result.outcome).toBe('promoted');
    expect(result.status.records[0].checks.map((c) => c.verdict)).toEqual(['healthy', 'healthy', 'unhealthy', 'healthy']);
    expect(result.status.failedChecks).toBe(1);
  });

  it('rollback none leaves traffic where it is', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { rollback: 'none' } });
    ep.behaviour.set('green', failing(0));
    const result = await (await start()).run();
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/rollback is none, so traffic was left at blue=90 green=10/);
    expect(ep.holds({ traffic: { blue: 90, green: 10 }, mirror: {} })).toBe(true);
    expect(ep.deleted).toEqual([]);
  });

  it('transient errors while restoring are retried with backoff', async () => {
    const { ep, clock, start } = setup({ traffic: { blue: 100 }, plan: { rollbackRetryDelayInMs: 1000 } });
    ep.behaviour.set('green', failing(0));
    const rollout = await start();
    await tickUntil(rollout, (s) => s.failedChecks === 1);
    ep.failWrites = 2; // the next writes are the restore
    const result = await rollout.run();
    expect(result.outcome).toBe('rolled-back');
    expect(ep.holds({ traffic: { blue: 100 }, mirror: {} })).toBe(true);
    expect(result.status.rollback?.attempts).toBe(2);
    // Three writes of 2 s plus the waits of 1 s and 2 s.
    expect((result.status.rollback?.restoredAt as number) - (result.status.rollback?.at as number)).toBe(3 * 2000 + 1000 + 2000);
    expect(clock.t).toBeGreaterThan(T0);
    const failed = setup({ traffic: { blue: 100 }, plan: { rollbackAttempts: 2 } });
    failed.ep.behaviour.set('green', failing(0));
    const r2 = await failed.start();
    await tickUntil(r2, (s) => s.failedChecks === 1);
    failed.ep.failWrites = 10;
    const out = await r2.run();
    expect(out.outcome).toBe('failed');
    expect(out.reason).toMatch(/restoring traffic failed after 2 attempt\(s\).*restore the rollback point by hand: blue=100/);
    expect(failed.ep.deleted).toEqual([]);
  });

  it('promotion that cannot be confirmed rolls back (the old deployment is still there)', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { bakeTime: '10s' } });
    ep.confirmOk = false;
    const result = await (await start()).run();
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/^promotion could not be confirmed: 'green' does not answer requests sent without the deployment header/);
    expect(result.status.promotionAttempts).toBe(3);
    expect(ep.holds({ traffic: { blue: 100 }, mirror: {} })).toBe(true);
  });

  it('max-duration exceeded rolls back', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { maxDuration: '150s' }, endpoint: { provisionMs: 50_000 } });
    const result = await (await start()).run();
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toBe('max-duration 2m30s exceeded in Progressing');
    expect(result.status.records.map((r) => r.result)).toEqual(['passed', 'failed']);
    // Detected at the deadline itself, not at the next check.
    expect(result.status.rollback?.at).toBe(T0 + 150_000);
    expect(ep.holds({ traffic: { blue: 100 }, mirror: {} })).toBe(true);
  });
});

describe('nothing moves before the deployment is proven', () => {
  it('smoke test failure: no traffic ever written, deployment deleted', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 } });
    ep.failSmoke.add('green');
    const result = await (await start()).run();
    expect(result).toMatchObject({ outcome: 'failed', phase: 'Failed', reason: 'smoke test failed: 1/2 requests failed: HTTP 500' });
    expect(ep.writes).toEqual([]);
    expect(ep.deleted).toEqual(['green']);
    expect(result.status.written).toBe(false);
    expect(result.status.timeline.some((e) => e.message === 'traffic unchanged, read back: blue=100')).toBe(true);
  });

  it('provisioning failure: traffic untouched, logs kept, deployment deleted', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 } });
    ep.failProvisioning.add('green');
    const result = await (await start()).run();
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe("provisioning of 'green' failed: ResourceNotReady: the container crashed");
    expect(result.status.provisionLogs).toMatch(/No module named sklearn/);
    expect(ep.writes).toEqual([]);
    expect(ep.deleted).toEqual(['green']);
  });

  it('refuses a deployment name that takes traffic, invalid traffic, a second mirror, mirror on Kubernetes', async () => {
    const cases: Array<[SetupOptions, RegExp]> = [
      [{ traffic: { blue: 50, green: 50 } }, /'green' already takes 50% of the live traffic/],
      [{ traffic: { blue: 60, red: 30 } }, /traffic sums to 90/],
      [{ traffic: { blue: 100 }, mirror: { shadow: 10 }, plan: { mirrorPercent: 10 } }, /already mirrors traffic to 'shadow'/],
      [{ traffic: { blue: 100 }, plan: { mirrorPercent: 10 }, kubernetes: true }, /not supported on Kubernetes/],
    ];
    for (const [options, pattern] of cases) {
      const { ep, start } = setup(options);
      const result = await (await start()).run();
      expect(result.outcome).toBe('failed');
      expect(result.reason).toMatch(pattern);
      expect(result.reason).toMatch(/Nothing was changed/);
      expect(ep.writes).toEqual([]);
      expect(ep.deleted).toEqual([]);
    }
  });
});

describe('someone else changes traffic', () => {
  it('mid-bake: stop without writing, keep the deployment', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 }, plan: { probeRps: 1 } });
    const rollout = await start();
    await tickUntil(rollout, inStage(0, 1));
    const writes = ep.writes.length;
    ep.setBySomeoneElse({ traffic: { blue: 100, green: 0 }, mirror: {} });
    const lines = await trace(rollout, ep);
    // The next tick runs the check (which reads the traffic), the one after stops.
    expect(lines).toEqual(['Progressing blue=100 green=0', 'Failed blue=100 green=0']);
    const result = rollout.result();
    expect(result.reason).toMatch(
      /^traffic on the endpoint was changed by someone else \(during the bake\): expected blue=90 green=10, found blue=100 green=0\. Stopped without writing anything/,
    );
    expect(ep.writes.length).toBe(writes);
    expect(ep.deleted).toEqual([]);
    expect(ep.probeRps).toBe(0);
    expect(result.status.records[0].result).toBe('aborted');
  });

  it('between the read and the write: the router refuses (etag), nothing is overwritten', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 } });
    const rollout = await start();
    await tickUntil(rollout, (s) => s.phase === 'SmokeTesting');
    ep.beforeSet = () => {
      ep.beforeSet = undefined;
      ep.setBySomeoneElse({ traffic: { blue: 80, red: 20 }, mirror: {} });
    };
    const result = await rollout.run();
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/changed by someone else \(before writing blue=90 green=10\): expected blue=100, found blue=80 red=20/);
    expect(ep.writes).toEqual([]);
    expect(ep.holds({ traffic: { blue: 80, red: 20 }, mirror: {} })).toBe(true);
  });

  it('during the rollback: not restored over it', async () => {
    const { ep, start } = setup({ traffic: { blue: 100 } });
    ep.behaviour.set('green', failing(0));
    const rollout = await start();
    await tickUntil(rollout, inStage(0, 1));
    ep.beforeSet = () => ep.setBySomeoneElse({ traffic: { blue: 50, green: 50 }, mirror: {} });
    const result = await rollout.run();
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/changed by someone else during the rollback/);
    expect(ep.holds({ traffic: { blue: 50, green: 50 }, mirror: {} })).toBe(true);
  });
});

describe('resume and cancellation', () => {
  it('resumes mid-bake from the persisted status without rewriting traffic', async () => {
    const { ep, store, start, clock } = setup({ traffic: { blue: 100 } });
    const first = await start();
    await tickUntil(first, inStage(0, 2));
    const writes = ep.writes.length;
    const saved = store.current as RolloutStatus;
    expect(isRolloutStatus(JSON.parse(JSON.stringify(saved)))).toBe(true);
    // A new process: the first rollout object is gone; time moved on a little.
    clock.advance(5000);
    const second = await start();
    expect(second.status.records[0].checks.length).toBe(2);
    const result = await second.run();
    expect(result.outcome).toBe('promoted');
    expect(ep.writes.length).toBe(writes + 1);
    expect(result.status.records[0].checks.length).toBe(3);
    expect(result.status.startedAt).toBe(T0);
  });

  /** Runs a rollout whose process "dies" (hangs forever) right after the stage-2 write reached the endpoint. */
  async function crashAfterSecondWrite(ctx: ReturnType<typeof setup>) {
    const { ep, start } = ctx;
    const router = {
      getTraffic: () => ep.router.getTraffic(),
      setTraffic: async (target: TrafficState, expected: Parameters<typeof ep.router.setTraffic>[1]) => {
        await ep.router.setTraffic(target, expected);
        if (target.traffic.green === 100) await new Promise(() => {}); // SIGKILL: never returns
      },
    };
    const main = await start({ providers: ep.providers({ router }) });
    void main.run();
    for (let i = 0; i < 1000 && !(ep.state.traffic.green === 100); i++) await new Promise((r) => setImmediate(r));
    expect(ctx.store.current?.pendingWrite).toEqual({ traffic: { blue: 0, green: 100 }, mirror: {} });
    expect(ctx.store.current?.weight).toBe(10);
  }

  it('a write that landed but was never confirmed is recognised on resume (no second write)', async () => {
    const ctx = setup({ traffic: { blue: 100 } });
    await crashAfterSecondWrite(ctx);
    const result = await (await ctx.start()).run();
    expect(result.outcome).toBe('promoted');
    expect(ctx.ep.writes.length).toBe(2);
    expect(result.status.timeline.some((e) => e.message === 'traffic blue=0 green=100 (already set)')).toBe(true);
  });

  it('a write that landed but was never confirmed is restored by the post step', async () => {
    const ctx = setup({ traffic: { blue: 100 } });
    await crashAfterSecondWrite(ctx);
    const result = await rollbackOnCancel(ctx.plan, ctx.ep.providers(), { store: ctx.store, clock: ctx.clock });
    expect(result?.outcome).toBe('rolled-back');
    expect(result?.reason).toBe('cancelled: the workflow was cancelled');
    expect(ctx.ep.holds({ traffic: { blue: 100 }, mirror: {} })).toBe(true);
    expect(ctx.ep.deleted).toEqual(['green']);
  });

  it('an abort signal mid-bake takes the rollback path at once', async () => {
    const { ep, clock, start } = setup({ traffic: { blue: 100 }, plan: { bakeTime: '10m', checkInterval: '2m' } });
    const controller = new AbortController();
    clock.onSleep = (t) => {
      if (t >= T0 + 5 * 60_000) controller.abort();
    };
    const result = await (await start({ abortSignal: controller.signal })).run();
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toBe('cancelled: the workflow was cancelled');
    expect(result.status.records[0].result).toBe('aborted');
    expect(ep.holds({ traffic: { blue: 100 }, mirror: {} })).toBe(true);
  });

  const phases: Array<[string, (s: RolloutStatus) => boolean, 'failed' | 'rolled-back']> = [
    ['Provisioning', (s) => s.phase === 'Provisioning', 'failed'],
    ['SmokeTesting', (s) => s.phase === 'SmokeTesting', 'failed'],
    ['Mirroring', (s) => s.phase === 'Mirroring' && s.records[0].checks.length > 0, 'rolled-back'],
    ['Progressing stage 1', inStage(0, 1), 'rolled-back'],
    ['Progressing stage 2', inStage(1, 1), 'rolled-back'],
    ['Promoting', (s) => s.phase === 'Promoting', 'rolled-back'],
  ];
  for (const [name, reached, outcome] of phases) {
    it(`cancellation in ${name} (main step killed, post step rolls back) restores the prior traffic`, async () => {
      const { ep, store, plan, clock, start } = setup({ traffic: { blue: 70, red: 30 }, mirror: {}, plan: { mirrorPercent: 10 } });
      if (name === 'Promoting') ep.confirmOk = false; // hold the machine in Promoting
      const main = await start();
      await tickUntil(main, reached);
      // SIGTERM: the main process is gone. The post step loads the status and rolls back.
      const result = await rollbackOnCancel(plan, ep.providers(), { store, clock });
      expect(result?.outcome).toBe(outcome);
      expect(ep.holds({ traffic: { blue: 70, red: 30 }, mirror: {} })).toBe(true);
      expect(ep.deleted).toEqual(['green']);
      expect(await rollbackOnCancel(plan, ep.providers(), { store, clock })).toBeUndefined();
    });
  }

  it('the post step after a finished rollout does nothing', async () => {
    const { ep, store, plan, clock, start } = setup({ traffic: { blue: 100 }, plan: { bakeTime: '10s' } });
    await (await start()).run();
    const writes = ep.writes.length;
    expect(await rollbackOnCancel(plan, ep.providers(), { store, clock })).toBeUndefined();
    expect(ep.writes.length).toBe(writes);
  });
});

describe('decide', () => {
  it('is pure and its status survives JSON', async () => {
    const { ep, plan, start } = setup({ traffic: { blue: 100 } });
    const rollout = await start();
    await tickUntil(rollout, inStage(0, 1));
    const before = JSON.stringify(rollout.status);
    const a = decide(rollout.status, undefined, plan, ep.clock.now());
    const b = decide(JSON.parse(before) as RolloutStatus, undefined, plan, ep.clock.now());
    expect(JSON.stringify(rollout.status)).toBe(before);
    expect(a).toEqual(b);
    // The last tick waited until the next check was due: the check comes next.
    expect(a.actions.map((x) => x.type)).toEqual(['readTraffic', 'checkHealth']);
    const cancelled = cancelRollout(rollout.status, 'stop', plan, ep.clock.now());
    expect(cancelled.status).toMatchObject({ phase: 'RollingBack', reason: 'cancelled: stop', rollback: { from: 'Progressing', restored: false } });
    expect(cancelled.actions).toEqual([
      { type: 'restoreTraffic', target: { traffic: { blue: 100 }, mirror: {} }, accept: [{ traffic: { blue: 90, green: 10 }, mirror: {} }] },
    ]);
  });

  it('re-issues what the phase needs when resumed without an observation', async () => {
    const { plan, ep, start } = setup({ traffic: { blue: 100 }, plan: { probeRps: 3 } });
    const rollout = await start();
    const expectations: Array<[Phase, string[]]> = [];
    while (!rollout.done) {
      const s = rollout.status;
      const types = decide(s, undefined, plan, ep.clock.now()).actions.map((a) => a.type);
      expectations.push([s.phase, types]);
      await rollout.tick();
    }
    const byPhase = new Map(expectations.map(([p, t]) => [p, t.join(',')]));
    expect(byPhase.get('Initializing')).toBe('readTraffic');
    expect(byPhase.get('Provisioning')).toBe('provision');
    expect(byPhase.get('SmokeTesting')).toBe('runSmokeTest');
    expect(expectations.filter(([p]) => p === 'Progressing').map(([, t]) => t.join(','))).toContain('startProbe,readTraffic,checkHealth');
  });
});
