/**
 * The rest of the flow after an AutoML job, through the built bundles (dist/metric-gate,
 * dist/register-model, run by Node 24 as the runner does) against the local emulator: an AutoML
 * classification job over the azureml-examples hello-automl MLTable folders really runs there;
 * metric-gate reads its best child as Azure records it (`automl_best_child_run_id`) or the child
 * `child:` names; register-model registers its best model from the job alone or from
 * `azureml://jobs/<job>/outputs/best_model`; deploy rolls the registered version out as an MLflow
 * model the emulator's scoring server serves without a scoring script.
 *
 * Needs `node scripts/build.mjs metric-gate register-model deploy` (npm test checks dist is fresh).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot, runAction, type RunResult } from '../harness/index.js';
import { arm, waitForJob } from '../metrics/gate-emulator.js';
import { QUICK, startDeployEmulator } from './deploy-support.js';
import { uploadFolder } from '../emulator/jobs-harness.js';

const HELLO = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'jobs', 'basics', 'hello-automl');
const DS = 'azureml://datastores/workspaceblobstore/paths';

let emu: RunningEmulator;
let env: Record<string, string>;
const runnerTemp = mkdtempSync(join(tmpdir(), 'automl-runner-'));
let best: string;

function action(name: string, inputs: Record<string, string>, workspace = repoRoot): Promise<RunResult> {
  return runAction({ action: name, inputs, env, runnerTemp, workspace, timeoutMs: 90_000 });
}

const report = (r: RunResult) => JSON.parse(r.outputs.report);

beforeAll(async () => {
  emu = await startDeployEmulator();
  env = { AZUREML_EMULATOR_HOST: emu.host };
  const ds = await arm(emu, 'GET', 'datastores/workspaceblobstore');
  const service = new BlobServiceClient(emu.blob.url, new StorageSharedKeyCredential(emu.blob.accountName, emu.blob.accountKey));
  for (const folder of ['training-mltable-folder', 'validation-mltable-folder']) {
    await uploadFolder(service, join(HELLO, folder), ds.body.properties.containerName, `LocalUpload/hello-automl/${folder}`);
  }
  // The AutoMLJob body az ml sends for hello-automl-job-basic.yml (swagger 2024-10-01), with few trials.
  const put = await arm(emu, 'PUT', 'jobs/automl-flow', {
    properties: {
      jobType: 'AutoML',
      experimentName: 'dpv2-cli-automl-classifier-experiment',
      outputs: {},
      taskDetails: {
        taskType: 'Classification',
        targetColumnName: 'y',
        primaryMetric: 'Accuracy',
        trainingData: { jobInputType: 'mltable', uri: `${DS}/LocalUpload/hello-automl/training-mltable-folder/` },
        validationData: { jobInputType: 'mltable', uri: `${DS}/LocalUpload/hello-automl/validation-mltable-folder/` },
        limitSettings: { maxTrials: 3, maxConcurrentTrials: 3, timeout: 'PT10M', enableEarlyTermination: true },
        featurizationSettings: { mode: 'Auto' },
      },
    },
  });
  expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
  const job = await waitForJob(emu, 'automl-flow', 120_000);
  best = job.properties.tags.automl_best_child_run_id;
}, 180_000);

afterAll(async () => {
  await emu?.close();
});

describe('after an AutoML job (emulator)', () => {
  it('metric-gate reads the best child as the AutoML job records it', async () => {
    const r = await action('metric-gate', { 'job-name': 'automl-flow', rules: 'accuracy >= 0.5\nAUC_weighted > 0.5' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    const source = report(r).source;
    expect(source.details).toMatchObject({ jobType: 'AutoML', objective: { primaryMetric: 'accuracy', goal: 'maximize' } });
    expect(source.details.selected).toMatchObject({
      runId: best,
      reason: "best child run as the AutoML job records it (the AutoML run's MLflow tag automl_best_child_run_id)",
    });
  });

  it('metric-gate reads another child by name or by iteration', async () => {
    const other = best === 'automl-flow_0' ? '1' : '0';
    const byIndex = await action('metric-gate', { 'job-name': 'automl-flow', child: other, rules: 'accuracy >= 0' });
    expect(byIndex.main.exitCode, byIndex.main.log).toBe(0);
    expect(report(byIndex).source.details.selected).toMatchObject({ runId: `automl-flow_${other}`, reason: `child: ${other}` });
    const missing = await action('metric-gate', { 'job-name': 'automl-flow', child: 'automl-flow_9', rules: 'accuracy >= 0' });
    expect(missing.main.exitCode).not.toBe(0);
    expect(missing.main.log).toMatch(/has no child run named 'automl-flow_9'/);
  });

  it('register-model registers the best model from the job alone, and from outputs/best_model', async () => {
    const r = await action('register-model', { name: 'bank-automl', 'job-name': 'automl-flow', type: 'mlflow_model' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.main.log).toContain(`Job automl-flow is an AutoML job: registering its best model (output best_model, best child ${best})`);
    expect(r.outputs['model-version']).toBe('1');
    const v = await arm(emu, 'GET', 'models/bank-automl/versions/1');
    expect(v.body.properties.modelType).toBe('mlflow_model');
    expect(v.body.properties.modelUri).toBe(`azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${best}/outputs/mlflow-model/`);
    const again = await action('register-model', { name: 'bank-automl', path: 'azureml://jobs/automl-flow/outputs/best_model', type: 'mlflow_model' });
    expect(again.main.exitCode, again.main.log).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '1', created: 'false' });
  });

  it('deploy rolls the registered best model out: the scoring server serves it through its python_function loader', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'automl-ws-'));
    mkdirSync(join(ws, 'deploy'));
    writeFileSync(join(ws, 'deploy', 'endpoint.yml'), 'name: automl-endpoint\nauth_mode: key\n');
    writeFileSync(
      join(ws, 'deploy', 'blue.yml'),
      ['name: blue', 'endpoint_name: automl-endpoint', 'model: azureml:bank-automl:1', 'instance_type: Standard_DS3_v2', 'instance_count: 1', ''].join('\n'),
    );
    const csv = readFileSync(join(HELLO, 'validation-mltable-folder', 'bank_marketing_validation_data.csv'), 'utf8')
      .trim()
      .split('\n');
    const columns = csv[0].split(',').filter((c) => c !== 'y');
    const data = csv.slice(1, 4).map((line) =>
      line
        .split(',')
        .slice(0, columns.length)
        .map((v) => (Number.isFinite(Number(v)) ? Number(v) : v)),
    );
    writeFileSync(join(ws, 'deploy', 'request.json'), JSON.stringify({ input_data: { columns, index: [0, 1, 2], data } }));
    const r = await action(
      'deploy',
      { ...QUICK, endpoint: 'deploy/endpoint.yml', 'deployment-file': 'deploy/blue.yml', 'smoke-request': 'deploy/request.json' },
      ws,
    );
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    const keys = await arm(emu, 'POST', 'onlineEndpoints/automl-endpoint/listKeys');
    const res = await fetch(r.outputs['scoring-uri'], {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.body.primaryKey}`, 'content-type': 'application/json' },
      body: readFileSync(join(ws, 'deploy', 'request.json')),
    });
    expect(res.status).toBe(200);
    const predictions = (await res.json()) as string[];
    expect(predictions).toHaveLength(3);
    for (const p of predictions) expect(['yes', 'no']).toContain(p);
  }, 120_000);
});
