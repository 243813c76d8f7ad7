/**
 * The monitor source's pure parts: a monitor run's recorded metrics → the gate's metric names,
 * thresholds and pass flags (p-value tests breach below their threshold, other metrics above);
 * the `source` input's forms.
 */
import { describe, expect, it } from 'vitest';
import { breaches, monitorMetricSet, snakeMetric, type RecordedMetric } from '../../src/metrics/monitor.js';
import type { MetricPoint } from '../../src/metrics/evaluate.js';
import { readMetricGateInputs } from '../../src/runs/inputs/metric-gate.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { parseRules } from '../../src/metrics/rules.js';
import { evaluateRules } from '../../src/metrics/evaluate.js';

const T1 = 1_765_000_000;
const T2 = T1 + 86_400;
const h = (...pts: Array<[number, number]>): MetricPoint[] => pts.map(([step, value]) => ({ step, value }));

function rec(signal: string, feature: string, metric: string, histories: Record<string, MetricPoint[]>): RecordedMetric {
  return { signal, feature, metric, histories: new Map(Object.entries(histories)) };
}

describe('monitor results → gate metrics', () => {
  it('names metrics in snake case and judges each against its threshold', () => {
    expect(snakeMetric('NormalizedWassersteinDistance')).toBe('normalized_wasserstein_distance');
    expect(snakeMetric('TwoSampleKolmogorovSmirnovTest')).toBe('two_sample_kolmogorov_smirnov_test');
    expect(snakeMetric('null_value_rate')).toBe('null_value_rate');
    expect(breaches('JensenShannonDistance', 0.2, 0.1)).toBe(true);
    expect(breaches('JensenShannonDistance', 0.05, 0.1)).toBe(false);
    // p-values: a small value is the drift.
    expect(breaches('PearsonsChiSquaredTest', 0.01, 0.05)).toBe(true);
    expect(breaches('TwoSampleKolmogorovSmirnovTest', 0.3, 0.05)).toBe(false);
  });

  it('the latest run: values at its step, histories up to it, pass flags per metric, signal and monitor', () => {
    const recorded = [
      rec('drift', 'age', 'NormalizedWassersteinDistance', { value: h([T1, 0.02], [T2, 0.3]), threshold: h([T1, 0.1], [T2, 0.1]) }),
      rec('drift', 'SEX', 'PearsonsChiSquaredTest', { value: h([T1, 0.5], [T2, 0.6]), threshold: h([T1, 0.05], [T2, 0.05]) }),
      // computed in the first run only: left out of the second
      rec('drift', 'gone', 'JensenShannonDistance', { value: h([T1, 0.9]), threshold: h([T1, 0.1]) }),
      rec('quality', 'age', 'NullValueRate', { target_value: h([T2, 0.01]), baseline_value: h([T2, 0]), threshold: h([T2, 0.05]) }),
    ];
    const { metrics, signals } = monitorMetricSet(recorded, T2, { drift: 'DataDrift', quality: 'DataQuality' });
    expect(metrics.get('drift.age.normalized_wasserstein_distance')).toEqual(h([T1, 0.02], [T2, 0.3]));
    expect(metrics.get('drift.age.normalized_wasserstein_distance.threshold')?.at(-1)?.value).toBe(0.1);
    expect(metrics.get('drift.age.normalized_wasserstein_distance.passed')).toEqual(h([T2, 0]));
    expect(metrics.get('drift.SEX.pearsons_chi_squared_test.passed')).toEqual(h([T2, 1]));
    expect(metrics.has('drift.gone.jensen_shannon_distance')).toBe(false);
    expect(metrics.get('quality.age.null_value_rate')).toEqual(h([T2, 0.01]));
    expect(metrics.get('quality.age.null_value_rate.baseline')).toEqual(h([T2, 0]));
    expect(metrics.get('drift.passed')).toEqual(h([T2, 0]));
    expect(metrics.get('quality.passed')).toEqual(h([T2, 1]));
    expect(metrics.get('passed')).toEqual(h([T2, 0]));
    expect(signals).toEqual([
      { name: 'drift', type: 'DataDrift', passed: false, breached: ['age.normalized_wasserstein_distance'], metrics: 2 },
      { name: 'quality', type: 'DataQuality', passed: true, breached: [], metrics: 1 },
    ]);
    // The first run, read as of its own time: nothing breached but `gone`.
    const first = monitorMetricSet(recorded, T1, { drift: 'DataDrift', quality: 'DataQuality' });
    expect(first.metrics.get('drift.age.normalized_wasserstein_distance')).toEqual(h([T1, 0.02]));
    expect(first.signals[0]).toMatchObject({ passed: false, breached: ['gone.jensen_shannon_distance'] });
    expect(first.metrics.has('quality.passed')).toBe(false);
  });

  it('gate rules over them: per feature, per signal, across runs', () => {
    const recorded = [
      rec('data-drift-signal', 'age', 'NormalizedWassersteinDistance', { value: h([T1, 0.02], [T2, 0.3]), threshold: h([T1, 0.1], [T2, 0.1]) }),
    ];
    const { metrics } = monitorMetricSet(recorded, T2, { 'data-drift-signal': 'DataDrift' });
    const rules = parseRules(
      'data-drift-signal.age.normalized_wasserstein_distance < 0.5\ndata-drift-signal.passed == 1 # no drift\nmin(data-drift-signal.age.normalized_wasserstein_distance) < 0.05',
    );
    expect(evaluateRules(rules, metrics, { missingMetric: 'fail', requireBaseline: false }).results.map((r) => r.verdict)).toEqual([
      'passed',
      'failed',
      'passed',
    ]);
  });
});

describe('the source input', () => {
  const read = (inputs: Record<string, string>) =>
    readMetricGateInputs(createInputReader(recordInputSource({ rules: 'passed == 1', ...inputs }), { debug: () => undefined, setSecret: () => undefined }), {
      env: {},
      setSecret: () => undefined,
    }).source;
  it('monitor:<name>, job:<name>, file:<path>; one source only', () => {
    expect(read({ source: 'monitor:credit_default_model_monitoring' })).toEqual({ kind: 'monitor', monitor: 'credit_default_model_monitoring' });
    expect(read({ source: 'job:train-1', child: 'train' })).toEqual({ kind: 'job', jobName: 'train-1', child: 'train' });
    expect(read({ source: 'file:m.json' })).toEqual({ kind: 'file', path: 'm.json' });
    expect(() => read({ source: 'monitor:bad name' })).toThrow(/Input 'source': 'bad name' is not a monitor name/);
    expect(() => read({ source: 'drift' })).toThrow(/Input 'source': 'drift' is not a metric source/);
    expect(() => read({ source: 'monitor:m', 'job-name': 'j' })).toThrow(/Give only one metric source; got source and job-name/);
  });
});
