/**
 * Realistic report data made by the real modules, as the other actions would record it: a gate
 * evaluated with the rule language over iris-like training histories against a champion, a
 * registered model, the training job, and a canary rollout run by the rollout machine on a fake
 * clock. Every entry goes through JSON, as the run ledger stores it.
 */
import type { MetricSet } from '../../src/metrics/evaluate.js';
import { evaluateRules } from '../../src/metrics/evaluate.js';
import { buildGateReport } from '../../src/metrics/report.js';
import { parseRules } from '../../src/metrics/rules.js';
import { compactHistories } from '../../src/report/chart.js';
import type { LedgerEntry } from '../../src/core/ledger.js';
import { createRollout, memoryStatusStore } from '../../src/rollout/run.js';
import { createRolloutPlan } from '../../src/rollout/strategy.js';
import { FakeEndpoint, fakeClock } from '../rollout/fakes.js';

/** A smooth learning curve with a little deterministic noise. */
function curve(n: number, from: number, to: number, rate: number, noise: number, seed: number): Array<{ step: number; value: number }> {
  const out: Array<{ step: number; value: number }> = [];
  let s = seed;
  for (let i = 1; i <= n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const jitter = (s / 2 ** 31 - 0.5) * noise;
    out.push({ step: i, value: to + (from - to) * Math.exp(-rate * i) + jitter });
  }
  return out;
}

export function runMetrics(): MetricSet {
  return new Map([
    ['accuracy', curve(200, 0.55, 0.9533, 0.035, 0.004, 7)],
    ['f1_macro', curve(200, 0.5, 0.9512, 0.03, 0.004, 11)],
    ['loss', curve(200, 1.1, 0.118, 0.04, 0.006, 13)],
    ['train/samples_per_second', curve(200, 900, 1250, 0.1, 20, 17)],
  ]);
}

export function baselineMetrics(): MetricSet {
  return new Map([
    ['accuracy', [{ step: 200, value: 0.9467 }]],
    ['f1_macro', [{ step: 200, value: 0.9455 }]],
    ['loss', [{ step: 200, value: 0.131 }]],
  ]);
}

export const RULES = [
  'accuracy >= 0.9                        # quality bar',
  'f1_macro >= baseline.f1_macro - 0.01   # no regression',
  'loss <= baseline.loss * 1.02',
  'max(accuracy) >= mean(accuracy)',
].join('\n');

export function gateEntry(rulesText = RULES, metrics = runMetrics(), baseline: MetricSet | undefined = baselineMetrics()): LedgerEntry {
  const rules = parseRules(rulesText);
  const { passed, results } = evaluateRules(rules, metrics, { baseline, missingMetric: 'fail', requireBaseline: false });
  const report = buildGateReport({
    rules,
    results,
    metrics,
    source: { kind: 'azureml', description: "job 'ml-repo-train-2718281828-1' (Command, Completed)" },
    baseline: baseline
      ? { spec: 'model:iris-classifier:latest', found: true, description: 'model iris-classifier:3 (metrics from its tags)', metrics: baseline }
      : { spec: 'model:iris-classifier:latest', found: false, reason: 'model iris-classifier has no version yet' },
    settings: { missingMetric: 'fail', requireBaseline: false, failOnViolation: true },
  });
  return {
    kind: 'gate',
    action: 'metric-gate',
    passed,
    source: report.source.description,
    baseline: report.baseline?.description,
    report,
    histories: compactHistories(metrics, { prefer: ['accuracy', 'loss', 'f1_macro'] }),
  };
}

export const WSID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod';

export function jobEntry(status = 'Completed'): LedgerEntry {
  return {
    kind: 'job',
    action: 'submit-job',
    jobName: 'ml-repo-train-2718281828-1',
    jobType: 'Command',
    status,
    studioUrl: `https://ml.azure.com/runs/ml-repo-train-2718281828-1?wsid=${encodeURIComponent(WSID)}&tid=11111111-1111-1111-1111-111111111111`,
    experimentName: 'iris-classifier',
    jobFile: 'examples/iris/job.yml',
  };
}

export function modelEntry(): LedgerEntry {
  return {
    kind: 'model',
    action: 'register-model',
    name: 'iris-classifier',
    version: '4',
    id: 'azureml:iris-classifier:4',
    created: true,
    studioUrl: `https://ml.azure.com/model/iris-classifier:4/details?wsid=${encodeURIComponent(WSID)}`,
  };
}

/** A canary rollout (mirror 10 %, then 10 % and 100 %) run by the real machine on a fake clock. */
export async function rolloutEntry(o: { failAt?: number } = {}): Promise<LedgerEntry> {
  const clock = fakeClock();
  const ep = new FakeEndpoint(clock, { traffic: { blue: 100 }, rps: 20 });
  if (o.failAt !== undefined) {
    const t0 = clock.t;
    ep.behaviour.set('green', (t) =>
      t - t0 > o.failAt! ? { errorRate: 0.2, latencyP95: 900, latencyP99: 2400 } : { errorRate: 0.002, latencyP95: 110, latencyP99: 170 },
    );
  }
  const plan = createRolloutPlan({ strategy: 'canary', canaryPercent: 10, mirrorPercent: 10, bakeTime: '3m', checkInterval: '1m', health: { minRequests: 5 } });
  const rollout = await createRollout(plan, ep.providers(), { deployment: 'green', clock, store: memoryStatusStore() });
  const result = await rollout.run();
  return { kind: 'rollout', action: 'deploy', endpoint: 'iris-endpoint', deployment: 'green', status: result.outcome, timeline: result.timeline };
}

/** Entries as read back from the ledger file (JSON lines). */
export function throughJson<T>(entries: T[]): T[] {
  return entries.map((e) => JSON.parse(JSON.stringify(e)) as T);
}

export async function realisticLedger(): Promise<LedgerEntry[]> {
  return throughJson([jobEntry(), gateEntry(), modelEntry(), await rolloutEntry()]);
}

export const RUN = {
  serverUrl: 'https://github.com',
  repository: 'octo-org/ml-repo',
  sha: '8f2a1c9d3e4b5a6f7081928374655647382910ab',
  runId: '2718281828',
  runAttempt: '1',
  runUrl: 'https://github.com/octo-org/ml-repo/actions/runs/2718281828',
  workflow: 'mlops',
  job: 'train',
};

export const NOW = () => new Date('2025-03-01T10:42:00Z');
