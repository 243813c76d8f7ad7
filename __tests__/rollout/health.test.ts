import { describe, expect, it } from 'vitest';
import { createRolloutPlan } from '../../src/rollout/strategy.js';
import { countCheck, createHealthPolicy, DEFAULT_HEALTH_RULES, judgeHealth, parseHealthRules, signalsToMetricSet } from '../../src/rollout/health.js';

const good = { requests: 100, error_rate: 0.002, latency_p95: 150, latency_p99: 300, cpu: 0.4, memory: 0.5 };

describe('health rules', () => {
  it('defaults to error_rate < 1% and latency_p99 < 1000, on Azure Monitor and on the probes', () => {
    const policy = createHealthPolicy();
    expect(policy.rulesText).toBe(DEFAULT_HEALTH_RULES);
    expect(policy.rules.map((r) => r.text)).toEqual(['error_rate < 1%', 'latency_p99 < 1000', 'probe.error_rate < 1%', 'probe.latency_p99 < 1000']);
    expect(policy).toMatchObject({ usesMonitor: true, usesProbe: true });
    expect(policy).toMatchObject({ minRequests: 5, allowNoTraffic: false, failureThreshold: 2, consecutiveErrorLimit: 4 });
  });

  it('refuses unknown signals, fractions compared with whole numbers, and bad syntax', () => {
    expect(() => parseHealthRules('errors < 1')).toThrow(/'errors' is not a health signal/);
    expect(() => parseHealthRules('error_rate < 5')).toThrow(expect.objectContaining({ hint: expect.stringContaining("'error_rate < 5%'") }));
    expect(() => parseHealthRules('80 > cpu')).toThrow(/cpu, a fraction/);
    expect(() => parseHealthRules('latency_p99 <')).toThrow(/line 1, column/);
    expect(() => parseHealthRules('# only a comment')).toThrow(/no rule/);
    expect(parseHealthRules('cpu < 80% and memory < 0.9\nmean(latency_p95) < 200').length).toBe(2);
  });
});

