/**
 * Health on Kubernetes online endpoints (Azure Monitor has no request metrics for them): the plan
 * keeps the probe rules only, refuses rules on Azure Monitor signals, mirror traffic and a rollout
 * without probes (unless allow-no-traffic); the signals the rollout reads for such an endpoint let
 * the probes decide each check, and with allow-no-traffic and no probes a check passes as "no
 * traffic, allowed".
 */
import { describe, expect, it } from 'vitest';
import { judgeHealth, KUBERNETES_HEALTH_RULES } from '../../src/rollout/health.js';
import { createRolloutPlan } from '../../src/rollout/strategy.js';
import { kubernetesPlan, kubernetesSignals } from '../../src/runs/deploy/kubernetes.js';

describe('kubernetesPlan', () => {
  it('turns the default rules into the probe rules, keeping the other settings', () => {
    const plan = kubernetesPlan(createRolloutPlan({ probeRps: 5, health: { minRequests: 3, failureThreshold: 4 } }), 'ep', 'k8s');
    expect(plan.health.rulesText).toBe(KUBERNETES_HEALTH_RULES);
    expect(plan.health).toMatchObject({ usesMonitor: false, usesProbe: true, minRequests: 3, failureThreshold: 4 });
    expect(plan.probeRps).toBe(5);
  });

  it('keeps probe rules of the user, refuses rules on Azure Monitor signals naming health-rules and the line', () => {
    const own = kubernetesPlan(createRolloutPlan({ probeRps: 5, health: { rules: 'probe.error_rate < 5%' } }), 'ep', 'k8s');
    expect(own.health.rulesText).toBe('probe.error_rate < 5%');
    expect(() => kubernetesPlan(createRolloutPlan({ probeRps: 5, health: { rules: 'probe.error_rate < 5%\nlatency_p99 < 800' } }), 'ep', 'k8s')).toThrow(
      /^Input 'health-rules' line 2: 'latency_p99 < 800' reads Azure Monitor signals/,
    );
  });

  it('refuses mirror-percent, and a rollout without probes unless allow-no-traffic', () => {
    expect(() => kubernetesPlan(createRolloutPlan({ probeRps: 5, mirrorPercent: 10 }), 'ep', 'k8s')).toThrow(
      /^Input 'mirror-percent': endpoint ep is a Kubernetes online endpoint/,
    );
    expect(() => kubernetesPlan(createRolloutPlan({}), 'ep', 'k8s')).toThrow(/^Input 'probe-rps' is needed/);
    const quiet = kubernetesPlan(createRolloutPlan({ health: { allowNoTraffic: true } }), 'ep', 'k8s');
    expect(quiet.health.allowNoTraffic).toBe(true);
  });
});

describe('kubernetesSignals with judgeHealth', () => {
  const policy = kubernetesPlan(createRolloutPlan({ probeRps: 5 }), 'ep', 'k8s').health;

  it('with probes: the probe answers decide at once; no probe answer yet is pending, not "no data"', async () => {
    const base = await kubernetesSignals(true).query('green', new Date(0), new Date(1000));
    expect(judgeHealth({ ...base, 'probe.requests': 40, 'probe.error_rate': 0, 'probe.latency_p99': 30 }, policy).verdict).toBe('healthy');
    const bad = judgeHealth({ ...base, 'probe.requests': 40, 'probe.error_rate': 0.25, 'probe.latency_p99': 30 }, policy);
    expect(bad).toMatchObject({ verdict: 'unhealthy', healthy: false });
    expect(bad.reason).toMatch(/probe\.error_rate < 1%/);
    expect(judgeHealth(base, policy).verdict).toBe('pending');
  });

  it('without probes (allow-no-traffic): a check passes as no traffic, allowed', async () => {
    const quiet = kubernetesPlan(createRolloutPlan({ health: { allowNoTraffic: true } }), 'ep', 'k8s').health;
    const signals = await kubernetesSignals(false).query('green', new Date(0), new Date(1000));
    expect(judgeHealth(signals, quiet)).toMatchObject({ verdict: 'no-traffic-allowed', healthy: true });
  });
});
