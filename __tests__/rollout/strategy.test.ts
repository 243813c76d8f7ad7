import { describe, expect, it } from 'vitest';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { assertRoomForBakes, createRolloutPlan, describePlan, parseOldDeployments, parseStages, readRolloutPlan } from '../../src/rollout/strategy.js';

const read = (inputs: Record<string, string>) => readRolloutPlan(createInputReader(recordInputSource(inputs), { debug: () => {}, setSecret: () => {} }));

function configError(fn: () => unknown): { message: string; input?: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('ConfigurationError');
    return e as { message: string; input?: string; hint?: string };
  }
  throw new Error('expected a ConfigurationError');
}

describe('strategies', () => {
  it('canary: canary-percent then 100 (default 10)', () => {
    expect(read({}).stages).toEqual([10, 100]);
    expect(read({ strategy: 'canary', 'canary-percent': '25' })).toMatchObject({ strategy: 'canary', stages: [25, 100] });
  });

  it('linear: steps of step-percent, always ending at 100', () => {
    expect(read({ strategy: 'linear' }).stages).toEqual([20, 40, 60, 80, 100]);
    expect(read({ strategy: 'linear', 'step-percent': '30' }).stages).toEqual([30, 60, 90, 100]);
    expect(read({ strategy: 'linear', 'step-percent': '50' }).stages).toEqual([50, 100]);
  });

  it('blue-green: 100 at once, optionally after a mirror stage', () => {
    expect(read({ strategy: 'Blue-Green', 'mirror-percent': '20' })).toMatchObject({ strategy: 'blue-green', stages: [100], mirrorPercent: 20 });
  });

  it('explicit stages select the stages strategy', () => {
    expect(read({ stages: '10,50,100' })).toMatchObject({ strategy: 'stages', stages: [10, 50, 100] });
    expect(read({ strategy: 'stages', stages: '10%, 50%\n100' }).stages).toEqual([10, 50, 100]);
  });

  it('durations: bake-time, check-interval default, max-duration default', () => {
    const plan = read({ 'bake-time': '10m' });
    expect(plan.bakeTimeInMs).toBe(600_000);
    expect(plan.checkIntervalInMs).toBe(120_000); // bake / 5
    expect(plan.maxDurationInMs).toBe(2 * 2 * 600_000 + 30 * 60_000);
    expect(read({ 'bake-time': '20s' }).checkIntervalInMs).toBe(10_000); // at least 10 s
    expect(read({ 'bake-time': '5s' }).checkIntervalInMs).toBe(5_000); // at most the bake
    expect(read({ 'bake-time': '0' })).toMatchObject({ bakeTimeInMs: 0, checkIntervalInMs: 0 });
    expect(read({ 'bake-time': '1m', 'check-interval': '2s', 'max-duration': '1h' })).toMatchObject({ checkIntervalInMs: 2000, maxDurationInMs: 3_600_000 });
  });

  it('health, probe, rollback and old deployments', () => {
    const plan = read({
      'health-rules': 'error_rate < 2%\nlatency_p95 < 300',
      'min-requests': '20',
      'allow-no-traffic': 'true',
      'failure-threshold': '3',
      'consecutive-error-limit': '6',
      'probe-rps': '2.5',
      rollback: 'none',
      'keep-failed': 'true',
      'old-deployments': 'scale-to: 1',
    });
    expect(plan.health).toMatchObject({ minRequests: 20, allowNoTraffic: true, failureThreshold: 3, consecutiveErrorLimit: 6, usesBaseline: false });
    expect(plan.health.rules.map((r) => r.text)).toEqual(['error_rate < 2%', 'latency_p95 < 300']);
    expect(plan).toMatchObject({ probeRps: 2.5, rollback: 'none', keepFailed: true, oldDeployments: { mode: 'scale-to', instances: 1 } });
    expect(describePlan(read({ strategy: 'canary', 'mirror-percent': '10', 'bake-time': '5m' }))).toBe(
      'canary: mirror 10% first, 10 → 100, bake 5m per stage, checks every 1m, max 1h',
    );
  });
});