describe('two sources: Azure Monitor (delayed) and probes (at once)', () => {
  const both = createHealthPolicy();

  it('a window Azure Monitor has not reported is pending: neither healthy nor a failed check', () => {
    const j = judgeHealth({ requests: 0, pending: true }, both);
    expect(j).toMatchObject({ verdict: 'pending', healthy: false });
    expect(countCheck({ failedChecks: 1, consecutiveErrors: 2 }, { kind: 'pending' }, both)).toEqual({ counters: { failedChecks: 1, consecutiveErrors: 2 } });
  });

  it('probe answers are judged while Monitor is pending; Monitor rules wait', () => {
    const failing = judgeHealth({ requests: 0, pending: true, 'probe.requests': 4, 'probe.error_rate': 0.5, 'probe.latency_p99': 40 }, both);
    expect(failing).toMatchObject({ verdict: 'unhealthy' });
    expect(failing.reason).toBe('failed: probe.error_rate < 1% with 0.5 vs 0.01');
    expect(failing.results.map((r) => r.rule)).toEqual(['probe.error_rate < 1%', 'probe.latency_p99 < 1000']);
    expect(judgeHealth({ requests: 0, pending: true, 'probe.requests': 4, 'probe.error_rate': 0, 'probe.latency_p99': 40 }, both)).toMatchObject({
      verdict: 'healthy',
    });
    // No probe answered (the canary got none of them): Monitor decides alone.
    expect(judgeHealth({ ...good, 'probe.requests': 0 }, both)).toMatchObject({ verdict: 'healthy' });
    expect(judgeHealth({ ...good, error_rate: 0.03, 'probe.requests': 0 }, both)).toMatchObject({ verdict: 'unhealthy' });
  });

  it('a rule naming both sources waits for both', () => {
    const mixed = createHealthPolicy({ rules: 'probe.latency_p99 < latency_p99 * 2' });
    expect(mixed).toMatchObject({ usesMonitor: true, usesProbe: true });
    expect(judgeHealth({ requests: 0, pending: true, 'probe.requests': 3, 'probe.latency_p99': 900 }, mixed)).toMatchObject({ verdict: 'pending' });
    expect(judgeHealth({ ...good, 'probe.requests': 3, 'probe.latency_p99': 900 }, mixed)).toMatchObject({ verdict: 'unhealthy' });
  });

  it('allow-no-traffic never passes a quiet window after minutes that reported errors', () => {
    const lenient = createHealthPolicy({ allowNoTraffic: true });
    const earlier = [{ requests: 20, error_rate: 0.25, latency_p99: 50 }];
    const quiet = judgeHealth({ requests: 0 }, lenient, { history: earlier });
    expect(quiet).toMatchObject({ verdict: 'unhealthy', healthy: false });
    expect(quiet.reason).toMatch(/error_rate < 1% with 0.25 vs 0.01 \(no request in the window; judged on the stage's 20 reported request\(s\) so far\)/);
    expect(judgeHealth({ requests: 0 }, lenient, { history: [{ requests: 20, error_rate: 0, latency_p99: 50 }] })).toMatchObject({ verdict: 'healthy' });
    expect(judgeHealth({ requests: 0 }, lenient, { history: [] })).toMatchObject({ verdict: 'no-traffic-allowed', healthy: true });
    // Not reported is not "no traffic".
    expect(judgeHealth({ requests: 0, pending: true }, lenient)).toMatchObject({ verdict: 'pending', healthy: false });
  });

  it('rules on probes only need probe-rps', () => {
    expect(() => createRolloutPlan({ health: { rules: 'probe.error_rate < 1%' } })).toThrow(/names only probe signals/);
    expect(createRolloutPlan({ health: { rules: 'probe.error_rate < 1%' }, probeRps: 5 }).health.usesMonitor).toBe(false);
    expect(createRolloutPlan({}).metricsDelayInMs).toBe(60_000);
    expect(createRolloutPlan({ metricsDelay: '2m' }).metricsDelayInMs).toBe(120_000);
    expect(() => createRolloutPlan({ metricsDelay: 'later' })).toThrow(/metrics-delay/);
  });
});

describe('judgeHealth', () => {
  const policy = createHealthPolicy({ rules: 'error_rate < 1% and latency_p99 < 500' });

  it('healthy and unhealthy, with the failing values in the reason', () => {
    expect(judgeHealth(good, policy)).toMatchObject({ verdict: 'healthy', healthy: true });
    const bad = judgeHealth({ ...good, error_rate: 0.2 }, policy);
    expect(bad).toMatchObject({ verdict: 'unhealthy', healthy: false });
    expect(bad.reason).toBe('failed: error_rate < 1% with 0.2 vs 0.01');
  });

  it('no data is not healthy, unless allow-no-traffic (and then a few requests are still judged)', () => {
    expect(judgeHealth({ requests: 2, error_rate: 0 }, policy)).toMatchObject({ verdict: 'no-data', healthy: false });
    expect(judgeHealth({ requests: 0 }, policy).reason).toMatch(/0 request\(s\) in the window, fewer than min-requests 5/);
    const lenient = createHealthPolicy({ rules: 'error_rate < 1%', allowNoTraffic: true });
    expect(judgeHealth({ requests: 0 }, lenient)).toMatchObject({ verdict: 'no-traffic-allowed', healthy: true });
    expect(judgeHealth({ requests: 2, error_rate: 0.5 }, lenient)).toMatchObject({ verdict: 'unhealthy' });
    expect(judgeHealth({ requests: 2, error_rate: 0 }, lenient)).toMatchObject({ verdict: 'healthy' });
  });

  it('a signal the source did not measure fails its rule', () => {
    const r = judgeHealth({ requests: 50, error_rate: 0 }, policy);
    expect(r.healthy).toBe(false);
    expect(r.reason).toMatch(/no metric 'latency_p99'/);
  });

  it('aggregates over the checks of the stage', () => {
    const p = createHealthPolicy({ rules: 'mean(latency_p99) < 400\nmax(error_rate) < 5%' });
    const history = [
      { ...good, latency_p99: 300 },
      { ...good, latency_p99: 350, error_rate: 0.06 },
    ];
    const set = signalsToMetricSet({ ...good, latency_p99: 600 }, history);
    expect(set.get('latency_p99')?.map((p) => p.value)).toEqual([300, 350, 600]);
    const r = judgeHealth({ ...good, latency_p99: 600 }, p, { history });
    expect(r.results.map((x) => x.verdict)).toEqual(['failed', 'failed']);
    expect(judgeHealth({ ...good, latency_p99: 320 }, p, { history: [history[0]] }).healthy).toBe(true);
  });

  it('compares with the baseline deployment, and skips baseline rules without one', () => {
    const p = createHealthPolicy({ rules: 'latency_p99 <= baseline.latency_p99 * 1.5' });
    expect(p.usesBaseline).toBe(true);
    expect(judgeHealth({ ...good, latency_p99: 400 }, p, { baseline: { ...good, latency_p99: 300 } }).healthy).toBe(true);
    expect(judgeHealth({ ...good, latency_p99: 500 }, p, { baseline: { ...good, latency_p99: 300 } }).healthy).toBe(false);
    expect(judgeHealth({ ...good, latency_p99: 5000 }, p).results[0].verdict).toBe('skipped');
  });
});

describe('countCheck', () => {
  const policy = createHealthPolicy({ failureThreshold: 2, consecutiveErrorLimit: 3 });
  const zero = { failedChecks: 0, consecutiveErrors: 0 };

  it('failed checks add up over the rollout; rollback at the threshold', () => {
    let c = countCheck(zero, { kind: 'judged', healthy: false }, policy);
    expect(c).toEqual({ counters: { failedChecks: 1, consecutiveErrors: 0 } });
    c = countCheck(c.counters, { kind: 'judged', healthy: true }, policy);
    expect(c.counters.failedChecks).toBe(1);
    c = countCheck(c.counters, { kind: 'judged', healthy: false }, policy);
    expect(c.rollback).toBe('2 failed health check(s) (failure-threshold 2)');
  });

  it('query errors count apart, reset by a query that works', () => {
    let c = countCheck(zero, { kind: 'error' }, policy);
    c = countCheck(c.counters, { kind: 'error' }, policy);
    expect(c).toEqual({ counters: { failedChecks: 0, consecutiveErrors: 2 } });
    c = countCheck(c.counters, { kind: 'judged', healthy: true }, policy);
    expect(c.counters.consecutiveErrors).toBe(0);
    for (let i = 0; i < 3; i++) c = countCheck(c.counters, { kind: 'error' }, policy);
    expect(c.rollback).toBe('3 metrics queries in a row failed (consecutive-error-limit 3)');
    expect(c.counters.failedChecks).toBe(0);
  });
});
