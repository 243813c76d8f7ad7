/**
 * metric-gate through its built bundle (dist/metric-gate, run by Node 24 as the runner does)
 * against the local emulator: the sample training job submitted with the submit-job bundle, a
 * pipeline step, a sweep's best trial, a metrics file, a registered model version as baseline,
 * the emulator's plain MLflow API as "any MLflow server", and bad input.
 *
 * Needs `node scripts/build.mjs metric-gate submit-job` (npm test checks dist is fresh).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { readLedger } from '../../src/core/ledger.js';
import { modelAliasTag, modelMetricTags } from '../../src/metrics/baseline.js';
import { repoRoot, runAction, type RunResult } from '../harness/index.js';
import { arm, ENVIRONMENT, genericRun, loggingCommand, putJob, startGateEmulator, waitForJob } from '../metrics/gate-emulator.js';

let emu: RunningEmulator;
let env: Record<string, string>;
const runnerTemp = mkdtempSync(join(tmpdir(), 'mg-runner-'));
let irisJob: string;
let irisSweep: string;

async function submit(jobFile: string, set: string): Promise<string> {
  const r = await runAction({
    action: 'submit-job',
    workspace: repoRoot,
    runnerTemp,
    env,
    inputs: { 'job-file': jobFile, set, timeout: '3m' },
    timeoutMs: 180_000,
  });
  if (r.main.exitCode !== 0) throw new Error(`submit-job ${jobFile} failed:\n${r.main.log}`);
  return r.outputs['job-name'];
}

function gate(inputs: Record<string, string>, o: { workspace?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return runAction({ action: 'metric-gate', inputs, env: { ...env, ...o.env }, runnerTemp, workspace: o.workspace, timeoutMs: 60_000 });
}

const errors = (r: RunResult) => r.main.annotations.filter((a) => a.level === 'error');
const report = (r: RunResult) => JSON.parse(r.outputs.report);

beforeAll(async () => {
  emu = await startGateEmulator();
  env = { AZUREML_EMULATOR_HOST: emu.host };
  await putJob(emu, 'gate-pipe', {
    jobType: 'Pipeline',
    experimentName: 'gate-tests',
    jobs: {
      prep: { type: 'command', command: loggingCommand({ rows: [150] }), environmentId: ENVIRONMENT },
      train: { type: 'command', command: loggingCommand({ accuracy: [0.6, 0.94], loss: [0.7, 0.12] }), environmentId: ENVIRONMENT },
    },
  });
  // The sample training job and its sweep, as a workflow submits them.
  // (the emulator seeds AzureML-sklearn-1.5 as its curated environment)
  [irisJob, irisSweep] = await Promise.all([
    submit('examples/iris/job.yml', 'environment=azureml:AzureML-sklearn-1.5@latest'),
    submit('examples/iris/sweep.yml', 'trial.environment=azureml:AzureML-sklearn-1.5@latest'),
  ]);
  await waitForJob(emu, 'gate-pipe');
}, 240_000);

afterAll(async () => {
  await emu?.close();
});

describe('metric-gate on Azure ML jobs (emulator)', () => {
  it('gates the sample training job: outputs, summary table, ledger', async () => {
    const r = await gate({
      'job-name': irisJob,
      rules: [
        'accuracy >= 0.9   # test accuracy',
        'f1_macro >= 0.85',
        'min(loss) < last(loss) * 1.5',
        'max(accuracy) >= mean(accuracy)',
        'at(accuracy, 1) <= at(accuracy, 200)',
      ].join('\n'),
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.passed).toBe('true');
    const rep = report(r);
    expect(rep.counts).toEqual({ passed: 5, failed: 0, skipped: 0 });
    expect(rep.source).toMatchObject({ kind: 'azureml', details: { jobName: irisJob, jobType: 'Command', status: 'Completed' } });
    // the trainer logs loss, accuracy and f1_macro every epoch (200 epochs)
    expect(rep.metrics.accuracy.count).toBe(200);
    const metrics = JSON.parse(r.outputs.metrics);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.summary).toContain('<h3>Metric gate ✅ passed</h3>');
    expect(r.summary).toContain('<td><code>accuracy &gt;= 0.9</code></td>');
    expect(r.main.log).toMatch(/Read 3 metric histories \(600 values\)/);
    const ledger = readLedger({ RUNNER_TEMP: runnerTemp });
    expect(ledger.find((e) => e.kind === 'job' && e.jobName === irisJob)).toBeTruthy();
    expect(ledger.find((e) => e.kind === 'gate' && e.passed && e.source === `Azure ML command job ${irisJob}`)).toBeTruthy();
  });

  it('gates one pipeline step with child, or every step as <step>.<metric>', async () => {
    const one = await gate({ 'job-name': 'gate-pipe', child: 'train', rules: 'accuracy >= 0.9\nloss < 0.2' });
    expect(one.main.exitCode, one.main.log).toBe(0);
    expect(report(one).source.details.selected).toMatchObject({ name: 'train', runId: 'gate-pipe_train' });
    const all = await gate({ 'job-name': 'gate-pipe', rules: 'train.accuracy >= 0.9 and prep.rows == 150' });
    expect(all.main.exitCode, all.main.log).toBe(0);
    expect(Object.keys(JSON.parse(all.outputs.metrics)).sort()).toEqual(['prep.rows', 'train.accuracy', 'train.loss']);
  });

  it("gates a sweep's best trial, the one the sweep itself records", async () => {
    const r = await gate({ 'job-name': irisSweep, rules: 'accuracy >= 0.8' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    const selected = report(r).source.details.selected;
    // Azure records the best trial in the sweep's properties.best_child_run_id: read first (issue 12, defect 6)
    expect(selected.reason).toMatch(/^best trial as the sweep records it \(the job's properties\.best_child_run_id\)/);
    const sweep = await arm(emu, 'GET', `jobs/${irisSweep}`);
    expect(selected.runId).toBe(sweep.body.properties.properties.best_child_run_id);
  });

  it('compares with a registered model version: latest, @alias, and no baseline yet', async () => {
    const put = (version: string, tags: Record<string, string>) =>
      arm(emu, 'PUT', `models/iris-clf/versions/${version}`, { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/iris/', tags } });
    expect((await put('1', { ...modelMetricTags({ accuracy: 0.5, f1_macro: 0.5 }), [modelAliasTag('champion')]: 'true' })).status).toBeLessThan(300);
    expect((await put('2', modelMetricTags({ accuracy: 1.01, f1_macro: 1.01 }))).status).toBeLessThan(300);
    const rules = 'accuracy >= baseline.accuracy - 0.005  # no regression\nf1_macro >= baseline.f1_macro';

    const champion = await gate({ 'job-name': irisJob, rules, baseline: 'model:iris-clf:@champion' });
    expect(champion.main.exitCode, champion.main.log).toBe(0);
    expect(report(champion).baseline).toMatchObject({ found: true, description: 'model iris-clf:1 (2 metric tag(s))', metrics: { accuracy: { last: 0.5 } } });

    const latest = await gate({ 'job-name': irisJob, rules, baseline: 'model:iris-clf:latest' });
    expect(latest.main.exitCode).toBe(1);
    expect(latest.outputs.passed).toBe('false');
    expect(errors(latest).map((a) => a.properties.title)).toEqual(['no regression', 'f1_macro >= baseline.f1_macro', 'metric-gate failed']);
    expect(errors(latest)[0].message).toMatch(/^Gate rule failed: accuracy >= baseline.accuracy - 0.005 — 0\.\d+ is not >= 1.005$/);

    const first = await gate({ 'job-name': irisJob, rules, baseline: 'model:brand-new-model:latest' });
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(report(first).counts).toEqual({ passed: 0, failed: 0, skipped: 2 });
    expect(first.main.log).toContain("No baseline yet: model 'brand-new-model' has no versions yet");
    const required = await gate({ 'job-name': irisJob, rules, baseline: 'model:brand-new-model:latest', 'require-baseline': 'true' });
    expect(required.main.exitCode).toBe(1);
    expect(report(required).rules[0].reason).toBe('no baseline (require-baseline is true)');
  });
});

describe('metric-gate on other sources', () => {
  it('any MLflow server: the emulator’s plain MLflow API as a tracking URI', async () => {
    const runId = await genericRun(emu, { 'val/accuracy': [0.7, 0.8, 0.86], 'val-loss': [0.5, 0.4, 'NaN'] });
    const r = await gate({
      'mlflow-tracking-uri': emu.baseUrl,
      'run-id': runId,
      'mlflow-token': 'tok-not-needed',
      rules: 'val/accuracy > 0.85\nmax(val/accuracy) == 0.86',
    });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.main.secretsMasked).toContain('tok-not-needed');
    expect(report(r).source).toEqual({ kind: 'mlflow', description: `MLflow run ${runId} at ${emu.baseUrl}` });
    expect(JSON.parse(r.outputs.metrics)).toEqual({ 'val-loss': 'NaN', 'val/accuracy': 0.86 });

    const nan = await gate({ 'mlflow-tracking-uri': emu.baseUrl, 'run-id': runId, rules: 'val-loss < 1 # loss bar', 'fail-on-violation': 'false' });
    expect(nan.main.exitCode).toBe(0);
    expect(nan.outputs.passed).toBe('false');
    expect(nan.main.annotations.filter((a) => a.level === 'warning').map((a) => [a.properties.title, a.message])).toContainEqual([
      'loss bar',
      'Gate rule failed: val-loss < 1 — val-loss is NaN',
    ]);
    expect(errors(nan)).toEqual([]);
  });

  it('a metrics file written by a step on another cloud', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'mg-ws-'));
    mkdirSync(join(ws, 'outputs'));
    writeFileSync(join(ws, 'outputs', 'metrics.json'), '{"accuracy": [0.8, 0.91], "loss": NaN}');
    writeFileSync(join(ws, 'outputs', 'history.csv'), 'epoch,acc,val_loss\n1,0.7,0.5\n2,0.9,0.3\n');
    const ok = await gate({ 'metrics-file': 'outputs/history.csv', rules: 'acc >= 0.9\nmin(val_loss) <= 0.3' }, { workspace: ws });
    expect(ok.main.exitCode, ok.main.log).toBe(0);
    const bad = await gate({ 'metrics-file': 'outputs/metrics.json', rules: 'accuracy >= 0.9\nloss < 1 # finite loss' }, { workspace: ws });
    expect(bad.main.exitCode).toBe(1);
    expect(errors(bad)[0]).toMatchObject({ message: 'Gate rule failed: loss < 1 — loss is NaN', properties: { title: 'finite loss' } });
    expect(bad.summary).toContain('❌ failed<br><sub>loss is NaN</sub>');
  });
});

describe('metric-gate bad input', () => {
  it('an unknown metric names the closest ones', async () => {
    const r = await gate({ 'job-name': irisJob, rules: 'acuracy >= 0.9\nf1 >= 0.8' });
    expect(r.main.exitCode).toBe(1);
    const messages = errors(r).map((a) => a.message);
    expect(messages[0]).toBe("Gate rule failed: acuracy >= 0.9 — this run has no metric 'acuracy'; did you mean 'accuracy'?");
    expect(messages[1]).toBe("Gate rule failed: f1 >= 0.8 — this run has no metric 'f1'; did you mean 'f1_macro'?");
  });

  it('a rule syntax error shows the line and column', async () => {
    const r = await gate({ 'job-name': irisJob, rules: 'accuracy >= 0.9\naccuracy >= = 0.9' });
    expect(r.main.exitCode).toBe(1);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0].properties.title).toBe('metric-gate: configuration error');
    expect(errors(r)[0].message).toContain("Input 'rules', line 2, column 13: '=' is not an operator");
    expect(errors(r)[0].message).toContain('accuracy >= = 0.9\n                ^');
  });

  it('a baseline that does not exist is a configuration error', async () => {
    const version = await gate({ 'job-name': irisJob, rules: 'accuracy >= baseline.accuracy', baseline: 'model:iris-clf:7' });
    expect(version.main.exitCode).toBe(1);
    expect(errors(version)[0]).toMatchObject({
      properties: { title: 'metric-gate: configuration error' },
      message: expect.stringContaining("The baseline model 'iris-clf' has no version 7 (its latest version is 2)"),
    });
    const job = await gate({ 'job-name': irisJob, rules: 'accuracy >= baseline.accuracy', baseline: 'job:no-such-job' });
    expect(errors(job)[0].message).toContain("The baseline job 'no-such-job' was not found in workspace");
    const file = await gate({ 'job-name': irisJob, rules: 'accuracy >= baseline.accuracy', baseline: 'file:champion.json' });
    expect(errors(file)[0].message).toContain("The metrics file 'champion.json' does not exist.");
  });

  it('an unreachable tracking server, an unknown job, and two sources at once', async () => {
    const down = await gate({ 'mlflow-tracking-uri': 'http://127.0.0.1:9', 'run-id': 'abc', rules: 'a > 1' });
    expect(down.main.exitCode).toBe(1);
    expect(errors(down)[0].message).toMatch(
      /^The MLflow tracking server at http:\/\/127\.0\.0\.1:9 does not answer \(ECONNREFUSED\) while reading run 'abc'\. Check mlflow-tracking-uri/,
    );
    const job = await gate({ 'job-name': 'no-such-job', rules: 'a > 1' });
    expect(errors(job)[0].message).toContain("The job 'no-such-job' was not found in workspace");
    const two = await gate({ 'job-name': irisJob, 'metrics-file': 'm.json', rules: 'a > 1' });
    expect(errors(two)[0].message).toContain('Give only one metric source; got job-name and metrics-file.');
  });
});