describe('bad input is refused before anything changes', () => {
  it('stages that do not increase, exceed 100 or do not end at 100', () => {
    expect(configError(() => read({ stages: '10,50,40,100' }))).toMatchObject({
      input: 'stages',
      message: expect.stringContaining('not strictly increasing: 50 then 40'),
    });
    expect(configError(() => read({ stages: '10,10,100' })).message).toMatch(/strictly increasing/);
    expect(configError(() => read({ stages: '10,50' })).message).toMatch(/must end at 100/);
    expect(configError(() => read({ stages: '0,100' })).message).toMatch(/from 1 to 100/);
    expect(configError(() => read({ stages: '10,150' })).message).toMatch(/150 at position 2/);
    expect(configError(() => read({ stages: '10,half,100' })).message).toMatch(/'half'/);
    expect(configError(() => parseStages([])).message).toMatch(/is empty/);
  });

  it('stages together with another strategy, or stages strategy without stages', () => {
    expect(configError(() => read({ strategy: 'canary', stages: '10,100' })).message).toMatch(/together with strategy 'canary'/);
    expect(configError(() => read({ strategy: 'stages' })).message).toMatch(/required/);
    expect(configError(() => read({ strategy: 'rolling' }))).toMatchObject({ input: 'strategy' });
  });

  it('percent inputs out of range', () => {
    expect(configError(() => read({ 'mirror-percent': '60' }))).toMatchObject({ input: 'mirror-percent', message: expect.stringContaining('at most 50') });
    expect(configError(() => read({ 'canary-percent': '100' }))).toMatchObject({ input: 'canary-percent' });
    expect(configError(() => createRolloutPlan({ strategy: 'linear', stepPercent: 0 }))).toMatchObject({ input: 'step-percent' });
  });

  it('durations', () => {
    expect(configError(() => read({ 'bake-time': '10 minutes' }))).toMatchObject({
      input: 'bake-time',
      message: expect.stringContaining('not a valid duration'),
    });
    expect(configError(() => createRolloutPlan({ bakeTime: '5x' }))).toMatchObject({ input: 'bake-time' });
    expect(configError(() => read({ 'bake-time': '1m', 'check-interval': '2m' })).message).toMatch(/longer than bake-time/);
    expect(configError(() => read({ 'check-interval': '500ms' })).message).toMatch(/at least 1s/);
    const tooShort = configError(() => read({ stages: '10,50,100', 'bake-time': '10m', 'max-duration': '25m' }));
    expect(tooShort).toMatchObject({ input: 'max-duration', message: expect.stringContaining('3 × 10m = 30m') });
  });

  it('max-duration against the bakes can wait until the endpoint is known to be online (batch endpoints do not bake)', () => {
    const inputs = { stages: '10,50,100', 'bake-time': '10m', 'max-duration': '25m' };
    const deferred = readRolloutPlan(createInputReader(recordInputSource(inputs), { debug: () => {}, setSecret: () => {} }), { checkBakeRoom: false });
    expect(deferred.maxDurationInMs).toBe(25 * 60_000);
    expect(configError(() => assertRoomForBakes(deferred))).toMatchObject({ input: 'max-duration', message: expect.stringContaining('3 × 10m = 30m') });
    expect(() => assertRoomForBakes({ ...deferred, maxDurationInMs: 31 * 60_000 })).not.toThrow();
    // The mirror stage bakes too.
    expect(configError(() => assertRoomForBakes({ ...deferred, mirrorPercent: 10, maxDurationInMs: 35 * 60_000 })).message).toContain('4 × 10m = 40m');
  });

  it('old-deployments, rollback and health inputs', () => {
    expect(parseOldDeployments('keep')).toEqual({ mode: 'keep' });
    expect(parseOldDeployments('scale-to=2')).toEqual({ mode: 'scale-to', instances: 2 });
    expect(configError(() => read({ 'old-deployments': 'archive' }))).toMatchObject({ input: 'old-deployments' });
    expect(configError(() => read({ rollback: 'manual' }))).toMatchObject({ input: 'rollback' });
    expect(configError(() => read({ 'failure-threshold': '0' }))).toMatchObject({ input: 'failure-threshold' });
    expect(configError(() => read({ 'health-rules': 'error_rate <' }))).toMatchObject({ input: 'health-rules' });
  });
});
