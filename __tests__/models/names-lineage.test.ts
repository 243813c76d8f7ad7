/** Naming rules, lineage tags, the metric-gate ledger entry and the `metrics` input. */
import { describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../src/core/workflow-run.js';
import { metricsFromModelTags, MODEL_SOURCE_JOB_TAG } from '../../src/metrics/baseline.js';
import { buildLineage, gateFromLedger, MAX_METRIC_TAGS, parseMetricsInput } from '../../src/models/lineage.js';
import { checkName, nameProblem } from '../../src/models/names.js';
import type { LedgerEntry } from '../../src/core/ledger.js';

describe('names', () => {
  it.each([
    ['model', 'iris-classifier', undefined],
    ['model', 'Iris.v2_final', undefined],
    ['model', 'my model', 'character " " at position 3 is not allowed'],
    ['model', '_iris', "it starts with '_'"],
    ['model', 'x'.repeat(256), 'it has 256 characters; at most 255 are allowed'],
    ['model', '', 'it is empty'],
    ['model', 'iris/1', 'character "/" at position 5 is not allowed'],
    ['version', '12', undefined],
    ['version', '2024.06.1', undefined],
    ['version', 'v'.repeat(31), 'it has 31 characters; at most 30 are allowed'],
    ['alias', 'champion', undefined],
    ['alias', 'champ:ion', 'character ":" at position 6 is not allowed'],
    ['registry', 'shared-registry', undefined],
    ['registry', 'ab', 'it has 2 character(s); at least 3 are needed'],
    ['registry', 'a.b.c', 'character "." at position 2 is not allowed'],
  ] as const)('%s %j', (kind, value, problem) => {
    expect(nameProblem(kind, value)).toBe(problem);
  });

  it('checkName throws a ConfigurationError naming the input and the rule', () => {
    expect(() => checkName('model', 'bad name', 'name')).toThrowError(
      /Input 'name': 'bad name' is not a valid model name: character " " at position 4 is not allowed/,
    );
    try {
      checkName('registry', 'r', 'promote-to-registry');
    } catch (e) {
      expect((e as { name: string; input: string; hint: string }).name).toBe('ConfigurationError');
      expect((e as { input: string }).input).toBe('promote-to-registry');
      expect((e as { hint: string }).hint).toMatch(/3 to 33 characters/);
    }
  });
});

const run: WorkflowRun = {
  repository: 'octo/ml',
  runId: '99',
  runAttempt: '2',
  sha: 'abc',
  ref: 'refs/pull/7/merge',
  serverUrl: 'https://github.com',
  runUrl: 'https://github.com/octo/ml/actions/runs/99',
  prNumber: 7,
  workspace: '/w',
  event: {},
};

function gateEntry(report: unknown, passed = true): LedgerEntry {
  return { kind: 'gate', passed, source: 'job j1', report };
}

describe('lineage', () => {
  it('takes the last gate entry of the ledger: verdict, counts, metrics (NaN and infinities too), the job', () => {
    const entries: LedgerEntry[] = [
      gateEntry({ metrics: { accuracy: { last: 0.1 } } }, false),
      { kind: 'job', jobName: 'j1', jobType: 'Command', status: 'Completed' },
      gateEntry({
        counts: { passed: 3, failed: 0, skipped: 1 },
        source: { kind: 'azureml', description: 'job j1', details: { jobName: 'j1' } },
        metrics: { accuracy: { last: 0.93, count: 10 }, loss: { last: 'NaN', count: 1 }, big: { last: 'Infinity', count: 1 }, empty: { count: 0 } },
      }),
    ];
    const g = gateFromLedger(entries)!;
    expect(g.passed).toBe(true);
    expect(g.counts).toBe('3 passed, 0 failed, 1 skipped');
    expect(g.jobName).toBe('j1');
    expect(g.metrics.accuracy).toBe(0.93);
    expect(Number.isNaN(g.metrics.loss)).toBe(true);
    expect(g.metrics.big).toBe(Infinity);
    expect(g.metrics).not.toHaveProperty('empty');
    expect(gateFromLedger([])).toBeUndefined();
    expect(gateFromLedger([gateEntry('not an object')])).toMatchObject({ passed: true, metrics: {} });
  });

  it('writes the run, the source job, the verdict and metric tags that metric-gate reads back', () => {
    const gate = gateFromLedger([
      gateEntry({ counts: { passed: 1, failed: 0, skipped: 0 }, metrics: { accuracy: { last: 0.9 } }, source: { details: { jobName: 'j1' } } }),
    ])!;
    const { tags } = buildLineage({ run, sourceJob: 'train-1', source: 'azureml://jobs/train-1/outputs/model', gate });
    expect(tags).toMatchObject({
      'github.repository': 'octo/ml',
      'github.commit': 'abc',
      'github.ref': 'refs/pull/7/merge',
      'github.pr': '7',
      'github.run_url': 'https://github.com/octo/ml/actions/runs/99',
      'github.run_attempt': '2',
      [MODEL_SOURCE_JOB_TAG]: 'train-1',
      'azureml-actions.source': 'azureml://jobs/train-1/outputs/model',
      'azureml-actions.gate': 'passed',
      'azureml-actions.gate_counts': '1 passed, 0 failed, 0 skipped',
      'metric.accuracy': '0.9',
    });
    expect(metricsFromModelTags(tags).metrics.get('accuracy')?.[0]?.value).toBe(0.9);
    // Without a source job, the gate's job is the one named.
    expect(buildLineage({ run, source: 'models/x', gate }).tags[MODEL_SOURCE_JOB_TAG]).toBe('j1');
    // The metrics input wins over the gate's metrics.
    expect(buildLineage({ run, source: 'x', gate, metrics: { f1: 0.5 } }).tags).toMatchObject({ 'metric.f1': '0.5' });
    expect(buildLineage({ run, source: 'x', gate, metrics: { f1: 0.5 } }).tags).not.toHaveProperty('metric.accuracy');
  });

  it(`keeps at most ${MAX_METRIC_TAGS} metric tags and says which were left out`, () => {
    const metrics = Object.fromEntries(Array.from({ length: MAX_METRIC_TAGS + 3 }, (_, i) => [`m${String(i).padStart(3, '0')}`, i]));
    const l = buildLineage({ run, source: 'x', metrics });
    expect(Object.keys(l.tags).filter((k) => k.startsWith('metric.'))).toHaveLength(MAX_METRIC_TAGS);
    expect(l.droppedMetrics).toEqual(['m050', 'm051', 'm052']);
  });

  it('parses the metrics input (the metric-gate metrics output shape)', () => {
    expect(parseMetricsInput({ accuracy: 0.9, loss: 'NaN', skip: null, neg: '-Infinity', s: '0.5' })).toEqual({
      accuracy: 0.9,
      loss: NaN,
      neg: -Infinity,
      s: 0.5,
    });
    expect(() => parseMetricsInput([1, 2])).toThrowError(/must be a JSON object of metric name → number/);
    expect(() => parseMetricsInput({ a: true })).toThrowError(/the value of 'a' is true, not a number/);
  });
});
