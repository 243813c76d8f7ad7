/**
 * metric-gate's inputs: exactly one source, rule syntax errors with line and column, baseline
 * forms, secrets masked; and the tag names shared with register-model.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetricGateInputs, readRules } from '../../src/runs/inputs/metric-gate.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import {
  metricsFromModelTags,
  MODEL_ALIAS_TAG_PREFIX,
  MODEL_METRIC_TAG_PREFIX,
  MODEL_SOURCE_JOB_TAG,
  modelMetricTags,
  parseBaselineSpec,
  resolveBaseline,
} from '../../src/metrics/baseline.js';

function settings(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const masked: string[] = [];
  const reader = createInputReader(recordInputSource(inputs), { debug: () => undefined, setSecret: (s) => masked.push(s) });
  const s = readMetricGateInputs(reader, { env, setSecret: (x) => masked.push(x) });
  return { s, masked };
}

const RULES = { rules: 'accuracy >= 0.9' };

describe('metric-gate inputs', () => {
  it('one source of three kinds', () => {
    expect(settings({ ...RULES, 'job-name': 'train-1', child: 'train' }).s.source).toEqual({ kind: 'job', jobName: 'train-1', child: 'train' });
    expect(settings({ ...RULES, 'metrics-file': 'm.json' }).s.source).toEqual({ kind: 'file', path: 'm.json' });
    expect(settings({ ...RULES, 'mlflow-tracking-uri': 'http://h', 'run-id': 'r' }).s.source).toMatchObject({
      kind: 'mlflow',
      trackingUri: 'http://h',
      runId: 'r',
      auth: { kind: 'none' },
    });
  });

  it('defaults', () => {
    expect(settings({ ...RULES, 'metrics-file': 'm.json' }).s).toMatchObject({
      requireBaseline: false,
      missingMetric: 'fail',
      failOnViolation: true,
      baseline: undefined,
    });
  });

  it('no source, two sources, and half an MLflow source are clear errors', () => {
    expect(() => settings(RULES)).toThrow(expect.objectContaining({ message: 'No metric source is given.', hint: expect.stringContaining('job-name') }));
    expect(() => settings({ ...RULES, 'job-name': 'j', 'metrics-file': 'm.json' })).toThrow('Give only one metric source; got job-name and metrics-file.');
    expect(() => settings({ ...RULES, 'run-id': 'r' })).toThrow(/give mlflow-tracking-uri \(or set MLFLOW_TRACKING_URI\)/);
    expect(() => settings({ ...RULES, 'mlflow-tracking-uri': 'http://h' })).toThrow(expect.objectContaining({ input: 'run-id' }));
    expect(() => settings({ ...RULES, 'metrics-file': 'm.json', child: 'x' })).toThrow(expect.objectContaining({ input: 'child' }));
  });

  it('run-id alone uses MLFLOW_TRACKING_URI and the MLFLOW_TRACKING_* credentials, masked', () => {
    const { s, masked } = settings({ ...RULES, 'run-id': 'r' }, { MLFLOW_TRACKING_URI: 'https://mlflow.example.com', MLFLOW_TRACKING_TOKEN: 'tok-from-env' });
    expect(s.source).toMatchObject({
      kind: 'mlflow',
      trackingUri: 'https://mlflow.example.com',
      trackingUriFrom: 'MLFLOW_TRACKING_URI',
      auth: { kind: 'bearer', token: 'tok-from-env' },
    });
    expect(masked).toContain('tok-from-env');
    const basic = settings({ ...RULES, 'mlflow-tracking-uri': 'http://h', 'run-id': 'r', 'mlflow-username': 'bob', 'mlflow-password': 'pw' });
    expect(basic.masked).toEqual(expect.arrayContaining(['pw', Buffer.from('bob:pw').toString('base64')]));
  });

  it('rules: syntax errors name the line and column and show where', () => {
    const text = '# gate\naccuracy >= 0.9\n  loss <= = 0.3';
    let error: any;
    try {
      readRules(text);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'ConfigurationError', input: 'rules', line: 3, column: 11 });
    expect(error.message).toBe(
      "Input 'rules', line 3, column 11: '=' is not an operator: compare with '==' (or '>=' / '<=')\n    loss <= = 0.3\n            ^",
    );
    expect(() => readRules('# only a comment\n\n')).toThrow("Input 'rules' holds no rule.");
  });

  it('rules that read the baseline need a baseline input; choices are checked', () => {
    expect(() => settings({ rules: 'a > 1\nb <= baseline.b', 'metrics-file': 'm.json' })).toThrow(
      expect.objectContaining({ input: 'baseline', message: expect.stringContaining('line 2') }),
    );
    expect(() => settings({ ...RULES, 'metrics-file': 'm.json', 'missing-metric': 'ignore' })).toThrow(/must be one of fail, skip/);
    expect(settings({ ...RULES, 'metrics-file': 'm.json', baseline: 'model:clf:@champion', 'require-baseline': 'true' }).s).toMatchObject({
      requireBaseline: true,
      baseline: { kind: 'model', name: 'clf', selector: { alias: 'champion' } },
    });
  });
});

describe('baseline specs', () => {
  it('parses the three kinds', () => {
    expect(parseBaselineSpec('model:iris-clf:3')).toEqual({ kind: 'model', text: 'model:iris-clf:3', name: 'iris-clf', selector: { version: '3' } });
    expect(parseBaselineSpec('model:iris-clf:latest')).toMatchObject({ selector: { latest: true } });
    expect(parseBaselineSpec(' model:iris-clf:@champion ')).toMatchObject({ selector: { alias: 'champion' } });
    expect(parseBaselineSpec('job:train-42')).toEqual({ kind: 'job', text: 'job:train-42', name: 'train-42' });
    expect(parseBaselineSpec('file:baseline/metrics.json')).toEqual({ kind: 'file', text: 'file:baseline/metrics.json', path: 'baseline/metrics.json' });
  });

  it('refuses what is not a baseline, saying what is', () => {
    for (const bad of ['iris', 'model:iris', 'model::3', 'model:iris:', 'model:iris:@', 'job:', 'job:a b', 'file:', 'run:abc']) {
      expect(() => parseBaselineSpec(bad), bad).toThrow(
        expect.objectContaining({ name: 'ConfigurationError', input: 'baseline', hint: expect.stringContaining('model:<name>') }),
      );
    }
  });

  it('file baselines: read, or a clear error when missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-base-'));
    writeFileSync(join(dir, 'champion.json'), '{"accuracy": 0.9}');
    const r = await resolveBaseline(parseBaselineSpec('file:champion.json'), { workspace: dir });
    expect(r).toMatchObject({ found: true, description: 'file champion.json' });
    await expect(resolveBaseline(parseBaselineSpec('file:nope.json'), { workspace: dir })).rejects.toMatchObject({
      input: 'baseline',
      message: "The metrics file 'nope.json' does not exist.",
    });
  });

  it('workspace baselines without a workspace say so', async () => {
    await expect(resolveBaseline(parseBaselineSpec('model:m:1'), { workspace: '.' })).rejects.toMatchObject({
      message: expect.stringContaining('no workspace is configured'),
    });
  });

  it('metric tags shared with register-model', () => {
    expect([MODEL_METRIC_TAG_PREFIX, MODEL_ALIAS_TAG_PREFIX, MODEL_SOURCE_JOB_TAG]).toEqual(['metric.', 'alias.', 'azureml.source_job']);
    const tags = modelMetricTags({ accuracy: 0.93, 'train/loss': 0.1, bad: NaN });
    expect(tags).toEqual({ 'metric.accuracy': '0.93', 'metric.train/loss': '0.1', 'metric.bad': 'NaN' });
    const { metrics, invalid } = metricsFromModelTags({ ...tags, 'metric.text': 'high', other: '1' });
    expect([...metrics.keys()].sort()).toEqual(['accuracy', 'bad', 'train/loss']);
    expect(invalid).toEqual(['metric.text']);
  });
});
